import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../errors';

const HEADER_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` on the bytes
 * exactly as received (reference/whatsapp-cloud-api.md §3). The secret is required: there is
 * no way to skip the check by leaving it out.
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string): void {
  if (!Buffer.isBuffer(rawBody)) {
    throw new WebhookSignatureError('body is not raw bytes', 'a JSON parser ran before the webhook route; mount express.raw() first');
  }
  if (!appSecret) throw new WebhookSignatureError('no app secret configured', 'WHATSAPP_APP_SECRET is empty');
  const match = HEADER_PATTERN.exec((header ?? '').trim());
  if (!match) throw new WebhookSignatureError('missing or malformed X-Hub-Signature-256 header');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const received = Buffer.from(match[1]!.toLowerCase(), 'hex');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw new WebhookSignatureError(
      'X-Hub-Signature-256 does not match',
      appSecret.trim() !== appSecret ? 'the app secret has surrounding whitespace' : 'wrong app secret, or the body was re-serialized',
    );
  }
}

/** Signs a body the way Meta does; used by the simulator and the chat tool. */
export function signMetaBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
