import { WebhookSignatureError } from '../../../server/errors';
import {
  mapPayuStatePol,
  mapPayuTransactionState,
  payuAdapter,
  payuConfirmationNewValue,
  payuSignature,
  type TPayuCredentials,
  ZPayuCredentialsSchema,
  payuExpirationDate,
} from '../../../server/payments/adapters/payu';
import type { GatewayContext, RawWebhook } from '../../../server/payments/gateway';
import { payuConfirmationForm, toRawWebhook } from '../../servers/signers';

// Made-up values from reference/gateways.md §3.9.
const creds: TPayuCredentials = {
  environment: 'sandbox',
  merchantId: '900001',
  accountId: '512321',
  apiKey: 'ExampleApiKey123',
  apiLogin: 'ExampleLogin',
};
// PayU's public sandbox credentials, used by the official examples.
const OFFICIAL_API_KEY = '4Vj8eK4rloUd272L48hsrarnUA';
const OFFICIAL_MERCHANT_ID = '508029';

function ctx(overrides: Partial<TPayuCredentials> = {}): GatewayContext<TPayuCredentials> {
  const merged = { ...creds, ...overrides };
  return { creds: merged, endpoints: payuAdapter.defaultEndpoints(merged.environment, 'https://pedidos.example'), now: () => new Date('2025-06-01T12:00:00Z') };
}

/** A confirmation POST with a literal `sign`, as the §3.9 rows give it. */
function confirmation(fields: Record<string, string>): RawWebhook {
  const base = {
    merchant_id: '900001',
    reference_sale: 'PEDIDO-1001',
    reference_pol: '844182273',
    transaction_id: 'f5e668f1-7ecc-4b83-a4d1-0aaa68260862',
    state_pol: '4',
    response_code_pol: '1',
    response_message_pol: 'APPROVED',
    value: '45000.00',
    currency: 'COP',
    payment_method_type: '2',
    payment_method_name: 'VISA',
  };
  return {
    rawBody: Buffer.from(new URLSearchParams({ ...base, ...fields }).toString()),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

function signatureError(run: () => void): WebhookSignatureError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error;
    throw error;
  }
  throw new Error('expected a WebhookSignatureError');
}

describe('PayU form signature (§3.2a, §3.9 vectors)', () => {
  const official = [OFFICIAL_API_KEY, OFFICIAL_MERCHANT_ID, 'TestPayU', '20000', 'COP'];

  it.each([
    ['MD5', '7ee7cf808ce6a39b17481c54f2c57acc'],
    ['SHA', 'fa890d3f94e12b5cdb62e8771453b99b78e7ccdc'],
    ['SHA256', 'af3899a22336b79db46006491d15813158826f944599bf3bf601e2327f898022'],
  ] as const)('reproduces the official form example with %s', (algorithm, digest) => {
    expect(payuSignature(official, algorithm)).toBe(digest);
  });

  it('signs the made-up order with MD5 by default and with SHA-256 when configured', () => {
    const parts = ['ExampleApiKey123', '900001', 'PEDIDO-1001', '45000', 'COP'];
    expect(payuSignature(parts)).toBe('dccccaed9161acc1412f545a61af5676');
    expect(payuSignature(parts, 'SHA256')).toBe('fee1c865f61f0f72430cff47bbc4e058577a1371daa288592f97c70fe37ab5bd');
  });
});

