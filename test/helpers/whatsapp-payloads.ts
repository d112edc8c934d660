import { randomUUID } from 'node:crypto';

/** Builders for Cloud API webhook bodies, in the documented shape (reference §2). */
export interface MessageSpec {
  waId: string;
  id?: string;
  profileName?: string;
  text?: string;
  choice?: { id: string; title: string; kind?: 'button_reply' | 'list_reply' };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  type?: string;
}

export function newWamid(): string {
  return `wamid.TEST_IN_${randomUUID().replace(/-/g, '')}`;
}

export function inboundMessage(spec: MessageSpec): Record<string, unknown> {
  const base = { from: spec.waId, id: spec.id ?? newWamid(), timestamp: String(Math.floor(Date.now() / 1000)) };
  if (spec.text !== undefined) return { ...base, type: 'text', text: { body: spec.text } };
  if (spec.choice) {
    const kind = spec.choice.kind ?? 'button_reply';
    return { ...base, type: 'interactive', interactive: { type: kind, [kind]: { id: spec.choice.id, title: spec.choice.title } } };
  }
  if (spec.location) return { ...base, type: 'location', location: spec.location };
  return { ...base, type: spec.type ?? 'sticker', [spec.type ?? 'sticker']: { id: 'media-1' } };
}

export function changeFor(phoneNumberId: string, messages: MessageSpec[]): Record<string, unknown> {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '573205550100', phone_number_id: phoneNumberId },
      contacts: messages.map((m) => ({ profile: { name: m.profileName ?? 'Laura Gómez' }, wa_id: m.waId })),
      messages: messages.map(inboundMessage),
    },
  };
}

export function webhookBody(changes: Array<Record<string, unknown>>): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: [{ id: '220000000000002', changes }] };
}

export function statusChange(phoneNumberId: string, status: Record<string, unknown>): Record<string, unknown> {
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '573205550100', phone_number_id: phoneNumberId }, statuses: [status] },
  };
}

/**
 * A message change in the 2026 shape (reference §7.5, #15): the contact carries the BSUID in
 * `user_id` and the message in `from_user_id`; `wa_id` / `from` only when `waId` is given.
 */
export function bsuidChange(
  phoneNumberId: string,
  messages: Array<{ userId: string; waId?: string; text: string; id?: string; timestamp?: number; username?: string }>,
): Record<string, unknown> {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '573205550100', phone_number_id: phoneNumberId },
      contacts: messages.map((m) => ({
        profile: { name: 'Cliente Usuario', ...(m.username ? { username: m.username } : {}) },
        ...(m.waId ? { wa_id: m.waId } : {}),
        user_id: m.userId,
      })),
      messages: messages.map((m) => ({
        ...(m.waId ? { from: m.waId } : {}),
        from_user_id: m.userId,
        id: m.id ?? newWamid(),
        timestamp: String(m.timestamp ?? Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: m.text },
      })),
    },
  };
}
