import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { jitteredBackoffMs, type BackoffPolicy } from '../backoff';
import { WHATSAPP_LIMITS } from '../conversation/messages.es-CO';
import type { Reply } from '../conversation/types';
import { BSUID_PATTERN } from '../db/paths';

/** Per-request timeout for Graph API calls. */
export const GRAPH_TIMEOUT_MS = 10_000;
/** Attempts per send, including the first. */
export const GRAPH_MAX_ATTEMPTS = 3;
/** Between attempts of one send. */
const SEND_BACKOFF: BackoffPolicy = { baseMs: 300, capMs: 3000 };
/** Meta's limit for `biz_opaque_callback_data`. */
const MAX_CALLBACK_DATA = 512;

/** Meta error codes worth retrying (reference/whatsapp-cloud-api.md §6.2); everything else is permanent. */
const RETRYABLE_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004]);
export const isRetryableMetaCode = (code: number | undefined): boolean => code !== undefined && RETRYABLE_CODES.has(code);

/**
 * Network errors raised before a request can have reached Meta (no connection was made), so
 * sending again cannot make a second message. Anything else (a timeout, a reset after the
 * body was written) may have been accepted: its outcome is unknown.
 */
const NOT_SENT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);


export interface GraphApiErrorOptions {
  /** Meta's error code, when the response carried one. */
  metaCode?: number;
  httpStatus?: number;
  /** True when sending again cannot help (131047 outside the 24-hour window, bad token…). */
  permanent: boolean;
  /** True when the request may have reached Meta although no answer came back. */
  outcomeUnknown?: boolean;
}

export class GraphApiError extends Error {
  readonly metaCode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly permanent: boolean;
  /**
   * True when Meta may have accepted the message although no answer came back (a timeout
   * or a connection cut after the request was written): sending again could deliver it
   * twice, so the outbox waits for Meta's status webhook instead (#12).
   */
  readonly outcomeUnknown: boolean;

  constructor(message: string, options: GraphApiErrorOptions) {
    super(message);
    this.name = 'GraphApiError';
    this.metaCode = options.metaCode;
    this.httpStatus = options.httpStatus;
    this.permanent = options.permanent;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
  toJSON() {
    return { name: this.name, message: this.message, metaCode: this.metaCode, httpStatus: this.httpStatus, permanent: this.permanent, outcomeUnknown: this.outcomeUnknown };
  }
}

const ZSendResponseSchema = z.looseObject({ messages: z.array(z.looseObject({ id: z.string() })).min(1) });
const ZErrorResponseSchema = z.looseObject({
  error: z.looseObject({ message: z.string().optional(), code: z.number().optional(), error_data: z.unknown().optional() }),
});

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com/v25.0 */
  baseUrl: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SendTarget {
  phoneNumberId: string;
  accessToken: string;
  /**
   * The customer: a wa_id (digits), sent as `to: "+<wa_id>"` so Meta never prepends a country
   * code, or a BSUID, sent as `recipient` as Meta documents for users without a visible number
   * (reference §7.5, #15).
   */
  to: string;
  /**
   * Echoed back by Meta in this message's status webhooks (`biz_opaque_callback_data`), so a
   * status finds its outbox entry and attempt even when the wamid was never recorded.
   */
  callbackData?: string;
}

/** Sends Cloud API messages with the tenant's token and phone number id. */
export class GraphClient {
  private readonly http: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: GraphClientOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? GRAPH_TIMEOUT_MS,
      validateStatus: () => true,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Sends one reply; resolves with the outbound wamid. */
  async send(target: SendTarget, reply: Reply): Promise<{ messageId: string }> {
    try {
      return await this.sendBody(target, toGraphMessage(reply));
    } catch (error) {
      // Text fallback: a number or client that refuses the location request still gets the question.
      if (reply.type === 'location_request' && error instanceof GraphApiError && error.permanent && (error.metaCode === 100 || error.metaCode === 131009 || error.metaCode === 131051)) {
        return this.sendBody(target, toGraphMessage({ type: 'text', body: reply.body }));
      }
      throw error;
    }
  }

