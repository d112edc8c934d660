import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ZPaymentsConfigSchema } from '../db/records';
import { AppError, ErrorCode, GatewayError } from '../errors';
import { adapters, GATEWAY_IDS, perGateway } from '../payments/adapters';
import { DEFAULT_GATEWAY_ENVIRONMENT, GATEWAY_ENVIRONMENTS, type GatewayEnvironment, type GatewayId } from '../payments/gateway';
import type { GatewayManager } from '../payments/gateway-manager';
import { ZEncryptedSecretSchema, type SecretsKey } from '../tenants/secrets-crypto';
import type { TenantStore } from '../tenants/tenant-store';

/**
 * Owners' payment settings: on/off, cash, and per gateway on/off, environment and
 * credentials. Credentials are write-only: answers carry only their last 4 characters.
 * Storage is the same as the tenant import (server/tenants/import-tenant.ts): toggles in
 * `tenants/{id}/payments`, credentials encrypted in `secrets/{id}/{gateway}`.
 */

/** Each gateway's credential field keys (besides `environment`), as its adapter declares them. */
const CREDENTIAL_KEYS = perGateway((adapter) => adapter.credentialFields.map((field) => field.key));
const VISIBLE_SUFFIX_CHARS = 4;

/** `"prv_test_abcd1234"` → `"••••1234"`; short values show nothing. */
export function maskCredential(value: string): string {
  return value.length > VISIBLE_SUFFIX_CHARS * 2 ? `••••${value.slice(-VISIBLE_SUFFIX_CHARS)}` : '••••';
}

const ZGatewayUpdateSchema = z
  .object({
    enabled: z.boolean().optional(),
    environment: z.enum(GATEWAY_ENVIRONMENTS).optional(),
    /** New values for some or all credential fields; fields left out keep their stored value. */
    credentials: z.record(z.string(), z.string().max(500)).optional(),
  })
  .strict();

export const ZPaymentsSettingsUpdateSchema = z
  .object({
    enabled: z.boolean().optional(),
    efectivo: z.boolean().optional(),
    ...perGateway(() => ZGatewayUpdateSchema.optional()),
  })
  .strict();
export type TPaymentsSettingsUpdate = z.infer<typeof ZPaymentsSettingsUpdateSchema>;

export interface GatewaySettingsView {
  enabled: boolean;
  environment: GatewayEnvironment;
  /** True when stored credentials pass the adapter's schema. */
  configured: boolean;
  /** Credential fields masked to their last 4 characters. */
  credentials: Record<string, string>;
}

export interface PaymentsSettingsView {
  enabled: boolean;
  efectivo: boolean;
  gateways: Partial<Record<GatewayId, GatewaySettingsView>>;
}

export interface PaymentsSettingsDeps {
  db: Database;
  tenants: TenantStore;
  secretsKey: SecretsKey;
  gateways: GatewayManager;
  now: () => number;
}

async function readCredentials(deps: PaymentsSettingsDeps, tenantId: string, gateway: GatewayId): Promise<Record<string, unknown> | null> {
  const stored = ZEncryptedSecretSchema.safeParse(await readValue(deps.db, paths.secret(tenantId, gateway)));
  if (!stored.success) return null;
  const value = deps.secretsKey.decrypt(stored.data, { tenantId, kind: gateway });
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

export async function getPaymentsSettings(deps: PaymentsSettingsDeps, tenantId: string): Promise<PaymentsSettingsView> {
  const config = ZPaymentsConfigSchema.parse((await readValue(deps.db, paths.paymentsConfig(tenantId))) ?? {});
  const gateways: PaymentsSettingsView['gateways'] = {};
  for (const gateway of GATEWAY_IDS) {
    const toggle = config[gateway];
    const creds = await readCredentials(deps, tenantId, gateway);
    if (!toggle && !creds) continue;
    const credentials: Record<string, string> = {};
    for (const field of adapters[gateway].credentialFields) {
      const value = creds?.[field.key];
      if (typeof value === 'string') credentials[field.key] = field.secret ? maskCredential(value) : value;
    }
    gateways[gateway] = {
      enabled: toggle?.enabled ?? false,
      environment: toggle?.environment ?? ((creds?.environment as GatewayEnvironment | undefined) ?? DEFAULT_GATEWAY_ENVIRONMENT),
      configured: creds !== null && adapters[gateway].credentialsSchema.safeParse(creds).success,
      credentials,
    };
  }
  return { enabled: config.enabled, efectivo: config.efectivo, gateways };
}

/**
 * Applies a partial update in one multi-path write. A gateway's new credential fields are
 * merged over the stored ones and the result must pass the adapter's credentialsSchema
 * (400 naming the fields, never echoing values). Every instance's live cache receives the
 * change from the database; this instance also drops what it holds (`invalidate`), so its next
 * read waits for the written value instead of racing its arrival. Links already sent keep
 * working because their records hold the gateway and the webhook reads secrets.
 */
export async function updatePaymentsSettings(deps: PaymentsSettingsDeps, tenantId: string, body: TPaymentsSettingsUpdate): Promise<PaymentsSettingsView> {
  const current = ZPaymentsConfigSchema.parse((await readValue(deps.db, paths.paymentsConfig(tenantId))) ?? {});
  const update: Record<string, unknown> = {};
  const base = paths.paymentsConfig(tenantId);
  if (body.enabled !== undefined) update[`${base}/enabled`] = body.enabled;
  if (body.efectivo !== undefined) update[`${base}/efectivo`] = body.efectivo;
  const issues: Array<{ path: string; message: string }> = [];

  for (const gateway of GATEWAY_IDS) {
    const change = body[gateway];
    if (!change) continue;
    const allowed = CREDENTIAL_KEYS[gateway];
    for (const field of Object.keys(change.credentials ?? {})) {
      if (!allowed.includes(field)) issues.push({ path: `${gateway}.credentials.${field}`, message: `not a ${gateway} credential; expected one of ${allowed.join(', ')}` });
    }
    const stored = await readCredentials(deps, tenantId, gateway);
    const environment = change.environment ?? current[gateway]?.environment ?? (stored?.environment as GatewayEnvironment | undefined) ?? DEFAULT_GATEWAY_ENVIRONMENT;
    const enabled = change.enabled ?? current[gateway]?.enabled ?? false;
    // The settings page always sends the environment; only a different one re-checks the keys,
    // so an owner can still switch off a gateway whose stored keys no longer validate.
    const previousEnvironment = current[gateway]?.environment ?? (stored?.environment as GatewayEnvironment | undefined);
    const touchesCredentials = change.credentials !== undefined || (change.environment !== undefined && change.environment !== previousEnvironment);
    if (touchesCredentials || enabled) {
      const { environment: _old, ...storedFields } = stored ?? {};
      const merged = { ...storedFields, ...(change.credentials ?? {}), environment };
      const parsed = adapters[gateway].credentialsSchema.safeParse(merged);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) issues.push({ path: `${gateway}.credentials.${issue.path.join('.')}`, message: describeIssue(issue) });
        continue;
      }
      if (touchesCredentials) update[paths.secret(tenantId, gateway)] = deps.secretsKey.encrypt(parsed.data, { tenantId, kind: gateway });
    }
    update[`${base}/${gateway}`] = { enabled, environment };
  }
  if (issues.length > 0) {
    throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'credenciales incompletas o inválidas', details: { issues } });
  }
  if (Object.keys(update).length > 0) await withTimeout(deps.db.ref().update(update), 'payments settings');
  deps.tenants.invalidate(tenantId);
  return getPaymentsSettings(deps, tenantId);
}

