import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { connectDatabase, type DatabaseConnection } from '../../../server/db/firebase';
import { keyFor } from '../../../server/db/paths';
import { pruneMessages } from '../../../server/reconciler/jobs/prune-messages';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

/** Inbox and outbox records are pruned after the retention, oldest first, a bounded amount per run (#12). */
describe('pruning WhatsApp records', () => {
  let database: EmbeddedDatabase;
  let c: DatabaseConnection;
  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    c = connectDatabase({ url: database.url('test-project'), projectId: 'test-project' });
  });
  afterAll(async () => {
    await c.close();
    await database.close();
  });

  const inbox = (recibido: number, estado: 'pendiente' | 'procesado') => ({
    tenantId: 't1', phoneNumberId: '100', messageId: `wamid.${recibido}`, waId: '573100000001', input: { kind: 'text', text: 'hola' }, recibido, estado,
  });
  const outbox = (creado: number, estado: string, wamid?: string) => ({
    tenantId: 't1', to: '573100000001', kind: 'respuesta', reply: { type: 'text', body: 'x' }, estado, creado, intentos: 1, siguienteIntento: creado, ...(wamid ? { wamid } : {}),
  });
  const keys = async (path: string) => Object.keys(((await c.db.ref(path).once('value')).val() as Record<string, unknown> | null) ?? {}).sort();

  it('removes old settled records with their indexes, keeps new and pending ones, and does a bounded amount per run', async () => {
    const update: Record<string, unknown> = {};
    for (let i = 0; i < 7; i++) update[`inbox/messages/old${i}`] = inbox(NOW - 40 * DAY + i, 'procesado');
    update['inbox/messages/oldpending'] = inbox(NOW - 50 * DAY, 'pendiente');
    update['inbox/pending/oldpending'] = NOW - 50 * DAY;
    update['inbox/messages/recent'] = inbox(NOW - 2 * DAY, 'procesado');
    for (let i = 0; i < 7; i++) {
      update[`outbox/sent${i}`] = outbox(NOW - 40 * DAY + i, 'enviado', `wamid.S${i}`);
      update[`outboxWamid/t1/${keyFor(`wamid.S${i}`)}`] = `sent${i}`;
    }
    update['outbox/failed0'] = outbox(NOW - 40 * DAY, 'fallido');
    update['outboxFailed/t1/failed0'] = NOW - 40 * DAY;
    update['outbox/unsettled'] = outbox(NOW - 45 * DAY, 'enviando');
    update['outboxPending/unsettled'] = NOW - 45 * DAY;
    update['outbox/fresh'] = outbox(NOW - DAY, 'enviado', 'wamid.F');
    await c.db.ref().update(update);

    const first = await pruneMessages({ db: c.db, now: () => NOW, retentionDays: 30, batch: 5 });
    expect(first.inbox).toBe(5);
    expect(first.outbox).toBe(5);
    expect((await keys('inbox/messages')).length).toBe(9 - 5);

    const second = await pruneMessages({ db: c.db, now: () => NOW, retentionDays: 30, batch: 5 });
    expect(second.inbox).toBe(2);
    expect(second.outbox).toBe(3);
    expect(await keys('inbox/messages')).toEqual(['oldpending', 'recent']);
    expect(await keys('inbox/pending')).toEqual(['oldpending']);
    expect(await keys('outbox')).toEqual(['fresh', 'unsettled']);
    expect(await keys('outboxPending')).toEqual(['unsettled']);
    expect(await keys('outboxWamid/t1')).toEqual([]);
    expect(await keys('outboxFailed/t1')).toEqual([]);

    expect(await pruneMessages({ db: c.db, now: () => NOW, retentionDays: 30, batch: 5 })).toEqual({ inbox: 0, outbox: 0, kept: 2 });
  });
});