describe('PayU WebCheckout form', () => {
  const input = {
    reference: 'PEDIDO-1001',
    amountInPesos: 45000,
    description: '2 hamburguesas',
    returnUrl: 'https://bot.example.com/pay/PEDIDO-1001',
    notificationUrl: 'https://bot.example.com/api/webhooks/payment/payu',
  };

  it('posts integer pesos, explicit zero taxes and the MD5 signature of that exact amount string', async () => {
    const link = await payuAdapter.createPaymentLink({ ...input, customerPhone: '3001234567', customerName: 'Ana' }, ctx());
    expect(link).toEqual({
      kind: 'form',
      action: 'https://sandbox.checkout.payulatam.com/ppp-web-gateway-payu/',
      fields: {
        merchantId: '900001',
        accountId: '512321',
        description: '2 hamburguesas',
        referenceCode: 'PEDIDO-1001',
        amount: '45000',
        tax: '0',
        taxReturnBase: '0',
        currency: 'COP',
        signature: 'dccccaed9161acc1412f545a61af5676',
        algorithmSignature: 'MD5',
        test: '1',
        buyerEmail: '3001234567@whatsapp.invalid',
        buyerFullName: 'Ana',
        telephone: '3001234567',
        responseUrl: 'https://bot.example.com/pay/PEDIDO-1001',
        confirmationUrl: 'https://bot.example.com/api/webhooks/payment/payu',
      },
    });
  });

  it('signs with the configured algorithm and declares it', async () => {
    const link = await payuAdapter.createPaymentLink(input, ctx({ algorithm: 'SHA256' }));
    expect(link.kind === 'form' && link.fields).toMatchObject({
      signature: 'fee1c865f61f0f72430cff47bbc4e058577a1371daa288592f97c70fe37ab5bd',
      algorithmSignature: 'SHA256',
    });
  });

  it('marks production forms as not test and posts to the production checkout', async () => {
    const link = await payuAdapter.createPaymentLink(input, ctx({ environment: 'production' }));
    expect(link.kind === 'form' && link.action).toBe('https://checkout.payulatam.com/ppp-web-gateway-payu/');
    expect(link.kind === 'form' && link.fields.test).toBe('0');
  });

  it('uses placeholder buyer data when the customer gave none', async () => {
    const link = await payuAdapter.createPaymentLink(input, ctx());
    expect(link.kind === 'form' && link.fields).toMatchObject({ buyerEmail: 'cliente@whatsapp.invalid', buyerFullName: 'Cliente WhatsApp' });
    expect(link.kind === 'form' && 'telephone' in link.fields).toBe(false);
  });
});

describe('PayU confirmation new_value (§3.3)', () => {
  it.each([
    ['45000.00', '45000.0'],
    ['150.26', '150.26'],
    ['150.50', '150.5'],
    ['150.00', '150.0'],
    ['150.5', '150.5'],
    ['45000', '45000.0'],
  ])('turns value %s into %s', (value, newValue) => {
    expect(payuConfirmationNewValue(value)).toBe(newValue);
  });

  it('refuses values that are not decimals with at most two decimals', () => {
    expect(payuConfirmationNewValue('150.255')).toBeNull();
    expect(payuConfirmationNewValue('1.5e3')).toBeNull();
    expect(payuConfirmationNewValue('')).toBeNull();
  });
});

