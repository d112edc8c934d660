import { adapters, GATEWAY_IDS, type GatewayId } from './adapters';

export const CASH_LABEL = 'Efectivo contra entrega';

/** A payment method offered to the customer, in the order it is listed. */
export interface PaymentMethodOption {
  id: GatewayId | 'efectivo';
  /** Customer-facing name, e.g. "Wompi (Tarjeta, Nequi, PSE)" or "Efectivo contra entrega". */
  label: string;
}

/** What the choice reads of a tenant's payment settings (`tenants/{t}/payments`). */
export type PaymentSettings = { enabled: boolean; efectivo: boolean } & { [G in GatewayId]?: { enabled: boolean } };

/**
 * Methods offered after the phone step: the tenant's enabled gateways in offer order, then cash.
 * Payments switched off → none, and the order is created right away (the old flow).
 */
export function paymentMethodsFor(tenant: { payments: PaymentSettings }): PaymentMethodOption[] {
  if (!tenant.payments.enabled) return [];
  const methods: PaymentMethodOption[] = [];
  for (const gateway of GATEWAY_IDS) {
    if (tenant.payments[gateway]?.enabled) methods.push({ id: gateway, label: adapters[gateway].displayName });
  }
  if (tenant.payments.efectivo) methods.push({ id: 'efectivo', label: CASH_LABEL });
  return methods;
}
