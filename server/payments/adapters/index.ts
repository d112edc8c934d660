/**
 * The gateway registry: the only list of gateways (#13). Each adapter declares its id, names,
 * offer order, credential fields and endpoint variables; every zod enum, name table, page and
 * the customers' method list derive from `ADAPTERS` below. Adding a gateway is its adapter
 * file, one entry here, and its tests (test/unit/payments/registry.test.ts shows that nothing
 * outside this folder needs editing).
 */
import { z } from 'zod';
import type { CredentialField, GatewayAdapter } from '../gateway';
import { boldAdapter } from './bold';
import { payuAdapter } from './payu';
import { sandboxAdapter } from './sandbox';
import { wompiAdapter } from './wompi';

export type { TBoldCredentials } from './bold';
export type { TPayuCredentials } from './payu';
export type { TSandboxCredentials } from './sandbox';
export type { TWompiCredentials } from './wompi';

/** The built-in demo gateway: this app serves its checkout page and the demo tenant uses it. */
export * as demoGateway from './sandbox';

const ADAPTERS = [wompiAdapter, boldAdapter, payuAdapter, sandboxAdapter] as const;

type RegisteredAdapter = (typeof ADAPTERS)[number];

/** The gateways this service speaks to. */
export type GatewayId = RegisteredAdapter['id'];

/** Each gateway's credentials type, for callers that know which gateway they hold. */
export type GatewayCredentialsById = {
  [G in GatewayId]: Extract<RegisteredAdapter, { id: G }> extends GatewayAdapter<infer C, G> ? C : never;
};

/** Every gateway id, in the order gateways are offered to customers (DESIGN.md "Contracts"). */
export const GATEWAY_IDS = [...ADAPTERS].sort((a, b) => a.offerOrder - b.offerOrder).map((a) => a.id) as [GatewayId, ...GatewayId[]];

/** zod schema of a gateway id, for records and request bodies. */
export const ZGatewayIdSchema = z.enum(GATEWAY_IDS);

// `any`: GatewayAdapter<Creds> is invariant in Creds (it both produces and consumes them), so no
// single credentials type fits every entry. getAdapter() gives the precise type back.
export const adapters = Object.fromEntries(ADAPTERS.map((a) => [a.id, a])) as Record<GatewayId, GatewayAdapter<any, GatewayId>>;

/** True when `value` names a gateway we speak to (e.g. the `:gateway` route parameter). */
export function isGatewayId(value: unknown): value is GatewayId {
  return typeof value === 'string' && (GATEWAY_IDS as readonly string[]).includes(value);
}

/** The adapter for a gateway, typed with that gateway's credentials. */
export function getAdapter<G extends GatewayId>(id: G): GatewayAdapter<GatewayCredentialsById[G], G> {
  return adapters[id] as unknown as GatewayAdapter<GatewayCredentialsById[G], G>;
}

/** One value per gateway, e.g. a zod shape `{ <gateway>: schema.optional() }`. */
export function perGateway<T>(make: (adapter: GatewayAdapter<unknown, GatewayId>) => T): Record<GatewayId, T> {
  return Object.fromEntries(GATEWAY_IDS.map((id) => [id, make(adapters[id])])) as Record<GatewayId, T>;
}

/** Whether a gateway never moves real money (declared by its adapter as `testOnly`). */
export function isTestOnlyGateway(id: string): boolean {
  return isGatewayId(id) && adapters[id].testOnly === true;
}

/** What pages and owners' answers show of a gateway: plain data, safe to send to a browser. */
export interface GatewayDescription {
  id: GatewayId;
  name: string;
  ownerName: string;
  ownerListing: 'always' | 'when-configured';
  testOnly: boolean;
  credentialFields: readonly CredentialField[];
}

/** Every gateway's description, in offer order. */
export function describeGateways(): GatewayDescription[] {
  return GATEWAY_IDS.map((id) => {
    const a = adapters[id];
    return { id, name: a.name, ownerName: a.ownerName ?? a.name, ownerListing: a.ownerListing, testOnly: a.testOnly === true, credentialFields: a.credentialFields };
  });
}

/** Every gateway webhook header that carries a signature, for the logger's redaction list. */
export const GATEWAY_SIGNATURE_HEADERS: readonly string[] = ADAPTERS.flatMap((a) => a.signatureHeaders);

/** Query parameters any gateway adds when it sends the payer back to `/pay/{reference}`. */
export const GATEWAY_RETURN_PARAMETERS: readonly string[] = ADAPTERS.flatMap((a) => a.returnQueryParameters);

/** Every configuration variable that overrides a gateway endpoint (e.g. the API host in tests). */
export const GATEWAY_ENDPOINT_VARIABLES: readonly string[] = ADAPTERS.flatMap((a) =>
  Object.values(a.endpointVariables as Record<string, string | undefined>).filter((v): v is string => v !== undefined),
);
