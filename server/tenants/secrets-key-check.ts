import type { Database } from 'firebase-admin/database';
import { withTimeout } from '../db/firebase';
import { SecretsKey, ZEncryptedSecretSchema } from './secrets-crypto';

/**
 * Whether `key` opens the credentials already stored (#17). A different SECRETS_KEY (for
 * example the one copied from .env.example over the embedded default's data) would otherwise
 * start fine and then fail on every reply with "Unsupported state or unable to authenticate
 * data". Reads one tenant's secrets, tries each, and says which ones it could not open; an
 * empty database passes. Never returns key material or secret values.
 */
export async function secretsKeyProblem(db: Database, key: SecretsKey): Promise<string | undefined> {
  const snap = await withTimeout(db.ref('secrets').orderByKey().limitToFirst(1).once('value'), 'read secrets for the key check');
  let problem: string | undefined;
  snap.forEach((tenant) => {
    tenant.forEach((entry) => {
      const secret = ZEncryptedSecretSchema.safeParse(entry.val());
      if (!secret.success) return false;
      try {
        key.decrypt(secret.data, { tenantId: tenant.key!, kind: entry.key! });
      } catch {
        problem = `it cannot decrypt the credentials already stored (restaurant "${tenant.key}", ${entry.key}): they were encrypted with another key`;
        return true;
      }
      return false;
    });
    return true;
  });
  return problem;
}
