import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import type { MenuItem } from '../conversation/types';
import { readValue } from '../db/firebase';
import { paths } from '../db/paths';
import {
  ZMenuItemRecordSchema,
  ZPaymentsConfigSchema,
  ZRestaurantSchema,
  ZWhatsappConfigSchema,
  type TPaymentsConfig,
} from '../db/records';
import type { GatewayId } from '../payments/gateway';
import { ZEncryptedSecretSchema, type SecretsKey } from './secrets-crypto';

/** What the server needs of a tenant on every message: small, read together, cached briefly. */
export interface TenantConfig {
  tenantId: string;
  restaurant: { name: string; timezone: string };
  whatsapp: { phoneNumberId: string; displayPhoneNumber?: string };
  /** Sorted by `numero` (numerically where numeric). */
  menu: MenuItem[];
  payments: TPaymentsConfig;
}

/** How long tenant settings and decrypted credentials are reused before being read again. */
export const TENANT_CACHE_TTL_MS = 5000;

interface CacheEntry<T> {
  value: T;
  expiresAt: number;
}

const compareNumero = (a: MenuItem, b: MenuItem) => {
  const an = Number(a.numero);
  const bn = Number(b.numero);
  if (Number.isFinite(an) && Number.isFinite(bn)) return an - bn;
  return a.numero.localeCompare(b.numero);
};

/**
 * Reads tenants (settings, menu, routing, credentials) with a short cache, so a burst of
 * messages costs one set of reads. Never reads the whole `tenants/{id}` node: it also holds
 * orders, payments and sessions, which grow without bound.
 */
export class TenantStore {
  private readonly tenants = new Map<string, CacheEntry<TenantConfig | null>>();
  private readonly routes = new Map<string, CacheEntry<string | null>>();
  private readonly secrets = new Map<string, CacheEntry<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly secretsKey: SecretsKey,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TENANT_CACHE_TTL_MS,
  ) {}

  async tenantForPhoneNumber(phoneNumberId: string): Promise<string | null> {
    return this.cached(this.routes, phoneNumberId, async () => {
      const value = await readValue<unknown>(this.db, paths.phoneNumber(phoneNumberId));
      return typeof value === 'string' ? value : null;
    });
  }

  async getTenant(tenantId: string): Promise<TenantConfig | null> {
    return this.cached(this.tenants, tenantId, () => this.loadTenant(tenantId));
  }

  /** The tenant's WhatsApp access token, decrypted. */
  async whatsappToken(tenantId: string): Promise<string | null> {
    const value = await this.secret(tenantId, 'whatsapp');
    const parsed = z.object({ accessToken: z.string() }).safeParse(value);
    return parsed.success ? parsed.data.accessToken : null;
  }

  /** A gateway's decrypted credentials (unvalidated; the adapter's schema checks them). */
  async gatewayCredentials(tenantId: string, gateway: GatewayId): Promise<unknown> {
    return this.secret(tenantId, gateway);
  }

  /** Forget what is cached for a tenant (after an owner changes settings). */
  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
    for (const key of this.secrets.keys()) if (key.startsWith(`${tenantId}/`)) this.secrets.delete(key);
    this.routes.clear();
  }

  private async secret(tenantId: string, kind: string): Promise<unknown> {
    return this.cached(this.secrets, `${tenantId}/${kind}`, async () => {
      const stored = ZEncryptedSecretSchema.safeParse(await readValue(this.db, paths.secret(tenantId, kind)));
      if (!stored.success) return null;
      return this.secretsKey.decrypt(stored.data, { tenantId, kind });
    });
  }

  private async loadTenant(tenantId: string): Promise<TenantConfig | null> {
    const [restaurant, whatsapp, menu, payments] = await Promise.all([
      readValue(this.db, paths.restaurant(tenantId)),
      readValue(this.db, paths.whatsapp(tenantId)),
      readValue<Record<string, unknown>>(this.db, paths.menu(tenantId)),
      readValue(this.db, paths.paymentsConfig(tenantId)),
    ]);
    const r = ZRestaurantSchema.safeParse(restaurant);
    const w = ZWhatsappConfigSchema.safeParse(whatsapp);
    if (!r.success || !w.success) return null;
    const items: MenuItem[] = [];
    for (const [itemId, raw] of Object.entries(menu ?? {})) {
      const item = ZMenuItemRecordSchema.safeParse(raw);
      if (item.success) items.push({ itemId, ...item.data, categoria: item.data.categoria ?? undefined });
    }
    items.sort(compareNumero);
    const p = ZPaymentsConfigSchema.safeParse(payments ?? {});
    return {
      tenantId,
      restaurant: r.data,
      whatsapp: { phoneNumberId: w.data.phoneNumberId, displayPhoneNumber: w.data.displayPhoneNumber ?? undefined },
      menu: items,
      payments: p.success ? p.data : { enabled: false, efectivo: false },
    };
  }

  private async cached<T>(map: Map<string, CacheEntry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    const now = this.now();
    if (hit && hit.expiresAt > now) return hit.value;
    const value = await load();
    map.set(key, { value, expiresAt: now + this.ttlMs });
    return value;
  }
}
