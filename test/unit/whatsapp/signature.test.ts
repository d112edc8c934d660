import { WebhookSignatureError } from '../../../server/errors';
import { signMetaBody, verifyMetaSignature } from '../../../server/whatsapp/signature';

// Vectors from reference/whatsapp-cloud-api.md §3.3.
const SECRET = 'demo_app_secret_not_real';
const ESCAPED_BODY =
  '{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.TEST1","type":"text","text":{"body":"Pi\\u00f1a 1\\/2"}}]}}]}]}';
const ESCAPED_SIGNATURE = 'sha256=e938cc15fd39d75db4001080602d55ff8675b178ce4f1e10341a9dfce427e150';
const TINY_BODY = '{"object":"whatsapp_business_account","entry":[]}';
const TINY_SIGNATURE = 'sha256=c72fd334c91224bf64c1a45fe73878b575dd0ddabe39be2d74d376fd8dacc523';

describe('verifyMetaSignature', () => {
  it('accepts the reference body with escaped unicode, hashed as received (197 bytes)', () => {
    expect(Buffer.byteLength(ESCAPED_BODY)).toBe(197);
    expect(() => verifyMetaSignature(Buffer.from(ESCAPED_BODY), ESCAPED_SIGNATURE, SECRET)).not.toThrow();
    expect(signMetaBody(ESCAPED_BODY, SECRET)).toBe(ESCAPED_SIGNATURE);
  });

  it('accepts the tiny ASCII vector and upper-case hex', () => {
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY), TINY_SIGNATURE, SECRET)).not.toThrow();
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY), `sha256=${TINY_SIGNATURE.slice(7).toUpperCase()}`, SECRET)).not.toThrow();
  });

  it('rejects the same webhook re-serialized with JSON.stringify (the classic accented-text bug)', () => {
    const reserialized = JSON.stringify(JSON.parse(ESCAPED_BODY));
    expect(signMetaBody(reserialized, SECRET)).toBe('sha256=c8d3927ecada5758d6b59501bd3681082e4fd000a32ff2d2bb8890f9609e549e');
    expect(() => verifyMetaSignature(Buffer.from(reserialized), ESCAPED_SIGNATURE, SECRET)).toThrow(WebhookSignatureError);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a header without the sha256= prefix', TINY_SIGNATURE.slice(7)],
    ['a truncated digest', TINY_SIGNATURE.slice(0, -2)],
    ['a sha1 header', 'sha1=0123456789abcdef0123456789abcdef01234567'],
  ])('rejects %s', (_name, header) => {
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY), header, SECRET)).toThrow(WebhookSignatureError);
  });

  it('rejects a tampered body and a wrong secret', () => {
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY.replace('[]', '[{}]')), TINY_SIGNATURE, SECRET)).toThrow(WebhookSignatureError);
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY), TINY_SIGNATURE, 'another_secret')).toThrow(WebhookSignatureError);
  });

  it('cannot be skipped by leaving the secret out, and refuses a parsed object', () => {
    expect(() => verifyMetaSignature(Buffer.from(TINY_BODY), TINY_SIGNATURE, '')).toThrow(WebhookSignatureError);
    expect(() => verifyMetaSignature(JSON.parse(TINY_BODY) as Buffer, TINY_SIGNATURE, SECRET)).toThrow(/raw bytes/);
  });
});
