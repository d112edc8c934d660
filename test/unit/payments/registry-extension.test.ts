import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayMentions, sourceFilesOutsideAdapters } from '../../helpers/gateway-mentions';

/**
 * A new gateway is one adapter file plus one registry entry (#13). This test copies `server/`,
 * adds a throw-away gateway ("acme") to the copy exactly as a newcomer would (a file in
 * `payments/adapters/` and its entry in the registry list), and checks that every place that
 * used to keep its own list of gateways now knows it, with no other file edited.
 */
const ROOT = join(__dirname, '../../..');
const THROWAWAY_ADAPTER = `
import { z } from 'zod';
import { GATEWAY_ENVIRONMENTS, type GatewayAdapter } from '../gateway';

const ZAcmeCredentialsSchema = z.object({ environment: z.enum(GATEWAY_ENVIRONMENTS), token: z.string().min(1) });

export const acmeAdapter: GatewayAdapter<z.output<typeof ZAcmeCredentialsSchema>, 'acme'> = {
  id: 'acme',
  name: 'Acme',
  displayName: 'Acme (Tarjeta)',
  ownerListing: 'always',
  offerOrder: 25,
  credentialFields: [{ key: 'token', label: 'Token de Acme', secret: true }],
  signatureHeaders: ['x-acme-signature'],
  returnQueryParameters: ['acme-tx'],
  endpointVariables: { apiUrl: 'ACME_API_URL' },
  credentialsSchema: ZAcmeCredentialsSchema,
  capabilities: { statusLookup: false, refunds: false },
  defaultEndpoints: () => ({ apiUrl: 'https://api.acme.example', checkoutUrl: 'https://pay.acme.example' }),
  createPaymentLink: async (input, ctx) => ({ kind: 'redirect', url: ctx.endpoints.checkoutUrl + '/' + input.reference }),
  fetchResult: async () => null,
  readReference: () => null,
  verifyWebhook: () => {
    throw new Error('not signed');
  },
  parseWebhook: () => ({ ignored: 'throw-away gateway' }),
};
`;

