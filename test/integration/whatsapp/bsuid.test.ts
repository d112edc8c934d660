import { startHarness, type Harness } from '../../helpers/harness';
import { bsuidChange, webhookBody } from '../../helpers/whatsapp-payloads';

/**
 * Customers WhatsApp names by a business-scoped user id (#15): a username hides their number,
 * webhooks carry `user_id` / `from_user_id` and maybe no `wa_id`. They order like anyone else,
 * replies go to them through `recipient`, and a customer stays one customer whichever
 * identifiers a webhook carries.
 */
describe('customers identified by a BSUID', () => {
  let h: Harness;
  let pn: string;
  beforeAll(async () => {
    h = await startHarness();
    pn = (await h.seedTenant({ id: 'bsuid' })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  /** Posts one message and waits for `expect` replies to `replyTo` (its number, else its BSUID). */
  async function say(message: { userId: string; waId?: string; text: string }, expect = 1, replyTo = message.waId ?? message.userId): Promise<string[]> {
    const to = replyTo;
    const before = h.graph.sent.filter((s) => s.to === to).length;
    const res = await h.postWebhook(webhookBody([bsuidChange(pn, [message])]));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text}`);
    await h.graph.waitForMessages(to, before + expect);
    await h.settle();
    return h.graph.textsTo(to).slice(before);
  }

  it('a customer with no number orders end to end: replies go by `recipient`, the phone is asked for, the order is theirs', async () => {
    const userId = 'CO.1000000000000000001';
    const menu = await say({ userId, text: 'hola' });
    expect(menu.join('\n')).toContain('$15.000');
    await say({ userId, text: 'Quiero 2 hamburguesas y 1 coca cola' });
    await say({ userId, text: 'confirmar' });
    const phoneQuestion = (await say({ userId, text: 'Calle 80 #12-34' })).join('\n');
    expect(phoneQuestion).toContain('número de contacto');
    // No number to offer: no "Usar este número" button.
    expect(phoneQuestion).not.toContain('Usar este');
    const done = (await say({ userId, text: '300 123 4567' })).join('\n');
    expect(done).toContain('$33.000');

    const mine = h.graph.sent.filter((s) => s.to === userId);
    expect(mine.length).toBeGreaterThanOrEqual(5);
    for (const sent of mine) {
      expect(sent.addressedBy).toBe('recipient');
      expect(sent.body.recipient).toBe(userId);
      expect(sent.body.to).toBeUndefined();
    }
    const orders = Object.values((await h.read<Record<string, any>>('tenants/bsuid/pedidos')) ?? {}).filter((o) => o.cliente === userId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ cliente: userId, telefonoContacto: '3001234567', total: 33000 });
    expect(await h.read(`tenants/bsuid/sesiones/CO-1000000000000000001`)).not.toBeNull();
    expect(await h.read('clientes/bsuid/CO-1000000000000000001')).toMatchObject({ userId, ultimoEntrante: expect.any(Number) });
  });

  it('a webhook carrying both keeps the wa_id as the customer, offers "Usar este número" and stores both', async () => {
    const userId = 'CO.1000000000000000002';
    const waId = '573009990002';
    await say({ userId, waId, text: 'hola' });
    await say({ userId, waId, text: '1' });
    await say({ userId, waId, text: 'confirmar' });
    const phoneQuestion = (await say({ userId, waId, text: 'Calle 10 #1-2' })).join('\n');
    expect(phoneQuestion).toContain('Usar este');
    expect(h.graph.sent.filter((s) => s.to === waId).every((s) => s.addressedBy === 'to' && s.body.to === `+${waId}`)).toBe(true);
    expect(await h.read(`clientes/bsuid/${waId}`)).toMatchObject({ waId, userId });
    expect(await h.read('identidades/bsuid/CO-1000000000000000002')).toBe(waId);
    // Later messages with the BSUID only still reach the same conversation and go to the number.
    const more = (await say({ userId, text: 'menu' }, 1, waId)).join('\n');
    expect(more.length).toBeGreaterThan(0);
    expect(h.graph.sent.filter((s) => s.to === userId)).toHaveLength(0);
    expect(await h.read(`tenants/bsuid/sesiones/CO-1000000000000000002`)).toBeNull();
  });

  it('a customer whose BSUID came first and number later stays the same customer and session', async () => {
    const userId = 'CO.1000000000000000003';
    const waId = '573009990003';
    await say({ userId, text: 'hola' });
    await say({ userId, text: 'Quiero 2 hamburguesas' });
    // The number appears (recent contact): the cart is still there; the customer keeps their
    // id (the BSUID), which still addresses them.
    const confirm = (await say({ userId, waId, text: 'confirmar' }, 1, userId)).join('\n');
    expect(confirm.toLowerCase()).toContain('dirección');
    expect(h.graph.sent.filter((s) => s.to === waId)).toHaveLength(0);
    expect(await h.read<{ carrito: unknown[] }>('tenants/bsuid/sesiones/CO-1000000000000000003')).toMatchObject({ paso: 'direccion', carrito: [expect.objectContaining({ cantidad: 2 })] });
    expect(await h.read(`tenants/bsuid/sesiones/${waId}`)).toBeNull();
    expect(await h.read('clientes/bsuid/CO-1000000000000000003')).toMatchObject({ userId, waId });
    // Now the number is known: "Usar este número" is offered.
    expect((await say({ userId, waId, text: 'Calle 9 #9-9' }, 1, userId)).join('\n')).toContain('Usar este');
  });

  it('messages with neither a wa_id nor a BSUID are not filed under one shared customer', async () => {
    const body = webhookBody([
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '573205550100', phone_number_id: pn },
          contacts: [{ profile: { name: 'A' } }, { profile: { name: 'B' } }],
          messages: [
            { id: 'wamid.NOFROM_1', timestamp: '1767225600', type: 'text', text: { body: 'hola' } },
            { id: 'wamid.NOFROM_2', timestamp: '1767225600', type: 'text', text: { body: 'hola' } },
          ],
        },
      },
    ]);
    const res = await h.postWebhook(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 0, accepted: 0 });
    const sessions = Object.keys((await h.read<Record<string, unknown>>('tenants/bsuid/sesiones')) ?? {});
    expect(sessions.every((k) => /^(\d{6,20}|[A-Z]{2}-[A-Za-z0-9]+)$/.test(k))).toBe(true);
  });
});
