import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { startHarness, type Harness } from '../../helpers/harness';

const TOKEN = 'EAAG-restaurant-admin-token-0001';

/**
 * The restaurant from the owners' page (#17): create a new one (it joins the creator's claims),
 * edit name and WhatsApp number, send a test message, and the rule that an owner reaches only
 * the restaurants in their claims. Real Auth emulator tokens, embedded RTDB, Graph test server.
 */
describe('owners create and edit restaurants: /api/admin/tenants', () => {
  let h: Harness;
  let users: TestUsers;
  let owner: { uid: string; idToken: string; password: string };
  let other: { uid: string; idToken: string; password: string };
  let staff: { idToken: string };

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    h = await startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost } });
    await h.seedTenant({ id: 'ra-home' });
    await h.seedTenant({ id: 'ra-other' });
    users = await testUsers(authHost);
    owner = await users.create('owner@ra-home.test', { tenantId: 'ra-home', role: 'owner' });
    other = await users.create('owner@ra-other.test', { tenantId: 'ra-other', role: 'owner' });
    staff = await users.create('cocina@ra-home.test', { tenantId: 'ra-home', role: 'staff' });
  }, 150_000);
  afterAll(async () => {
    await users?.close();
    await h?.close();
  });

  const call = (token: string) => ({
    get: (path: string) => h.http.get(`/api/admin${path}`).set('authorization', `Bearer ${token}`),
    put: (path: string, body: object) => h.http.put(`/api/admin${path}`).set('authorization', `Bearer ${token}`).send(body),
    post: (path: string, body: object) => h.http.post(`/api/admin${path}`).set('authorization', `Bearer ${token}`).send(body),
  });
  const newTenant = (id: string, phoneNumberId: string) => ({
    id,
    nombre: `Restaurante ${id}`,
    phoneNumberId,
    displayPhoneNumber: '57 300 555 0101',
    accessToken: TOKEN,
    items: [{ numero: '1', nombre: 'Arepa de huevo', precio: 6000, categoria: 'Fritos costeños y de la casa', disponible: true }],
  });

  it('creates a restaurant, adds it to the creator\'s claims only, and serves its menu on its number', async () => {
    const created = await call(owner.idToken).post('/tenants', newTenant('ra-new', '990000000101'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: 'ra-new', nombre: 'Restaurante ra-new', phoneNumberId: '990000000101', displayPhoneNumber: '573005550101', accessToken: '••••0001' });
    expect(JSON.stringify(created.body)).not.toContain(TOKEN);

    // The old token does not carry the new claim yet; a fresh one does.
    expect((await call(owner.idToken).get('/tenants/ra-new/menu')).status).toBe(403);
    const fresh = (await users.signIn('owner@ra-home.test', owner.password)).idToken;
    const me = await call(fresh).get('/me');
    expect(me.body.tenantIds).toEqual(['ra-home', 'ra-new']);
    expect((await call(fresh).get('/tenants/ra-new/menu')).body.items.map((i: { nombre: string }) => i.nombre)).toEqual(['Arepa de huevo']);
    expect((await call(fresh).get('/tenants/ra-home/menu')).status).toBe(200);

    // Nobody else reaches it: another owner, and the creator's kitchen staff for settings.
    expect((await call(other.idToken).get('/tenants/ra-new/restaurant')).status).toBe(403);
    expect((await call(staff.idToken).get('/tenants/ra-new/restaurant')).status).toBe(403);

    // A customer writing to its number gets its menu.
    h.graph.allowToken('990000000101', TOKEN);
    const replies = await h.say('990000000101', '573110009901', 'menu', 1);
    expect(replies.join('\n')).toContain('Arepa de huevo');
  });

  it('refuses an id or a number already taken, next to the field, and leaves nothing behind', async () => {
    const takenId = await call(other.idToken).post('/tenants', newTenant('ra-home', '990000000102'));
    expect(takenId.status).toBe(400);
    expect(takenId.body.error.issues).toEqual([{ path: 'id', message: expect.stringContaining('ya existe') }]);
    expect(await h.read('phoneNumbers/990000000102')).toBeNull();

    const seededNumber = (await h.read<{ phoneNumberId: string }>('tenants/ra-home/whatsapp'))!.phoneNumberId;
    const takenNumber = await call(other.idToken).post('/tenants', newTenant('ra-steal', seededNumber));
    expect(takenNumber.status).toBe(400);
    expect(takenNumber.body.error.issues[0].path).toBe('phoneNumberId');
    expect(await h.read('tenants/ra-steal')).toBeNull();
    expect(await h.read('phoneNumbers/' + seededNumber)).toBe('ra-home');
  });

  it('says what is wrong in words, field by field', async () => {
    const res = await call(owner.idToken).post('/tenants', { ...newTenant('Con espacios', 'abc'), accessToken: 'corto', items: [{ numero: '1', nombre: '', precio: 1.5 }] });
    expect(res.status).toBe(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'phoneNumberId', 'accessToken', 'items.0.nombre', 'items.0.precio']));
    expect(res.body.error.issues.find((i: { path: string }) => i.path === 'items.0.precio').message).toContain('pesos enteros');
  });

  it('lets kitchen staff create nothing', async () => {
    expect((await call(staff.idToken).post('/tenants', newTenant('ra-staff', '990000000103'))).status).toBe(403);
  });

  it('edits name and WhatsApp number, keeps the token write-only, and moves the routing', async () => {
    const before = (await h.read<{ phoneNumberId: string }>('tenants/ra-other/whatsapp'))!.phoneNumberId;
    const res = await call(other.idToken).put('/tenants/ra-other/restaurant', { nombre: 'La Otra Esquina', phoneNumberId: '990000000104', accessToken: '' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nombre: 'La Otra Esquina', phoneNumberId: '990000000104' });
    expect(await h.read('phoneNumbers/990000000104')).toBe('ra-other');
    expect(await h.read('phoneNumbers/' + before)).toBeNull();
    const seededHome = (await h.read<{ phoneNumberId: string }>('tenants/ra-home/whatsapp'))!.phoneNumberId;
    const clash = await call(other.idToken).put('/tenants/ra-other/restaurant', { phoneNumberId: seededHome });
    expect(clash.status).toBe(400);
    expect(clash.body.error.issues[0]).toMatchObject({ path: 'phoneNumberId', message: 'ese número ya lo usa otro restaurante' });
    expect((await call(owner.idToken).put('/tenants/ra-other/restaurant', { nombre: 'Mía' })).status).toBe(403);
  });

  it('sends a test message through the Graph API and says when Meta refuses it', async () => {
    const ok = await call(owner.idToken).post('/tenants/ra-home/whatsapp/test', { to: '+57 311 000 9902' });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(h.graph.textsTo('573110009902').join('\n')).toContain('Mensaje de prueba');

    await call(owner.idToken).put('/tenants/ra-home/restaurant', { accessToken: 'EAAG-a-token-meta-does-not-know-1' });
    const refused = await call(owner.idToken).post('/tenants/ra-home/whatsapp/test', { to: '573110009903' });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.mensaje).toMatch(/Meta no aceptó/);
    expect((await call(owner.idToken).post('/tenants/ra-home/whatsapp/test', { to: 'mi número' })).body.error.issues[0].path).toBe('to');
  });
});
