import { z } from 'zod';
import type { MenuItem } from '../conversation/types';
import type { LiveCache } from '../db/live-cache';
import { paths } from '../db/paths';
import {
  ZMenuItemRecordSchema,
  ZPaymentsConfigSchema,
  ZRestaurantSchema,
  ZWhatsappConfigSchema,
  type TWhatsappTemplates,
  type TPaymentsConfig,
} from '../db/records';
import {
  ZAtencionRecordSchema,
  ZDomiciliosRecordSchema,
  ZHorarioRecordSchema,
  ZPausaRecordSchema,
  type TAtencionRecord,
  type TDomiciliosRecord,
  type THorarioRecord,
  type TPausaRecord,
} from '../db/restaurant-records';
import { Redacted } from '../observability/redacted';
import type { GatewayId } from '../payments/gateway';
import { ZEncryptedSecretSchema, type SecretsKey } from './secrets-crypto';

/** What the server needs of a tenant on every message: small, read together, kept current. */
export interface TenantConfig {
  tenantId: string;
  restaurant: { name: string; timezone: string };
  whatsapp: { phoneNumberId: string; displayPhoneNumber?: string; plantillas?: TWhatsappTemplates };
  /** Sorted by `numero` (numerically where numeric). */
  menu: MenuItem[];
  payments: TPaymentsConfig;
  /** Opening hours (#16); null: always open. */
  horario: THorarioRecord | null;
  /** Delivery zones and pickup (#16); null: no fee and no zone check. */
  domicilios: TDomiciliosRecord | null;
  /** Staff handoff settings (#16), defaults filled in. */
  atencion: Required<TAtencionRecord>;
  /** The kitchen's pauses (#16); expired ones are ignored by `canTakeOrder`. */
  pausa: TPausaRecord | null;
}

const compareNumero = (a: MenuItem, b: MenuItem) => {
  const an = Number(a.numero);
  const bn = Number(b.numero);
  if (Number.isFinite(an) && Number.isFinite(bn)) return an - bn;
  return a.numero.localeCompare(b.numero);
};

// Parsers of each stored part; stable functions, so the live cache keeps their results until the part changes.
const parseRestaurant = (raw: unknown) => ZRestaurantSchema.safeParse(raw);
const parseWhatsapp = (raw: unknown) => ZWhatsappConfigSchema.safeParse(raw);
const parsePayments = (raw: unknown): TPaymentsConfig => {
  const p = ZPaymentsConfigSchema.safeParse(raw ?? {});
  return p.success ? p.data : { enabled: false, efectivo: false };
};
const parseMenu = (raw: unknown): MenuItem[] => {
  const items: MenuItem[] = [];
  for (const [itemId, value] of Object.entries(raw && typeof raw === 'object' ? raw : {})) {
    const item = ZMenuItemRecordSchema.safeParse(value);
    if (item.success) items.push({ itemId, ...item.data, categoria: item.data.categoria ?? undefined });
  }
  return items.sort(compareNumero);
};
// A hand-edited setting that no longer parses is ignored (with the safe default) rather than
// stopping every conversation of the tenant: always open, no zones, 30-minute handoff.
const parseHorario = (raw: unknown): THorarioRecord | null => {
  const p = ZHorarioRecordSchema.safeParse(raw);
  return raw != null && p.success ? p.data : null;
};
const parseDomicilios = (raw: unknown): TDomiciliosRecord | null => {
  const p = ZDomiciliosRecordSchema.safeParse(raw);
  return raw != null && p.success ? p.data : null;
};
const parseAtencion = (raw: unknown): Required<TAtencionRecord> => {
  const p = ZAtencionRecordSchema.safeParse(raw ?? {});
  return p.success ? p.data : { minutosInactividad: 30 };
};
const parsePausa = (raw: unknown): TPausaRecord | null => {
  const p = ZPausaRecordSchema.safeParse(raw);
  return raw != null && p.success ? p.data : null;
};
const parseRoute = (raw: unknown) => (typeof raw === 'string' ? raw : null);
const ZWhatsappTokenSchema = z.object({ accessToken: z.string() });

