import { WebhookSignatureError } from '../../../server/errors';
import {
  mapWompiStatus,
  type TWompiCredentials,
  wompiAdapter,
  wompiEventChecksum,
  wompiIntegritySignature,
  WOMPI_EVENT_MAX_AGE_SECONDS,
  WOMPI_EVENT_MAX_SKEW_SECONDS,
  ZWompiCredentialsSchema,
} from '../../../server/payments/adapters/wompi';
import { createHash } from 'node:crypto';
import type { GatewayContext, RawWebhook } from '../../../server/payments/gateway';
import { signWompiEvent, toRawWebhook, wompiTransactionEvent } from '../../servers/signers';

// Made-up secrets from reference/gateways.md §1.9.
const creds: TWompiCredentials = {
  environment: 'sandbox',
  publicKey: 'pub_test_EXAMPLEpublic',
  privateKey: 'prv_test_EXAMPLEprivate',
  integritySecret: 'test_integrity_EXAMPLEsecret123',
  eventsSecret: 'test_events_EXAMPLEsecret456',
};

const VECTOR_TIMESTAMP = 1700000123;

function ctx(overrides: Partial<TWompiCredentials> = {}): GatewayContext<TWompiCredentials> {
  const merged = { ...creds, ...overrides };
  // A minute after the §1.9 vector's timestamp: events are checked against Wompi's retry window.
  return { creds: merged, endpoints: wompiAdapter.defaultEndpoints(merged.environment, 'https://pedidos.example'), now: () => new Date((VECTOR_TIMESTAMP + 60) * 1000) };
}

