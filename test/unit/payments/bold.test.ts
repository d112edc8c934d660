import { WebhookSignatureError } from '../../../server/errors';
import {
  boldAdapter,
  boldDescription,
  boldExpirationNanoseconds,
  boldWebhookSignature,
  mapBoldEventType,
  type TBoldCredentials,
  ZBoldCredentialsSchema,
} from '../../../server/payments/adapters/bold';
import type { GatewayContext, RawWebhook } from '../../../server/payments/gateway';
import { boldWebhook, boldWebhookBody, toRawWebhook } from '../../servers/signers';

// reference/gateways.md §2.8: exact bytes, one line, no trailing newline.
const VECTOR_BODY =
  '{"id":"0f1e2d3c-0000-4000-8000-000000000001","type":"SALE_APPROVED","subject":"TXEXAMPLE01","source":"/payments/links","spec_version":"1.0","time":1750000000000000000,"data":{"payment_id":"TXEXAMPLE01","amount":{"currency":"COP","total":45000},"metadata":{"reference":"PEDIDO-1001"},"payment_method":"PSE"},"datacontenttype":"application/json"}';
const VECTOR_BASE64 =
  'eyJpZCI6IjBmMWUyZDNjLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsInR5cGUiOiJTQUxFX0FQUFJPVkVEIiwic3ViamVjdCI6IlRYRVhBTVBMRTAxIiwic291cmNlIjoiL3BheW1lbnRzL2xpbmtzIiwic3BlY192ZXJzaW9uIjoiMS4wIiwidGltZSI6MTc1MDAwMDAwMDAwMDAwMDAwMCwiZGF0YSI6eyJwYXltZW50X2lkIjoiVFhFWEFNUExFMDEiLCJhbW91bnQiOnsiY3VycmVuY3kiOiJDT1AiLCJ0b3RhbCI6NDUwMDB9LCJtZXRhZGF0YSI6eyJyZWZlcmVuY2UiOiJQRURJRE8tMTAwMSJ9LCJwYXltZW50X21ldGhvZCI6IlBTRSJ9LCJkYXRhY29udGVudHR5cGUiOiJhcHBsaWNhdGlvbi9qc29uIn0=';
const VECTOR_SECRET = 'BoldSecretExample789';
const VECTOR_SIGNATURE = 'b7d257384f5322c8001fa54c1b163aff228db2b97e1b24cb52ad87ea4b3fe8b7';
const VECTOR_TEST_MODE_SIGNATURE = '16a61ae0367de2e7121e326baa952258456233cbe16f6b939db15043ad3476a9';
const VECTOR_WITHOUT_BASE64_SIGNATURE = 'e9dd88af091c765200927bae56e457873f81d9265aa474c6062292fb95613949';

const creds: TBoldCredentials = { environment: 'production', apiKey: 'identity-key-example', secretKey: VECTOR_SECRET };

function ctx(overrides: Partial<TBoldCredentials> = {}): GatewayContext<TBoldCredentials> {
  return { creds: { ...creds, ...overrides }, endpoints: boldAdapter.defaultEndpoints('production', 'https://pedidos.example'), now: () => new Date('2025-06-01T12:00:00Z') };
}

