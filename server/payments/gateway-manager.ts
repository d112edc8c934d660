import type { Config } from '../config';
import type { PaymentMethodOption } from '../conversation/types';
import { AppError, ErrorCode } from '../errors';
import type { TenantConfig, TenantStore } from '../tenants/tenant-store';
import { adapters } from './adapters';
import type { GatewayAdapter, GatewayContext, GatewayEndpoints, GatewayEnvironment, GatewayId } from './gateway';

/** The order in which gateways are offered to customers (DESIGN.md "Contracts"). */
export const GATEWAY_ORDER: readonly GatewayId[] = ['wompi', 'bold', 'payu', 'sandbox'];
export const CASH_LABEL = 'Efectivo contra entrega';

/**
 * Methods offered after the phone step: the tenant's enabled gateways in order, then cash.
 * Payments switched off → none, and the order is created right away (the old flow).
 */
export function paymentMethodsFor(tenant: TenantConfig): PaymentMethodOption[] {
  if (!tenant.payments.enabled) return [];
  const methods: PaymentMethodOption[] = [];
  for (const gateway of GATEWAY_ORDER) {
    if (tenant.payments[gateway]?.enabled) methods.push({ id: gateway, label: adapters[gateway].displayName });
  }
  if (tenant.payments.efectivo) methods.push({ id: 'efectivo', label: CASH_LABEL });
  return methods;
}

/** Host overrides from config (tests point them at local servers); unset → the adapter's defaults. */
export interface GatewayUrlOverrides {
  wompiApiUrl?: string;
  wompiCheckoutUrl?: string;
  boldApiUrl?: string;
  payuApiUrl?: string;
  payuCheckoutUrl?: string;
  /** Base of the sandbox checkout page: `{PUBLIC_BASE_URL}/sandbox/checkout`. */
  sandboxCheckoutUrl: string;
}

/** Host overrides as the configuration names them, plus the sandbox checkout served by this app. */
export function gatewayUrlsFromConfig(
  config: Pick<Config, 'WOMPI_API_URL' | 'WOMPI_CHECKOUT_URL' | 'BOLD_API_URL' | 'PAYU_API_URL' | 'PAYU_CHECKOUT_URL'>,
  publicBaseUrl: string,
): GatewayUrlOverrides {
  return {
    wompiApiUrl: config.WOMPI_API_URL,
    wompiCheckoutUrl: config.WOMPI_CHECKOUT_URL,
    boldApiUrl: config.BOLD_API_URL,
    payuApiUrl: config.PAYU_API_URL,
    payuCheckoutUrl: config.PAYU_CHECKOUT_URL,
    sandboxCheckoutUrl: `${publicBaseUrl}/sandbox/checkout`,
  };
}

/** The environment of the credentials in a context (every credentials schema has `environment`). */
export function environmentOf(ctx: GatewayContext<unknown>): GatewayEnvironment {
  return (ctx.creds as { environment: GatewayEnvironment }).environment;
}

/** Builds the context an adapter call needs: the tenant's decrypted credentials, validated, and the endpoints. */
export class GatewayManager {
  constructor(
    private readonly tenants: TenantStore,
    private readonly urls: GatewayUrlOverrides,
    private readonly now: () => Date = () => new Date(),
  ) {}

  adapter(gateway: GatewayId): GatewayAdapter<unknown> {
    return adapters[gateway];
  }

  /** Null when the tenant has no (valid) credentials for this gateway. */
  async context(tenantId: string, gateway: GatewayId): Promise<GatewayContext<unknown> | null> {
    const raw = await this.tenants.gatewayCredentials(tenantId, gateway);
    if (!raw) return null;
    const parsed = adapters[gateway].credentialsSchema.safeParse(raw);
    if (!parsed.success) return null;
    const environment = (parsed.data as { environment: GatewayEnvironment }).environment;
    return { creds: parsed.data, endpoints: this.endpoints(gateway, environment), now: this.now };
  }

  /** Whether the owner has this gateway switched on (payments on, and the gateway on). */
  async isEnabled(tenantId: string, gateway: GatewayId): Promise<boolean> {
    const tenant = await this.tenants.getTenant(tenantId);
    return Boolean(tenant?.payments.enabled && tenant.payments[gateway]?.enabled);
  }

  async requireContext(tenantId: string, gateway: GatewayId): Promise<GatewayContext<unknown>> {
    const ctx = await this.context(tenantId, gateway);
    if (!ctx) throw new AppError(ErrorCode.GATEWAY_REJECTED, { message: `tenant ${tenantId} has no valid ${gateway} credentials` });
    return ctx;
  }

  endpoints(gateway: GatewayId, environment: GatewayEnvironment): GatewayEndpoints {
    const defaults = adapters[gateway].defaultEndpoints(environment);
    switch (gateway) {
      case 'wompi':
        return { apiUrl: this.urls.wompiApiUrl ?? defaults.apiUrl, checkoutUrl: this.urls.wompiCheckoutUrl ?? defaults.checkoutUrl };
      case 'bold':
        return { apiUrl: this.urls.boldApiUrl ?? defaults.apiUrl, checkoutUrl: defaults.checkoutUrl };
      case 'payu':
        return { apiUrl: this.urls.payuApiUrl ?? defaults.apiUrl, checkoutUrl: this.urls.payuCheckoutUrl ?? defaults.checkoutUrl };
      case 'sandbox':
        return { apiUrl: '', checkoutUrl: this.urls.sandboxCheckoutUrl };
    }
  }
}
