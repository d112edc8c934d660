/**
 * One contract, run against every adapter that can ask its gateway for a result, each talking
 * over a socket to its local protocol server (STYLE §12). Gateway-specific checks follow it.
 */
import { GatewayError } from '../../../server/errors';
import { boldAdapter, type TBoldCredentials } from '../../../server/payments/adapters/bold';
import { payuAdapter, type TPayuCredentials } from '../../../server/payments/adapters/payu';
import { type TWompiCredentials, wompiAdapter } from '../../../server/payments/adapters/wompi';
import {
  AMOUNT_UNKNOWN_IN_CENTS,
  type CreatePaymentLinkInput,
  type GatewayAdapter,
  type GatewayContext,
  type GatewayEndpoints,
  type GatewayId,
  type GatewayResult,
  type PaymentLink,
} from '../../../server/payments/gateway';
import { boldWebhookBody } from '../../servers/signers';
import { type BoldServer, startBoldServer } from '../../servers/bold-server';
import { payuOrder, type PayuServer, startPayuServer } from '../../servers/payu-server';
import { startWompiServer, type WompiServer, wompiTransaction } from '../../servers/wompi-server';

type Outcome = 'approved' | 'declined';
/** Which credentials/endpoint a lookup uses: the right ones, a wrong key, or a closed port. */
type Variant = 'valid' | 'wrongCredentials' | 'unreachable';

/** What the contract needs from each gateway, with the adapter's credentials type hidden inside. */
interface Harness {
  /** Secrets that must never show up in an error. */
  secrets: string[];
  createPaymentLink(input: CreatePaymentLinkInput): Promise<PaymentLink>;
  fetchResult(reference: string, variant?: Variant): Promise<GatewayResult | null>;
  /** Makes the server report these attempts for the reference, oldest first. */
  seed(reference: string, attempts: Outcome[], amountInPesos: number): void;
  failNext(status: number): void;
  /** Checks the link against the server (a checkout it accepts, or the request it received). */
  assertLinkAccepted(link: PaymentLink, input: CreatePaymentLinkInput): Promise<void>;
  close(): Promise<void>;
}

/** An endpoint nothing listens on: connection refused, immediately. */
const UNREACHABLE = 'http://127.0.0.1:1';

function harnessFor<Creds>(
  adapter: GatewayAdapter<Creds>,
  creds: Creds,
  wrongCreds: Creds,
  endpoints: GatewayEndpoints,
): Pick<Harness, 'createPaymentLink' | 'fetchResult'> {
  const context = (c: Creds, e: GatewayEndpoints): GatewayContext<Creds> => ({ creds: c, endpoints: e, now: () => new Date() });
  return {
    createPaymentLink: (input) => adapter.createPaymentLink(input, context(creds, endpoints)),
    fetchResult: (reference, variant = 'valid') =>
      adapter.fetchResult(
        reference,
        variant === 'valid'
          ? context(creds, endpoints)
          : variant === 'wrongCredentials'
            ? context(wrongCreds, endpoints)
            : context(creds, { apiUrl: UNREACHABLE, checkoutUrl: endpoints.checkoutUrl }),
      ),
  };
}

async function startWompiHarness(): Promise<Harness & { server: WompiServer }> {
  const creds: TWompiCredentials = {
    environment: 'sandbox',
    publicKey: 'pub_test_contract',
    privateKey: 'prv_test_contract_PRIVATE',
    integritySecret: 'test_integrity_contract_SECRET',
    eventsSecret: 'test_events_contract_SECRET',
  };
  const server = await startWompiServer(creds);
  const endpoints = { apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl };
  return {
    server,
    secrets: [creds.privateKey, creds.integritySecret, 'prv_test_WRONG'],
    ...harnessFor(wompiAdapter, creds, { ...creds, privateKey: 'prv_test_WRONG' }, endpoints),
    seed: (reference, attempts, amountInPesos) =>
      server.setTransactions(
        reference,
        attempts.map((outcome, index) =>
          wompiTransaction({
            reference,
            status: outcome === 'approved' ? 'APPROVED' : 'DECLINED',
            amountInCents: amountInPesos * 100,
            transactionId: `12345-1750000000-${10000 + index}`,
            createdAt: new Date(Date.UTC(2025, 5, 1, 17, index)).toISOString(),
          }),
        ),
      ),
    failNext: (status) => server.failNext(status),
    assertLinkAccepted: async (link) => {
      if (link.kind !== 'redirect') throw new Error('Wompi links are redirects');
      // The payer's browser opens the URL: the checkout must accept key, amount and signature.
      const response = await fetch(link.url);
      expect({ status: response.status, body: response.status === 200 ? '' : await response.text() }).toEqual({ status: 200, body: '' });
    },
    close: () => server.close(),
  };
}

