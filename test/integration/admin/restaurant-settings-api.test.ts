import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { startHarness, type Harness } from '../../helpers/harness';

const T = 'rs-a';
const OPTIONS = [
  { nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Bien asado', precio: 0 }] },
  { nombre: 'Adiciones', min: 0, max: 3, valores: [{ nombre: 'Queso', precio: 2000 }] },
];

/**
 * The owners' API for the restaurant settings of #16 over real sockets: embedded RTDB, Auth
 * emulator tokens, and the bot reading the change on the next message through the webhook.
 */
describe('owners: /api/admin restaurant settings (#16)', () => {
  let h: Harness;
  let users: TestUsers;
  let pn: string;
  const token = { owner: '', staff: '', otherOwner: '' };

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    h = await startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost } });
    pn = (await h.seedTenant({ id: T })).whatsapp.phoneNumberId;
    await h.seedTenant({ id: 'rs-b' });
    users = await testUsers(authHost);
    token.owner = (await users.create('owner@rs-a.test', { tenantId: T, role: 'owner' })).idToken;
    token.staff = (await users.create('cocina@rs-a.test', { tenantId: T, role: 'staff' })).idToken;
    token.otherOwner = (await users.create('owner@rs-b.test', { tenantId: 'rs-b', role: 'owner' })).idToken;
  }, 150_000);
  afterAll(async () => {
    await users?.close();
    await h?.close();
  });

  const as = (who: keyof typeof token) => ({
    get: (path: string) => h.http.get(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`),
    put: (path: string, body: unknown) => h.http.put(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`).send(body as object),
  });
  const messagesOf = (res: { body: { error?: { issues?: Array<{ path: string; message: string }> } } }) => res.body.error?.issues ?? [];

  it('saves opening hours, and the bot says it is closed on the next message', async () => {
    expect((await as('owner').get(`/tenants/${T}/horario`)).body).toEqual({ horario: null, zonaPorDefecto: 'America/Bogota' });
    const waId = '573140000001';
    expect((await h.say(pn, waId, 'hola')).join('\n')).not.toContain('cerrados');
    // No weekday has hours: closed every day.
    const saved = await as('owner').put(`/tenants/${T}/horario`, { horario: { zona: 'America/Bogota', festivos: true, corteMinutos: 15, dias: {}, excepciones: [{ fecha: '2026-12-24', rangos: [] }] } });
    expect(saved.status).toBe(200);
    expect(saved.body.horario).toMatchObject({ zona: 'America/Bogota', festivos: true, corteMinutos: 15, excepciones: [{ fecha: '2026-12-24', rangos: [] }] });
    expect((await h.say(pn, '573140000002', 'hola')).join('\n')).toContain('En este momento estamos cerrados');
    // Back to always open.
    expect((await as('owner').put(`/tenants/${T}/horario`, { horario: null })).body).toEqual({ horario: null, zonaPorDefecto: 'America/Bogota' });
    expect((await h.say(pn, '573140000003', 'hola')).join('\n')).not.toContain('cerrados');
  });

  it('refuses bad hours with the problem in Spanish at its field, and writes nothing', async () => {
    const res = await as('owner').put(`/tenants/${T}/horario`, { horario: { zona: 'Marte/Base', dias: { lun: [['25:00', '15:00']], sab: [['12:00', '12:00']] }, excepciones: [{ fecha: '2026-02-30', rangos: [] }] } });
    expect(res.status).toBe(400);
    expect(messagesOf(res)).toEqual(
      expect.arrayContaining([
        { path: 'horario.zona', message: 'debe ser una zona horaria como "America/Bogota"' },
        { path: 'horario.dias.lun.0.0', message: 'debe ser una hora "HH:MM" de "00:00" a "23:59" (o "24:00" como hora de cierre)' },
        { path: 'horario.dias.sab.0', message: expect.stringContaining('la apertura y el cierre son la misma hora') },
        { path: 'horario.excepciones.0.fecha', message: 'no es una fecha del calendario' },
      ]),
    );
    expect(await h.read(`tenants/${T}/horario`)).toBeNull();
  });

  it('saves delivery zones and refuses ones that cannot work, in words', async () => {
    const bad = await as('owner').put(`/tenants/${T}/domicilios`, { domicilios: { recoger: false, zonas: [{ nombre: 'Cerca', radioKm: 3, tarifa: 4000.5 }, { nombre: 'Sin área', tarifa: 1000 }] } });
    expect(bad.status).toBe(400);
    expect(messagesOf(bad)).toEqual(
      expect.arrayContaining([
        { path: 'domicilios.zonas.0.tarifa', message: 'en pesos enteros, sin decimales' },
        { path: 'domicilios.zonas.1', message: expect.stringContaining('indica "barrios"') },
      ]),
    );
    const noPin = await as('owner').put(`/tenants/${T}/domicilios`, { domicilios: { zonas: [{ nombre: 'Cerca', radioKm: 3, tarifa: 4000 }] } });
    expect(messagesOf(noPin)).toEqual([{ path: 'domicilios.zonas.0.radioKm', message: expect.stringContaining('necesita domicilios.ubicacion') }]);
    expect(await h.read(`tenants/${T}/domicilios`)).toBeNull();
    const domicilios = { ubicacion: { latitud: 4.6486, longitud: -74.0628 }, recoger: true, zonas: [{ nombre: 'Chapinero', barrios: ['Chapinero'], tarifa: 5000, minimo: 20000, gratisDesde: 80000 }, { nombre: 'Cerca', radioKm: 3, tarifa: 4000 }] };
    const ok = await as('owner').put(`/tenants/${T}/domicilios`, { domicilios });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ domicilios });
    expect((await as('owner').get(`/tenants/${T}/domicilios`)).body).toEqual({ domicilios });
  });

  it('saves the handoff idle time within its bounds', async () => {
    expect((await as('owner').get(`/tenants/${T}/atencion`)).body).toEqual({ atencion: { minutosInactividad: 30 } });
    const bad = await as('owner').put(`/tenants/${T}/atencion`, { atencion: { minutosInactividad: 2 } });
    expect(bad.status).toBe(400);
    expect(messagesOf(bad)[0]).toMatchObject({ path: 'atencion.minutosInactividad', message: expect.stringMatching(/5/) });
    expect((await as('owner').put(`/tenants/${T}/atencion`, { atencion: { minutosInactividad: 45 } })).body).toEqual({ atencion: { minutosInactividad: 45 } });
  });

  it("changes only an item's options, and saving the menu keeps options and the sold-out time", async () => {
    const before = await h.read<Record<string, unknown>>(`tenants/${T}/menu/item-1`);
    const bad = await as('owner').put(`/tenants/${T}/menu/item-1/opciones`, { opciones: [{ nombre: 'Término', min: 2, max: 1, valores: [{ nombre: 'Medio', precio: 0 }] }] });
    expect(bad.status).toBe(400);
    expect(messagesOf(bad)).toEqual(expect.arrayContaining([{ path: 'opciones.0.min', message: 'el mínimo (2) es mayor que el máximo (1)' }]));
    const saved = await as('owner').put(`/tenants/${T}/menu/item-1/opciones`, { opciones: OPTIONS });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ itemId: 'item-1', opciones: OPTIONS });
    expect(await h.read(`tenants/${T}/menu/item-1`)).toEqual({ ...before, opciones: OPTIONS });
    expect((await as('owner').put(`/tenants/${T}/menu/item-nope/opciones`, { opciones: OPTIONS })).status).toBe(404);
    expect(await h.read(`tenants/${T}/menu/item-nope`)).toBeNull();

    // Sold out until a time, then the whole menu saved from the menu form: both survive.
    await h.db.ref(`tenants/${T}/menu/item-1`).update({ disponible: false, agotadoHasta: 4_102_444_800_000 });
    // What the menu form sends: only the fields it edits.
    const menu = (await as('owner').get(`/tenants/${T}/menu`)).body.items.map(({ numero, nombre, precio, categoria, disponible }: Record<string, unknown>) => ({ numero, nombre, precio, disponible, ...(categoria ? { categoria } : {}) }));
    menu[0].precio = 16000;
    const put = await as('owner').put(`/tenants/${T}/menu`, { items: menu });
    expect(put.status).toBe(200);
    expect(await h.read(`tenants/${T}/menu/item-1`)).toMatchObject({ precio: 16000, disponible: false, agotadoHasta: 4_102_444_800_000, opciones: OPTIONS });
    // Back on sale: the bot asks the required option on the next message.
    await h.db.ref(`tenants/${T}/menu/item-1`).update({ disponible: true, agotadoHasta: null });
    expect((await h.say(pn, '573140000010', '1 hamburguesa')).join('\n')).toContain('Término');
  });

  it('is for the owner only: staff get 403, another restaurant 403, nothing written', async () => {
    for (const path of ['horario', 'domicilios', 'atencion', 'menu/item-1/opciones']) {
      const staff = await as('staff').put(`/tenants/${T}/${path}`, {});
      expect(staff.status).toBe(403);
      expect(staff.body.error.message).toEqual(expect.any(String));
      expect((await as('staff').get(`/tenants/${T}/${path}`)).status).toBe(403);
      expect((await as('otherOwner').get(`/tenants/${T}/${path}`)).status).toBe(403);
    }
    expect((await h.http.get(`/api/admin/tenants/${T}/horario`)).status).toBe(401);
    expect((await h.read<{ minutosInactividad: number }>(`tenants/${T}/atencion`))?.minutosInactividad).toBe(45);
  });
});
