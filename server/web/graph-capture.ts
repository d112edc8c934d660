import express, { type Router } from 'express';
import { randomUUID } from 'node:crypto';

/**
 * Demo mode only: a stand-in for the Graph API inside this server. The Graph client is
 * pointed here, so every message the bot sends is captured and shown by the simulator and
 * the terminal chat instead of going to WhatsApp. Reading them back is guarded per browser in
 * server/web/simulator.ts (`GET /demo/messages`).
 */
export interface CapturedMessage {
  seq: number;
  messageId: string;
  phoneNumberId: string;
  to: string;
  at: number;
  body: Record<string, unknown>;
}

/** How many messages are kept (oldest dropped first). */
const CAPTURE_LIMIT = 5000;

export class GraphCapture {
  private readonly messages: CapturedMessage[] = [];
  /** Sequence numbers start from the clock, so a client that survives a server restart keeps reading. */
  private seq = Date.now();

  router(): Router {
    const router = express.Router();
    router.post('/graph/:version/:phoneNumberId/messages', express.json({ limit: '1mb' }), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.status === 'read') {
        res.json({ success: true });
        return;
      }
      const to = String(body.to ?? '').replace(/^\+/, '');
      const messageId = `wamid.DEMO_${randomUUID().replace(/-/g, '')}`;
      this.messages.push({ seq: ++this.seq, messageId, phoneNumberId: String(req.params.phoneNumberId), to, at: Date.now(), body });
      if (this.messages.length > CAPTURE_LIMIT) this.messages.shift();
      res.json({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: to }], messages: [{ id: messageId }] });
    });
    return router;
  }

  /** Messages sent to `waId` after sequence number `after`. */
  since(waId: string, after: number): CapturedMessage[] {
    return this.messages.filter((m) => m.to === waId && m.seq > after);
  }
}
