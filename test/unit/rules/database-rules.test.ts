import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as targaryen from 'targaryen';
import { canClientMoveOrder, type OrderState } from '../../../server/admin/order-status';
import { ORDER_STATES } from '../../../server/db/records';

/**
 * database.rules.json evaluated by a rules engine (targaryen): what kitchen screens and
 * owners may do with client SDKs. The server uses admin credentials and is not subject to
 * these rules; everything it keeps private must be denied to every client.
 */
const rules = JSON.parse(readFileSync(join(__dirname, '../../../database.rules.json'), 'utf8'));

const order = (estado: OrderState, id: string) => ({
  id,
  tenantId: 't1',
  cliente: '573001112233',
  telefono: '573001112233',
  telefonoContacto: '3001112233',
  direccion: 'Calle 80 #12-34',
  items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
  total: 30000,
  estado,
  timestamp: 1_700_000_000_000,
  fecha: '2023-11-14T22:13:20.000Z',
  fuente: 'whatsapp',
  restaurante: 'Uno',
});

const tenant = (tenantId: string) => ({
  restaurant: { name: tenantId },
  menu: { 'item-1': { numero: '1', nombre: 'Hamburguesa', precio: 15000, disponible: true } },
  payments: { enabled: true, efectivo: true },
  pedidos: {
    p1: order('pendiente', '1001'),
    p2: order('en_preparacion', '1002'),
    p3: order('en_camino', '1003'),
    p4: order('entregado', '1004'),
    p5: order('cancelado', '1005'),
    p6: order('aceptado', '1006'),
    p7: order('rechazado', '1007'),
  },
  atencionClientes: { '573001112233': { waId: '573001112233', desde: 1, estado: 'pendiente' } },
  pagos: { [`${tenantId}_1700000000000_abcd`]: { estado: 'pendiente', monto: 30000 } },
  sesiones: { '573001112233': { paso: 'inicio' } },
  alertas: { a1: { tipo: 'fraude_detectado', fecha: 1 } },
  stats: { pedidos: 5, ingresos: 150000 },
});

const data = {
  tenants: { t1: tenant('t1'), t2: tenant('t2') },
  secrets: { t1: { wompi: { v: 1, iv: 'x', tag: 'y', data: 'z' } } },
  phoneNumbers: { '100200300': 't1' },
  inbox: { messages: { m1: { estado: 'procesado' } }, pending: { m1: 1 } },
  outbox: { o1: { tenantId: 't1', to: '573001112233', estado: 'pendiente' } },
  outboxPending: { o1: 1 },
  outboxFailed: { t1: { o2: 1 } },
  locks: { reconciler: { owner: 'x' } },
  pendingPayments: { 't1_1700000000000_abcd': { tenantId: 't1', createdAt: 1 } },
  earlyResults: {},
};

const db = targaryen.database(rules, data);

const users = {
  unauthenticated: null,
  staffT1: { uid: 'staff-1', token: { tenantId: 't1', role: 'staff' } },
  ownerT1: { uid: 'owner-1', token: { tenantId: 't1', role: 'owner' } },
  staffT2: { uid: 'staff-2', token: { tenantId: 't2', role: 'staff' } },
  ownerT2: { uid: 'owner-2', token: { tenantId: 't2', role: 'owner' } },
  admin: { uid: 'admin-1', token: { role: 'admin' } },
  noClaims: { uid: 'plain-1', token: {} },
  noToken: { uid: 'plain-2' },
  roleWithoutTenant: { uid: 'x-1', token: { role: 'staff' } },
  tenantWithoutRole: { uid: 'x-2', token: { tenantId: 't1' } },
  unknownRole: { uid: 'x-3', token: { tenantId: 't1', role: 'customer' } },
} as const;
type User = keyof typeof users;

const canRead = (user: User, path: string) => db.as(users[user]).read(path).allowed;
const canWrite = (user: User, path: string, value: unknown) => db.as(users[user]).write(path, value).allowed;

