import request from 'supertest';
import { deliverMessages, queueMessages } from '../../../server/messaging/outbox';
import { signMetaBody } from '../../../server/whatsapp/signature';
import { startHarness, TEST_APP_SECRET, type Harness } from '../../helpers/harness';
import { changeFor, newWamid, statusChange, webhookBody } from '../../helpers/whatsapp-payloads';

/**
 * WhatsApp as Meta runs it in 2026 (#15): the 24-hour window and utility templates, failed
 * statuses a template can fix, recovery after an outage, the location request, and one
 * customer's messages applied in the order they were sent, across two instances.
 */
describe('delivery in 2026', () => {
  let h: Harness;
  let pn: string;
  let bare: string;
  const clock = { offset: 0 };
  const WINDOW_MS = 60_000;
  beforeAll(async () => {
    h = await startHarness({ env: { WHATSAPP_SERVICE_WINDOW_MS: String(WINDOW_MS) }, now: () => Date.now() + clock.offset });
    pn = (
      await h.seedTenant({
        id: 'plantillas',
        whatsapp: {
          phoneNumberId: '777000111',
          accessToken: 'token-plantillas',
          plantillas: { pago_confirmado: { nombre: 'pago_confirmado_v1', idioma: 'es_CO' }, pedido_en_camino: { nombre: 'pedido_en_camino_v1', idioma: 'es_CO' } },
        },
      })
    ).whatsapp.phoneNumberId;
    bare = (await h.seedTenant({ id: 'sin-plantillas' })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  const notice = (tenantId: string, to: string, outboxId: string) =>
    queueMessages([{ outboxId, tenantId, to, kind: 'pago_confirmado', reply: { type: 'text', body: '¡Pago confirmado! Pedido #1042' }, datos: { pedido: '1042', total: 33000 } }], h.runtime.turnDeps.now());
  async function queueAndDeliver(tenantId: string, to: string, outboxId: string) {
    const { queued, update } = notice(tenantId, to, outboxId);
    await h.db.ref().update(update);
    await deliverMessages(h.runtime.turnDeps, queued);
  }

  it('inside the window a notice is a service message; outside it, the tenant\'s utility template with the order number and total', async () => {
    const waId = '573700000001';
    await h.say(pn, waId, 'hola');
    await queueAndDeliver('plantillas', waId, 'aviso-dentro-1');
    expect(h.graph.sent.at(-1)!.body.type).toBe('text');
    expect(await h.read('outbox/aviso-dentro-1')).toMatchObject({ estado: 'enviado', categoria: 'servicio' });

    clock.offset += WINDOW_MS + 1000;
    await queueAndDeliver('plantillas', waId, 'aviso-fuera-1');
    const sent = h.graph.sent.at(-1)!;
    expect(sent.to).toBe(waId);
    expect(sent.body).toMatchObject({
      type: 'template',
      template: { name: 'pago_confirmado_v1', language: { code: 'es_CO' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '1042' }, { type: 'text', text: '$33.000' }] }] },
    });
    expect(await h.read('outbox/aviso-fuera-1')).toMatchObject({ estado: 'enviado', categoria: 'plantilla' });
    const metrics = await h.http.get('/metrics');
    expect(metrics.text).toMatch(/whatsapp_messages_sent_total\{kind="pago_confirmado",category="utility_template"\} 1/);
    expect(metrics.text).toMatch(/whatsapp_order_messages_total\{category="service"\} \d/);
    clock.offset = 0;
  });

  it('outside the window with no template configured the notice is not sent: it is failed with the reason and listed for the owner', async () => {
    const waId = '573700000002';
    await h.say(bare, waId, 'hola');
    clock.offset += WINDOW_MS + 1000;
    const before = h.graph.sent.length;
    await queueAndDeliver('sin-plantillas', waId, 'aviso-sin-plantilla');
    expect(h.graph.sent.length).toBe(before);
    const entry = await h.read<any>('outbox/aviso-sin-plantilla');
    expect(entry).toMatchObject({ estado: 'fallido' });
    expect(entry.ultimoError.mensaje).toContain('falta la plantilla pago_confirmado');
    expect(await h.read('outboxFailed/sin-plantillas/aviso-sin-plantilla')).toEqual(expect.any(Number));
    clock.offset = 0;
  });

  it('a 131047 failed status is retried as the template by the outbox sweep, and counted by Meta code', async () => {
    const waId = '573700000003';
    await h.say(pn, waId, 'hola');
    await queueAndDeliver('plantillas', waId, 'aviso-131047');
    const first = h.graph.sent.at(-1)!;
    expect(first.body.type).toBe('text');
    const res = await h.postWebhook(
      webhookBody([
        statusChange(pn, {
          id: first.messageId,
          status: 'failed',
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: waId,
          biz_opaque_callback_data: first.callbackData,
          errors: [{ code: 131047, title: 'Re-engagement message' }],
        }),
      ]),
    );
    expect(res.status).toBe(200);
    expect(await h.read('outbox/aviso-131047')).toMatchObject({ estado: 'pendiente', comoPlantilla: true, errorMeta: { codigo: 131047 } });
    await h.runtime.outboxSweep.runOnce();
    const again = h.graph.sent.at(-1)!;
    expect(again.to).toBe(waId);
    expect(again.body).toMatchObject({ type: 'template', template: { name: 'pago_confirmado_v1' } });
    expect(await h.read('outbox/aviso-131047')).toMatchObject({ estado: 'enviado', categoria: 'plantilla' });
    expect((await h.http.get('/metrics')).text).toMatch(/whatsapp_message_failures_total\{code="131047",source="status"\} 1/);
  });

  it('after an outage a queued reply goes out at the next sweep, due within 30 s of the failure, once', async () => {
    const waId = '573700000004';
    await h.say(pn, waId, 'hola');
    await h.graph.setDown(true);
    try {
      await h.sendMessages(pn, [{ waId, text: 'menu' }]);
      await h.settle();
    } finally {
      await h.graph.setDown(false);
    }
    const failedAt = h.runtime.turnDeps.now();
    const pending = Object.entries((await h.read<Record<string, any>>('outbox')) ?? {}).filter(([, e]) => e.to === waId && e.estado === 'pendiente');
    expect(pending.length).toBeGreaterThanOrEqual(1);
    // Due again within 20 s, looked at every OUTBOX_SWEEP_INTERVAL_MS (≤ 10 s): out within 30 s.
    for (const [, entry] of pending) expect(entry.siguienteIntento - failedAt).toBeLessThanOrEqual(20_000);
    expect(h.config.OUTBOX_SWEEP_INTERVAL_MS).toBeLessThanOrEqual(10_000);
    const before = h.graph.sent.filter((s) => s.to === waId).length;
    clock.offset += Math.max(...pending.map(([, e]) => e.siguienteIntento)) - failedAt;
    await h.runtime.outboxSweep.runOnce();
    expect(h.graph.sent.filter((s) => s.to === waId).length).toBe(before + pending.length);
    for (const [outboxId] of pending) expect(await h.read(`outbox/${outboxId}`)).toMatchObject({ estado: 'enviado' });
    await h.runtime.outboxSweep.runOnce();
    expect(h.graph.sent.filter((s) => s.to === waId).length).toBe(before + pending.length);
    clock.offset = 0;
  });

  it('131056 from Meta backs off that customer 4^n seconds, not milliseconds', async () => {
    const waId = '573700000005';
    await h.say(pn, waId, 'hola');
    h.graph.failNext(1, { status: 400, code: 131056 });
    const at = h.runtime.turnDeps.now();
    await queueAndDeliver('plantillas', waId, 'aviso-131056');
    const entry = await h.read<any>('outbox/aviso-131056');
    expect(entry).toMatchObject({ estado: 'pendiente', intentos: 1, ultimoError: { codigo: 131056 } });
    expect(entry.siguienteIntento - at).toBeGreaterThanOrEqual(1000);
  });

  it('the address step sends Meta\'s location request message', async () => {
    const waId = '573700000006';
    await h.say(pn, waId, 'Quiero 2 hamburguesas');
    await h.say(pn, waId, 'confirmar');
    const last = h.graph.sent.filter((s) => s.to === waId).at(-1)!;
    expect(last.body).toMatchObject({ type: 'interactive', interactive: { type: 'location_request_message', action: { name: 'send_location' } } });
    expect((last.body as any).interactive.body.text).toContain('dirección');
  });

  describe('one customer\'s messages in the order they were sent', () => {
    const ts = Math.floor(Date.now() / 1000) - 30;
    const msg = (waId: string, text: string, at: number) => ({ from: waId, id: newWamid(), timestamp: String(at), type: 'text', text: { body: text } });
    const body = (messages: Array<Record<string, unknown>>) => {
      const change = changeFor(pn, []) as { value: Record<string, unknown> };
      return webhookBody([{ ...change, value: { ...change.value, contacts: [{ profile: { name: 'Laura' }, wa_id: messages[0]!.from }], messages } }]);
    };
    const appliedOrder = (waId: string, stamps: Map<string, number>) =>
      h.graph.sent
        .filter((s) => s.to === waId && s.callbackData?.startsWith('turno-'))
        .map((s) => stamps.get(/^turno-(.+)-\d+:/.exec(s.callbackData!)![1]!))
        .filter((t): t is number => t !== undefined);

    it('a burst delivered out of order to two instances is applied oldest first, each message once', async () => {
      const waId = '573700000010';
      const other = await h.anotherInstance();
      try {
        const m1 = msg(waId, 'hola', ts);
        const m2 = msg(waId, 'Quiero 2 hamburguesas', ts + 1);
        const m3 = msg(waId, 'confirmar', ts + 2);
        const { keyFor } = await import('../../../server/db/paths');
        const stamps = new Map([m1, m2, m3].map((m) => [keyFor(m.id), Number(m.timestamp)]));
        const late = JSON.stringify(body([m3, m2]));
        const [a, b] = await Promise.all([
          request(other.url).post('/api/webhooks/whatsapp').set('content-type', 'application/json').set('x-hub-signature-256', signMetaBody(late, TEST_APP_SECRET)).send(late),
          h.postWebhook(body([m1])),
        ]);
        expect([a.status, b.status]).toEqual([200, 200]);
        await Promise.all([h.settle(), other.runtime.whatsapp.drain()]);
        // Every message was handled exactly once (applied, or recorded as older than one applied).
        for (const m of [m1, m2, m3]) expect(await h.read(`inbox/messages/${keyFor(m.id)}`)).toMatchObject({ estado: 'procesado' });
        const order = appliedOrder(waId, stamps);
        expect(order.length).toBeGreaterThanOrEqual(2);
        expect([...order].sort((x, y) => x - y)).toEqual(order);
        const session = await h.read<any>(`tenants/plantillas/sesiones/${waId}`);
        expect(session).toMatchObject({ paso: 'direccion', ultimoMensajeTs: ts + 2 });
        expect(session.carrito).toEqual([expect.objectContaining({ cantidad: 2 })]);
        expect(await h.read(`colaTurnos/plantillas/${waId}`)).toBeNull();
      } finally {
        await other.runtime.close();
      }
    });

    it('an older message arriving after a newer one was applied does not undo it', async () => {
      const waId = '573700000011';
      await h.postWebhook(body([msg(waId, 'Quiero 2 hamburguesas', ts + 5)]));
      await h.settle();
      await h.postWebhook(body([msg(waId, 'confirmar', ts + 6)]));
      await h.settle();
      const before = h.graph.sent.filter((s) => s.to === waId).length;
      const stale = msg(waId, 'cancelar', ts);
      await h.postWebhook(body([stale]));
      await h.settle();
      expect(h.graph.sent.filter((s) => s.to === waId).length).toBe(before);
      expect(await h.read<any>(`tenants/plantillas/sesiones/${waId}`)).toMatchObject({ paso: 'direccion', ultimoMensajeTs: ts + 6 });
    });
  });
});
