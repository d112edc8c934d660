import { randomBytes } from 'node:crypto';
import { SecretsKey } from '../../../server/tenants/secrets-crypto';

describe('SecretsKey', () => {
  const key = new SecretsKey(randomBytes(32).toString('base64'));

  it('round-trips a credential and never stores it in clear', () => {
    const enc = key.encrypt({ privateKey: 'prv_test_abc' }, { tenantId: 'rest1', kind: 'wompi' });
    expect(JSON.stringify(enc)).not.toContain('prv_test_abc');
    expect(key.decrypt(enc, { tenantId: 'rest1', kind: 'wompi' })).toEqual({ privateKey: 'prv_test_abc' });
  });

  it('does not decrypt a ciphertext copied to another tenant or gateway', () => {
    const enc = key.encrypt({ secret: 's' }, { tenantId: 'rest1', kind: 'bold' });
    expect(() => key.decrypt(enc, { tenantId: 'rest2', kind: 'bold' })).toThrow();
    expect(() => key.decrypt(enc, { tenantId: 'rest1', kind: 'payu' })).toThrow();
  });

  it('refuses a key that is not 32 bytes, and prints as redacted', () => {
    expect(() => new SecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
  });
});