describe('database.rules.json: kitchen and owners reading orders', () => {
  it.each<[User, string]>([
    ['staffT1', 'tenants/t1/pedidos'],
    ['ownerT1', 'tenants/t1/pedidos'],
    ['staffT1', 'tenants/t1/pedidos/p1'],
    ['ownerT2', 'tenants/t2/pedidos/p3/items'],
    ['staffT1', 'tenants/t1/atencionClientes'],
    ['ownerT1', 'tenants/t1/atencionClientes/573001112233'],
  ])('lets %s read %s', (user, path) => {
    expect(canRead(user, path)).toBe(true);
  });

  it.each<[User, string]>([
    ['unauthenticated', 'tenants/t1/pedidos'],
    ['staffT2', 'tenants/t1/pedidos'],
    ['ownerT2', 'tenants/t1/pedidos/p1'],
    ['noClaims', 'tenants/t1/pedidos'],
    ['noToken', 'tenants/t1/pedidos'],
    ['roleWithoutTenant', 'tenants/t1/pedidos'],
    ['tenantWithoutRole', 'tenants/t1/pedidos'],
    ['unknownRole', 'tenants/t1/pedidos'],
    // The platform operator works through the admin API, not with client reads.
    ['admin', 'tenants/t1/pedidos'],
    ['staffT1', 'tenants/t1'],
    ['staffT1', 'tenants'],
    ['staffT1', ''],
  ])('denies %s reading %s', (user, path) => {
    expect(canRead(user, path)).toBe(false);
  });
});

describe('database.rules.json: order state written by the kitchen', () => {
  it.each<[User, string, string]>([
    ['staffT1', 'p1', 'en_preparacion'],
    ['ownerT1', 'p1', 'cancelado'],
    ['staffT1', 'p2', 'en_camino'],
    ['staffT1', 'p2', 'cancelado'],
    ['ownerT1', 'p3', 'entregado'],
    ['staffT1', 'p1', 'aceptado'],
    ['staffT1', 'p6', 'en_preparacion'],
    ['ownerT1', 'p6', 'cancelado'],
    ['staffT1', 'p2', 'entregado'],
  ])('lets %s move %s to %s', (user, key, estado) => {
    expect(canWrite(user, `tenants/t1/pedidos/${key}/estado`, estado)).toBe(true);
  });

  it.each<[string, User, string, unknown]>([
    ['another tenant staff', 'staffT2', 'tenants/t1/pedidos/p1/estado', 'en_preparacion'],
    ['another tenant owner', 'ownerT2', 'tenants/t1/pedidos/p2/estado', 'en_camino'],
    ['an unauthenticated client', 'unauthenticated', 'tenants/t1/pedidos/p1/estado', 'en_preparacion'],
    ['a user without claims', 'noClaims', 'tenants/t1/pedidos/p1/estado', 'en_preparacion'],
    ['a user with a tenant but no role', 'tenantWithoutRole', 'tenants/t1/pedidos/p1/estado', 'en_preparacion'],
    ['a user with an unknown role', 'unknownRole', 'tenants/t1/pedidos/p1/estado', 'en_preparacion'],
    ['a value that is not a state', 'staffT1', 'tenants/t1/pedidos/p1/estado', 'listo'],
    ['a number', 'staffT1', 'tenants/t1/pedidos/p1/estado', 3],
    ['a skipped step (pendiente → entregado)', 'staffT1', 'tenants/t1/pedidos/p1/estado', 'entregado'],
    ['a step back (entregado → en_camino)', 'staffT1', 'tenants/t1/pedidos/p4/estado', 'en_camino'],
    ['reopening a cancelled order', 'ownerT1', 'tenants/t1/pedidos/p5/estado', 'pendiente'],
    ['cancelling an order already on its way', 'staffT1', 'tenants/t1/pedidos/p3/estado', 'cancelado'],
    ['writing the same state again', 'staffT1', 'tenants/t1/pedidos/p1/estado', 'pendiente'],
    ['a state on an order that does not exist', 'staffT1', 'tenants/t1/pedidos/p99/estado', 'en_preparacion'],
    ['deleting the state', 'staffT1', 'tenants/t1/pedidos/p1/estado', null],
    ['another field (total)', 'staffT1', 'tenants/t1/pedidos/p1/total', 1000],
    ['another field (direccion)', 'ownerT1', 'tenants/t1/pedidos/p1/direccion', 'Otra'],
    ['a whole order', 'staffT1', 'tenants/t1/pedidos/p1', { ...order('en_preparacion', '1001') }],
    ['a new order', 'ownerT1', 'tenants/t1/pedidos/nuevo', order('pendiente', '2000')],
    ['a field below estado', 'staffT1', 'tenants/t1/pedidos/p1/estado/x', 'en_preparacion'],
    ['a rejection (only the API writes it, with the refund flag)', 'staffT1', 'tenants/t1/pedidos/p1/estado', 'rechazado'],
    ['reopening a rejected order', 'ownerT1', 'tenants/t1/pedidos/p7/estado', 'pendiente'],
    ['accepting an order being prepared', 'staffT1', 'tenants/t1/pedidos/p2/estado', 'aceptado'],
  ])('denies %s', (_what, user, path, value) => {
    expect(canWrite(user, path, value)).toBe(false);
  });

  it('denies a multi-path update that changes the state and another field together', () => {
    const result = db.as(users.staffT1).update('tenants/t1/pedidos/p1', { estado: 'en_preparacion', total: 1 });
    expect(result.allowed).toBe(false);
  });

  it('allows exactly the transitions the admin API allows, except the server-only rejection', () => {
    const keyOf: Record<OrderState, string> = { pendiente: 'p1', en_preparacion: 'p2', en_camino: 'p3', entregado: 'p4', cancelado: 'p5', aceptado: 'p6', rechazado: 'p7' };
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) {
        const allowed = canWrite('staffT1', `tenants/t1/pedidos/${keyOf[from]}/estado`, to);
        expect({ from, to, allowed }).toEqual({ from, to, allowed: canClientMoveOrder(from, to) });
      }
    }
  });
});