function webhook(rawBody: string, signature?: string): RawWebhook {
  return { rawBody: Buffer.from(rawBody, 'utf8'), headers: signature === undefined ? {} : { 'x-bold-signature': signature } };
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

describe('Bold webhook signature (§2.3, §2.8 vectors)', () => {
  it('signs the base64 text of the raw body, not the body itself', () => {
    expect(Buffer.from(VECTOR_BODY, 'utf8').toString('base64')).toBe(VECTOR_BASE64);
    expect(boldWebhookSignature(Buffer.from(VECTOR_BODY, 'utf8'), VECTOR_SECRET)).toBe(VECTOR_SIGNATURE);
  });

  it('computes the test-mode signature with an empty key', () => {
    expect(boldWebhookSignature(Buffer.from(VECTOR_BODY, 'utf8'), '')).toBe(VECTOR_TEST_MODE_SIGNATURE);
  });

  it('accepts the vector webhook signed with the secret key', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_SIGNATURE), ctx())).not.toThrow();
  });

  it('accepts the empty-key test-mode signature for a sandbox tenant that has a secret key', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_TEST_MODE_SIGNATURE), ctx({ environment: 'sandbox' }))).not.toThrow();
  });

  it('accepts the empty-key test-mode signature for a sandbox tenant whose secret key is empty', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_TEST_MODE_SIGNATURE), ctx({ environment: 'sandbox', secretKey: '' }))).not.toThrow();
  });

  it('says what each key proves: the secret covers every field; the empty key is sandbox test traffic to confirm at the source (#12)', () => {
    expect(boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_SIGNATURE), ctx())).toEqual({ environment: 'production', testMode: false, confirmAtSource: false });
    expect(boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_TEST_MODE_SIGNATURE), ctx({ environment: 'sandbox' }))).toEqual({ environment: 'sandbox', testMode: true, confirmAtSource: true });
  });

  it('rejects the empty-key signature for a production tenant', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_TEST_MODE_SIGNATURE), ctx())).toThrow(WebhookSignatureError);
  });

  it('fails closed in production when the secret key is empty, even for an empty-key signature', () => {
    const error = signatureError(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_TEST_MODE_SIGNATURE), ctx({ secretKey: '' })));
    expect(error.message).toContain('empty in production');
  });

  it('rejects a signature computed over the raw body without base64', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_WITHOUT_BASE64_SIGNATURE), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects the same JSON re-serialized with other whitespace and hints at re-serialization', () => {
    const reserialized = JSON.stringify(JSON.parse(VECTOR_BODY), null, 2);
    const error = signatureError(() => boldAdapter.verifyWebhook(webhook(reserialized, VECTOR_SIGNATURE), ctx()));
    expect(error.likelyCause).toContain('re-serialized');
  });

  it('rejects the same JSON re-serialized with a trailing newline', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(`${VECTOR_BODY}\n`, VECTOR_SIGNATURE), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a tampered amount', () => {
    const tampered = VECTOR_BODY.replace('"total":45000', '"total":4500');
    expect(() => boldAdapter.verifyWebhook(webhook(tampered, VECTOR_SIGNATURE), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a body signed with another secret key', () => {
    const signed = boldWebhook(VECTOR_BODY, 'AnotherTenantSecret');
    expect(() => boldAdapter.verifyWebhook(toRawWebhook(signed), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a webhook without x-bold-signature', () => {
    const error = signatureError(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY), ctx()));
    expect(error.message).toContain('missing');
  });

  it('rejects a malformed x-bold-signature', () => {
    expect(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, 'sha256=abc'), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects an empty body and blames a body parser that consumed it', () => {
    const error = signatureError(() => boldAdapter.verifyWebhook(webhook('', VECTOR_SIGNATURE), ctx()));
    expect(error.likelyCause).toContain('body parser');
  });

  it('points at whitespace when the stored secret key has a trailing space', () => {
    const error = signatureError(() => boldAdapter.verifyWebhook(webhook(VECTOR_BODY, VECTOR_SIGNATURE), ctx({ secretKey: `${VECTOR_SECRET} ` })));
    expect(error.likelyCause).toContain('whitespace');
  });
});

describe('Bold credentials', () => {
  it('allows an empty secret key only in sandbox', () => {
    expect(ZBoldCredentialsSchema.safeParse({ environment: 'sandbox', apiKey: 'k', secretKey: '' }).success).toBe(true);
    const production = ZBoldCredentialsSchema.safeParse({ environment: 'production', apiKey: 'k', secretKey: '  ' });
    expect(production.success).toBe(false);
    expect(production.error?.issues[0]?.path).toEqual(['secretKey']);
    expect(production.error?.issues[0]?.message).toContain('required in production');
  });

  it('requires the identity key', () => {
    expect(ZBoldCredentialsSchema.safeParse({ environment: 'sandbox', apiKey: '', secretKey: 's' }).success).toBe(false);
  });
});

