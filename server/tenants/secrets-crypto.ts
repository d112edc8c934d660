import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Credentials at rest: AES-256-GCM with a 32-byte key from SECRETS_KEY, a fresh 12-byte IV
 * per value, and the tenant id and secret kind bound as associated data, so a ciphertext
 * copied to another tenant or another gateway does not decrypt.
 */
export const ZEncryptedSecretSchema = z.object({
  v: z.literal(1),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});
export type TEncryptedSecret = z.infer<typeof ZEncryptedSecretSchema>;

export class SecretsKey {
  private readonly key: Buffer;
  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes encoded in base64');
  }

  encrypt(value: unknown, context: { tenantId: string; kind: string }): TEncryptedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${context.tenantId}/${context.kind}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  decrypt(secret: TEncryptedSecret, context: { tenantId: string; kind: string }): unknown {
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(secret.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${context.tenantId}/${context.kind}`));
    decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(secret.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  }

  /** Never print the key. */
  toJSON(): string {
    return '[redacted]';
  }
}
