import express, { type Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';

/**
 * Demo mode only: a stand-in for the Graph API inside this server. The Graph client is
 * pointed here, so every message the bot sends is captured and shown by the simulator and
 * the terminal chat instead of going to WhatsApp. Reading them back is guarded per browser in
 * server/web/simulator.ts (`GET /demo/messages`).
 *
 * With a database (#17) the captured messages are also kept under `demo/mensajes`, bounded
 * like the memory copy, so after `npm start` again the simulator shows the conversation.
 */
export interface CapturedMessage {
  seq: number;
  messageId: string;
  phoneNumberId: string;
  to: string;
  at: number;
  body: Record<string, unknown>;
}

/** How many messages are kept (oldest dropped first), in memory and in the database. */
export const CAPTURE_LIMIT = 5000;
/** A bot message is a few hundred bytes; anything far larger is shown but not kept. */
const STORED_BODY_LIMIT = 20_000;

/** As stored: the body as JSON text, so RTDB never reshapes it (empty lists, key rules). */
const ZStoredMessageSchema = z.object({
  seq: z.number().int().positive(),
  messageId: z.string().max(200),
  phoneNumberId: z.string().max(40),
  to: z.string().max(40),
  at: z.number(),
  body: z.string().max(STORED_BODY_LIMIT),
});

export interface CaptureStore {
  db: Database;
  logger: Logger;
}

export class GraphCapture {
  private readonly messages: CapturedMessage[] = [];
  /** Sequence numbers start from the clock, so a client that survives a server restart keeps reading. */
  private seq = Date.now();
  private readonly loaded: Promise<void>;

  constructor(private readonly store?: CaptureStore) {
    this.loaded = store ? this.load(store) : Promise.resolve();
  }

  private async load(store: CaptureStore): Promise<void> {
    try {
      const raw = (await readValue<Record<string, unknown>>(store.db, paths.demoMessages())) ?? {};
      const kept: CapturedMessage[] = [];
      for (const value of Object.values(raw)) {
        const parsed = ZStoredMessageSchema.safeParse(value);
        if (!parsed.success) continue;
        try {
          kept.push({ ...parsed.data, body: JSON.parse(parsed.data.body) as Record<string, unknown> });
        } catch {
          // Unreadable entry: skipped.
        }
      }
      kept.sort((a, b) => a.seq - b.seq);
      this.messages.unshift(...kept.slice(-CAPTURE_LIMIT));
      this.seq = Math.max(this.seq, kept.at(-1)?.seq ?? 0);
    } catch (error) {
      store.logger.warn({ err: error }, 'demo: could not read the simulator history; starting with none');
    }
  }

  private async persist(message: CapturedMessage, dropped: CapturedMessage | undefined): Promise<void> {
    if (!this.store) return;
    const body = JSON.stringify(message.body);
    const update: Record<string, unknown> = {};
    if (body.length <= STORED_BODY_LIMIT) update[paths.demoMessage(message.seq)] = { ...message, body };
    if (dropped) update[paths.demoMessage(dropped.seq)] = null;
    if (Object.keys(update).length === 0) return;
    try {
      await withTimeout(this.store.db.ref().update(update), 'demo capture');
    } catch (error) {
      this.store.logger.warn({ err: error }, 'demo: a captured message was not kept for after a restart');
    }
  }

  router(): Router {
    const router = express.Router();
    router.post('/graph/:version/:phoneNumberId/messages', express.json({ limit: '1mb' }), async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.status === 'read') {
        res.json({ success: true });
        return;
      }
      await this.loaded;
      const to = String(body.to ?? '').replace(/^\+/, '');
      const messageId = `wamid.DEMO_${randomUUID().replace(/-/g, '')}`;
      const message = { seq: ++this.seq, messageId, phoneNumberId: String(req.params.phoneNumberId).slice(0, 40), to: to.slice(0, 40), at: Date.now(), body };
      this.messages.push(message);
      const dropped = this.messages.length > CAPTURE_LIMIT ? this.messages.shift() : undefined;
      await this.persist(message, dropped);
      res.json({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: to }], messages: [{ id: messageId }] });
    });
    return router;
  }

  /** Messages sent to `waId` after sequence number `after`. */
  async since(waId: string, after: number): Promise<CapturedMessage[]> {
    await this.loaded;
    return this.messages.filter((m) => m.to === waId && m.seq > after);
  }
}