async function startBoldHarness(): Promise<Harness & { server: BoldServer }> {
  const creds: TBoldCredentials = { environment: 'sandbox', apiKey: 'bold-identity-CONTRACT', secretKey: 'bold-secret-CONTRACT' };
  const server = await startBoldServer({ apiKey: creds.apiKey });
  const endpoints = { apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl };
  return {
    server,
    secrets: [creds.apiKey, creds.secretKey, 'bold-identity-WRONG'],
    ...harnessFor(boldAdapter, creds, { ...creds, apiKey: 'bold-identity-WRONG' }, endpoints),
    seed: (reference, attempts, amountInPesos) =>
      server.setNotifications(
        reference,
        attempts.map((outcome, index) =>
          boldWebhookBody({
            reference,
            type: outcome === 'approved' ? 'SALE_APPROVED' : 'SALE_REJECTED',
            paymentId: `TXCONTRACT${index}`,
            totalPesos: amountInPesos,
            // The fallback example omits the currency (§2.5).
            currency: null,
            time: 1750000000000000000 + index * 60_000_000_000,
          }),
        ),
      ),
    failNext: (status) => server.failNext(status),
    assertLinkAccepted: async (link, input) => {
      const created = server.createdLinks.at(-1);
      expect(link).toEqual({ kind: 'redirect', url: created?.url, linkId: created?.paymentLink });
      const request = server.received.at(-1);
      expect(request?.headers.authorization).toBe('x-api-key bold-identity-CONTRACT');
      expect(request?.body).toMatchObject({
        amount_type: 'CLOSE',
        // Pesos, not centavos (§2.7).
        amount: { currency: 'COP', total_amount: input.amountInPesos, tip_amount: 0 },
        reference: input.reference,
        callback_url: input.returnUrl,
      });
    },
    close: () => server.close(),
  };
}

async function startPayuHarness(): Promise<Harness & { server: PayuServer }> {
  const creds: TPayuCredentials = {
    environment: 'sandbox',
    merchantId: '508029',
    accountId: '512321',
    apiKey: 'payuApiKeyCONTRACT',
    apiLogin: 'payuLoginCONTRACT',
  };
  const server = await startPayuServer(creds);
  const endpoints = { apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl };
  return {
    server,
    secrets: [creds.apiKey, 'payuApiKeyWRONG'],
    ...harnessFor(payuAdapter, creds, { ...creds, apiKey: 'payuApiKeyWRONG' }, endpoints),
    seed: (reference, attempts, amountInPesos) =>
      server.setOrders(reference, [
        payuOrder({
          reference,
          amountPesos: amountInPesos,
          transactions: attempts.map((outcome, index) => ({
            state: outcome === 'approved' ? 'APPROVED' : 'DECLINED',
            transactionId: `payu-tx-${index}`,
            operationDate: 1750000000000 + index * 60_000,
          })),
        }),
      ]),
    failNext: (status) => server.failNext(status),
    assertLinkAccepted: async (link) => {
      if (link.kind !== 'form') throw new Error('PayU links are forms');
      // Our /pay page auto-submits this form: WebCheckout must accept fields and signature.
      const response = await fetch(link.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(link.fields).toString(),
      });
      expect({ status: response.status, body: response.status === 200 ? '' : await response.text() }).toEqual({ status: 200, body: '' });
    },
    close: () => server.close(),
  };
}