describe('PayU confirmation sign (§3.3, §3.9 vectors)', () => {
  it('accepts value 45000.00 with state 4, signed over 45000.0', () => {
    const webhook = confirmation({ value: '45000.00', state_pol: '4', sign: 'bbdbe69e9eee67675cd3e12c274a4ca7' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).not.toThrow();
  });

  it('accepts value 150.26 with state 6, signed over both decimals', () => {
    const webhook = confirmation({ reference_sale: 'PEDIDO-1002', value: '150.26', state_pol: '6', sign: 'd88d8eca67609ba76467ab274da12682' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).not.toThrow();
  });

  it('accepts value 150.50 with state 4, signed over 150.5', () => {
    const webhook = confirmation({ reference_sale: 'PEDIDO-1003', value: '150.50', state_pol: '4', sign: '9df276d4aba74675f3fd1c622fe989e0' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).not.toThrow();
  });

  it("reproduces the docs' one-decimal example with the state its digest really belongs to", () => {
    // §3.8: the docs print state_pol 6 next to the digest for state 4. Input reconstructed as
    // `4Vj8…~508029~TestPayU04~150.0~USD~<state>`; both digests match the reference.
    const official = { ...creds, merchantId: OFFICIAL_MERCHANT_ID, apiKey: OFFICIAL_API_KEY };
    const base = { merchant_id: OFFICIAL_MERCHANT_ID, reference_sale: 'TestPayU04', value: '150.00', currency: 'USD' };
    expect(() => payuAdapter.verifyWebhook(confirmation({ ...base, state_pol: '4', sign: 'b607a2c2fa100e0947b206d41864fb86' }), ctx(official))).not.toThrow();
    expect(() => payuAdapter.verifyWebhook(confirmation({ ...base, state_pol: '6', sign: 'df67936f918887b2aa31688a77a10fe1' }), ctx(official))).not.toThrow();
    expect(() => payuAdapter.verifyWebhook(confirmation({ ...base, state_pol: '6', sign: 'b607a2c2fa100e0947b206d41864fb86' }), ctx(official))).toThrow(
      WebhookSignatureError,
    );
  });

  it("reproduces the docs' two-decimal example", () => {
    const official = { ...creds, merchantId: OFFICIAL_MERCHANT_ID, apiKey: OFFICIAL_API_KEY };
    const webhook = confirmation({
      merchant_id: OFFICIAL_MERCHANT_ID,
      reference_sale: 'TestPayU05',
      value: '150.26',
      currency: 'USD',
      state_pol: '4',
      sign: '1d95778a651e11a0ab93c2169a519cd6',
    });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx(official))).not.toThrow();
  });

  it('accepts an upper-case sign', () => {
    const webhook = confirmation({ sign: 'BBDBE69E9EEE67675CD3E12C274A4CA7' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).not.toThrow();
  });

  it('verifies SHA-256 signs when the account is configured for SHA256', () => {
    const signed = payuConfirmationForm({ merchantId: '900001', referenceSale: 'PEDIDO-1001', value: '45000.00', statePol: '4' }, 'ExampleApiKey123', 'SHA256');
    expect(() => payuAdapter.verifyWebhook(toRawWebhook(signed), ctx({ algorithm: 'SHA256' }))).not.toThrow();
  });

  it('names the algorithm mismatch when an MD5 tenant receives a SHA-256 sign', () => {
    const signed = payuConfirmationForm({ merchantId: '900001', referenceSale: 'PEDIDO-1001', value: '45000.00', statePol: '4' }, 'ExampleApiKey123', 'SHA256');
    const error = signatureError(() => payuAdapter.verifyWebhook(toRawWebhook(signed), ctx()));
    expect(error.likelyCause).toContain('SHA256');
  });

  it('rejects a tampered value that keeps the original sign', () => {
    const webhook = confirmation({ value: '4500.00', sign: 'bbdbe69e9eee67675cd3e12c274a4ca7' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a declined confirmation rewritten as approved', () => {
    const webhook = confirmation({ reference_sale: 'PEDIDO-1002', value: '150.26', state_pol: '4', sign: 'd88d8eca67609ba76467ab274da12682' });
    expect(() => payuAdapter.verifyWebhook(webhook, ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a confirmation signed with another apiKey', () => {
    const signed = payuConfirmationForm({ merchantId: '900001', referenceSale: 'PEDIDO-1001', value: '45000.00', statePol: '4' }, 'OtherTenantKey');
    expect(() => payuAdapter.verifyWebhook(toRawWebhook(signed), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a confirmation for another merchant even when its sign is valid for that merchant', () => {
    const signed = payuConfirmationForm({ merchantId: '900002', referenceSale: 'PEDIDO-1001', value: '45000.00', statePol: '4' }, 'ExampleApiKey123');
    const error = signatureError(() => payuAdapter.verifyWebhook(toRawWebhook(signed), ctx()));
    expect(error.message).toContain('merchant_id');
  });

  it('rejects a confirmation without sign', () => {
    expect(() => payuAdapter.verifyWebhook(confirmation({}), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a JSON body and blames the body format', () => {
    const webhook: RawWebhook = { rawBody: Buffer.from(JSON.stringify({ sign: 'x' })), headers: { 'content-type': 'application/json' } };
    const error = signatureError(() => payuAdapter.verifyWebhook(webhook, ctx()));
    expect(error.likelyCause).toContain('form-urlencoded');
  });

  it('rejects a malformed value', () => {
    expect(() => payuAdapter.verifyWebhook(confirmation({ value: '45,000.00', sign: 'bbdbe69e9eee67675cd3e12c274a4ca7' }), ctx())).toThrow(WebhookSignatureError);
  });

  it('lets the first occurrence of a duplicated field win, so an appended value cannot replace the signed one', () => {
    const webhook = confirmation({ sign: 'bbdbe69e9eee67675cd3e12c274a4ca7' });
    const withDuplicate: RawWebhook = { ...webhook, rawBody: Buffer.concat([webhook.rawBody, Buffer.from('&state_pol=4&value=1.00')]) };
    expect(() => payuAdapter.verifyWebhook(withDuplicate, ctx())).not.toThrow();
    expect(payuAdapter.parseWebhook(withDuplicate)).toMatchObject({ amountInCents: 4500000 });
  });

  it('points at whitespace when the stored apiKey has a trailing space', () => {
    const error = signatureError(() => payuAdapter.verifyWebhook(confirmation({ sign: 'bbdbe69e9eee67675cd3e12c274a4ca7' }), ctx({ apiKey: 'ExampleApiKey123 ' })));
    expect(error.likelyCause).toContain('whitespace');
  });
});

describe('PayU confirmation normalization', () => {
  it('normalizes an approved confirmation with exact centavos from the decimal string', () => {
    expect(payuAdapter.parseWebhook(confirmation({ sign: 'x' }))).toEqual({
      gateway: 'payu',
      reference: 'PEDIDO-1001',
      transactionId: 'f5e668f1-7ecc-4b83-a4d1-0aaa68260862',
      status: 'approved',
      amountInCents: 4500000,
      currency: 'COP',
      method: 'VISA',
      message: 'APPROVED',
    });
  });

  it('keeps centavos such as 150.26 exact', () => {
    expect(payuAdapter.parseWebhook(confirmation({ value: '150.26', sign: 'x' }))).toMatchObject({ amountInCents: 15026 });
  });

  it('falls back to the payment method type code when the name is absent', () => {
    const result = payuAdapter.parseWebhook(confirmation({ payment_method_name: '', payment_method_type: '4', sign: 'x' }));
    expect(result).toMatchObject({ method: 'PSE' });
  });

  it('reads reference_sale for routing', () => {
    expect(payuAdapter.readReference(confirmation({ sign: 'x' }))).toBe('PEDIDO-1001');
    expect(payuAdapter.readReference({ rawBody: Buffer.from('a=b'), headers: {} })).toBeNull();
  });

  it.each([
    ['4', '1', 'approved'],
    ['6', '5', 'declined'],
    ['5', '20', 'declined'],
    ['6', '9995', 'error'],
    ['6', '9999', 'error'],
    ['6', '9994', 'declined'],
    ['104', '9999', 'error'],
    ['7', '9994', 'pending'],
  ] as const)('maps state_pol %s with response_code_pol %s to %s', (statePol, code, status) => {
    expect(mapPayuStatePol(statePol, code)).toEqual({ status });
  });

  it('keeps an unknown state_pol pending with a warning, never approved', () => {
    expect(mapPayuStatePol('12')).toEqual({ status: 'pending', warning: expect.stringContaining('"12"') });
  });

  it.each([
    ['APPROVED', 'approved'],
    ['DECLINED', 'declined'],
    ['EXPIRED', 'declined'],
    ['ERROR', 'error'],
    ['PENDING', 'pending'],
    ['SUBMITTED', 'pending'],
  ] as const)('maps Queries API state %s to %s', (state, status) => {
    expect(mapPayuTransactionState(state)).toEqual({ status });
  });

  it('keeps an unknown Queries API state pending with a warning', () => {
    expect(mapPayuTransactionState('CAPTURED')).toMatchObject({ status: 'pending', warning: expect.any(String) });
  });
});

describe('PayU credentials', () => {
  it('accepts numeric ids and an optional algorithm', () => {
    expect(ZPayuCredentialsSchema.safeParse(creds).success).toBe(true);
    expect(ZPayuCredentialsSchema.safeParse({ ...creds, algorithm: 'SHA' }).success).toBe(true);
  });

  it('rejects unknown algorithms and non-numeric merchant ids', () => {
    expect(ZPayuCredentialsSchema.safeParse({ ...creds, algorithm: 'HMAC-SHA256' }).success).toBe(false);
    expect(ZPayuCredentialsSchema.safeParse({ ...creds, merchantId: 'merchant' }).success).toBe(false);
  });
});

describe('PayU WebCheckout expirationDate (#12)', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it('writes the link expiry as YYYY-MM-DD HH:mm:ss in Colombian time (UTC−5), so a reading as UTC closes early, never late', () => {
    expect(payuExpirationDate('2025-06-01T12:30:00.000Z', now)).toBe('2025-06-01 07:30:00');
  });
  it('stays under PayU\'s 7-day limit', () => {
    expect(payuExpirationDate('2025-07-01T00:00:00.000Z', now)).toBe('2025-06-08 06:59:00');
  });
});
