import { GraphApiError, GraphClient } from '../../../server/messaging/graph-client';
import { startHarness, type Harness } from '../../helpers/harness';
import { statusChange, webhookBody } from '../../helpers/whatsapp-payloads';

/**
 * Meta's status webhooks settle what we sent (#12): each send carries its outbox entry and
 * attempt in `biz_opaque_callback_data` and its wamid is indexed per tenant, so a status finds
 * its entry and records Meta's state, error code and title.
 */
describe('status webhooks and send outcomes', () => {
  let h: Harness;
  let pn: string;
  let otherPn: string;
  beforeAll(async () => {
    h = await startHarness();
    pn = (await h.seedTenant({ id: 'status-a' })).whatsapp.phoneNumberId;
    otherPn = (await h.seedTenant({ id: 'status-b' })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  async function lastReply(waId: string) {
    await h.say(pn, waId, 'hola');
    await h.settle();
    const sent = h.graph.sent.filter((s) => s.to === waId).at(-1)!;
    const outboxId = sent.callbackData!.split(':')[0]!;
    return { sent, outboxId };
  }
  const status = (phoneNumberId: string, fields: Record<string, unknown>) =>
    h.postWebhook(webhookBody([statusChange(phoneNumberId, { timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '573000000000', ...fields })]));

  it('every send names its outbox entry and attempt for Meta to echo back, and its wamid is indexed per tenant', async () => {
    const { sent, outboxId } = await lastReply('573600000001');
    expect(sent.callbackData).toMatch(/^turno-[A-Za-z0-9_-]+-\d+:[a-f0-9]{16}$/);
    const entry = await h.read<{ estado: string; wamid: string; intento: { id: string } }>(`outbox/${outboxId}`);
    expect(entry).toMatchObject({ estado: 'enviado', wamid: sent.messageId });
    expect(sent.callbackData!.endsWith(`:${entry!.intento.id}`)).toBe(true);
    const index = await h.read<Record<string, string>>('outboxWamid/status-a');
    expect(Object.values(index ?? {})).toContain(outboxId);
  });

  it('a failed status found through the wamid index stores Meta code and title and lists the message as failed', async () => {
    const { sent, outboxId } = await lastReply('573600000002');
    const res = await status(pn, { id: sent.messageId, status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }] });
    expect(res.status).toBe(200);
    expect(await h.read(`outbox/${outboxId}`)).toMatchObject({ estado: 'fallido', estadoMeta: 'failed', errorMeta: { codigo: 131047, titulo: 'Re-engagement message' } });
    expect(await h.read(`outboxFailed/status-a/${outboxId}`)).toEqual(expect.any(Number));
  });

  it('delivered then read are recorded in order, and a late delivered does not move read back', async () => {
    const { sent, outboxId } = await lastReply('573600000003');
    await status(pn, { id: sent.messageId, status: 'read', biz_opaque_callback_data: sent.callbackData });
    await status(pn, { id: sent.messageId, status: 'delivered', biz_opaque_callback_data: sent.callbackData });
    expect(await h.read(`outbox/${outboxId}`)).toMatchObject({ estado: 'enviado', estadoMeta: 'read' });
  });

  it("a status arriving on another tenant's number changes nothing", async () => {
    const { sent, outboxId } = await lastReply('573600000004');
    const before = await h.read(`outbox/${outboxId}`);
    const res = await status(otherPn, { id: sent.messageId, status: 'failed', biz_opaque_callback_data: sent.callbackData, errors: [{ code: 131047, title: 'x' }] });
    expect(res.status).toBe(200);
    expect(await h.read(`outbox/${outboxId}`)).toEqual(before);
  });

  it('a send that timed out is not sent again by the client: its outcome is unknown, not failed', async () => {
    h.graph.allowToken('555000111', 'tok');
    const client = new GraphClient({ baseUrl: h.graph.url, timeoutMs: 300, sleep: async () => undefined });
    const before = h.graph.sent.length;
    h.graph.delayNext(1, 1500);
    const error = await client.send({ phoneNumberId: '555000111', accessToken: 'tok', to: '573600000005' }, { type: 'text', body: 'hola' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).outcomeUnknown).toBe(true);
    await new Promise((r) => setTimeout(r, 1600));
    expect(h.graph.sent.length - before).toBe(1);
  });
});
