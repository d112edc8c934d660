import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import type { InboundInput, Reply } from '../conversation/types';
import { withTimeout } from '../db/firebase';
import { paths } from '../db/paths';

/**
 * The messages exchanged with a customer, for the staff who take over a chat (#16):
 * `tenants/{t}/conversaciones/{waId}/{slot}`, a ring of `TRANSCRIPT_SLOTS` entries. Each entry
 * carries its sequence number `n`; the counter lives in the session (`transcripcion`) and moves
 * in the session's own transaction (the runner's turn, or a staff message), so two writers
 * never take the same number and the node never grows past the ring. Readers sort by `n`.
 * A turn replayed after a crash does not write its entries again (the counter already moved).
 */
export const TRANSCRIPT_SLOTS = 100;
/** Longest text kept per entry; the transcript is for reading, not an archive. */
const MAX_ENTRY_CHARS = 1000;

export const TRANSCRIPT_AUTHORS = ['cliente', 'bot', 'personal'] as const;
export type TranscriptAuthor = (typeof TRANSCRIPT_AUTHORS)[number];

export const ZTranscriptEntrySchema = z.object({
  n: z.number().int().nonnegative(),
  de: z.enum(TRANSCRIPT_AUTHORS),
  texto: z.string(),
  fecha: z.number(),
  /** Staff member (uid) who wrote a `personal` entry. */
  por: z.string().optional(),
});
export type TTranscriptEntry = z.infer<typeof ZTranscriptEntrySchema>;

const slotOf = (n: number) => String(n % TRANSCRIPT_SLOTS).padStart(3, '0');

/** The multi-path update writing `entries` numbered from `from`. */
export function transcriptUpdate(
  tenantId: string,
  waId: string,
  from: number,
  entries: ReadonlyArray<{ de: TranscriptAuthor; texto: string; por?: string }>,
  now: number,
): Record<string, TTranscriptEntry> {
  const base = paths.transcript(tenantId, waId);
  const update: Record<string, TTranscriptEntry> = {};
  entries.forEach((entry, i) => {
    const n = from + i;
    update[`${base}/${slotOf(n)}`] = { n, de: entry.de, texto: entry.texto.slice(0, MAX_ENTRY_CHARS), fecha: now, ...(entry.por ? { por: entry.por } : {}) };
  });
  return update;
}

/** The sequence counter kept in a stored session (0 when it has none). */
export function transcriptCounter(session: unknown): number {
  const value = (session as { transcripcion?: unknown } | null)?.transcripcion;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** What the customer sent, as a line for the staff. */
export function inputText(input: InboundInput): string {
  switch (input.kind) {
    case 'text':
      return input.text;
    case 'choice':
      return `[${input.title}]`;
    case 'location':
      return `[ubicación ${input.latitude.toFixed(5)}, ${input.longitude.toFixed(5)}${input.address ? ` — ${input.address}` : ''}]`;
    case 'unsupported':
      return `[${input.type}]`;
  }
}

/** What the bot sent, as a line for the staff (buttons and links named). */
export function replyText(reply: Reply): string {
  switch (reply.type) {
    case 'text':
      return reply.body;
    case 'buttons':
      return `${reply.body}\n[${reply.buttons.map((b) => b.title).join(' | ')}]`;
    case 'list':
      return `${reply.body}\n[${reply.button}]`;
    case 'cta_url':
      return `${reply.body}\n[${reply.displayText}: ${reply.url}]`;
    case 'location_request':
      return `${reply.body}\n[Enviar ubicación]`;
  }
}

/** The transcript in order, oldest first. Entries that do not parse (a hand edit) are skipped. */
export async function readTranscript(db: Database, tenantId: string, waId: string): Promise<TTranscriptEntry[]> {
  const snapshot = await withTimeout(db.ref(paths.transcript(tenantId, waId)).once('value'), 'transcript');
  const entries: TTranscriptEntry[] = [];
  snapshot.forEach((child) => {
    const parsed = ZTranscriptEntrySchema.safeParse(child.val());
    if (parsed.success) entries.push(parsed.data);
  });
  return entries.sort((a, b) => a.n - b.n);
}