/**
 * Tenants (settings, menu, routing, credentials) from a live cache: read once, then kept
 * current by the database, so a message costs no reads and an owner's change is seen by
 * every instance at once. Credentials are decrypted once per change. Never reads the whole
 * `tenants/{id}` node: it also holds orders, payments and sessions, which grow without bound.
 */
export class TenantStore {
  /** The last config built per tenant, with the parts it was built from (reused while they are unchanged). */
  private readonly built = new Map<string, { parts: unknown[]; config: TenantConfig | null }>();
  /** One decrypting parser per tenant and kind, so decryption results are cached by the live cache. */
  private readonly decrypters = new Map<string, (raw: unknown) => Redacted<unknown> | null>();

  constructor(
    private readonly live: LiveCache,
    private readonly secretsKey: SecretsKey,
  ) {}

  tenantForPhoneNumber(phoneNumberId: string): Promise<string | null> {
    return this.live.get(paths.phoneNumber(phoneNumberId), parseRoute);
  }

  async getTenant(tenantId: string): Promise<TenantConfig | null> {
    const parts = await Promise.all([
      this.live.get(paths.restaurant(tenantId), parseRestaurant),
      this.live.get(paths.whatsapp(tenantId), parseWhatsapp),
      this.live.get(paths.menu(tenantId), parseMenu),
      this.live.get(paths.paymentsConfig(tenantId), parsePayments),
      this.live.get(paths.horario(tenantId), parseHorario),
      this.live.get(paths.domicilios(tenantId), parseDomicilios),
      this.live.get(paths.atencion(tenantId), parseAtencion),
      this.live.get(paths.pausa(tenantId), parsePausa),
    ] as const);
    const last = this.built.get(tenantId);
    if (last && last.parts.every((part, i) => part === parts[i])) return last.config;
    const [r, w, menu, payments, horario, domicilios, atencion, pausa] = parts;
    const config: TenantConfig | null =
      r.success && w.success
        ? {
            tenantId,
            restaurant: r.data,
            whatsapp: { phoneNumberId: w.data.phoneNumberId, displayPhoneNumber: w.data.displayPhoneNumber ?? undefined, ...(w.data.plantillas ? { plantillas: w.data.plantillas } : {}) },
            menu,
            payments,
            horario,
            domicilios,
            atencion,
            pausa,
          }
        : null;
    this.built.set(tenantId, { parts: [...parts], config });
    return config;
  }

  /** The tenant's WhatsApp access token, decrypted. */
  async whatsappToken(tenantId: string): Promise<string | null> {
    const value = await this.secret(tenantId, 'whatsapp');
    const parsed = ZWhatsappTokenSchema.safeParse(value?.reveal());
    return parsed.success ? parsed.data.accessToken : null;
  }

  /** A gateway's decrypted credentials, wrapped so they cannot be logged (unvalidated; the adapter's schema checks them). */
  async gatewayCredentials(tenantId: string, gateway: GatewayId): Promise<Redacted<unknown> | null> {
    return this.secret(tenantId, gateway);
  }

  /**
   * Drops what is held for a tenant, so the next read waits for the stored value. Changes reach
   * the cache by themselves; this is for a caller that has just written the tenant through
   * another connection (an import) and must not race the change's arrival.
   */
  invalidate(tenantId: string): void {
    this.built.delete(tenantId);
    this.live.forget(paths.tenant(tenantId));
    this.live.forget(paths.secrets(tenantId));
    this.live.forget('phoneNumbers');
  }

  private secret(tenantId: string, kind: string): Promise<Redacted<unknown> | null> {
    const key = `${tenantId}/${kind}`;
    let decrypt = this.decrypters.get(key);
    if (!decrypt) {
      decrypt = (raw: unknown) => {
        const stored = ZEncryptedSecretSchema.safeParse(raw);
        return stored.success ? new Redacted(this.secretsKey.decrypt(stored.data, { tenantId, kind })) : null;
      };
      this.decrypters.set(key, decrypt);
    }
    return this.live.get(paths.secret(tenantId, kind), decrypt);
  }
}
