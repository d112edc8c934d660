import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths, PHONE_NUMBER_ID_PATTERN, TENANT_ID_MAX_LENGTH, TENANT_ID_PATTERN, WA_ID_PATTERN } from '../db/paths';
import type { GraphClient } from '../messaging/graph-client';
import { placeholderReason } from '../placeholders';
import { importTenant } from '../tenants/import-tenant';
import type { SecretsKey } from '../tenants/secrets-crypto';
import { ZTenantFileSchema } from '../tenants/tenant-file';
import type { TenantStore } from '../tenants/tenant-store';
import { ZMenuItemsSchema } from './menu-settings';
import { maskCredential } from './payments-settings';

/**
 * The restaurant itself from the owners' page (#17): its name and WhatsApp number (phone
 * number id, display number, access token — write-only), a test message to a number the owner
 * types, and creating a new restaurant without a JSON file. Storage is the tenant import's
 * (server/tenants/import-tenant.ts), so a later `npm run tenant -- import` sees the same data.
 */

/** One problem on one field, answered like any validation error (400 with `issues`), so the page shows it next to the field. */
export function fieldError(path: string, message: string): z.ZodError {
  return new z.ZodError([{ code: 'custom', path: [path], message, input: undefined }]);
}

const noPlaceholder = (value: string) => !placeholderReason(value);
const ZPhoneNumberIdSchema = z.string().trim().regex(PHONE_NUMBER_ID_PATTERN, 'solo dígitos: el "Identificador del número de teléfono" de Meta (WhatsApp › Configuración de la API)');
const ZDisplayNumberSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s+()-]/g, ''))
  .pipe(z.string().regex(/^(\d{8,15})?$/, 'el número con indicativo de país, solo dígitos, p. ej. 573001112233'));
const ZAccessTokenSchema = z.string().trim().min(20, 'el token de acceso de Meta es más largo; cópialo completo').max(1000).refine(noPlaceholder, 'es un ejemplo de la documentación; pega el token real');
const ZNameSchema = z.string().trim().min(1, 'escribe el nombre del restaurante').max(80, 'máximo 80 caracteres');

export const ZRestaurantUpdateSchema = z
  .object({
    nombre: ZNameSchema.optional(),
    phoneNumberId: ZPhoneNumberIdSchema.optional(),
    displayPhoneNumber: ZDisplayNumberSchema.optional(),
    /** Left out or empty: the stored token stays. */
    accessToken: z.union([z.literal(''), ZAccessTokenSchema]).optional(),
  })
  .strict();
export type TRestaurantUpdate = z.infer<typeof ZRestaurantUpdateSchema>;

export const ZNewTenantSchema = z
  .object({
    id: z
      .string()
      .trim()
      .regex(TENANT_ID_PATTERN, `letras sin tilde, dígitos y "-" (máximo ${TENANT_ID_MAX_LENGTH}), p. ej. "la-esquina"`),
    nombre: ZNameSchema,
    phoneNumberId: ZPhoneNumberIdSchema,
    displayPhoneNumber: ZDisplayNumberSchema.optional(),
    accessToken: ZAccessTokenSchema,
    items: ZMenuItemsSchema,
  })
  .strict();
export type TNewTenant = z.infer<typeof ZNewTenantSchema>;

export const ZTestMessageSchema = z
  .object({ to: z.string().trim().transform((s) => s.replace(/[\s+()-]/g, '')).pipe(z.string().regex(WA_ID_PATTERN, 'tu número de WhatsApp con indicativo de país, solo dígitos, p. ej. 573001112233')) })
  .strict();

export interface RestaurantView {
  tenantId: string;
  nombre: string;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  /** The stored token's last 4 characters (`••••abcd`), or null when none is stored. */
  accessToken: string | null;
}

interface RestaurantDeps {
  db: Database;
  tenants: TenantStore;
  secretsKey: SecretsKey;
}

export async function getRestaurant(deps: RestaurantDeps, tenantId: string): Promise<RestaurantView> {
  const [restaurant, whatsapp, token] = await Promise.all([
    readValue<{ name?: string }>(deps.db, paths.restaurant(tenantId)),
    readValue<{ phoneNumberId?: string; displayPhoneNumber?: string | null }>(deps.db, paths.whatsapp(tenantId)),
    deps.tenants.whatsappToken(tenantId).catch(() => null),
  ]);
  return {
    tenantId,
    nombre: restaurant?.name ?? '',
    phoneNumberId: whatsapp?.phoneNumberId ?? null,
    displayPhoneNumber: whatsapp?.displayPhoneNumber ?? null,
    accessToken: token ? maskCredential(token) : null,
  };
}

