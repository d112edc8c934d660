import { AppError, ErrorCode } from '../errors';
import type { Redacted } from '../observability/redacted';
import { adapters } from './adapters';
import type { GatewayAdapter, GatewayContext, GatewayEndpoints, GatewayEnvironment, GatewayId } from './gateway';

/** A tenant's decrypted credentials for a gateway, unvalidated (the adapter's schema checks them); null when none. */
export type GatewayCredentialsSource = (tenantId: string, gateway: GatewayId) => Promise<Redacted<unknown> | null>;

/** Endpoint overrides from config (tests point them at local servers) and this app's public base URL. */
export interface GatewayUrlOverrides {
  /** By the variable names adapters declare in `endpointVariables`; unset → the adapter's defaults. */
  variables: Readonly<Record<string, string | undefined>>;
  /** `PUBLIC_BASE_URL`, for gateways whose pages this app serves. */
  publicBaseUrl: string;
}


/** The environment of the credentials in a context (every credentials schema has `environment`). */
export function environmentOf(ctx: GatewayContext<unknown>): GatewayEnvironment {
  return (ctx.creds as { environment: GatewayEnvironment }).environment;
}

/** Builds the context an adapter call needs: the tenant's decrypted credentials, validated, and the endpoints. */
export class GatewayManager {
  constructor(
    private readonly credentials: GatewayCredentialsSource,
    private readonly urls: GatewayUrlOverrides,
    private readonly now: () => Date = () => new Date(),
  ) {}

  adapter(gateway: GatewayId): GatewayAdapter<unknown> {
    return adapters[gateway];
  }

  /** Null when the tenant has no (valid) credentials for this gateway. */
  async context(tenantId: string, gateway: GatewayId): Promise<GatewayContext<unknown> | null> {
    const stored = await this.credentials(tenantId, gateway);
    if (!stored) return null;
    const parsed = adapters[gateway].credentialsSchema.safeParse(stored.reveal());
    if (!parsed.success) return null;
    const environment = (parsed.data as { environment: GatewayEnvironment }).environment;
    const ctx = { endpoints: this.endpoints(gateway, environment), now: this.now } as GatewayContext<unknown>;
    // Not enumerable: a context logged by accident (or spread into a log line) carries no keys.
    Object.defineProperty(ctx, 'creds', { value: parsed.data, enumerable: false });
    return ctx;
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
