import type { Config } from '../config';
import type { PaymentMethodOption } from '../conversation/types';
import { AppError, ErrorCode } from '../errors';
import type { TenantConfig, TenantStore } from '../tenants/tenant-store';
import { adapters, GATEWAY_IDS } from './adapters';
import type { GatewayAdapter, GatewayContext, GatewayEndpoints, GatewayEnvironment, GatewayId } from './gateway';

export const CASH_LABEL = 'Efectivo contra entrega';

/**
 * Methods offered after the phone step: the tenant's enabled gateways in order, then cash.
 * Payments switched off → none, and the order is created right away (the old flow).
 */
export function paymentMethodsFor(tenant: TenantConfig): PaymentMethodOption[] {
  if (!tenant.payments.enabled) return [];
  const methods: PaymentMethodOption[] = [];
  for (const gateway of GATEWAY_IDS) {
    if (tenant.payments[gateway]?.enabled) methods.push({ id: gateway, label: adapters[gateway].displayName });
  }
  if (tenant.payments.efectivo) methods.push({ id: 'efectivo', label: CASH_LABEL });
  return methods;
}

/** Endpoint overrides from config (tests point them at local servers) and this app's public base URL. */
export interface GatewayUrlOverrides {
  /** By the variable names adapters declare in `endpointVariables`; unset → the adapter's defaults. */
  variables: Readonly<Record<string, string | undefined>>;
  /** `PUBLIC_BASE_URL`, for gateways whose pages this app serves. */
  publicBaseUrl: string;
}

/** Endpoint overrides as the configuration holds them. */
export function gatewayUrlsFromConfig(config: Pick<Config, 'gatewayUrls'>, publicBaseUrl: string): GatewayUrlOverrides {
  return { variables: config.gatewayUrls, publicBaseUrl };
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

  async requireContext(tenantId: string, gateway: GatewayId): Promise<GatewayContext<unknown>> {
    const ctx = await this.context(tenantId, gateway);
    if (!ctx) throw new AppError(ErrorCode.GATEWAY_REJECTED, { message: `tenant ${tenantId} has no valid ${gateway} credentials` });
    return ctx;
  }

  endpoints(gateway: GatewayId, environment: GatewayEnvironment): GatewayEndpoints {
    const adapter = adapters[gateway];
    const defaults = adapter.defaultEndpoints(environment, this.urls.publicBaseUrl);
    const override = (variable: string | undefined) => (variable === undefined ? undefined : this.urls.variables[variable]);
    return {
      apiUrl: override(adapter.endpointVariables.apiUrl) ?? defaults.apiUrl,
      checkoutUrl: override(adapter.endpointVariables.checkoutUrl) ?? defaults.checkoutUrl,
    };
  }
}