/** zod messages about a missing field say "expected string, received undefined"; owners need plainer words. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /undefined/.test(issue.message)) return 'falta este dato';
  return issue.message;
}

export interface CredentialsCheck {
  ok: boolean;
  gateway: GatewayId;
  /** Stable reason: `ok`, `sin_credenciales`, `credenciales_invalidas`, `rechazado`, `no_disponible`. */
  resultado: 'ok' | 'sin_credenciales' | 'credenciales_invalidas' | 'rechazado' | 'no_disponible';
  mensaje: string;
}

/** A reference that matches our pattern but that no payment ever used, so the lookup creates nothing. */
export function probeReference(tenantId: string, now: number): string {
  return `${tenantId}_${now}_probe-credenciales`;
}

/**
 * Checks stored credentials against the gateway without creating anything billable: a status
 * lookup (adapter.fetchResult) for a reference that cannot exist. The gateway answering
 * "nothing found" proves the keys are accepted; 401/403 means they are not.
 */
export async function testGatewayCredentials(deps: PaymentsSettingsDeps, tenantId: string, gateway: GatewayId): Promise<CredentialsCheck> {
  const name = adapters[gateway].name;
  const stored = await readCredentials(deps, tenantId, gateway);
  if (!stored) return { ok: false, gateway, resultado: 'sin_credenciales', mensaje: `No hay credenciales de ${name} guardadas. Escríbelas y guarda antes de probar.` };
  const parsed = adapters[gateway].credentialsSchema.safeParse(stored);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    return { ok: false, gateway, resultado: 'credenciales_invalidas', mensaje: `Las credenciales de ${name} guardadas no son válidas (${fields}). Corrígelas y guarda de nuevo.` };
  }
  if (!adapters[gateway].capabilities.statusLookup) {
    return { ok: true, gateway, resultado: 'ok', mensaje: `${name} no tiene consulta en línea; las credenciales tienen el formato correcto.` };
  }
  const environment = (parsed.data as { environment: GatewayEnvironment }).environment;
  const ctx = { creds: parsed.data, endpoints: deps.gateways.endpoints(gateway, environment), now: () => new Date(deps.now()) };
  try {
    await adapters[gateway].fetchResult(probeReference(tenantId, deps.now()), ctx);
    return { ok: true, gateway, resultado: 'ok', mensaje: `${name} aceptó las credenciales (ambiente ${environment === 'production' ? 'producción' : 'pruebas'}).` };
  } catch (error) {
    if (error instanceof GatewayError) {
      if (error.upstreamStatus === 401 || error.upstreamStatus === 403) {
        return { ok: false, gateway, resultado: 'credenciales_invalidas', mensaje: `Credenciales inválidas: ${name} no aceptó las llaves (HTTP ${error.upstreamStatus}). Revisa que sean del ambiente ${environment === 'production' ? 'de producción' : 'de pruebas'} y que estén completas.` };
      }
      if (error.code === ErrorCode.GATEWAY_REJECTED) {
        const upstream = typeof error.details?.upstreamError === 'string' ? `: ${error.details.upstreamError}` : '';
        return { ok: false, gateway, resultado: 'rechazado', mensaje: `${name} rechazó la consulta${upstream}. Revisa las credenciales.` };
      }
      return { ok: false, gateway, resultado: 'no_disponible', mensaje: `No pudimos comunicarnos con ${name} (${error.upstreamStatus ? `HTTP ${error.upstreamStatus}` : 'sin respuesta'}). Intenta de nuevo en unos minutos.` };
    }
    throw error;
  }
}