describe('Bold webhook normalization', () => {
  it('normalizes the vector body, multiplying pesos by 100', () => {
    expect(boldAdapter.parseWebhook(webhook(VECTOR_BODY))).toEqual({
      gateway: 'bold',
      reference: 'PEDIDO-1001',
      transactionId: 'TXEXAMPLE01',
      status: 'approved',
      amountInCents: 4500000,
      currency: 'COP',
      method: 'PSE',
      message: null,
    });
  });

  it('ignores VOID_REJECTED, which leaves the sale as it was', () => {
    const body = JSON.stringify(boldWebhookBody({ reference: 'PEDIDO-1001', type: 'VOID_REJECTED', totalPesos: 45000 }));
    expect(boldAdapter.parseWebhook(webhook(body))).toEqual({ ignored: expect.stringContaining('VOID_REJECTED') });
  });

  it('ignores a sale that carries no reference of ours (e.g. a terminal sale)', () => {
    const body = JSON.stringify(boldWebhookBody({ reference: null, totalPesos: 45000 }));
    expect(boldAdapter.parseWebhook(webhook(body))).toEqual({ ignored: expect.stringContaining('metadata.reference') });
    expect(boldAdapter.readReference(webhook(body))).toBeNull();
  });

  it('defaults the currency to COP when amount.currency is absent', () => {
    const body = JSON.stringify(boldWebhookBody({ reference: 'PEDIDO-1001', totalPesos: 45000, currency: null }));
    expect(boldAdapter.parseWebhook(webhook(body))).toMatchObject({ currency: 'COP', amountInCents: 4500000 });
  });

  it('reads the reference from data.metadata for routing', () => {
    expect(boldAdapter.readReference(webhook(VECTOR_BODY))).toBe('PEDIDO-1001');
    expect(boldAdapter.readReference(webhook('{'))).toBeNull();
  });

  it.each([
    ['SALE_APPROVED', { status: 'approved' }],
    ['SALE_REJECTED', { status: 'declined' }],
    ['VOID_APPROVED', { status: 'voided' }],
    ['VOID_REJECTED', { ignored: expect.any(String) }],
  ])('maps event type %s', (type, expected) => {
    expect(mapBoldEventType(type)).toEqual(expected);
  });

  it('keeps an unknown event type pending with a warning, never approved', () => {
    expect(mapBoldEventType('SALE_PENDING')).toEqual({ status: 'pending', warning: expect.stringContaining('SALE_PENDING') });
    const body = JSON.stringify(boldWebhookBody({ reference: 'PEDIDO-1001', type: 'SALE_SOMETHING', totalPesos: 45000 }));
    expect(boldAdapter.parseWebhook(webhook(body))).toMatchObject({ status: 'pending', warning: expect.any(String) });
  });
});

describe('Bold link request helpers', () => {
  it('converts the expiration to Unix nanoseconds that serialize exactly', () => {
    const nanoseconds = boldExpirationNanoseconds('2025-06-01T17:00:00.123Z');
    expect(JSON.stringify({ expiration_date: nanoseconds })).toBe('{"expiration_date":1748797200123000000}');
  });

  it('keeps descriptions within 2–100 characters', () => {
    expect(boldDescription('  2 hamburguesas \n y 1 gaseosa ', 'REF-1')).toBe('2 hamburguesas y 1 gaseosa');
    expect(boldDescription('x', 'REF-1')).toBe('Pedido REF-1');
    const long = boldDescription('á'.repeat(150), 'REF-1');
    expect(Array.from(long)).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
  });
});
