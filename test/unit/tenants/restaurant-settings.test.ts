import type { THorarioRecord, TDomiciliosRecord } from '../../../server/db/restaurant-records';
import { restaurantSettingsSchemas } from '../../../server/tenants/restaurant-settings';
import { describeTenantFileErrors, parseTenantFile } from '../../../server/tenants/tenant-file';
import { describeIssues, validationErrorMap } from '../../../server/validation-messages';

const base = {
  id: 'la-hamburgueseria',
  restaurant: { name: 'La Hamburguesería' },
  whatsapp: { phoneNumberId: '100200300', accessToken: 'token-for-tests-1' },
  menu: [{ numero: '2', nombre: 'Limonada', precio: 6000 }],
};

// The fields of issue #16, as written there.
const issueExample = {
  horario: {
    zona: 'America/Bogota',
    festivos: true,
    corteMinutos: 15,
    dias: { lun: [['11:00', '15:00'], ['18:00', '23:30']], sab: [['12:00', '02:00']] },
    excepciones: [{ fecha: '2026-12-24', rangos: [['11:00', '16:00']] }],
  },
  menu: [
    {
      numero: '1',
      nombre: 'Hamburguesa',
      precio: 15000,
      alias: ['burger'],
      opciones: [
        { nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Bien asado', precio: 0 }] },
        { nombre: 'Adiciones', min: 0, max: 3, valores: [{ nombre: 'Queso', precio: 2000 }, { nombre: 'Tocineta', precio: 3000 }] },
      ],
    },
  ],
  domicilios: {
    ubicacion: { latitud: 4.6486, longitud: -74.0628 },
    recoger: true,
    zonas: [
      { nombre: 'Chapinero', barrios: ['Chapinero', 'Chapinero Alto'], tarifa: 5000, minimo: 20000, gratisDesde: 80000 },
      { nombre: 'Cerca', radioKm: 3, tarifa: 4000, minimo: 15000 },
    ],
  },
};

const errorsOf = (file: unknown) => {
  const parsed = parseTenantFile(file);
  if (parsed.success) throw new Error('expected the file to be refused');
  return describeTenantFileErrors(parsed.error);
};

describe('tenant file: restaurant settings (#16)', () => {
  it('accepts the example of the issue, with defaults filled in', () => {
    const parsed = parseTenantFile({ ...base, ...issueExample });
    if (!parsed.success) throw new Error(describeTenantFileErrors(parsed.error).join('\n'));
    const file = parsed.data;
    expect(file.horario).toEqual({ ...issueExample.horario, pedidosProgramados: false });
    expect(file.menu[0]).toMatchObject({ alias: ['burger'], disponible: true, opciones: issueExample.menu[0]!.opciones });
    expect(file.domicilios).toEqual(issueExample.domicilios);
    expect(file.atencion).toBeUndefined();
    // What the file gives is what the pure modules take.
    const horario: THorarioRecord = file.horario!;
    const domicilios: TDomiciliosRecord = file.domicilios!;
    expect([horario.zona, domicilios.recoger]).toEqual(['America/Bogota', true]);
  });

  it('keeps a tenant file written before #16 valid', () => {
    const parsed = parseTenantFile(base);
    expect(parsed.success).toBe(true);
    expect(parsed.data).not.toHaveProperty('horario');
  });

  it('accepts the optional settings: scheduled orders, handoff idle time, closed exception days', () => {
    const parsed = parseTenantFile({
      ...base,
      horario: { pedidosProgramados: true, dias: { dom: [['00:00', '24:00']] }, excepciones: [{ fecha: '2026-12-25', rangos: [], motivo: 'Navidad' }] },
      atencion: { minutosInactividad: 45 },
      domicilios: { recoger: true },
    });
    expect(parsed.success && parsed.data).toMatchObject({
      horario: { pedidosProgramados: true, festivos: false, corteMinutos: 0 },
      atencion: { minutosInactividad: 45 },
      domicilios: { recoger: true, zonas: [] },
    });
  });

  it('explains bad opening hours', () => {
    const lines = errorsOf({
      ...base,
      horario: {
        zona: 'America/Bogotá',
        corteMinutos: -5,
        dias: { lun: [['11:00', '25:00']], martes: [['11:00', '15:00']], sab: [['12:00', '12:00']], dom: [['24:00', '02:00'], ['9:00', '12:00']] },
        excepciones: [{ fecha: '2026-02-30', rangos: [] }, { fecha: '24/12/2026', rangos: [] }, { fecha: '2026-12-24', rangos: [] }, { fecha: '2026-12-24', rangos: [['11:00', '16:00']] }],
      },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'horario.zona: must be a time zone such as "America/Bogota"',
        'horario.corteMinutos: must be at least 0',
        'horario.dias (lun item 1, [2]): must be a time "HH:MM" from "00:00" to "23:59" (or "24:00" as a closing time)',
        'horario.dias: unknown field "martes"; check the spelling or remove it',
        'horario.dias (sab item 1): opening and closing are the same time; for a whole day write ["00:00", "24:00"]',
        'horario.dias (dom item 1, [1]): "24:00" can only close a range',
        'horario.dias (dom item 2, [1]): must be a time "HH:MM" from "00:00" to "23:59" (or "24:00" as a closing time)',
        'horario (excepciones item 1, fecha): is not a date of the calendar',
        'horario (excepciones item 2, fecha): must be a date "YYYY-MM-DD"',
        'horario (excepciones item 4, fecha): "2026-12-24" has two exceptions',
      ]),
    );
  });

  it('explains bad option groups and aliases', () => {
    const lines = errorsOf({
      ...base,
      menu: [
        {
          numero: '1',
          nombre: 'Hamburguesa',
          precio: 15000,
          alias: ['burger', 'Burger'],
          opciones: [
            { nombre: 'Término', min: 2, max: 1, valores: [{ nombre: 'Medio' }] },
            { nombre: 'Adiciones', max: 1, valores: [{ nombre: 'Queso', precio: 1999.5 }, { nombre: 'Tocineta', precio: -1 }] },
            { nombre: 'Vacío', max: 1, valores: [] },
          ],
        },
      ],
    });
    expect(lines).toEqual([
      'menu item 1 (alias item 2): "Burger" is listed twice',
      'menu item 1 (opciones item 1, min): min (2) is more than max (1)',
      'menu item 1 (opciones item 1, min): min (2) asks for more choices than the 1 values of the group',
      'menu item 1 (opciones item 2, valores item 1, precio): must be whole pesos (no decimals)',
      'menu item 1 (opciones item 2, valores item 2, precio): must be at least 0',
      'menu item 1 (opciones item 3, valores): needs at least 1 item',
    ]);
  });

  it('refuses names used twice, once the fields themselves are right', () => {
    const opciones = [
      { nombre: 'Término', max: 1, valores: [{ nombre: 'Medio' }, { nombre: 'medio ' }] },
      { nombre: 'termino', max: 1, valores: [{ nombre: 'Bien asado' }] },
    ];
    expect(errorsOf({ ...base, menu: [{ numero: '1', nombre: 'Hamburguesa', precio: 15000, opciones }] })).toEqual([
      'menu item 1 (opciones item 1, valores item 2, nombre): "medio" is listed twice in this group',
      'menu item 1 (opciones item 2, nombre): "termino" is used by two option groups of this item',
    ]);
  });

  it('explains bad delivery zones', () => {
    const lines = errorsOf({
      ...base,
      domicilios: {
        zonas: [
          { nombre: 'Norte', tarifa: 5000 },
          { nombre: 'Lejos', radioKm: 3, tarifa: 4000.5 },
          { nombre: 'Centro', barrios: ['Chapinero', 'La Candelaria'], tarifa: 3000, minimo: 20000, gratisDesde: 10000 },
        ],
      },
    });
    expect(lines).toEqual([
      'domicilios (zonas item 1): give "barrios" (neighbourhood names), "radioKm" (distance from the restaurant) or both',
      'domicilios (zonas item 2, tarifa): must be whole pesos (no decimals)',
      'domicilios (zonas item 3, gratisDesde): gratisDesde is below minimo; free delivery would apply to every order',
    ]);
    // Checks across zones run once every zone is readable.
    expect(
      errorsOf({
        ...base,
        domicilios: {
          zonas: [
            { nombre: 'Norte', radioKm: 3, tarifa: 4000 },
            { nombre: 'norte', barrios: ['Chapinero', 'La Candelaria'], tarifa: 3000 },
            { nombre: 'Sur', barrios: ['chapinero', 'Kennedy', 'kennedy'], tarifa: 3000 },
          ],
        },
      }),
    ).toEqual([
      'domicilios (zonas item 1, radioKm): a zone with "radioKm" needs domicilios.ubicacion (the restaurant\'s latitude and longitude)',
      'domicilios (zonas item 2, nombre): "norte" is used by two zones',
      'domicilios (zonas item 3, barrios item 1): barrio "chapinero" is also in zone "norte"; a barrio belongs to one zone',
      'domicilios (zonas item 3, barrios item 3): "kennedy" is listed twice in this zone',
    ]);
    expect(errorsOf({ ...base, domicilios: { zonas: [] } })).toEqual(['domicilios.zonas: with no zones, set "recoger": true (pickup only), or add a zone']);
    expect(errorsOf({ ...base, atencion: { minutosInactividad: 2 } })).toEqual(['atencion.minutosInactividad: must be at least 5']);
  });

  it('speaks Spanish for the owners\' page', () => {
    const { ZHorarioSchema } = restaurantSettingsSchemas('es');
    const parsed = ZHorarioSchema.safeParse({ dias: { lun: [['11:00', '11:00']] } }, { error: validationErrorMap('es') });
    expect(parsed.success).toBe(false);
    expect(describeIssues(parsed.error!, 'es')).toEqual(['dias (lun, elemento 1): la apertura y el cierre son la misma hora; para todo el día escribe ["00:00", "24:00"]']);
  });
});