/** Changes name and WhatsApp number in one multi-path update; a phone number id already routed to another restaurant is refused. */
export async function updateRestaurant(deps: RestaurantDeps, tenantId: string, body: TRestaurantUpdate): Promise<RestaurantView> {
  const update: Record<string, unknown> = {};
  if (body.nombre !== undefined) update[`${paths.restaurant(tenantId)}/name`] = body.nombre;
  if (body.displayPhoneNumber !== undefined) update[`${paths.whatsapp(tenantId)}/displayPhoneNumber`] = body.displayPhoneNumber || null;
  if (body.accessToken) update[paths.secret(tenantId, 'whatsapp')] = deps.secretsKey.encrypt({ accessToken: body.accessToken }, { tenantId, kind: 'whatsapp' });
  if (body.phoneNumberId !== undefined) {
    const previous = await readValue<{ phoneNumberId?: string }>(deps.db, paths.whatsapp(tenantId));
    if (previous?.phoneNumberId !== body.phoneNumberId) {
      const holder = await readValue<string>(deps.db, paths.phoneNumber(body.phoneNumberId));
      if (holder && holder !== tenantId) throw fieldError('phoneNumberId', 'ese número ya lo usa otro restaurante');
      update[`${paths.whatsapp(tenantId)}/phoneNumberId`] = body.phoneNumberId;
      update[paths.phoneNumber(body.phoneNumberId)] = tenantId;
      if (previous?.phoneNumberId) update[paths.phoneNumber(previous.phoneNumberId)] = null;
    }
  }
  if (Object.keys(update).length > 0) await withTimeout(deps.db.ref().update(update), `restaurant ${tenantId}`);
  deps.tenants.invalidate(tenantId);
  return getRestaurant(deps, tenantId);
}

/**
 * Creates a restaurant from the owners' page. The id is reserved first with a transaction, so
 * two owners racing for one id cannot both get it; if anything after that fails the reservation
 * is removed again, and nothing of the new restaurant is left behind.
 */
export async function createTenant(deps: RestaurantDeps & { logger: Logger }, body: TNewTenant): Promise<{ tenantId: string; rollback: () => Promise<void> }> {
  const tenantId = body.id;
  const holder = await readValue<string>(deps.db, paths.phoneNumber(body.phoneNumberId));
  if (holder) throw fieldError('phoneNumberId', 'ese número ya lo usa otro restaurante');
  const file = ZTenantFileSchema.safeParse({
    id: tenantId,
    restaurant: { name: body.nombre },
    whatsapp: { phoneNumberId: body.phoneNumberId, ...(body.displayPhoneNumber ? { displayPhoneNumber: body.displayPhoneNumber } : {}), accessToken: body.accessToken },
    menu: body.items.map((item) => ({ ...item, categoria: item.categoria, alias: item.alias?.length ? item.alias : undefined })),
  });
  if (!file.success) throw file.error;

  const reserved = await withTimeout(
    deps.db.ref(paths.restaurant(tenantId)).transaction((current: unknown) => (current === null ? { name: body.nombre, timezone: 'America/Bogota' } : undefined), undefined, false),
    `reserve tenant ${tenantId}`,
  );
  if (!reserved.committed) throw fieldError('id', `ya existe un restaurante con el identificador "${tenantId}"; elige otro`);
  const rollback = async () => {
    const update: Record<string, unknown> = { [paths.tenant(tenantId)]: null, [paths.secrets(tenantId)]: null };
    if ((await readValue<string>(deps.db, paths.phoneNumber(body.phoneNumberId))) === tenantId) update[paths.phoneNumber(body.phoneNumberId)] = null;
    await withTimeout(deps.db.ref().update(update), `remove tenant ${tenantId}`);
    deps.tenants.invalidate(tenantId);
  };
  try {
    await importTenant(deps.db, file.data, deps.secretsKey);
  } catch (error) {
    await rollback().catch((e: unknown) => deps.logger.error({ err: e, tenantId }, 'could not remove a half-created tenant'));
    if (error instanceof Error && error.name === 'TenantImportError') throw fieldError('phoneNumberId', 'ese número ya lo usa otro restaurante');
    throw error;
  }
  deps.tenants.invalidate(tenantId);
  return { tenantId, rollback };
}

export interface TestMessageResult {
  ok: boolean;
  mensaje: string;
}

/**
 * "Send me a test message": one text straight through the Graph client with the stored number
 * and token (not the outbox: the owner waits for the answer and nothing is retried later).
 */
export async function sendTestMessage(deps: { tenants: TenantStore; graph: GraphClient; logger: Logger }, tenantId: string, to: string): Promise<TestMessageResult> {
  const tenant = await deps.tenants.getTenant(tenantId);
  const token = await deps.tenants.whatsappToken(tenantId).catch(() => null);
  if (!tenant?.whatsapp.phoneNumberId || !token) return { ok: false, mensaje: 'Primero guarda el identificador del número y el token de acceso.' };
  try {
    await deps.graph.send(
      { phoneNumberId: tenant.whatsapp.phoneNumberId, accessToken: token, to },
      { type: 'text', body: `✅ Mensaje de prueba de ${tenant.restaurant.name}: tu número de WhatsApp está conectado.` },
    );
    return { ok: true, mensaje: `Enviado. Revisa el WhatsApp del ${to.slice(0, 2)}…${to.slice(-4)}.` };
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 200) : String(error);
    deps.logger.warn({ tenantId, err: detail }, 'whatsapp test message failed');
    return { ok: false, mensaje: `Meta no aceptó el mensaje: ${detail}. Revisa el identificador del número y el token (que no haya vencido).` };
  }
}
