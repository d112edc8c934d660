/**
 * The gateway registry. A `Record<GatewayId, …>` so adding an id to `GatewayId` without an
 * adapter fails to compile (STYLE §3).
 */
import { GATEWAY_IDS, type GatewayAdapter, type GatewayId } from '../gateway';
import { boldAdapter, type TBoldCredentials } from './bold';
import { payuAdapter, type TPayuCredentials } from './payu';
import { sandboxAdapter, type TSandboxCredentials } from './sandbox';
import { wompiAdapter, type TWompiCredentials } from './wompi';

export type { TBoldCredentials } from './bold';
export type { TPayuCredentials } from './payu';
export type { TSandboxCredentials } from './sandbox';
export type { TWompiCredentials } from './wompi';

/** Each gateway's credentials type, for callers that know which gateway they hold. */
export interface GatewayCredentialsById {
  wompi: TWompiCredentials;
  bold: TBoldCredentials;
  payu: TPayuCredentials;
  sandbox: TSandboxCredentials;
}

// `any`: GatewayAdapter<Creds> is invariant in Creds (it both produces and consumes them), so no
// single credentials type fits every entry. getAdapter() gives the precise type back.
export const adapters: Record<GatewayId, GatewayAdapter<any>> = {
  wompi: wompiAdapter,
  bold: boldAdapter,
  payu: payuAdapter,
  sandbox: sandboxAdapter,
};

/** True when `value` names a gateway we speak to (e.g. the `:gateway` route parameter). */
export function isGatewayId(value: unknown): value is GatewayId {
  return typeof value === 'string' && (GATEWAY_IDS as readonly string[]).includes(value);
}

/** The adapter for a gateway, typed with that gateway's credentials. */
export function getAdapter<G extends GatewayId>(id: G): GatewayAdapter<GatewayCredentialsById[G]> {
  return adapters[id] as GatewayAdapter<GatewayCredentialsById[G]>;
}
