import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ZMenuItemRecordSchema } from '../db/records';
import { ZPausaRecordSchema, type TPausaRecord } from '../db/restaurant-records';
import { AppError, ErrorCode } from '../errors';
import { closesAt, endOfBusinessDay, type Horario } from '../restaurant/opening-hours';
import { isAvailable, soldOutFields } from '../restaurant/sold-out';
import type { TenantStore } from '../tenants/tenant-store';

/**
 * The kitchen's one-tap controls (#16): an item sold out for the day (or until switched back)
 * and a pause of ordering or of delivery only. Both are written where the tenant's live cache
 * listens (`menu/{item}`, `pausa`), so every instance's bot sees them on the next message.
 */

export interface KitchenControlsDeps {
  db: Database;
  tenants: TenantStore;
  now: () => number;
}

const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,60}$/;

/** `PATCH …/menu/{itemId}/disponible`: `soloHoy` (default) brings it back at the next business day. */
export const ZAvailabilityUpdateSchema = z.object({ disponible: z.boolean(), soloHoy: z.boolean().default(true) }).strict();

/** `PUT …/pausa`: pause ordering (`pedidos`) or delivery only (`domicilios`) for some minutes or until closing time. */
export const ZPauseUpdateSchema = z
  .object({
    tipo: z.enum(['pedidos', 'domicilios']),
    minutos: z.union([z.literal(15), z.literal(30), z.literal(60)]).optional(),
    hastaCierre: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => (b.minutos === undefined) !== (b.hastaCierre === undefined), { message: 'elige 15, 30 o 60 minutos, o hasta el cierre', path: ['minutos'] });
export const PAUSE_KINDS = ['pedidos', 'domicilios'] as const;

export interface AvailabilityView {
  itemId: string;
  numero: string;
  nombre: string;
  categoria: string | null;
  /** Whether the bot offers it now (an expired "for the day" counts as available). */
  disponible: boolean;
  agotadoHasta: number | null;
}

async function horarioOf(deps: KitchenControlsDeps, tenantId: string): Promise<Horario> {
  return (await deps.tenants.getTenant(tenantId))?.horario ?? null;
}

export async function listAvailability(deps: KitchenControlsDeps, tenantId: string): Promise<{ items: AvailabilityView[] }> {
  const raw = (await readValue<Record<string, unknown>>(deps.db, paths.menu(tenantId))) ?? {};
  const at = new Date(deps.now());
  const items: AvailabilityView[] = [];
  for (const [itemId, value] of Object.entries(raw)) {
    const parsed = ZMenuItemRecordSchema.safeParse(value);
    if (!parsed.success) continue;
    const available = isAvailable(parsed.data, at);
    items.push({
      itemId,
      numero: parsed.data.numero,
      nombre: parsed.data.nombre,
      categoria: parsed.data.categoria ?? null,
      disponible: available,
      agotadoHasta: !available ? (parsed.data.agotadoHasta ?? null) : null,
    });
  }
  const num = (s: string) => (Number.isFinite(Number(s)) ? Number(s) : Infinity);
  items.sort((a, b) => num(a.numero) - num(b.numero) || a.numero.localeCompare(b.numero));
  return { items };
}

/** Marks one item sold out or available again; only `disponible`/`agotadoHasta` change, so options and aliases stay. */
export async function setAvailability(deps: KitchenControlsDeps, tenantId: string, itemId: string, body: z.output<typeof ZAvailabilityUpdateSchema>): Promise<AvailabilityView> {
  if (!ITEM_ID_PATTERN.test(itemId)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese producto' });
  // Asked as a query on the key, so an id such as `__proto__` is only compared with stored keys (#12).
  const snap = await withTimeout(deps.db.ref(paths.menu(tenantId)).orderByKey().equalTo(itemId).limitToFirst(1).once('value'), 'menu item');
  if (!snap.hasChild(itemId)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el producto ${itemId}` });
  const now = new Date(deps.now());
  const fields = body.disponible ? { disponible: true, agotadoHasta: null } : soldOutFields(await horarioOf(deps, tenantId), now, body.soloHoy);
  const base = `${paths.menu(tenantId)}/${itemId}`;
  await withTimeout(deps.db.ref().update({ [`${base}/disponible`]: fields.disponible, [`${base}/agotadoHasta`]: fields.agotadoHasta }), 'menu item availability');
  deps.tenants.invalidate(tenantId);
  const item = (await listAvailability(deps, tenantId)).items.find((i) => i.itemId === itemId);
  if (!item) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el producto ${itemId}` });
  return item;
}

export interface PauseView {
  pedidos: number | null;
  domicilios: number | null;
}

function activePause(raw: TPausaRecord | null, now: number): PauseView {
  const until = (p: { hasta: number } | undefined) => (p && p.hasta > now ? p.hasta : null);
  return { pedidos: until(raw?.pedidos), domicilios: until(raw?.domicilios) };
}

async function readPause(deps: KitchenControlsDeps, tenantId: string): Promise<TPausaRecord | null> {
  const parsed = ZPausaRecordSchema.safeParse(await readValue(deps.db, paths.pausa(tenantId)));
  return parsed.success ? parsed.data : null;
}

export async function getPause(deps: KitchenControlsDeps, tenantId: string): Promise<{ pausa: PauseView }> {
  return { pausa: activePause(await readPause(deps, tenantId), deps.now()) };
}

/** "Until close" is the end of the current shift; with no hours (always open), the end of the business day. */
export async function pause(deps: KitchenControlsDeps, tenantId: string, body: z.output<typeof ZPauseUpdateSchema>): Promise<{ pausa: PauseView }> {
  const now = deps.now();
  let hasta: number;
  if (body.minutos !== undefined) hasta = now + body.minutos * 60_000;
  else {
    const horario = await horarioOf(deps, tenantId);
    hasta = (closesAt(horario, new Date(now)) ?? endOfBusinessDay(horario, new Date(now))).getTime();
  }
  await withTimeout(deps.db.ref(`${paths.pausa(tenantId)}/${body.tipo}`).set({ hasta }), 'pause');
  deps.tenants.invalidate(tenantId);
  return getPause(deps, tenantId);
}

export async function resume(deps: KitchenControlsDeps, tenantId: string, tipo: string): Promise<{ pausa: PauseView }> {
  if (!(PAUSE_KINDS as readonly string[]).includes(tipo)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'usa /pausa/pedidos o /pausa/domicilios' });
  await withTimeout(deps.db.ref(`${paths.pausa(tenantId)}/${tipo}`).remove(), 'resume');
  deps.tenants.invalidate(tenantId);
  return getPause(deps, tenantId);
}
