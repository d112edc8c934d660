import { adapters, GATEWAY_IDS, getAdapter, isGatewayId } from '../../../server/payments/adapters';

describe('gateway registry', () => {
  it('has one adapter per gateway id, each under its own id', () => {
    expect(Object.keys(adapters).sort()).toEqual([...GATEWAY_IDS].sort());
    for (const id of GATEWAY_IDS) expect(adapters[id].id).toBe(id);
  });

  it('shows each gateway with its customer-facing name', () => {
    expect(GATEWAY_IDS.map((id) => getAdapter(id).displayName)).toEqual([
      'Wompi (Tarjeta, Nequi, PSE)',
      'Bold (Tarjeta, PSE, Nequi)',
      'PayU (Tarjeta, PSE, Efecty)',
      'Pago de prueba (Sandbox)',
    ]);
  });

  it('tells gateway ids from other strings', () => {
    expect(isGatewayId('wompi')).toBe(true);
    expect(isGatewayId('sandbox')).toBe(true);
    expect(isGatewayId('WOMPI')).toBe(false);
    expect(isGatewayId('toString')).toBe(false);
    expect(isGatewayId(undefined)).toBe(false);
  });

  it.each([
    ['wompi', 'sandbox', { apiUrl: 'https://sandbox.wompi.co/v1', checkoutUrl: 'https://checkout.wompi.co/p/' }],
    ['wompi', 'production', { apiUrl: 'https://production.wompi.co/v1', checkoutUrl: 'https://checkout.wompi.co/p/' }],
    ['bold', 'sandbox', { apiUrl: 'https://integrations.api.bold.co', checkoutUrl: 'https://checkout.bold.co' }],
    ['bold', 'production', { apiUrl: 'https://integrations.api.bold.co', checkoutUrl: 'https://checkout.bold.co' }],
    [
      'payu',
      'sandbox',
      { apiUrl: 'https://sandbox.api.payulatam.com', checkoutUrl: 'https://sandbox.checkout.payulatam.com/ppp-web-gateway-payu/' },
    ],
    ['payu', 'production', { apiUrl: 'https://api.payulatam.com', checkoutUrl: 'https://checkout.payulatam.com/ppp-web-gateway-payu/' }],
    ['sandbox', 'production', { apiUrl: '', checkoutUrl: 'https://pedidos.example/sandbox/checkout' }],
  ] as const)('defaults %s %s endpoints to the documented hosts', (id, environment, endpoints) => {
    expect(getAdapter(id).defaultEndpoints(environment, 'https://pedidos.example')).toEqual(endpoints);
  });

  it('requires an environment in every credentials schema', () => {
    for (const id of GATEWAY_IDS) {
      const result = getAdapter(id).credentialsSchema.safeParse({});
      expect(result.success).toBe(false);
      expect(result.error?.issues.some((issue) => issue.path[0] === 'environment')).toBe(true);
    }
  });

  it('offers status lookup for every external gateway', () => {
    expect(GATEWAY_IDS.filter((id) => getAdapter(id).capabilities.statusLookup)).toEqual(['wompi', 'bold', 'payu']);
  });
});
