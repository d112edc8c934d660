import { signMetaBody } from '../../../server/whatsapp/signature';
import { startHarness, TEST_APP_SECRET, TEST_VERIFY_TOKEN, type Harness } from '../../helpers/harness';
import { changeFor, inboundMessage, newWamid, statusChange, webhookBody } from '../../helpers/whatsapp-payloads';

describe('WhatsApp webhook intake', () => {
  let h: Harness;
  let pn: string;
  beforeAll(async () => {
    h = await startHarness();
    pn = (await h.seedTenant({ id: 'intake' })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  describe('verification handshake', () => {
    it('answers 200 with the bare challenge when the verify token matches', async () => {
      const res = await h.http.get('/api/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1158201444' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('1158201444');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    });

    it.each([
      ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }],
      ['a wrong mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1' }],
      ['no parameters', {}],
    ])('refuses %s with 403', async (_name, query) => {
      const res = await h.http.get('/api/webhooks/whatsapp').query(query);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('1');
    });
  });

  describe('signature on the raw bytes', () => {
    const inboxCount = async () => Object.keys((await h.read<Record<string, unknown>>('inbox/messages')) ?? {}).length;

    it('accepts a correctly signed body with accents, slashes and emoji', async () => {
      const waId = '573001110001';
      const raw = JSON.stringify(webhookBody([changeFor(pn, [{ waId, text: 'Hola, quiero piña 1/2 🍍 @casa' }])])).replace('ñ', '\\u00f1');
      const res = await h.postWebhook(raw);
      expect(res.status).toBe(200);
      await h.graph.waitForMessages(waId, 1);
    });

    it.each([
      ['missing', null],
      ['signed with another secret', signMetaBody('{}', 'wrong')],
      ['malformed', 'sha256=zzzz'],
    ])('answers 401 and writes nothing when the signature is %s', async (_name, signature) => {
      const before = await inboxCount();
      const body = webhookBody([changeFor(pn, [{ waId: '573001110002', text: 'hola' }])]);
      const res = await h.postWebhook(body, { signature });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('invalid signature');
      expect(await inboxCount()).toBe(before);
    });

    it('answers 401 for a tampered body and for a re-serialized one', async () => {
      const raw = JSON.stringify(webhookBody([changeFor(pn, [{ waId: '573001110003', text: 'Piña 1/2' }])]), null, 0);
      const signature = signMetaBody(raw, TEST_APP_SECRET);
      expect((await h.postWebhook(raw.replace('Piña', 'Pina'), { signature })).status).toBe(401);
      expect((await h.postWebhook(JSON.stringify(JSON.parse(raw), null, 2), { signature })).status).toBe(401);
    });
  });

  describe('bad input never crashes', () => {
    it('answers 400 for malformed JSON, even when signed', async () => {
      const res = await h.postWebhook('{"object": "whatsapp_business_account", "entry": [');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
    });

    it('answers 400 naming the missing fields', async () => {
      const res = await h.postWebhook({ object: 'whatsapp_business_account' });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toContain('entry');
    });

    it('answers 415 for a wrong content type', async () => {
      const res = await h.postWebhook('object=x', { contentType: 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(415);
    });

    it('answers 413 for a body over the 3 MB Meta documents', async () => {
      const huge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(4 * 1024 * 1024) });
      const res = await h.postWebhook(huge);
      expect(res.status).toBe(413);
    });

    it('ignores a message for an unknown phone number id with 200 and records nothing', async () => {
      const id = newWamid();
      const res = await h.sendMessages('999999999', [{ waId: '573001110004', text: 'hola', id }]);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(0);
    });

    it('skips a change it cannot read without failing the rest of the batch', async () => {
      const waId = '573001110005';
      const res = await h.postWebhook(webhookBody([{ field: 'messages', value: { nonsense: true } }, changeFor(pn, [{ waId, text: 'menu' }])]));
      expect(res.status).toBe(200);
      await h.graph.waitForMessages(waId, 1);
    });

    it('skips a change whose phone_number_id is not a Meta id, with 200, and processes the rest of the batch', async () => {
      const waId = '573001110015';
      const bad = ['1.2', 'a/b', '', '9'.repeat(5000), '../phoneNumbers', 'constructor'];
      const res = await h.postWebhook(
        webhookBody([
          ...bad.map((id) => changeFor(id, [{ waId: '573001110016', text: 'hola' }])),
          ...bad.map((id) => statusChange(id, { id: 'wamid.Z', status: 'delivered', timestamp: '1767312000', recipient_id: '573001110016' })),
          changeFor(pn, [{ waId, text: 'menu' }]),
        ]),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: 1, accepted: 1 });
      await h.graph.waitForMessages(waId, 1);
      await h.settle();
      expect(h.graph.sent.filter((s) => s.to === '573001110016')).toHaveLength(0);
    });

    it('records delivery statuses, including failures with a code, without error', async () => {
      const res = await h.postWebhook(
        webhookBody([
          statusChange(pn, { id: 'wamid.X', status: 'delivered', timestamp: '1767312000', recipient_id: '573001110006' }),
          statusChange(pn, { id: 'wamid.Y', status: 'failed', timestamp: '1767312000', recipient_id: '573001110006', errors: [{ code: 131047, title: 'Re-engagement message' }] }),
        ]),
      );
      expect(res.status).toBe(200);
    });

    it('answers an image or sticker politely, saying what the bot understands', async () => {
      const waId = '573001110007';
      await h.sendMessages(pn, [{ waId, type: 'image' }]);
      const [reply] = await h.graph.waitForMessages(waId, 1);
      expect(JSON.stringify(reply!.body).toLowerCase()).toMatch(/texto|escrib/);
    });
  });

  describe('batches and routing', () => {
    it('handles every entry, change and message of a batch, routed to each tenant by phone number id', async () => {
      const other = await h.seedTenant({ id: 'intake-two', restaurant: { name: 'Otro Sitio', timezone: 'America/Bogota' } });
      const body = {
        object: 'whatsapp_business_account',
        entry: [
          { id: '1', changes: [changeFor(pn, [{ waId: '573002220001', text: 'menu' }, { waId: '573002220002', text: 'hola' }])] },
          { id: '2', changes: [changeFor(other.whatsapp.phoneNumberId, [{ waId: '573002220003', text: 'menu' }])] },
        ],
      };
      const res = await h.postWebhook(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: 3, accepted: 3 });
      const [a] = await h.graph.waitForMessages('573002220001', 1);
      await h.graph.waitForMessages('573002220002', 1);
      const [c] = await h.graph.waitForMessages('573002220003', 1);
      expect(a!.phoneNumberId).toBe(pn);
      expect(a!.token).toBe('token-intake');
      expect(c!.phoneNumberId).toBe(other.whatsapp.phoneNumberId);
      expect(c!.token).toBe('token-intake-two');
    });

    it('processes one message id once, even when Meta delivers it five times at the same moment', async () => {
      const waId = '573003330001';
      const id = newWamid();
      const body = webhookBody([changeFor(pn, [{ waId, text: 'menu', id }])]);
      const results = await Promise.all(Array.from({ length: 5 }, () => h.postWebhook(body)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1);
      await h.settle();
      const first = h.graph.sent.filter((s) => s.to === waId).length;
      expect(first).toBeGreaterThan(0);
      // A late redelivery changes nothing either.
      expect((await h.postWebhook(body)).body.accepted).toBe(0);
      await h.settle();
      expect(h.graph.sent.filter((s) => s.to === waId).length).toBe(first);
      expect(await h.read('inbox/pending')).toBeNull();
    });

    it('marks each processed message as read', async () => {
      const id = newWamid();
      await h.sendMessages(pn, [{ waId: '573003330002', text: 'hola', id }]);
      await h.graph.waitForMessages('573003330002', 1);
      expect(h.graph.reads.some((r) => r.messageId === id)).toBe(true);
    });
  });

  it('keeps the inbound message shape readable in the inbox record (no raw body, no signature)', async () => {
    const id = newWamid();
    await h.sendMessages(pn, [{ waId: '573004440001', text: 'hola', id }]);
    await h.settle();
    const all = (await h.read<Record<string, any>>('inbox/messages')) ?? {};
    const record = Object.values(all).find((r) => r.messageId === id);
    expect(record).toMatchObject({ tenantId: 'intake', waId: '573004440001', estado: 'procesado', input: { kind: 'text', text: 'hola' } });
    expect(JSON.stringify(record)).not.toContain('sha256');
    expect(inboundMessage({ waId: '1', text: 'x' })).toBeDefined();
  });
});
