import { connectDatabase, withTimeout } from '../db/firebase';
import { TENANT_ID_PATTERN } from '../db/paths';
import { exportTenant, listTenants, TenantExportError } from './export-tenant';
import { SecretsKey } from '../tenants/secrets-crypto';
import { die, loadCliEnv } from './cli-env';

/** `npm run tenant -- list` and `export <id>`: read the restaurants back, secrets masked. */

async function withDatabase<T>(work: (db: ReturnType<typeof connectDatabase>['db'], env: ReturnType<typeof loadCliEnv>) => Promise<T>): Promise<T> {
  const env = loadCliEnv();
  const connection = connectDatabase({ url: env.databaseUrl, projectId: env.running?.projectId ?? env.config.FIREBASE_PROJECT_ID, name: 'tenant-read-cli' });
  try {
    await withTimeout(connection.db.ref('phoneNumbers').limitToFirst(1).once('value'), 'connect', 5000);
  } catch (error) {
    die(`could not read the database at ${env.databaseUrl.replace(/\?.*$/, '')}: ${(error as Error).message}. Is the server (npm start) or the database (npm run db) running?`);
  }
  try {
    return await work(connection.db, env);
  } finally {
    await connection.close();
  }
}

export async function listCommand(): Promise<void> {
  const tenants = await withDatabase((db) => listTenants(db));
  if (tenants.length === 0) {
    process.stdout.write('No restaurants yet. Add one with: npm run tenant -- import <file.json> (example: docs/tenant-example.json)\n');
    return;
  }
  const rows = [
    ['ID', 'NAME', 'PHONE NUMBER ID', 'NUMBER', 'PAYMENTS'],
    ...tenants.map((t) => [
      t.id,
      t.name,
      t.phoneNumberId,
      t.displayPhoneNumber ? `+${t.displayPhoneNumber}` : '—',
      t.paymentsEnabled ? `on (${[...t.gateways, ...(t.efectivo ? ['efectivo'] : [])].join(', ') || 'no method on'})` : `off${t.efectivo ? ' (efectivo on)' : ''}`,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`${rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n')}\n`);
}

export async function exportCommand(tenantId: string | undefined): Promise<void> {
  if (!tenantId || !TENANT_ID_PATTERN.test(tenantId)) die('Usage: npm run tenant -- export <id>   (npm run tenant -- list shows the ids)');
  const file = await withDatabase(async (db, env) => {
    const key = env.config.SECRETS_KEY ?? env.demoSecrets?.SECRETS_KEY;
    if (!key) die('SECRETS_KEY is not set');
    try {
      return await exportTenant(db, tenantId, new SecretsKey(key));
    } catch (error) {
      if (error instanceof TenantExportError) die(error.message);
      throw error;
    }
  });
  if (!file) die(`tenant "${tenantId}" does not exist; "npm run tenant -- list" shows the restaurants.`);
  process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  process.stderr.write('Credentials are masked (••••1234): put the real values back before importing this file.\n');
}
