import { keyFor } from '../../../server/db/paths';
import { startHarness, type Harness } from '../../helpers/harness';
import { chooseMethod, orderUpToMethods, ordersOf } from '../../helpers/ordering';
import { deliverWebhook, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_rt', privateKey: 'prv_test_rt', integritySecret: 'test_integrity_rt', eventsSecret: 'test_events_rt' } as const;
const T = 'rt-rest';

/**
 * What a paid order costs in database operations, counted by the embedded RTDB: a regression
 * guard for the round-trip work of docs/PERFORMANCE.md (counts, not timings).
 */
describe('database operations per paid order', () => {
  let h: Harness;
  let wompi: WompiServer;
  let pn: string;

  beforeAll(async () => {
    wompi = await startWompiServer(WOMPI);
    h = await startHarness({ env: { WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl } });
    pn = (await h.seedTenant({ id: T, payments: { enabled: true, efectivo: true, wompi: { enabled: true, ...WOMPI } } })).whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await h.close();
    await wompi.close();
  });

  const approve = async (waId: string) => {
    await orderUpToMethods(h, pn, waId);
    const { reference } = await chooseMethod(h, pn, T, waId, '1');
    await h.settle();
    const event = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000 }));
    const transactionId = String(JSON.parse(event.rawBody).data.transaction.id);
    return { reference, transactionId, deliver: () => deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, event) };
  };
  const counted = () => {
    const { q = 0, g = 0, p = 0, m = 0 } = h.database.server.stats.requests;
    return { total: q + g + p + m, trace: h.database.server.traced().filter((t) => 'qgpm'.includes(t.action)).map((t) => `${t.action} ${t.path}`) };
  };

  it('costs eight operations once the tenant is warm, and a duplicate delivery costs one read', async () => {
    // The tenant's first order loads its settings, credentials and order counter.
    const first = await approve('573500000001');
    expect((await first.deliver()).status).toBe(200);
    await h.settle();

    const second = await approve('573500000002');
    h.database.server.resetStats({ trace: true });
    expect((await second.deliver()).status).toBe(200);
    await h.graph.waitForMessages('573500000002', 6);
    await h.settle();
    const paid = counted();
    // listen + write of the transaction's settlement claim (#12), listen + write of the payment,
    // the order number and stats (one transaction keyed on the order), the order's atomic update, the customer's window, the "sent" mark.
    expect(paid.trace).toEqual([
      `q /transaccionesLiquidadas/wompi/${keyFor(second.transactionId)}`,
      `p /transaccionesLiquidadas/wompi/${keyFor(second.transactionId)}`,
      `q /tenants/${T}/pagos/${second.reference}`,
      `p /tenants/${T}/pagos/${second.reference}`,
      `p /tenants/${T}/stats`,
      'm /',
      // The customer's last message, which says whether the 24-hour window is open (#15).
      `q /clientes/${T}/573500000002`,
      'm /',
    ]);
    expect(await ordersOf(h, T, '573500000002')).toHaveLength(1);

    h.database.server.resetStats({ trace: true });
    expect((await second.deliver()).status).toBe(200);
    await h.settle();
    expect(counted().trace).toEqual([`q /tenants/${T}/pagos/${second.reference}`]);
    expect(await ordersOf(h, T, '573500000002')).toHaveLength(1);
  });
});