describe('adding a gateway', () => {
  let dir: string;
  let load: <T>(path: string) => T;

  beforeAll(() => {
    // Inside the repository, so the copy resolves the same node_modules.
    dir = mkdtempSync(join(ROOT, 'tmp-registry-'));
    cpSync(join(ROOT, 'server'), join(dir, 'server'), { recursive: true });
    const adapters = join(dir, 'server/payments/adapters');
    writeFileSync(join(adapters, 'acme.ts'), THROWAWAY_ADAPTER);
    const index = readFileSync(join(adapters, 'index.ts'), 'utf8');
    const registered = index
      .replace("import { wompiAdapter } from './wompi';", "import { wompiAdapter } from './wompi';\nimport { acmeAdapter } from './acme';")
      .replace('const ADAPTERS = [wompiAdapter, boldAdapter, payuAdapter, sandboxAdapter] as const;', 'const ADAPTERS = [wompiAdapter, boldAdapter, payuAdapter, sandboxAdapter, acmeAdapter] as const;');
    expect(registered).not.toBe(index);
    writeFileSync(join(adapters, 'index.ts'), registered);
    load = <T>(path: string) => require(join(dir, 'server', path)) as T;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers the id, in its offer order', () => {
    const { GATEWAY_IDS, isGatewayId } = load<typeof import('../../../server/payments/adapters')>('payments/adapters');
    expect(GATEWAY_IDS).toEqual(['wompi', 'bold', 'acme', 'payu', 'sandbox']);
    expect(isGatewayId('acme')).toBe(true);
  });

  it('stores payment records, toggles and pending entries for it', () => {
    const records = load<typeof import('../../../server/db/records')>('db/records');
    const pending = load<typeof import('../../../server/reconciler/jobs/pending-payments')>('reconciler/jobs/pending-payments');
    expect(records.ZPaymentsConfigSchema.parse({ enabled: true, acme: { enabled: true } })).toMatchObject({ acme: { enabled: true, environment: 'sandbox' } });
    expect(records.ZPaymentRecordSchema.shape.gateway.safeParse('acme').success).toBe(true);
    expect(pending.ZPendingEntrySchema.safeParse({ tenantId: 't1', gateway: 'acme', createdAt: 1 }).success).toBe(true);
  });

  it('accepts its credentials in a tenant file and in the owners settings, checked by its schema', () => {
    const { ZTenantFileSchema } = load<typeof import('../../../server/tenants/tenant-file')>('tenants/tenant-file');
    const { ZPaymentsSettingsUpdateSchema } = load<typeof import('../../../server/admin/payments-settings')>('admin/payments-settings');
    const file = (acme: unknown) => ({
      id: 'rest1',
      restaurant: { name: 'R' },
      whatsapp: { phoneNumberId: '100200300', accessToken: 'EAAG' },
      menu: [{ numero: '1', nombre: 'Hamburguesa', precio: 15000 }],
      payments: { enabled: true, acme },
    });
    expect(ZTenantFileSchema.safeParse(file({ environment: 'sandbox', token: 'tok' })).success).toBe(true);
    expect(ZTenantFileSchema.safeParse(file({ environment: 'sandbox' })).success).toBe(false);
    expect(ZPaymentsSettingsUpdateSchema.safeParse({ acme: { enabled: true, credentials: { token: 'x' } } }).success).toBe(true);
  });

  it('offers it to customers between the gateways around it, then cash', () => {
    const { paymentMethodsFor } = load<typeof import('../../../server/payments/payment-methods')>('payments/payment-methods');
    const on = { enabled: true, environment: 'sandbox' as const };
    const tenant = { payments: { enabled: true, efectivo: true, wompi: on, acme: on, payu: on } };
    expect(paymentMethodsFor(tenant as never)).toEqual([
      { id: 'wompi', label: 'Wompi (Tarjeta, Nequi, PSE)' },
      { id: 'acme', label: 'Acme (Tarjeta)' },
      { id: 'payu', label: 'PayU (Tarjeta, PSE, Efecty)' },
      { id: 'efectivo', label: 'Efectivo contra entrega' },
    ]);
  });

  it('reads its endpoint override from the configuration variable it declares', () => {
    const { loadConfig } = load<typeof import('../../../server/config')>('config');
    const { GatewayManager } = load<typeof import('../../../server/payments/gateway-manager')>('payments/gateway-manager');
    const credentials = async () => null;
    const plain = new GatewayManager(credentials, { variables: loadConfig({}).gatewayUrls, publicBaseUrl: 'https://pedidos.example' });
    expect(plain.endpoints('acme' as never, 'production')).toEqual({ apiUrl: 'https://api.acme.example', checkoutUrl: 'https://pay.acme.example' });
    const config = loadConfig({ ACME_API_URL: 'http://127.0.0.1:9/acme' });
    const local = new GatewayManager(credentials, { variables: config.gatewayUrls, publicBaseUrl: 'https://pedidos.example' });
    expect(local.endpoints('acme' as never, 'production').apiUrl).toBe('http://127.0.0.1:9/acme');
    expect(() => loadConfig({ ACME_API_URL: 'not a url' })).toThrow(/ACME_API_URL/);
  });

  it('hands the adapter its credentials, checked by its schema, in a context that logs without them', async () => {
    const { Redacted } = load<typeof import('../../../server/observability/redacted')>('observability/redacted');
    const { GatewayManager } = load<typeof import('../../../server/payments/gateway-manager')>('payments/gateway-manager');
    const stored = async () => new Redacted<unknown>({ environment: 'sandbox', token: 'tok_secret_1' });
    const manager = new GatewayManager(stored, { variables: {}, publicBaseUrl: 'https://pedidos.example' });
    const ctx = await manager.context('rest1', 'acme' as never);
    expect(ctx?.creds).toEqual({ environment: 'sandbox', token: 'tok_secret_1' });
    expect(JSON.stringify(ctx)).not.toContain('tok_secret_1');
    const invalid = new GatewayManager(async () => new Redacted<unknown>({ environment: 'sandbox' }), { variables: {}, publicBaseUrl: 'https://pedidos.example' });
    expect(await invalid.context('rest1', 'acme' as never)).toBeNull();
  });

  it('shows it on the owners settings page and the kitchen board, with its credential fields', () => {
    const { describeGateways } = load<typeof import('../../../server/payments/adapters')>('payments/adapters');
    expect(describeGateways().find((g) => (g.id as string) === 'acme')).toEqual({
      id: 'acme',
      name: 'Acme',
      ownerName: 'Acme',
      ownerListing: 'always',
      testOnly: false,
      credentialFields: [{ key: 'token', label: 'Token de Acme', secret: true }],
    });
    const { adminPage } = load<typeof import('../../../server/web/admin-page')>('web/admin-page');
    const { kitchenPage } = load<typeof import('../../../server/web/kitchen-page')>('web/kitchen-page');
    const signIn = { signInUrl: null, refreshUrl: null };
    expect(adminPage(signIn)).toContain('Token de Acme');
    expect(kitchenPage(signIn)).toContain('"acme":"Acme"');
  });

  it('needs no gateway named outside the adapters folder of the copy', () => {
    const { GATEWAY_ENDPOINT_VARIABLES, GATEWAY_IDS } = load<typeof import('../../../server/payments/adapters')>('payments/adapters');
    expect(GATEWAY_ENDPOINT_VARIABLES).toContain('ACME_API_URL');
    expect(gatewayMentions(dir, sourceFilesOutsideAdapters(dir), GATEWAY_IDS, GATEWAY_ENDPOINT_VARIABLES)).toEqual([]);
  });
});