describe('database.rules.json: server-only data', () => {
  const serverOnly = [
    'secrets',
    'secrets/t1',
    'secrets/t1/wompi',
    'tenants/t1/pagos',
    'tenants/t1/pagos/t1_1700000000000_abcd',
    'tenants/t1/sesiones',
    'tenants/t1/payments',
    'tenants/t1/menu',
    'tenants/t1/alertas',
    'tenants/t1/clientes',
    'tenants/t1/conversaciones',
    'tenants/t1/stats',
    'phoneNumbers',
    'inbox',
    'outbox',
    'outboxPending',
    'outboxFailed/t1',
    'locks',
    'pendingPayments',
  ];

  it.each(serverOnly.flatMap((path) => (['ownerT1', 'staffT1', 'admin'] as User[]).map((user) => [user, path] as const)))('denies %s reading %s', (user, path) => {
    expect(canRead(user, path)).toBe(false);
  });

  it.each(serverOnly.map((path) => [path] as const))('denies the tenant owner writing %s', (path) => {
    expect(canWrite('ownerT1', `${path}/x`, { any: 'value' })).toBe(false);
    expect(canWrite('ownerT1', path, null)).toBe(false);
  });

  it('keeps the indexes the server queries with', () => {
    const r = rules.rules;
    expect(r.pendingPayments['.indexOn']).toEqual(['createdAt']);
    expect(r.outboxPending['.indexOn']).toEqual(['.value']);
    expect(r.inbox.pending['.indexOn']).toEqual(['.value']);
    expect(r.earlyResults['.indexOn']).toEqual(['receivedAt']);
    expect(r.outboxFailed.$tenantId['.indexOn']).toEqual(['.value']);
    expect(r.tenants.$tenantId.pedidos['.indexOn']).toEqual(expect.arrayContaining(['timestamp', 'estado']));
    expect(r.tenants.$tenantId.pagos['.indexOn']).toEqual(expect.arrayContaining(['estado', 'fechaCreacion']));
    expect(r.tenants.$tenantId.alertas['.indexOn']).toEqual(['fecha']);
  });
});
