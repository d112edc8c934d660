import type { Database } from 'firebase-admin/database';
import { maskCredential } from '../admin/payments-settings';
import { readValue } from '../db/firebase';
import { paths } from '../db/paths';
import { ZMenuItemRecordSchema, ZPaymentsConfigSchema, ZRestaurantSchema, ZWhatsappConfigSchema, type TPaymentsConfig } from '../db/records';
import { GATEWAY_IDS } from '../payments/adapters';
import { ZEncryptedSecretSchema, type SecretsKey } from '../tenants/secrets-crypto';

/**
 * Reading tenants back for `npm run tenant -- list | export`. The export has the shape of
 * the tenant file (server/tenants/tenant-file.ts) with every credential masked to its last 4
 * characters, so it can be shown, kept and edited without leaking a secret.
 */
export interface TenantSummary {
  id: string;
  name: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
  paymentsEnabled: boolean;
  /** Gateways switched on (cash is `efectivo`). */
  gateways: string[];
  efectivo: boolean;
}

/** Settings, not secrets: shown in full. */
const PLAIN_CREDENTIAL_FIELDS = new Set(['environment', 'algorithm']);

/**
 * Every tenant, found through the `phoneNumbers` index each import writes (reading
 * `tenants/` whole would download every order).
 */
export async function listTenants(db: Database): Promise<TenantSummary[]> {
  const index = (await readValue<Record<string, string>>(db, 'phoneNumbers')) ?? {};
  const ids = [...new Set(Object.values(index).filter((v): v is string => typeof v === 'string'))].sort();
  const out: TenantSummary[] = [];
  for (const id of ids) {
    const [restaurant, whatsapp, payments] = await Promise.all([
      readValue(db, paths.restaurant(id)),
      readValue(db, paths.whatsapp(id)),
      readValue(db, paths.paymentsConfig(id)),
    ]);
    const r = ZRestaurantSchema.safeParse(restaurant);
    const w = ZWhatsappConfigSchema.safeParse(whatsapp);
    if (!r.success || !w.success) continue;
    const p = ZPaymentsConfigSchema.safeParse(payments ?? {});
    const config: TPaymentsConfig = p.success ? p.data : { enabled: false, efectivo: false };
    out.push({
      id,
      name: r.data.name,
      phoneNumberId: w.data.phoneNumberId,
      ...(w.data.displayPhoneNumber ? { displayPhoneNumber: w.data.displayPhoneNumber } : {}),
      paymentsEnabled: config.enabled,
      gateways: GATEWAY_IDS.filter((g) => config[g]?.enabled),
      efectivo: config.efectivo,
    });
  }
  return out;
}

export class TenantExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantExportError';
  }
}

/** Masks every string credential except the plain settings. */
export function maskCredentials(creds: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(creds).map(([field, value]) => [field, typeof value === 'string' && !PLAIN_CREDENTIAL_FIELDS.has(field) ? maskCredential(value) : value]),
  );
}

/** The tenant as a tenant file with credentials masked; null when there is no such tenant. */
export async function exportTenant(db: Database, tenantId: string, key: SecretsKey): Promise<Record<string, unknown> | null> {
  const [restaurant, whatsapp, menu, payments, secrets] = await Promise.all([
    readValue(db, paths.restaurant(tenantId)),
    readValue(db, paths.whatsapp(tenantId)),
    readValue<Record<string, unknown>>(db, paths.menu(tenantId)),
    readValue(db, paths.paymentsConfig(tenantId)),
    readValue<Record<string, unknown>>(db, paths.secrets(tenantId)),
  ]);
  const r = ZRestaurantSchema.safeParse(restaurant);
  if (!r.success) return null;
  const w = ZWhatsappConfigSchema.safeParse(whatsapp);
  const decrypt = (kind: string): Record<string, unknown> | null => {
    const stored = ZEncryptedSecretSchema.safeParse(secrets?.[kind]);
    if (!stored.success) return null;
    try {
      return key.decrypt(stored.data, { tenantId, kind }) as Record<string, unknown>;
    } catch {
      throw new TenantExportError(`the ${kind} credentials of "${tenantId}" cannot be decrypted with this SECRETS_KEY (was it changed?)`);
    }
  };
  const items = Object.values(menu ?? {})
    .map((item) => ZMenuItemRecordSchema.safeParse(item))
    .filter((p) => p.success)
    .map((p) => p.data!)
    .sort((a, b) => a.numero.localeCompare(b.numero, 'es', { numeric: true }));
  const config = ZPaymentsConfigSchema.safeParse(payments ?? {});
  const paymentsOut: Record<string, unknown> = { enabled: config.data?.enabled ?? false, efectivo: config.data?.efectivo ?? false };
  for (const gateway of GATEWAY_IDS) {
    const toggle = config.data?.[gateway];
    const creds = decrypt(gateway);
    if (!toggle && !creds) continue;
    paymentsOut[gateway] = { enabled: toggle?.enabled ?? false, ...maskCredentials(creds ?? {}), environment: toggle?.environment ?? creds?.environment ?? 'sandbox' };
  }
  const accessToken = decrypt('whatsapp')?.accessToken;
  return {
    id: tenantId,
    restaurant: { name: r.data.name, timezone: r.data.timezone },
    whatsapp: {
      phoneNumberId: w.data?.phoneNumberId ?? '',
      ...(w.data?.displayPhoneNumber ? { displayPhoneNumber: w.data.displayPhoneNumber } : {}),
      accessToken: typeof accessToken === 'string' ? maskCredential(accessToken) : '',
      ...(w.data?.plantillas ? { plantillas: w.data.plantillas } : {}),
    },
    menu: items.map((i) => ({ numero: i.numero, nombre: i.nombre, precio: i.precio, ...(i.categoria ? { categoria: i.categoria } : {}), disponible: i.disponible })),
    payments: paymentsOut,
  };
}
