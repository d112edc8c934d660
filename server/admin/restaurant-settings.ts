import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ZAtencionRecordSchema, ZDomiciliosRecordSchema, ZHorarioRecordSchema, ZOptionGroupRecordSchema } from '../db/restaurant-records';
import { AppError, ErrorCode } from '../errors';
import { restaurantSettingsSchemas } from '../tenants/restaurant-settings';
import type { TenantStore } from '../tenants/tenant-store';

/**
 * The owners' API for the restaurant settings of #16: opening hours (`horario`), delivery
 * zones (`domicilios`), the staff handoff (`atencion`) and one menu item's option groups.
 * Bodies are checked with the tenant file's rules in Spanish; each save replaces only its own
 * part, and the tenant store's live cache gives the bot the change on the next message.
 */
const es = restaurantSettingsSchemas('es');

export const ZHorarioUpdateSchema = z.object({ horario: es.ZHorarioSchema.nullable() }).strict();
export const ZDomiciliosUpdateSchema = z.object({ domicilios: es.ZDomiciliosSchema.nullable() }).strict();
export const ZAtencionUpdateSchema = z.object({ atencion: es.ZAtencionSchema }).strict();
export const ZItemOptionsUpdateSchema = z.object({ opciones: es.ZOptionGroupsSchema }).strict();

const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

interface SettingsDeps {
  db: Database;
  tenants: TenantStore;
}

/** A stored part read back leniently; a hand edit that no longer parses reads as unset. */
async function readPart<T>(db: Database, path: string, schema: z.ZodType<T>): Promise<T | null> {
  const raw = await readValue(db, path);
  if (raw === null || raw === undefined) return null;
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

async function writePart(deps: SettingsDeps, tenantId: string, path: string, value: unknown, what: string): Promise<void> {
  await withTimeout(deps.db.ref(path).set(value ?? null), what);
  deps.tenants.invalidate(tenantId);
}

export async function getHorario(db: Database, tenantId: string) {
  const horario = await readPart(db, paths.horario(tenantId), ZHorarioRecordSchema);
  if (horario) return { horario };
  // No hours is "always open"; the page starts from the restaurant's time zone.
  const restaurant = await readValue<{ timezone?: string }>(db, paths.restaurant(tenantId));
  return { horario: null, zonaPorDefecto: restaurant?.timezone ?? 'America/Bogota' };
}

export async function replaceHorario(deps: SettingsDeps, tenantId: string, body: z.output<typeof ZHorarioUpdateSchema>) {
  await writePart(deps, tenantId, paths.horario(tenantId), body.horario, 'horario');
  return getHorario(deps.db, tenantId);
}

export async function getDomicilios(db: Database, tenantId: string) {
  return { domicilios: await readPart(db, paths.domicilios(tenantId), ZDomiciliosRecordSchema) };
}

export async function replaceDomicilios(deps: SettingsDeps, tenantId: string, body: z.output<typeof ZDomiciliosUpdateSchema>) {
  await writePart(deps, tenantId, paths.domicilios(tenantId), body.domicilios, 'domicilios');
  return getDomicilios(deps.db, tenantId);
}

export async function getAtencion(db: Database, tenantId: string) {
  return { atencion: (await readPart(db, paths.atencion(tenantId), ZAtencionRecordSchema)) ?? ZAtencionRecordSchema.parse({}) };
}

export async function replaceAtencion(deps: SettingsDeps, tenantId: string, body: z.output<typeof ZAtencionUpdateSchema>) {
  await writePart(deps, tenantId, paths.atencion(tenantId), body.atencion, 'atencion');
  return getAtencion(deps.db, tenantId);
}

function itemPath(tenantId: string, itemId: string): string {
  if (!ITEM_ID_PATTERN.test(itemId)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese producto' });
  return `${paths.menu(tenantId)}/${itemId}`;
}

async function assertItem(db: Database, path: string): Promise<void> {
  const nombre = await readValue(db, `${path}/nombre`);
  if (typeof nombre !== 'string') throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese producto en el menú' });
}

export async function getItemOptions(db: Database, tenantId: string, itemId: string) {
  const path = itemPath(tenantId, itemId);
  await assertItem(db, path);
  const parsed = z.array(ZOptionGroupRecordSchema).safeParse((await readValue(db, `${path}/opciones`)) ?? []);
  return { itemId, opciones: parsed.success ? parsed.data : [] };
}

/**
 * Writes only the item's `opciones`: its name, price, availability and aliases stay as they
 * are. A transaction on the item, so an item deleted meanwhile is not brought back as a stub.
 */
export async function replaceItemOptions(deps: SettingsDeps, tenantId: string, itemId: string, body: z.output<typeof ZItemOptionsUpdateSchema>) {
  const path = itemPath(tenantId, itemId);
  const opciones = body.opciones.length ? body.opciones : null;
  const result = await withTimeout(
    deps.db.ref(path).transaction((current: unknown) => {
      // The first run may see an empty local cache: writing null there changes nothing, and the
      // server's answer runs this again with the stored item.
      if (current === null || typeof current !== 'object') return null;
      return { ...(current as Record<string, unknown>), opciones };
    }),
    'item options',
  );
  if (!result.committed || result.snapshot.val() === null) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese producto en el menú' });
  deps.tenants.invalidate(tenantId);
  return getItemOptions(deps.db, tenantId, itemId);
}
