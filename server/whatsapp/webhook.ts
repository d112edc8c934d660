import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { BackgroundTasks } from '../background';
import { AppError, ErrorCode, WebhookSignatureError } from '../errors';
import { runTurn, type TurnDeps } from './run-turn';
import { runCustomerTurns } from './customer-turns';
import { maskPhone } from '../observability/logger';
import { recordMessageStatus } from '../messaging/outbox';
import { resolveCustomer } from '../messaging/customers';
import { parseWebhook, ZWebhookEnvelopeSchema, type InboundMessage, type InboundStatus } from './inbound.schema';
import { recordInbound, type InboxRecord } from './inbox';
import { verifyMetaSignature } from './signature';

export interface WhatsAppWebhookOptions {
  appSecret: string;
  verifyToken: string;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Intake of Cloud API webhooks: the GET handshake, and POSTs verified on the raw bytes,
 * recorded durably, acknowledged, then processed. Work started after the 200 is tracked so
 * shutdown can wait for it.
 */
export class WhatsAppWebhook {
  constructor(
    private readonly deps: TurnDeps,
    private readonly options: WhatsAppWebhookOptions,
    private readonly background: BackgroundTasks = new BackgroundTasks(),
  ) {}

  /** GET: answers Meta's verification handshake with the bare challenge. */
  handshake = (req: Request, res: Response): void => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode === 'subscribe' && typeof token === 'string' && typeof challenge === 'string' && safeEqual(token, this.options.verifyToken)) {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    this.deps.logger.warn({ mode }, 'WhatsApp verification handshake refused');
    res.status(403).type('text/plain').send('Forbidden');
  };

  /** POST: signature → parse → route → record → 200 → process. */
  receive = async (req: Request, res: Response): Promise<void> => {
    if (!Buffer.isBuffer(req.body)) {
      throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { userMessage: 'Content-Type must be application/json' });
    }
    const rawBody = req.body;
    try {
      verifyMetaSignature(rawBody, req.get('x-hub-signature-256'), this.options.appSecret);
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        this.deps.logger.warn({ reason: error.message, likelyCause: error.likelyCause }, 'WhatsApp webhook rejected: bad signature');
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'body is not valid JSON' });
    }
    const envelope = ZWebhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new AppError(ErrorCode.INVALID_BODY, {
        userMessage: 'not a WhatsApp Business Account webhook',
        details: { issues: envelope.error.issues.map((i) => i.path.join('.') || '(body)') },
      });
    }
    const parsed = parseWebhook(envelope.data);
    for (const skipped of parsed.skipped) this.deps.logger.warn(skipped, 'WhatsApp webhook change skipped');
    // Everything is durable before the 200; a failure here answers 5xx and Meta retries.
    const now = this.deps.now();
    const accepted: Array<{ record: InboxRecord; messageKey: string }> = [];
    await Promise.all([
      // Statuses settle outbox attempts whose outcome was not recorded (#12).
      ...parsed.statuses.map((status) => this.recordStatus(status)),
      ...parsed.messages.map(async (message) => {
        const tenantId = await this.deps.tenants.tenantForPhoneNumber(message.phoneNumberId);
        if (!tenantId) {
          this.deps.logger.warn({ phoneNumberId: message.phoneNumberId }, 'message for an unknown phone number id; ignored');
          return;
        }
        // The customer (wa_id or BSUID, #15) and the time that opens their 24-hour window.
        const inboundAt = message.timestamp ? Math.min(message.timestamp * 1000, now) : now;
        const customer = await resolveCustomer(this.deps.db, tenantId, { waId: message.waId, userId: message.userId }, inboundAt);
        const result = await recordInbound(this.deps.db, message, tenantId, now, customer);
        if (result.status === 'new') accepted.push({ record: result.record, messageKey: result.messageKey });
        else this.deps.logger.info({ tenantId, waId: maskPhone(customer.customerId) }, 'duplicate WhatsApp message ignored');
      }),
    ]);
    res.status(200).json({ received: parsed.messages.length, accepted: accepted.length });
    this.background.track(this.processAccepted(accepted));
  };

  /** Records what Meta says about a message we sent on its outbox entry. */
  private async recordStatus(status: InboundStatus): Promise<void> {
    if (status.status === 'failed') {
      this.deps.logger.error(
        { phoneNumberId: status.phoneNumberId, metaCodes: status.errors.map((e) => e.code), titles: status.errors.map((e) => e.title) },
        'WhatsApp reports an outgoing message failed',
      );
    }
    const tenantId = await this.deps.tenants.tenantForPhoneNumber(status.phoneNumberId);
    if (!tenantId) {
      this.deps.logger.warn({ phoneNumberId: status.phoneNumberId }, 'status for an unknown phone number id; ignored');
      return;
    }
    const outcome = await recordMessageStatus(this.deps, {
      tenantId,
      wamid: status.messageId,
      status: status.status,
      callbackData: status.callbackData,
      errors: status.errors,
    });
    if (outcome === 'unknown') this.deps.logger.debug({ tenantId, status: status.status }, 'status for a message not in the outbox');
  }

  /** Customers in parallel; each customer's messages one at a time, oldest first, across instances (#15). */
  private async processAccepted(accepted: Array<{ record: InboxRecord; messageKey: string }>): Promise<void> {
    const byCustomer = new Map<string, (typeof accepted)[number]>();
    for (const item of accepted) byCustomer.set(`${item.record.tenantId}/${item.record.waId}`, item);
    await Promise.all([...byCustomer.values()].map((item) => this.process(item.record, item.messageKey)));
  }

  /**
   * Runs a recorded message through its customer's turn queue (customer-turns.ts): this call
   * runs the queue when it gets the customer's lease, else the holder runs it. Failures leave
   * the message pending for the sweep.
   */
  async process(record: InboxRecord, messageKey: string): Promise<void> {
    try {
      await runCustomerTurns(this.deps, record, messageKey, async (next, nextKey) => {
        this.markRead(next);
        try {
          await runTurn(this.deps, next, nextKey);
        } catch (error) {
          this.deps.logger.error({ err: error, tenantId: next.tenantId, messageKey: nextKey }, 'message processing failed; it stays pending for retry');
        }
      });
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId: record.tenantId, messageKey }, 'customer turn queue failed; the message stays pending for retry');
    }
  }

  private markRead(record: InboxRecord): void {
    void (async () => {
      const tenant = await this.deps.tenants.getTenant(record.tenantId);
      const token = await this.deps.tenants.whatsappToken(record.tenantId);
      if (tenant && token) await this.deps.graph.markRead({ phoneNumberId: tenant.whatsapp.phoneNumberId, accessToken: token }, record.messageId);
    })().catch(() => undefined);
  }

  /** Resolves when the work started by earlier requests has finished. */
  drain(): Promise<void> {
    return this.background.drain();
  }
}

export type { InboundMessage };
