import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ZDomiciliosRecordSchema, ZHorarioRecordSchema } from '../../../server/db/restaurant-records';
import { ZMenuItemRecordSchema } from '../../../server/db/records';
import { importTenant, TenantImportError } from '../../../server/tenants/import-tenant';
import { describeTenantFileErrors, parseTenantFile } from '../../../server/tenants/tenant-file';
import { startHarness, tenantFile, type Harness } from '../../helpers/harness';

const run = promisify(execFile);

describe('importing a tenant file', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('writes settings, routing and encrypted secrets; importing again updates without duplicating', async () => {
    const file = tenantFile({
      id: 'imp1',
      whatsapp: { phoneNumberId: '5550001', displayPhoneNumber: '573001112233', accessToken: 'EAAG-secret-token' },
      payments: { enabled: true, efectivo: true, wompi: { enabled: true, environment: 'sandbox', publicKey: 'pub_test_a', privateKey: 'prv_test_a', integritySecret: 'test_integrity_a', eventsSecret: 'test_events_a' } },
    });
    expect(await importTenant(h.db, file, h.secretsKey)).toEqual({ created: true });
    expect(await h.read('phoneNumbers/5550001')).toBe('imp1');
    expect(await h.read('tenants/imp1/payments')).toEqual({ enabled: true, efectivo: true, wompi: { enabled: true, environment: 'sandbox' } });
    const secrets = JSON.stringify(await h.read('secrets/imp1'));
    expect(secrets).not.toContain('prv_test_a');
    expect(secrets).not.toContain('EAAG-secret-token');
    expect(Object.keys((await h.read<object>('tenants/imp1/menu')) ?? {})).toHaveLength(file.menu.length);

    const changed = { ...file, whatsapp: { ...file.whatsapp, phoneNumberId: '5550002' }, menu: file.menu.slice(0, 2), payments: { enabled: false, efectivo: false } };
    expect(await importTenant(h.db, changed, h.secretsKey)).toEqual({ created: false });
    expect(await h.read('phoneNumbers/5550001')).toBeNull();
    expect(await h.read('phoneNumbers/5550002')).toBe('imp1');
    expect(Object.keys((await h.read<object>('tenants/imp1/menu')) ?? {})).toHaveLength(2);
    expect(await h.read('secrets/imp1/wompi')).toBeNull();
  });

  it('stores the restaurant settings of #16, read back by their record schemas, and removes them when the file drops them', async () => {
    const parsed = parseTenantFile({
      ...tenantFile({ id: 'imp-hours', whatsapp: { phoneNumberId: '5550020', accessToken: 't' } }),
      restaurant: { name: 'Horas', timezone: 'America/Bogota' },
      menu: [
        {
          numero: '1', nombre: 'Hamburguesa', precio: 15000, alias: ['burger'],
          opciones: [{ nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Bien asado', precio: 0 }] }],
        },
      ],
      horario: { festivos: true, corteMinutos: 15, dias: { sab: [['12:00', '02:00']] }, excepciones: [{ fecha: '2026-12-31', rangos: [] }] },
      domicilios: { ubicacion: { latitud: 4.6486, longitud: -74.0628 }, recoger: true, zonas: [{ nombre: 'Cerca', radioKm: 3, tarifa: 4000 }] },
      atencion: { minutosInactividad: 20 },
    });
    if (!parsed.success) throw new Error(describeTenantFileErrors(parsed.error).join('\n'));
    await importTenant(h.db, parsed.data, h.secretsKey);
    // RTDB drops the empty list of a closed exception day; the record schema reads it back as closed.
    expect(ZHorarioRecordSchema.parse(await h.read('tenants/imp-hours/horario'))).toEqual({
      zona: 'America/Bogota', festivos: true, corteMinutos: 15, pedidosProgramados: false,
      dias: { sab: [['12:00', '02:00']] }, excepciones: [{ fecha: '2026-12-31', rangos: [] }],
    });
    expect(ZDomiciliosRecordSchema.parse(await h.read('tenants/imp-hours/domicilios'))).toEqual(parsed.data.domicilios);
    expect(await h.read('tenants/imp-hours/atencion')).toEqual({ minutosInactividad: 20 });
    expect(ZMenuItemRecordSchema.parse(await h.read('tenants/imp-hours/menu/item-1'))).toMatchObject({ alias: ['burger'], opciones: parsed.data.menu[0]!.opciones });

    const { horario: _h, domicilios: _d, atencion: _a, ...without } = parsed.data;
    await importTenant(h.db, without, h.secretsKey);
    for (const part of ['horario', 'domicilios', 'atencion']) expect(await h.read(`tenants/imp-hours/${part}`)).toBeNull();
  });

  it("refuses a phone number id that belongs to another restaurant", async () => {
    await importTenant(h.db, tenantFile({ id: 'imp2', whatsapp: { phoneNumberId: '5550003', accessToken: 't' } }), h.secretsKey);
    await expect(importTenant(h.db, tenantFile({ id: 'imp3', whatsapp: { phoneNumberId: '5550003', accessToken: 't' } }), h.secretsKey)).rejects.toThrow(TenantImportError);
  });

  it('explains every invalid field in words', () => {
    const parsed = parseTenantFile({
      id: 'bad_id',
      restaurant: { name: '' },
      whatsapp: { phoneNumberId: 'abc', accessToken: '' },
      menu: [{ numero: '1', nombre: 'Hamburguesa', precio: 15000.5 }, { numero: '1', nombre: 'Otra', precio: 1000 }],
      payments: { enabled: true, wompi: { enabled: true, environment: 'production', publicKey: 'pub_test_x', privateKey: 'prv_test_x', integritySecret: 'a', eventsSecret: 'b' } },
    });
    expect(parsed.success).toBe(false);
    const text = describeTenantFileErrors(parsed.error!).join('\n');
    for (const path of ['id:', 'restaurant.name:', 'whatsapp.phoneNumberId:', 'whatsapp.accessToken:', 'menu item 1 (precio):', 'payments.wompi.publicKey:']) expect(text).toContain(path);
  });

  it('says what is wrong in words: the item, the field, what was expected and what kind of value came', () => {
    const parsed = parseTenantFile({ ...tenantFile({ id: 'words' }), menu: [{ numero: true, nombre: 'Hamburguesa', precio: '15000', color: 'rojo' }] });
    const lines = describeTenantFileErrors(parsed.error!);
    expect(lines).toEqual(
      expect.arrayContaining([
        'menu item 1 (numero): expected text or a number, got true/false',
        'menu item 1 (precio): expected a number, got text',
        'menu item 1: unknown field "color"; check the spelling or remove it',
      ]),
    );
    expect(lines.join('\n')).not.toMatch(/Invalid input|15000|rojo/);
  });

  it('refuses the sample values of the documentation instead of sending them to Meta or a gateway', () => {
    const parsed = parseTenantFile({
      ...tenantFile({ id: 'samples' }),
      whatsapp: { phoneNumberId: '5550009', accessToken: 'EAAG...' },
      payments: {
        enabled: true,
        wompi: { enabled: true, environment: 'sandbox', publicKey: 'pub_test_…', privateKey: 'prv_test_…', integritySecret: 'test_integrity_…', eventsSecret: 'test_events_…' },
        bold: { enabled: true, environment: 'sandbox', apiKey: '<llave de identidad>', secretKey: '<llave secreta>' },
      },
    });
    expect(parsed.success).toBe(false);
    const text = describeTenantFileErrors(parsed.error!).join('\n');
    for (const path of ['whatsapp.accessToken', 'payments.wompi.publicKey', 'payments.wompi.eventsSecret', 'payments.bold.apiKey', 'payments.bold.secretKey']) {
      expect(text).toMatch(new RegExp(`${path.replace(/\./g, '\\.')}: .*put the real value`));
    }
  });

  it('refuses two menu items with the same number', () => {
    const parsed = parseTenantFile({ ...tenantFile({ id: 'dup' }), menu: [{ numero: '1', nombre: 'A', precio: 1000 }, { numero: '1', nombre: 'B', precio: 2000 }] });
    expect(parsed.success).toBe(false);
    expect(describeTenantFileErrors(parsed.error!).join('\n')).toContain('menu item 2 (numero): "1" is used by two items');
  });

  it('npm run tenant -- import rejects an invalid file with the reasons and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'x', menu: [] }));
    const result = await run(process.execPath, ['--import', 'tsx', 'server/cli/tenant.ts', 'import', file], { env: { PATH: process.env.PATH, DATA_DIR: dir } }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/not a valid tenant file[\s\S]*restaurant[\s\S]*menu/);
  });

  it('npm run tenant -- import refuses a file with placeholders, before touching the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-'));
    const file = join(dir, 'samples.json');
    writeFileSync(file, JSON.stringify({ ...tenantFile({ id: 'samples-cli' }), whatsapp: { phoneNumberId: '5550010', accessToken: 'EAAG…' } }));
    const result = await run(process.execPath, ['--import', 'tsx', 'server/cli/tenant.ts', 'import', file], { env: { PATH: process.env.PATH, DATA_DIR: dir } }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/whatsapp\.accessToken: contains "…".*put the real value/);
  });
});