const subjects: Array<[GatewayId, () => Promise<Harness>]> = [
  ['wompi', startWompiHarness],
  ['bold', startBoldHarness],
  ['payu', startPayuHarness],
];

function linkInput(reference: string): CreatePaymentLinkInput {
  return {
    reference,
    amountInPesos: 45000,
    description: '2 Hamburguesas, 1 Coca-Cola',
    returnUrl: `https://bot.example.com/pay/${reference}`,
    notificationUrl: 'https://bot.example.com/api/webhooks/payment/contract',
    customerPhone: '3001234567',
    customerName: 'Ana Pérez',
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  };
}

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe.each(subjects)('%s adapter contract', (gateway, start) => {
  let harness: Harness;
  let sequence = 0;
  const nextReference = () => `rest123_${1750000000000 + sequence++}_${gateway}`;

  beforeAll(async () => {
    harness = await start();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('creates a payment link the gateway accepts', async () => {
    const input = linkInput(nextReference());
    const link = await harness.createPaymentLink(input);
    await harness.assertLinkAccepted(link, input);
  });

  it('reports an approved payment with our reference and the amount in centavos', async () => {
    const reference = nextReference();
    harness.seed(reference, ['approved'], 45000);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({
      gateway,
      reference,
      status: 'approved',
      amountInCents: 4500000,
      currency: 'COP',
    });
  });

  it('reports a declined payment as declined', async () => {
    const reference = nextReference();
    harness.seed(reference, ['declined'], 45000);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({ gateway, reference, status: 'declined' });
  });

  it('lets an approval win over an earlier declined attempt for the same reference', async () => {
    const reference = nextReference();
    harness.seed(reference, ['declined', 'approved'], 45000);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({ status: 'approved' });
  });

  it('reports the latest attempt when every attempt was declined', async () => {
    const reference = nextReference();
    harness.seed(reference, ['declined', 'declined'], 45000);
    const result = await harness.fetchResult(reference);
    expect(result?.status).toBe('declined');
    expect(result?.transactionId).toMatch(/1$/);
  });

  it('returns null when the gateway knows nothing about the reference', async () => {
    await expect(harness.fetchResult(nextReference())).resolves.toBeNull();
  });

  it('throws a retryable GatewayError when the gateway answers 503', async () => {
    harness.failNext(503);
    const error = await gatewayError(harness.fetchResult(nextReference()));
    expect(error).toMatchObject({ gateway, retryable: true, upstreamStatus: 503 });
  });

  it('throws a non-retryable GatewayError when the gateway answers 401 to wrong credentials', async () => {
    const error = await gatewayError(harness.fetchResult(nextReference(), 'wrongCredentials'));
    expect(error).toMatchObject({ gateway, retryable: false, upstreamStatus: 401 });
  });

  it('throws a retryable GatewayError when the gateway cannot be reached', async () => {
    const error = await gatewayError(harness.fetchResult(nextReference(), 'unreachable'));
    expect(error).toMatchObject({ gateway, retryable: true, upstreamStatus: undefined });
  });

  it('keeps credentials out of gateway errors', async () => {
    const error = await gatewayError(harness.fetchResult(nextReference(), 'wrongCredentials'));
    const serialized = JSON.stringify(error.toJSON()) + error.message + String(error.stack);
    for (const secret of harness.secrets) expect(serialized).not.toContain(secret);
  });
});

describe('wompi against its server', () => {
  let harness: Awaited<ReturnType<typeof startWompiHarness>>;
  beforeAll(async () => {
    harness = await startWompiHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('searches transactions by our reference with the private key as Bearer token', async () => {
    await harness.fetchResult('rest123_1750000000000_query');
    const request = harness.server.received.at(-1);
    expect(request?.path).toBe('/v1/transactions?reference=rest123_1750000000000_query');
    expect(request?.headers.authorization).toBe('Bearer prv_test_contract_PRIVATE');
  });

  it('ignores transactions of other references that a broader search might return', async () => {
    harness.server.setTransactions('rest123_1750000000000_exact', [
      wompiTransaction({ reference: 'rest123_1750000000000_exact_other', status: 'APPROVED', amountInCents: 4500000 }),
    ]);
    await expect(harness.fetchResult('rest123_1750000000000_exact')).resolves.toBeNull();
  });
});

describe('bold against its server', () => {
  let harness: Awaited<ReturnType<typeof startBoldHarness>>;
  beforeAll(async () => {
    harness = await startBoldHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('sends the expiration as Unix nanoseconds and a description within limits', async () => {
    const input = { ...linkInput('rest123_1750000000000_exp'), description: 'x' };
    await harness.createPaymentLink(input);
    const request = harness.server.received.at(-1);
    // Exact digits on the wire: milliseconds followed by six zeros, no exponent, no rounding.
    expect(request?.rawBody).toContain(`"expiration_date":${Date.parse(input.expiresAt ?? '')}000000`);
    expect(request?.body).toMatchObject({ description: 'Pedido rest123_1750000000000_exp' });
  });

  it('asks the fallback service by our reference', async () => {
    await harness.fetchResult('rest123_1750000000000_fallback');
    const request = harness.server.received.at(-1);
    expect(request?.path).toBe('/payments/webhook/notifications/rest123_1750000000000_fallback?is_external_reference=true');
    expect(request?.headers.authorization).toBe('x-api-key bold-identity-CONTRACT');
  });

  it('throws a retryable GatewayError when link creation meets a 503', async () => {
    harness.failNext(503);
    const error = await gatewayError(harness.createPaymentLink(linkInput('rest123_1750000000000_503')));
    expect(error).toMatchObject({ retryable: true, upstreamStatus: 503 });
  });

  it('throws a non-retryable GatewayError when Bold refuses the link (amount under COP 1.000)', async () => {
    const error = await gatewayError(harness.createPaymentLink({ ...linkInput('rest123_1750000000000_400'), amountInPesos: 500 }));
    expect(error).toMatchObject({ retryable: false, upstreamStatus: 400 });
  });

  it('reports only VOID_REJECTED notifications as pending, never approved', async () => {
    const reference = 'rest123_1750000000000_void';
    harness.server.setNotifications(reference, [boldWebhookBody({ reference, type: 'VOID_REJECTED', totalPesos: 45000 })]);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({ status: 'pending', warning: expect.stringContaining('VOID_REJECTED') });
  });
});

describe('payu against its server', () => {
  let harness: Awaited<ReturnType<typeof startPayuHarness>>;
  beforeAll(async () => {
    harness = await startPayuHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('queries ORDER_DETAIL_BY_REFERENCE_CODE as JSON in test mode', async () => {
    await harness.fetchResult('rest123_1750000000000_query');
    const request = harness.server.received.at(-1);
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers.accept).toContain('application/json');
    expect(request?.body).toEqual({
      test: true,
      language: 'es',
      command: 'ORDER_DETAIL_BY_REFERENCE_CODE',
      merchant: { apiLogin: 'payuLoginCONTRACT', apiKey: 'payuApiKeyCONTRACT' },
      details: { referenceCode: 'rest123_1750000000000_query' },
    });
  });

  it('reports an unknown amount, with a warning, when the order carries no TX_VALUE', async () => {
    const reference = 'rest123_1750000000000_noamount';
    harness.server.setOrders(reference, [payuOrder({ reference, amountPesos: null, transactions: [{ state: 'APPROVED' }] })]);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({
      status: 'approved',
      amountInCents: AMOUNT_UNKNOWN_IN_CENTS,
      warning: expect.stringContaining('TX_VALUE'),
    });
  });

  it('treats a null payload as nothing known yet', async () => {
    const reference = 'rest123_1750000000000_null';
    harness.server.setOrders(reference, null);
    await expect(harness.fetchResult(reference)).resolves.toBeNull();
  });

  it('reports a pending PSE payment as pending', async () => {
    const reference = 'rest123_1750000000000_pending';
    harness.server.setOrders(reference, [payuOrder({ reference, amountPesos: 45000, transactions: [{ state: 'PENDING', paymentMethod: 'PSE' }] })]);
    await expect(harness.fetchResult(reference)).resolves.toMatchObject({ status: 'pending', method: 'PSE', amountInCents: 4500000 });
  });
});
