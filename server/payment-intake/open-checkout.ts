import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import type { TPaymentRecord } from '../db/records';
import type { GatewayManager } from '../payments/gateway-manager';
import type { TenantConfig } from '../tenants/tenant-store';

export interface OpenCheckoutDeps {
  db: Database;
  gateways: GatewayManager;
  logger: Logger;
  publicBaseUrl: string;
  /** Unpaid payments expire after this long; gateway checkouts are told the same deadline. */
  paymentExpireAfterMs: number;
}

/** Where a customer opening a pending payment's link goes. */
export type CheckoutOpening =
  /** The gateway's checkout page (stored, created at the gateway, or built). */
  | { kind: 'redirect'; url: string }
  /** A form the browser posts to the gateway (PayU WebCheckout). */
  | { kind: 'form'; action: string; fields: Record<string, string> }
  /** No credentials for the payment's gateway, or the gateway did not answer: try again later. */
  | { kind: 'unavailable' };

/**
 * Opens the gateway checkout of a pending payment: the stored checkout URL when there is one,
 * otherwise a link created (or built) now with the payment's amount, return and notification
 * URLs and expiry. A link created at the gateway (Bold) is stored create-once, so every later
 * visit, from any instance, reuses the same link.
 */
export async function openCheckout(deps: OpenCheckoutDeps, tenantId: string, tenant: TenantConfig | null, record: TPaymentRecord): Promise<CheckoutOpening> {
  const log = deps.logger.child({ tenantId, reference: record.referencia, gateway: record.gateway });
  if (record.urlCheckout) return { kind: 'redirect', url: record.urlCheckout };
  const ctx = await deps.gateways.context(tenantId, record.gateway);
  if (!ctx) {
    log.error('payment link opened but the tenant has no valid credentials for its gateway');
    return { kind: 'unavailable' };
  }
  const adapter = deps.gateways.adapter(record.gateway);
  try {
    const link = await adapter.createPaymentLink(
      {
        reference: record.referencia,
        amountInPesos: record.monto,
        description: `Pedido en ${tenant?.restaurant.name ?? 'el restaurante'}`.slice(0, 100),
        returnUrl: `${deps.publicBaseUrl}/pay/${record.referencia}`,
        notificationUrl: `${deps.publicBaseUrl}/api/webhooks/payment/${record.gateway}`,
        customerPhone: record.telefonoContacto,
        customerName: record.nombreCliente,
        expiresAt: new Date(record.fechaCreacion + deps.paymentExpireAfterMs).toISOString(),
      },
      ctx,
    );
    if (link.kind === 'form') return { kind: 'form', action: link.action, fields: link.fields };
    if (link.linkId) {
      // Created at the gateway (Bold): keep it, so every later visit reuses the same link.
      const tx = await withTimeout(
        deps.db.ref(`${paths.payment(tenantId, record.referencia)}/urlCheckout`).transaction((current: string | null) => current ?? link.url),
        'store checkout url',
      );
      const stored = tx.snapshot.val() as string | null;
      if (stored && stored !== link.url) return { kind: 'redirect', url: stored };
    }
    return { kind: 'redirect', url: link.url };
  } catch (error) {
    log.error({ err: error }, 'could not create the checkout at the gateway');
    return { kind: 'unavailable' };
  }
}