/** The §1.9 event-checksum vector as a full event body, checksum written in literally. */
function vectorEvent(checksum = 'a1ae55c3a5ccfa6ee75eec2caa33f2dc42ec3332096cc3ec2f124e71065ab446', environment = 'test') {
  return {
    event: 'transaction.updated',
    data: {
      transaction: {
        id: '12345-1700000000-11111',
        amount_in_cents: 4500000,
        reference: 'PEDIDO-1001',
        currency: 'COP',
        payment_method_type: 'NEQUI',
        status: 'APPROVED',
        status_message: null,
      },
    },
    environment,
    signature: { properties: ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'], checksum },
    timestamp: 1700000123,
    sent_at: '2023-11-14T22:15:23.000Z',
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function webhook(body: unknown, headers: Record<string, string> = {}): RawWebhook {
  return { rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), headers };
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

describe('Wompi integrity signature (§1.9 vectors)', () => {
  it('hashes reference, centavos, currency and the integrity secret when there is no expiration', () => {
    expect(wompiIntegritySignature({ reference: 'PEDIDO-1001', amountInCents: 4500000, currency: 'COP' }, 'test_integrity_EXAMPLEsecret123')).toBe(
      '3dee6c13f757ffd3ff8ee4cf17875950d4460e073440a372dafb2bf4f110e3e3',
    );
  });

  it('inserts the expiration time before the secret when there is one', () => {
    expect(
      wompiIntegritySignature(
        { reference: 'PEDIDO-1001', amountInCents: 4500000, currency: 'COP', expirationTime: '2025-06-01T17:00:00.000Z' },
        'test_integrity_EXAMPLEsecret123',
      ),
    ).toBe('45ff5d34f5d5b9dcce52baa54efb02ea1c670aae6bc47a6aff405f6191b23248');
  });

  it("reproduces the official docs' integrity example", () => {
    // The docs print only the concatenated string; where reference ends and amount begins does
    // not change the digest.
    expect(
      wompiIntegritySignature(
        { reference: 'sk8-438k4-xmxm392-sn2m', amountInCents: 2490000, currency: 'COP' },
        'prod_integrity_Z5mMke9x0k8gpErbDqwrJXMqsI6SFli6',
      ),
    ).toBe('37c8407747e595535433ef8f6a811d853cd943046624a0ec04662b17bbf33bf5');
  });
});

describe('Wompi Web Checkout link', () => {
  const input = {
    reference: 'PEDIDO-1001',
    amountInPesos: 45000,
    description: 'Pedido',
    returnUrl: 'https://bot.example.com/pay/PEDIDO-1001',
    notificationUrl: 'https://bot.example.com/api/webhooks/payment/wompi',
  };

  it('builds a signed checkout URL with centavos, COP, our reference and the redirect URL', async () => {
    const link = await wompiAdapter.createPaymentLink(input, ctx());
    if (link.kind !== 'redirect') throw new Error('expected a redirect');
    const url = new URL(link.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://checkout.wompi.co/p/');
    expect(url.searchParams.get('public-key')).toBe('pub_test_EXAMPLEpublic');
    expect(url.searchParams.get('currency')).toBe('COP');
    expect(url.searchParams.get('amount-in-cents')).toBe('4500000');
    expect(url.searchParams.get('reference')).toBe('PEDIDO-1001');
    expect(url.searchParams.get('redirect-url')).toBe('https://bot.example.com/pay/PEDIDO-1001');
    expect(url.searchParams.get('signature:integrity')).toBe('3dee6c13f757ffd3ff8ee4cf17875950d4460e073440a372dafb2bf4f110e3e3');
    expect(url.searchParams.has('expiration-time')).toBe(false);
    expect(url.searchParams.has('customer-data:phone-number')).toBe(false);
  });

  it('encodes the colon of signature:integrity as %3A, as the GET form does', async () => {
    const link = await wompiAdapter.createPaymentLink(input, ctx());
    expect(link.kind === 'redirect' && link.url).toContain('signature%3Aintegrity=3dee6c13');
  });

  it('signs exactly the expiration-time string it sends', async () => {
    const link = await wompiAdapter.createPaymentLink({ ...input, expiresAt: '2025-06-01T17:00:00.000Z' }, ctx());
    const url = new URL(link.kind === 'redirect' ? link.url : '');
    expect(url.searchParams.get('expiration-time')).toBe('2025-06-01T17:00:00.000Z');
    expect(url.searchParams.get('signature:integrity')).toBe('45ff5d34f5d5b9dcce52baa54efb02ea1c670aae6bc47a6aff405f6191b23248');
  });

  it('normalizes an expiration with a Bogotá offset to UTC before signing', async () => {
    const link = await wompiAdapter.createPaymentLink({ ...input, expiresAt: '2025-06-01T12:00:00-05:00' }, ctx());
    const url = new URL(link.kind === 'redirect' ? link.url : '');
    expect(url.searchParams.get('expiration-time')).toBe('2025-06-01T17:00:00.000Z');
    expect(url.searchParams.get('signature:integrity')).toBe('45ff5d34f5d5b9dcce52baa54efb02ea1c670aae6bc47a6aff405f6191b23248');
  });

  it('prefills the customer phone with the +57 prefix in its own parameter', async () => {
    const link = await wompiAdapter.createPaymentLink({ ...input, customerPhone: '3001234567' }, ctx());
    const url = new URL(link.kind === 'redirect' ? link.url : '');
    expect(url.searchParams.get('customer-data:phone-number')).toBe('3001234567');
    expect(url.searchParams.get('customer-data:phone-number-prefix')).toBe('+57');
  });

  it('refuses a peso amount with a fraction instead of sending float centavos', async () => {
    await expect(wompiAdapter.createPaymentLink({ ...input, amountInPesos: 450.5 }, ctx())).rejects.toThrow(RangeError);
  });
});

describe('Wompi credentials', () => {
  it('accepts a complete sandbox key set and trims pasted whitespace', () => {
    const parsed = ZWompiCredentialsSchema.parse({ ...creds, eventsSecret: ' test_events_EXAMPLEsecret456\n' });
    expect(parsed.eventsSecret).toBe('test_events_EXAMPLEsecret456');
  });

  it('rejects production keys saved under the sandbox environment, naming the expected prefix', () => {
    const result = ZWompiCredentialsSchema.safeParse({ ...creds, publicKey: 'pub_prod_SOMETHING' });
    expect(result.success).toBe(false);
    const message = result.error?.issues[0]?.message ?? '';
    expect(message).toContain('"pub_test_"');
    expect(message).toContain('production key');
    expect(result.error?.issues[0]?.path).toEqual(['publicKey']);
  });

  it('rejects sandbox secrets under production without echoing the secret', () => {
    const result = ZWompiCredentialsSchema.safeParse({ ...creds, environment: 'production', publicKey: 'pub_prod_X', privateKey: 'prv_prod_X', integritySecret: 'prod_integrity_X' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(['eventsSecret']);
    expect(JSON.stringify(result.error?.issues)).not.toContain('EXAMPLEsecret456');
  });

  it('requires the environment', () => {
    const { environment: _environment, ...withoutEnvironment } = creds;
    expect(ZWompiCredentialsSchema.safeParse(withoutEnvironment).success).toBe(false);
  });
});

describe('Wompi event checksum (§1.3, §1.9)', () => {
  it('concatenates the signed properties read from data, the timestamp and the events secret', () => {
    const event = vectorEvent();
    expect(wompiEventChecksum({ data: event.data, signature: event.signature, timestamp: event.timestamp }, 'test_events_EXAMPLEsecret456')).toBe(
      'a1ae55c3a5ccfa6ee75eec2caa33f2dc42ec3332096cc3ec2f124e71065ab446',
    );
  });

  it('accepts the vector event with its checksum in the body and in X-Event-Checksum', () => {
    const body = vectorEvent();
    expect(() => wompiAdapter.verifyWebhook(webhook(body, { 'x-event-checksum': body.signature.checksum }), ctx())).not.toThrow();
  });

  it('accepts an upper-case checksum, as printed in the docs', () => {
    const body = vectorEvent('A1AE55C3A5CCFA6EE75EEC2CAA33F2DC42EC3332096CC3EC2F124E71065AB446');
    expect(() => wompiAdapter.verifyWebhook(webhook(body), ctx())).not.toThrow();
  });

  it('accepts an event without the X-Event-Checksum header', () => {
    expect(() => wompiAdapter.verifyWebhook(webhook(vectorEvent()), ctx())).not.toThrow();
  });

  it('follows the properties list in the order it arrives instead of a hard-coded one', () => {
    const signed = signWompiEvent(
      wompiTransactionEvent(
        { reference: 'PEDIDO-1001', status: 'APPROVED', amountInCents: 4500000 },
        { properties: ['transaction.status', 'transaction.amount_in_cents', 'transaction.reference', 'transaction.id'], timestamp: VECTOR_TIMESTAMP },
      ),
      creds.eventsSecret,
    );
    expect(() => wompiAdapter.verifyWebhook(toRawWebhook(signed), ctx())).not.toThrow();
  });

  it('rejects an event signed with another events secret', () => {
    const signed = signWompiEvent(wompiTransactionEvent({ reference: 'R1', status: 'APPROVED', amountInCents: 100 }, { timestamp: VECTOR_TIMESTAMP }), 'test_events_OTHERtenant');
    const error = signatureError(() => wompiAdapter.verifyWebhook(toRawWebhook(signed), ctx()));
    expect(error.likelyCause).toContain('wrong events secret');
  });

  it('rejects a tampered amount that keeps the original checksum', () => {
    const body = vectorEvent();
    body.data.transaction.amount_in_cents = 100;
    expect(() => wompiAdapter.verifyWebhook(webhook(body), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a tampered timestamp', () => {
    const body = { ...vectorEvent(), timestamp: 1700000124 };
    expect(() => wompiAdapter.verifyWebhook(webhook(body), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a body whose checksum matches but whose X-Event-Checksum header does not', () => {
    const body = vectorEvent();
    expect(() => wompiAdapter.verifyWebhook(webhook(body, { 'x-event-checksum': 'b'.repeat(64) }), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects an event without a signature block', () => {
    const { signature: _signature, ...unsigned } = vectorEvent();
    expect(() => wompiAdapter.verifyWebhook(webhook(unsigned), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a malformed checksum', () => {
    expect(() => wompiAdapter.verifyWebhook(webhook(vectorEvent('not-a-digest')), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a body that is not JSON', () => {
    expect(() => wompiAdapter.verifyWebhook(webhook('event=transaction.updated'), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a signed property path that is missing from data', () => {
    const body = vectorEvent();
    body.signature.properties = ['transaction.id', 'transaction.status', 'transaction.amount_in_cents', 'transaction.payment_link_id'];
    const error = signatureError(() => wompiAdapter.verifyWebhook(webhook(body), ctx()));
    expect(error.message).toContain('missing from data');
  });

  describe('accepts only documented signed properties and a timestamp inside the retry window (#12)', () => {
    const resigned = (properties: string[], timestamp = VECTOR_TIMESTAMP) =>
      toRawWebhook(signWompiEvent(wompiTransactionEvent({ reference: 'PEDIDO-1001', status: 'APPROVED', amountInCents: 4500000 }, { properties, timestamp }), creds.eventsSecret));

    it('rejects a captured event re-signed over an undocumented path, whatever its status and amount', () => {
      const blob = { ...vectorEvent(), data: { transaction: { ...vectorEvent().data.transaction, blob: 'x' } } };
      blob.signature = { properties: ['transaction.blob'], checksum: sha256(`x${VECTOR_TIMESTAMP}${creds.eventsSecret}`) };
      const error = signatureError(() => wompiAdapter.verifyWebhook(webhook(blob), ctx()));
      expect(error.message).toContain('not a documented transaction field');
    });

    it('rejects a list that leaves out the id, the status or the amount', () => {
      for (const left of ['transaction.id', 'transaction.status', 'transaction.amount_in_cents']) {
        const properties = ['transaction.id', 'transaction.status', 'transaction.amount_in_cents', 'transaction.reference'].filter((p) => p !== left);
        expect(signatureError(() => wompiAdapter.verifyWebhook(resigned(properties), ctx())).message).toContain(`leaves out ${left}`);
      }
    });

    it('rejects a path named twice and a path outside transaction', () => {
      expect(() => wompiAdapter.verifyWebhook(resigned(['transaction.id', 'transaction.id', 'transaction.status', 'transaction.amount_in_cents']), ctx())).toThrow(WebhookSignatureError);
      expect(() => wompiAdapter.verifyWebhook(resigned(['transaction.id', 'transaction.status', 'transaction.amount_in_cents', 'nequi_token.id']), ctx())).toThrow(WebhookSignatureError);
    });

    it('accepts a timestamp 25 hours old (the last retry comes 24 hours after the first attempt) and refuses one older', () => {
      const properties = ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'];
      const at = (secondsAgo: number) => ({ ...ctx(), now: () => new Date((VECTOR_TIMESTAMP + secondsAgo) * 1000) });
      expect(() => wompiAdapter.verifyWebhook(resigned(properties), at(WOMPI_EVENT_MAX_AGE_SECONDS))).not.toThrow();
      expect(signatureError(() => wompiAdapter.verifyWebhook(resigned(properties), at(WOMPI_EVENT_MAX_AGE_SECONDS + 1))).message).toContain('retry window');
      expect(signatureError(() => wompiAdapter.verifyWebhook(resigned(properties), at(-WOMPI_EVENT_MAX_SKEW_SECONDS - 1))).message).toContain('retry window');
    });

    it('refuses a timestamp written as a digit string (digits could move between amount and timestamp)', () => {
      const body = { ...vectorEvent(), timestamp: String(VECTOR_TIMESTAMP) };
      expect(() => wompiAdapter.verifyWebhook(webhook(body), ctx())).toThrow(WebhookSignatureError);
    });

    it('says a verified event must be confirmed at the source, in its environment', () => {
      expect(wompiAdapter.verifyWebhook(webhook(vectorEvent()), ctx())).toEqual({ environment: 'sandbox', testMode: false, confirmAtSource: true });
    });
  });

  it('rejects a prod event delivered to a sandbox tenant, even with a valid checksum', () => {
    const error = signatureError(() => wompiAdapter.verifyWebhook(webhook(vectorEvent(undefined, 'prod')), ctx()));
    expect(error.likelyCause).toContain('other environment');
  });

  it('rejects a test event delivered to a production tenant', () => {
    const production = ctx({ environment: 'production' });
    expect(() => wompiAdapter.verifyWebhook(webhook(vectorEvent()), production)).toThrow(WebhookSignatureError);
  });

  it('refuses to verify with an empty events secret', () => {
    expect(() => wompiAdapter.verifyWebhook(webhook(vectorEvent()), ctx({ eventsSecret: '' }))).toThrow(WebhookSignatureError);
  });

  it('points at whitespace when the stored secret has a trailing newline', () => {
    const error = signatureError(() => wompiAdapter.verifyWebhook(webhook(vectorEvent()), ctx({ eventsSecret: 'test_events_EXAMPLEsecret456\n' })));
    expect(error.likelyCause).toContain('whitespace');
  });
});

describe('Wompi event normalization', () => {
  it('normalizes transaction.updated into our result, amount already in centavos', () => {
    expect(wompiAdapter.parseWebhook(webhook(vectorEvent()))).toEqual({
      gateway: 'wompi',
      reference: 'PEDIDO-1001',
      transactionId: '12345-1700000000-11111',
      status: 'approved',
      amountInCents: 4500000,
      currency: 'COP',
      method: 'NEQUI',
      message: null,
    });
  });

  it('ignores event types it does not handle', () => {
    const body = { ...vectorEvent(), event: 'nequi_token.updated', data: { token: { id: 'nequi_test_1', status: 'APPROVED' } } };
    expect(wompiAdapter.parseWebhook(webhook(body))).toEqual({ ignored: expect.stringContaining('nequi_token.updated') });
  });

  it('keeps an unknown status pending and says so in a warning', () => {
    const body = vectorEvent();
    body.data.transaction.status = 'IN_REVIEW';
    const result = wompiAdapter.parseWebhook(webhook(body));
    expect(result).toMatchObject({ status: 'pending', warning: expect.stringContaining('IN_REVIEW') });
  });

  it('reads the reference for routing and returns null for anything else', () => {
    expect(wompiAdapter.readReference(webhook(vectorEvent()))).toBe('PEDIDO-1001');
    expect(wompiAdapter.readReference(webhook('not json'))).toBeNull();
    expect(wompiAdapter.readReference(webhook({ event: 'nequi_token.updated', data: {} }))).toBeNull();
  });

  it.each([
    ['APPROVED', 'approved'],
    ['DECLINED', 'declined'],
    ['VOIDED', 'voided'],
    ['ERROR', 'error'],
    ['PENDING', 'pending'],
  ] as const)('maps status %s to %s', (wompiStatus, status) => {
    expect(mapWompiStatus(wompiStatus)).toEqual({ status });
  });

  it('never maps an unknown or differently cased status to approved', () => {
    expect(mapWompiStatus('approved')).toMatchObject({ status: 'pending', warning: expect.any(String) });
    expect(mapWompiStatus('')).toMatchObject({ status: 'pending' });
  });
});
