import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { botBack, staffMessage } from '../conversation/messages.es-CO';
import { withTimeout } from '../db/firebase';
import { paths, WA_ID_PATTERN } from '../db/paths';
import { AppError, ErrorCode } from '../errors';
import { deliverMessages, queueMessages, type OutboxDeps } from '../messaging/outbox';
import { readTranscript, transcriptCounter, transcriptUpdate, type TTranscriptEntry } from '../whatsapp/transcript';

/**
 * Staff take over a chat (#16), the owners' and kitchen's side. A customer who asked for a
 * person is listed in `atencionClientes`; staff read the transcript, reply through the outbox
 * (the bot stays silent while they do: each reply moves `atencion.ultimoPersonal` in the
 * session), and hand the chat back, which tells the customer the bot is back.
 *
 * Both writes go through a transaction on the customer's session, the same node the
 * conversation moves, so a staff reply and a customer's turn never overwrite each other and
 * the transcript numbers stay unique.
 */

export interface ConversationsDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  outbox: OutboxDeps;
}

const MAX_STAFF_MESSAGE_CHARS = 1000;

/** `POST …/conversations/{waId}/messages`. */
export const ZStaffMessageSchema = z.object({ texto: z.string().trim().min(1).max(MAX_STAFF_MESSAGE_CHARS) }).strict();

export const ZStaffRequestSchema = z.object({ waId: z.string(), nombre: z.string().optional(), desde: z.number(), estado: z.enum(['pendiente', 'atendiendo']) });
export type TStaffRequest = z.infer<typeof ZStaffRequestSchema>;

export function assertCustomerId(waId: string): string {
  if (!WA_ID_PATTERN.test(waId)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese cliente' });
  return waId;
}

/** Chats waiting for or handled by a person, oldest first. */
export async function listStaffRequests(db: Database, tenantId: string): Promise<TStaffRequest[]> {
  const snapshot = await withTimeout(db.ref(paths.staffRequests(tenantId)).orderByChild('desde').limitToFirst(200).once('value'), 'staff requests');
  const requests: TStaffRequest[] = [];
  snapshot.forEach((child) => {
    const parsed = ZStaffRequestSchema.safeParse(child.val());
    if (parsed.success) requests.push(parsed.data);
  });
  return requests;
}

export interface ConversationView {
  waId: string;
  /** Set while a person handles the chat. */
  atencion: { desde: number; ultimoPersonal?: number } | null;
  paso: string | null;
  mensajes: TTranscriptEntry[];
}

export async function getConversation(db: Database, tenantId: string, waId: string): Promise<ConversationView> {
  const [session, mensajes] = await Promise.all([
    withTimeout(db.ref(paths.session(tenantId, waId)).once('value'), 'session').then((s) => s.val() as { atencion?: ConversationView['atencion']; paso?: string } | null),
    readTranscript(db, tenantId, waId),
  ]);
  if (!session && mensajes.length === 0) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no hay conversación con ese cliente' });
  return { waId, atencion: session?.atencion ?? null, paso: session?.paso ?? null, mensajes };
}

/**
 * Sends a staff member's message to the customer through the outbox. The chat is taken over
 * (or stays taken over) from now: the bot is silent for `minutosInactividad` after this.
 */
export async function sendStaffMessage(deps: ConversationsDeps, input: { tenantId: string; waId: string; texto: string; by: string }): Promise<{ outboxId: string; n: number }> {
  const now = deps.now();
  let n = -1;
  const tx = await withTimeout(
    deps.db.ref(paths.session(input.tenantId, input.waId)).transaction((current: Record<string, unknown> | null) => {
      n = transcriptCounter(current);
      const base = current ?? { paso: 'inicio', carrito: [], actualizado: now };
      const atencion = (base.atencion as { desde?: number } | undefined) ?? {};
      return { ...base, atencion: { desde: atencion.desde ?? now, ultimoPersonal: now }, transcripcion: n + 1 };
    }),
    'staff message',
  );
  if (!tx.committed) throw new AppError(ErrorCode.CONFLICT, { userMessage: 'no se pudo enviar; intenta de nuevo' });
  const outboxId = `personal-${input.waId}-${n}`;
  const { queued, update } = queueMessages([{ outboxId, tenantId: input.tenantId, to: input.waId, kind: 'respuesta', reply: staffMessage(input.texto) }], now);
  await withTimeout(
    deps.db.ref().update({
      ...update,
      ...transcriptUpdate(input.tenantId, input.waId, n, [{ de: 'personal', texto: input.texto, por: input.by }], now),
      [`${paths.staffRequest(input.tenantId, input.waId)}/estado`]: 'atendiendo',
      [`${paths.staffRequest(input.tenantId, input.waId)}/waId`]: input.waId,
      [`${paths.staffRequest(input.tenantId, input.waId)}/desde`]: now,
    }),
    'staff message',
  );
  deps.logger.info({ tenantId: input.tenantId, by: input.by, outboxId }, 'staff replied to a customer');
  await deliverMessages(deps.outbox, queued);
  return { outboxId, n };
}

/**
 * Hands the chat back to the bot: `atencion` leaves the session, the request leaves the list,
 * and the customer is told the bot is back. A chat not handled by a person is left as it is
 * (`devuelto: false`), so a second tablet pressing the button sends nothing twice.
 */
export async function handBack(deps: ConversationsDeps, input: { tenantId: string; waId: string; by: string }): Promise<{ devuelto: boolean }> {
  const now = deps.now();
  let n = -1;
  let wasHandled = false;
  const tx = await withTimeout(
    deps.db.ref(paths.session(input.tenantId, input.waId)).transaction((current: Record<string, unknown> | null) => {
      wasHandled = !!current?.atencion;
      // The first call may see null only because nothing is cached yet: returning null lets the
      // server answer with the real value (a missing session stays missing).
      if (current === null) return null;
      if (!current.atencion) return undefined;
      n = transcriptCounter(current);
      const { atencion: _atencion, ...rest } = current;
      return { ...rest, transcripcion: n + 1 };
    }),
    'hand back',
  );
  const requestPath = paths.staffRequest(input.tenantId, input.waId);
  if (!tx.committed || !wasHandled) {
    await withTimeout(deps.db.ref(requestPath).remove(), 'staff request');
    return { devuelto: false };
  }
  const reply = botBack();
  const { queued, update } = queueMessages([{ outboxId: `devuelto-${input.waId}-${n}`, tenantId: input.tenantId, to: input.waId, kind: 'respuesta', reply }], now);
  await withTimeout(
    deps.db.ref().update({
      ...update,
      ...transcriptUpdate(input.tenantId, input.waId, n, [{ de: 'bot', texto: reply.body }], now),
      [requestPath]: null,
      [`${paths.alerts(input.tenantId)}/atencion-${input.waId}`]: null,
    }),
    'hand back',
  );
  deps.logger.info({ tenantId: input.tenantId, by: input.by }, 'chat handed back to the bot');
  await deliverMessages(deps.outbox, queued);
  return { devuelto: true };
}
