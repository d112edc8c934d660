import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTenantFile } from '../../../server/tenants/tenant-file';

/** The complete tenant file in the README (#16) is a file the import accepts, not a sketch. */
describe('the README tenant file with hours, options, zones and handoff', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const block = /<!-- tenant-file-full -->\s*```json\n([\s\S]*?)\n```/.exec(readme)?.[1];

  it('is valid once the placeholder token is replaced with a real one', () => {
    expect(block).toBeDefined();
    const file = JSON.parse(block!);
    expect(parseTenantFile(file).success).toBe(false); // the placeholder token is refused
    const parsed = parseTenantFile({ ...file, whatsapp: { ...file.whatsapp, accessToken: 'EAAGrealLookingAccessToken1234' } });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(parsed.data).toMatchObject({
      horario: { festivos: true, corteMinutos: 15, pedidosProgramados: true },
      domicilios: { recoger: true, zonas: [{ nombre: 'Chapinero' }, { nombre: 'Cerca' }] },
      atencion: { minutosInactividad: 30 },
    });
    expect(parsed.data?.menu[0]?.opciones?.map((g) => g.nombre)).toEqual(['Término', 'Adiciones']);
  });
});
