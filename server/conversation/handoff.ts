/**
 * Staff take over a chat (#16), pure. The customer asks for a person ("asesor", "hablar con
 * alguien"): the session gets `atencion`, the runner alerts the staff, and from then on the
 * bot does not answer (the runner still records every message for the staff to read) until
 * staff hand the chat back (admin API, which removes `atencion` and tells the customer) or
 * nobody from the staff wrote for the tenant's `minutosInactividad`; then the customer's next
 * message is answered, after a line saying the bot is back.
 */
import type { Session, TurnContext } from './types';

/** Used when the tenant's settings say nothing (the tenant file's default). */
export const DEFAULT_IDLE_MINUTES = 30;

export function handoffState(session: Session | null, ctx: TurnContext): { silent: boolean; backToBot: boolean } {
  const atencion = session?.atencion;
  if (!atencion) return { silent: false, backToBot: false };
  const idleMs = (ctx.tenant.minutosInactividad ?? DEFAULT_IDLE_MINUTES) * 60_000;
  const lastStaff = atencion.ultimoPersonal ?? atencion.desde;
  if (ctx.now - lastStaff < idleMs) return { silent: true, backToBot: false };
  return { silent: false, backToBot: true };
}