  /**
   * Sends an approved template (outside the 24-hour window, #15): its name, language and the
   * body's parameters in order ({{1}}, {{2}}…), each as text.
   */
  async sendTemplate(target: SendTarget, template: { name: string; language: string; bodyParameters: string[] }): Promise<{ messageId: string }> {
    return this.sendBody(target, {
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language },
        ...(template.bodyParameters.length
          ? { components: [{ type: 'body', parameters: template.bodyParameters.map((text) => ({ type: 'text', text })) }] }
          : {}),
      },
    });
  }

  private async sendBody(target: SendTarget, message: Record<string, unknown>): Promise<{ messageId: string }> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...(BSUID_PATTERN.test(target.to) ? { recipient: target.to } : { to: `+${target.to}` }),
      ...message,
      ...(target.callbackData ? { biz_opaque_callback_data: target.callbackData.slice(0, MAX_CALLBACK_DATA) } : {}),
    };
    const data = await this.post(target, body);
    const parsed = ZSendResponseSchema.safeParse(data);
    if (!parsed.success) throw new GraphApiError('unexpected send response', { httpStatus: 200, permanent: false });
    return { messageId: parsed.data.messages[0]!.id };
  }

  /**
   * Marks an inbound message as read (blue ticks), with the typing indicator when the answer
   * will take a moment (reference §5.8: it shows until we reply or 25 s pass).
   */
  async markRead(target: Omit<SendTarget, 'to'>, messageId: string, options: { typing?: boolean } = {}): Promise<void> {
    await this.post(target, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: messageId,
      ...(options.typing ? { typing_indicator: { type: 'text' } } : {}),
    });
  }

  private async post(target: Omit<SendTarget, 'to'>, body: unknown): Promise<unknown> {
    let lastError: GraphApiError | undefined;
    for (let attempt = 1; attempt <= GRAPH_MAX_ATTEMPTS; attempt++) {
      try {
        const res = await this.http.post(`/${encodeURIComponent(target.phoneNumberId)}/messages`, body, {
          headers: { Authorization: `Bearer ${target.accessToken}`, 'Content-Type': 'application/json' },
        });
        if (res.status >= 200 && res.status < 300) return res.data;
        lastError = toGraphError(res.status, res.data);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // No connection: nothing reached Meta, so trying again is safe. A timeout or a reset
        // may come after Meta accepted the message: never resend it blindly (#12).
        if (!code || !NOT_SENT_ERRORS.has(code)) throw new GraphApiError(`no answer from the Graph API: ${(error as Error).message}`, { permanent: false, outcomeUnknown: true });
        lastError = new GraphApiError(`network error: ${(error as Error).message}`, { permanent: false });
      }
      // Rate limits are waited out by the outbox (4^n s per customer for 131056, per number for
      // 130429), not retried here within milliseconds (#15).
      if (lastError.permanent || lastError.metaCode === 131056 || lastError.metaCode === 130429 || attempt === GRAPH_MAX_ATTEMPTS) break;
      await this.sleep(jitteredBackoffMs(attempt, SEND_BACKOFF, this.random));
    }
    throw lastError!;
  }
}

function toGraphError(status: number, data: unknown): GraphApiError {
  const parsed = ZErrorResponseSchema.safeParse(data);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const message = parsed.success ? (parsed.data.error.message ?? `HTTP ${status}`) : `HTTP ${status}`;
  const permanent = code !== undefined ? !RETRYABLE_CODES.has(code) : !(status === 429 || status >= 500);
  return new GraphApiError(message, { metaCode: code, httpStatus: status, permanent });
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * The Graph API body for a reply, with every documented limit applied: long strings are cut,
 * and a list or button set that cannot fit becomes plain text, so a send never fails on size.
 */
export function toGraphMessage(reply: Reply): Record<string, unknown> {
  const header = (text?: string) => (text ? { header: { type: 'text', text: cut(text, WHATSAPP_LIMITS.header) } } : {});
  const footer = (text?: string) => (text ? { footer: { text: cut(text, WHATSAPP_LIMITS.footer) } } : {});
  switch (reply.type) {
    case 'text':
      return { type: 'text', text: { preview_url: /https?:\/\//.test(reply.body), body: cut(reply.body, WHATSAPP_LIMITS.textBody) } };
    case 'buttons': {
      const titles = reply.buttons.map((b) => cut(b.title, WHATSAPP_LIMITS.buttonTitle));
      if (reply.buttons.length === 0 || reply.buttons.length > WHATSAPP_LIMITS.maxButtons || new Set(titles).size !== titles.length) {
        return toGraphMessage({ type: 'text', body: `${reply.body}\n\n${reply.buttons.map((b) => `• ${b.title}`).join('\n')}` });
      }
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          ...header(reply.header),
          body: { text: cut(reply.body, WHATSAPP_LIMITS.interactiveBody) },
          ...footer(reply.footer),
          action: {
            buttons: reply.buttons.map((b, i) => ({ type: 'reply', reply: { id: b.id.slice(0, WHATSAPP_LIMITS.buttonId), title: titles[i] } })),
          },
        },
      };
    }
    case 'list': {
      const rows = reply.sections.reduce((n, s) => n + s.rows.length, 0);
      if (rows === 0 || rows > WHATSAPP_LIMITS.listRows || reply.sections.length > WHATSAPP_LIMITS.listSections) {
        const lines = reply.sections.flatMap((s) => [`*${s.title}*`, ...s.rows.map((r) => `• ${r.title}${r.description ? ` — ${r.description}` : ''}`)]);
        return toGraphMessage({ type: 'text', body: `${reply.body}\n\n${lines.join('\n')}` });
      }
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          ...header(reply.header),
          body: { text: cut(reply.body, WHATSAPP_LIMITS.listBody) },
          ...footer(reply.footer),
          action: {
            button: cut(reply.button, WHATSAPP_LIMITS.listButton),
            sections: reply.sections.map((s) => ({
              title: cut(s.title, WHATSAPP_LIMITS.sectionTitle),
              rows: s.rows.map((r) => ({
                id: r.id.slice(0, WHATSAPP_LIMITS.rowId),
                title: cut(r.title, WHATSAPP_LIMITS.rowTitle),
                ...(r.description ? { description: cut(r.description, WHATSAPP_LIMITS.rowDescription) } : {}),
              })),
            })),
          },
        },
      };
    }
    case 'location_request':
      // Meta's location request message (body ≤ 1024); a longer body goes as plain text.
      if (reply.body.length > WHATSAPP_LIMITS.interactiveBody) return toGraphMessage({ type: 'text', body: reply.body });
      return { type: 'interactive', interactive: { type: 'location_request_message', body: { text: reply.body }, action: { name: 'send_location' } } };
    case 'cta_url':
      return {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          ...header(reply.header),
          body: { text: cut(reply.body, WHATSAPP_LIMITS.interactiveBody) },
          ...footer(reply.footer),
          action: { name: 'cta_url', parameters: { display_text: cut(reply.displayText, WHATSAPP_LIMITS.ctaDisplayText), url: reply.url } },
        },
      };
  }
}
