import { AppError, WebhookSignatureError } from '../../../server/errors';
import { mapSandboxStatus, sandboxAdapter, type TSandboxCredentials } from '../../../server/payments/adapters/sandbox';
import type { GatewayContext } from '../../../server/payments/gateway';
import { sandboxWebhook, signSandbox, toRawWebhook } from '../../servers/signers';

const creds: TSandboxCredentials = { environment: 'sandbox', secret: 'sandbox-secret-123' };

function ctx(overrides: Partial<TSandboxCredentials> = {}, checkoutUrl = 'https://bot.example.com/sandbox/checkout'): GatewayContext<TSandboxCredentials> {
  return { creds: { ...creds, ...overrides }, endpoints: { apiUrl: '', checkoutUrl }, now: () => new Date('2025-06-01T12:00:00Z') };
}

const approved = { reference: 'rest123_1748779200000_ab12', transactionId: 'SBX-1', status: 'APPROVED', amountInCents: 4500000 };

describe('sandbox gateway', () => {
  it('links to our own checkout page for the reference', async () => {
    const link = await sandboxAdapter.createPaymentLink(
      { reference: 'rest123_1748779200000_ab12', amountInPesos: 45000, description: 'Pedido', returnUrl: 'x', notificationUrl: 'y' },
      ctx({}, 'https://bot.example.com/sandbox/checkout/'),
    );
    expect(link).toEqual({ kind: 'redirect', url: 'https://bot.example.com/sandbox/checkout/rest123_1748779200000_ab12' });
  });

  it('refuses to build a link before the app has filled in the checkout URL', async () => {
    const input = { reference: 'r', amountInPesos: 1, description: 'd', returnUrl: 'x', notificationUrl: 'y' };
    await expect(sandboxAdapter.createPaymentLink(input, ctx({}, ''))).rejects.toBeInstanceOf(AppError);
  });

  it('has no status lookup and leaves its endpoints to the app', async () => {
    expect(sandboxAdapter.capabilities.statusLookup).toBe(false);
    expect(sandboxAdapter.defaultEndpoints('sandbox', 'https://pedidos.example')).toEqual({ apiUrl: '', checkoutUrl: 'https://pedidos.example/sandbox/checkout' });
    await expect(sandboxAdapter.fetchResult('r', ctx())).resolves.toBeNull();
  });

  it('accepts a webhook signed with HMAC-SHA256 over the raw body', () => {
    const signed = sandboxWebhook(approved, creds.secret);
    expect(signed.headers['x-sandbox-signature']).toBe(signSandbox(signed.rawBody, creds.secret));
    expect(() => sandboxAdapter.verifyWebhook(toRawWebhook(signed), ctx())).not.toThrow();
  });

  it('rejects a webhook signed with another secret', () => {
    const signed = sandboxWebhook(approved, 'another-secret');
    expect(() => sandboxAdapter.verifyWebhook(toRawWebhook(signed), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a tampered body', () => {
    const signed = sandboxWebhook(approved, creds.secret);
    const tampered = { ...signed, rawBody: signed.rawBody.replace('4500000', '100') };
    expect(() => sandboxAdapter.verifyWebhook(toRawWebhook(tampered), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a re-serialized body', () => {
    const signed = sandboxWebhook(approved, creds.secret);
    const reserialized = { ...signed, rawBody: JSON.stringify(JSON.parse(signed.rawBody), null, 1) };
    expect(() => sandboxAdapter.verifyWebhook(toRawWebhook(reserialized), ctx())).toThrow(WebhookSignatureError);
  });

  it('rejects a webhook without the signature header', () => {
    const signed = sandboxWebhook(approved, creds.secret);
    expect(() => sandboxAdapter.verifyWebhook({ rawBody: Buffer.from(signed.rawBody), headers: {} }, ctx())).toThrow(WebhookSignatureError);
  });

  it('refuses to verify with an empty secret', () => {
    const signed = sandboxWebhook(approved, '');
    expect(() => sandboxAdapter.verifyWebhook(toRawWebhook(signed), ctx({ secret: '' }))).toThrow(WebhookSignatureError);
  });

  it('normalizes the webhook body', () => {
    const signed = sandboxWebhook({ ...approved, message: 'ok' }, creds.secret);
    expect(sandboxAdapter.parseWebhook(toRawWebhook(signed))).toEqual({
      gateway: 'sandbox',
      reference: approved.reference,
      transactionId: 'SBX-1',
      status: 'approved',
      amountInCents: 4500000,
      currency: 'COP',
      method: 'SANDBOX',
      message: 'ok',
    });
    expect(sandboxAdapter.readReference(toRawWebhook(signed))).toBe(approved.reference);
  });

  it.each([
    ['APPROVED', 'approved'],
    ['DECLINED', 'declined'],
    ['PENDING', 'pending'],
    ['ERROR', 'error'],
  ] as const)('maps status %s to %s', (sandboxStatus, status) => {
    expect(mapSandboxStatus(sandboxStatus)).toEqual({ status });
  });

  it('keeps an unknown status pending with a warning', () => {
    expect(mapSandboxStatus('PAID')).toMatchObject({ status: 'pending', warning: expect.any(String) });
  });
});
