import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { connectDatabase, type DatabaseConnection } from '../../../server/db/firebase';
import { LiveCache } from '../../../server/db/live-cache';
import type { TOrderRecord } from '../../../server/db/records';
import { createClaimedOrder, createOrderOnce, type CreateOrderInput } from '../../../server/orders/create-order';

/**
 * Order numbers and stats when the same order is written more than once: a second writer
 * that repairs it (the first timed out or crashed), or the same write sent again. The order
 * keeps one number forever and is counted once (#12).
 */
describe('order numbers and stats, written more than once', () => {
  let database: EmbeddedDatabase;
  let a: DatabaseConnection;
  let b: DatabaseConnection;
  let n = 0;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    a = connectDatabase({ url: database.url('test-project'), projectId: 'test-project' });
    b = connectDatabase({ url: database.url('test-project'), projectId: 'test-project' });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await database.close();
  });

  function input(tenantId: string, orderKey: string, live?: LiveCache): CreateOrderInput {
    return {
      tenantId,
      restaurantName: 'Restaurante',
      orderKey,
      cliente: '573100000001',
      draft: { items: [{ numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 1 }] as never, total: 15000, direccion: 'Calle 1', telefonoContacto: '3100000001' },
      pago: { estado: 'completado', referencia: `${tenantId}_1700000000000_abcd`, gateway: 'wompi', fechaPago: 1 },
      notify: (order: TOrderRecord) => [{ kind: 'pago_confirmado', reply: { type: 'text', body: `Pedido #${order.id}` } }],
      live,
      now: Date.now(),
      owner: 'test',
    };
  }
  const stats = async (tenantId: string) => (await a.db.ref(`tenants/${tenantId}/stats`).once('value')).val() as { pedidos: number; ingresos: number } | null;

  it('a write of the same order sent again keeps its number and counts it once', async () => {
    const tenantId = `num-${++n}`;
    const first = await createClaimedOrder(a.db, input(tenantId, 'pago-x1'));
    const again = await createClaimedOrder(a.db, input(tenantId, 'pago-x1'));
    expect(again.order.id).toBe(first.order.id);
    expect((await a.db.ref(`tenants/${tenantId}/pedidos/pago-x1/id`).once('value')).val()).toBe(first.order.id);
    expect(await stats(tenantId)).toMatchObject({ pedidos: 1, ingresos: 15000 });
  });

  it('a repair racing the first writer on another instance gives the order the same number, counted once', async () => {
    const tenantId = `num-${++n}`;
    const liveA = new LiveCache(a.db);
    const liveB = new LiveCache(b.db);
    try {
      const [claimed, repaired] = await Promise.all([
        createClaimedOrder(a.db, input(tenantId, 'pago-r1', liveA)),
        createOrderOnce(b.db, input(tenantId, 'pago-r1', liveB)),
      ]);
      expect(repaired.order.id).toBe(claimed.order.id);
      const other = await createClaimedOrder(a.db, input(tenantId, 'pago-r2', liveA));
      expect(Number(other.order.id)).toBe(Number(claimed.order.id) + 1);
      expect(await stats(tenantId)).toMatchObject({ pedidos: 2, ingresos: 30000 });
    } finally {
      liveA.close();
      liveB.close();
    }
  });

  it('continues numbering from the counter tenants had before', async () => {
    const tenantId = `num-${++n}`;
    await a.db.ref(`tenants/${tenantId}/contadores/pedidos`).set(1041);
    await a.db.ref(`tenants/${tenantId}/stats`).set({ pedidos: 41, ingresos: 615000 });
    const order = await createClaimedOrder(a.db, input(tenantId, 'pago-m1'));
    expect(order.order.id).toBe('1042');
    expect(await stats(tenantId)).toMatchObject({ pedidos: 42, ingresos: 630000 });
  });
});
