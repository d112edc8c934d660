import 'dotenv/config';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { ZDemoSecretsSchema, type TDemoSecrets } from '../demo/demo-setup';

/**
 * What the command-line tools need: the same configuration as the server, and, on the
 * embedded default, the secrets the server generated under DATA_DIR.
 */
export interface CliEnv {
  config: Config;
  databaseUrl: string;
  demoSecrets?: TDemoSecrets;
}

export function loadCliEnv(): CliEnv {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) die(error.message);
    throw error;
  }
  if (config.database.kind !== 'embedded') return { config, databaseUrl: config.database.url! };
  const file = join(config.DATA_DIR, 'demo-secrets.json');
  const demoSecrets = existsSync(file) ? ZDemoSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  if (!demoSecrets?.success) die(`no ${file} yet: start the server once with "npm start" (it creates the embedded database and its secrets).`);
  return {
    config,
    databaseUrl: `http://127.0.0.1:${config.EMBEDDED_DATABASE_PORT}?ns=${config.FIREBASE_PROJECT_ID}`,
    demoSecrets: demoSecrets.data,
  };
}

export function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
