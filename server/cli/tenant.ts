import { readFileSync } from 'node:fs';
import { connectDatabase, withTimeout } from '../db/firebase';
import { importTenant, TenantImportError } from '../tenants/import-tenant';
import { SecretsKey } from '../tenants/secrets-crypto';
import { describeTenantFileErrors, parseTenantFile } from '../tenants/tenant-file';
import { die, loadCliEnv } from './cli-env';
import { exportCommand, listCommand } from './tenant-read';

const USAGE = `Usage: npm run tenant -- import <file.json>
       npm run tenant -- list
       npm run tenant -- export <id> > restaurant.json
  import validates the tenant file and writes it (importing again updates it); list shows every
  restaurant; export prints one as a tenant file with its credentials masked. Example file:
  docs/tenant-example.json.
  Uses the same environment as the server (.env); with none, the embedded database of a running "npm start".`;

async function main(argv: string[]): Promise<void> {
  const [command, file] = argv;
  if (command === 'list') return listCommand();
  if (command === 'export') return exportCommand(file);
  if (command !== 'import' || !file) die(USAGE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    die(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(error as Error).message})`}`);
  }
  const parsed = parseTenantFile(json);
  if (!parsed.success) die(`${file} is not a valid tenant file:\n${describeTenantFileErrors(parsed.error).map((l) => `  - ${l}`).join('\n')}`);

  const env = loadCliEnv();
  const key = env.config.SECRETS_KEY ?? env.demoSecrets?.SECRETS_KEY;
  if (!key) die('SECRETS_KEY is not set');
  const connection = connectDatabase({ url: env.databaseUrl, projectId: env.config.FIREBASE_PROJECT_ID, name: 'tenant-cli' });
  try {
    await withTimeout(connection.db.ref('phoneNumbers').limitToFirst(1).once('value'), 'connect', 5000);
    const { created } = await importTenant(connection.db, parsed.data, new SecretsKey(key));
    process.stdout.write(
      `${created ? 'Created' : 'Updated'} tenant "${parsed.data.id}" (${parsed.data.restaurant.name}): ${parsed.data.menu.length} menu items, ` +
        `WhatsApp number id ${parsed.data.whatsapp.phoneNumberId}, payments ${parsed.data.payments.enabled ? 'on' : 'off'}.\n`,
    );
  } catch (error) {
    if (error instanceof TenantImportError) die(error.message);
    die(`could not write to the database at ${env.databaseUrl.replace(/\?.*$/, '')}: ${(error as Error).message}. Is the server (npm start) or the database (npm run db) running?`);
  } finally {
    await connection.close();
  }
}

void main(process.argv.slice(2)).then(() => process.exit(0));
