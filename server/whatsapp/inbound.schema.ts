import { z } from 'zod';
import type { InboundInput } from '../conversation/types';
import { BSUID_PATTERN, PHONE_NUMBER_ID_PATTERN, WA_ID_PATTERN } from '../db/paths';

/**
 * The Cloud API webhook envelope (reference/whatsapp-cloud-api.md §2). Third-party payloads
 * accept extra fields, since Meta adds them over time.
 */
const ZMessageSchema = z.looseObject({
  id: z.string().min(1).max(512),
  /** The customer's phone (wa_id); omitted for a user with a username and no recent contact (#15). */
  from: z.string().optional(),
  /** The customer's business-scoped user id (BSUID), present since 2026 (#15). */
  from_user_id: z.string().optional(),
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  location: z
    .looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  /** A shared contact card (the answer to "what is your number?" may come as one). */
  contacts: z.array(z.looseObject({ phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional() })).optional(),
});

const ZStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

const ZValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z
    .array(z.looseObject({ wa_id: z.string().optional(), user_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() }))
    .optional(),
  messages: z.array(ZMessageSchema).optional(),
  statuses: z.array(ZStatusSchema).optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

export const ZWebhookEnvelopeSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string().optional(),
      changes: z.array(z.looseObject({ field: z.string().optional(), value: z.unknown() })),
    }),
  ),
});

/**
 * One customer message, flattened out of the batch. A customer is named by a phone (`waId`),
 * a BSUID (`userId`), or both; at least one is always present (#15).
 */
export interface InboundMessage {
  phoneNumberId: string;
  messageId: string;
  waId?: string;
  userId?: string;
  profileName?: string;
  /** Unix seconds as Meta sent it. */
  timestamp?: number;
  input: InboundInput;
}

export interface InboundStatus {
  phoneNumberId: string;
  messageId: string;
  status: string;
  /** `biz_opaque_callback_data` as we set it on the send (the outbox entry and attempt). */
  callbackData?: string;
  errors: Array<{ code?: number; title?: string }>;
}

export interface ParsedWebhook {
  messages: InboundMessage[];
  statuses: InboundStatus[];
  /** Changes that could not be read (kept for the log, never fatal for the batch). */
  skipped: Array<{ reason: string }>;
}

/** Walks every entry, change, message and status of a batch (not just the first). */
export function parseWebhook(envelope: z.infer<typeof ZWebhookEnvelopeSchema>): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], skipped: [] };
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      if (change.field !== undefined && change.field !== 'messages') {
        out.skipped.push({ reason: `field ${change.field}` });
        continue;
      }
      const value = ZValueSchema.safeParse(change.value);
      if (!value.success) {
        out.skipped.push({ reason: `unreadable change: ${value.error.issues.map((i) => i.path.join('.')).join(', ')}` });
        continue;
      }
      const v = value.data;
      const phoneNumberId = v.metadata.phone_number_id;
      // Meta's ids are digits. Anything else cannot name one of our numbers, and must never
      // reach a database path: skip this change, keep the rest of the batch (#12).
      if (!PHONE_NUMBER_ID_PATTERN.test(phoneNumberId)) {
        out.skipped.push({ reason: `invalid phone_number_id (${JSON.stringify(phoneNumberId.slice(0, 40))}${phoneNumberId.length > 40 ? '…' : ''})` });
        continue;
      }
      const contacts = v.contacts ?? [];
      for (const message of v.messages ?? []) {
        // The contact of this sender, never another one of the batch: a contact stands in for a
        // missing field only when it is the batch's only contact.
        const contact =
          contacts.find((c) => (message.from !== undefined && c.wa_id === message.from) || (message.from_user_id !== undefined && c.user_id === message.from_user_id)) ??
          (contacts.length === 1 ? contacts[0] : undefined);
        const waId = usable(message.from ?? contact?.wa_id, WA_ID_PATTERN);
        const userId = usable(message.from_user_id ?? contact?.user_id, BSUID_PATTERN);
        if (!waId && !userId) {
          // Nobody to answer and no identity to file it under: an empty `from` must never
          // become a customer shared by everyone without one.
          out.skipped.push({ reason: 'message without a usable sender (no wa_id, no BSUID)' });
          continue;
        }
        out.messages.push({
          phoneNumberId,
          messageId: message.id,
          ...(waId ? { waId } : {}),
          ...(userId ? { userId } : {}),
          profileName: contact?.profile?.name?.slice(0, 80),
          timestamp: message.timestamp ? Number(message.timestamp) || undefined : undefined,
          input: toInput(message),
        });
      }
      for (const status of v.statuses ?? []) {
        out.statuses.push({ phoneNumberId, messageId: status.id, status: status.status, callbackData: status.biz_opaque_callback_data, errors: status.errors ?? [] });
      }
    }
  }
  return out;
}

const usable = (value: string | undefined, pattern: RegExp): string | undefined => (value !== undefined && pattern.test(value) ? value : undefined);

function toInput(message: z.infer<typeof ZMessageSchema>): InboundInput {
  switch (message.type) {
    case 'text':
      return message.text ? { kind: 'text', text: message.text.body } : { kind: 'unsupported', type: 'text' };
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return reply ? { kind: 'choice', id: reply.id, title: reply.title } : { kind: 'unsupported', type: 'interactive' };
    }
    case 'button':
      // Quick reply of a template: its payload plays the role of an id.
      return message.button?.payload
        ? { kind: 'choice', id: message.button.payload, title: message.button.text ?? message.button.payload }
        : { kind: 'text', text: message.button?.text ?? '' };
    case 'location':
      return message.location
        ? {
            kind: 'location',
            latitude: message.location.latitude,
            longitude: message.location.longitude,
            // Absent keys, not `undefined`: RTDB refuses undefined values in a write.
            ...(message.location.name ? { name: message.location.name } : {}),
            ...(message.location.address ? { address: message.location.address } : {}),
          }
        : { kind: 'unsupported', type: 'location' };
    case 'contacts': {
      // A shared contact card: its phone answers the phone step like a typed number.
      const phone = message.contacts?.flatMap((c) => c.phones ?? []).map((p) => p.phone ?? (p.wa_id ? `+${p.wa_id}` : undefined)).find((p) => p !== undefined);
      return phone ? { kind: 'text', text: phone.slice(0, 40) } : { kind: 'unsupported', type: 'contacts' };
    }
    default:
      return { kind: 'unsupported', type: message.type.slice(0, 40) };
  }
}
