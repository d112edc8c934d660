import 'dotenv/config';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { ZDemoSecretsSchema, type TDemoSecrets } from '../demo/demo-setup';
import { readRuntimeFile, runtimeFilePath, type TRuntimeInfo } from '../dev/runtime-file';

/**
 * What the command-line tools need: the same configuration as the server, the running server
 * (from `DATA_DIR/runtime.json`, so its ports need not be repeated), and, on the embedded
 * default, the secrets the server generated under DATA_DIR.
 */
export interface CliEnv {
  config: Config;
  databaseUrl: string;
  demoSecrets?: TDemoSecrets;
  /** The server `npm start` is running with this DATA_DIR, if any. */
  running: TRuntimeInfo | null;
}

export function loadCliConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) die(error.message);
    throw error;
  }
}

export function loadCliEnv(options: { secrets?: boolean } = {}): CliEnv {
  const config = loadCliConfig();
  const running = readRuntimeFile(config.DATA_DIR);
  if (config.database.kind !== 'embedded') return { config, databaseUrl: config.database.url!, running };
  const databaseUrl = running?.databaseUrl ?? `http://127.0.0.1:${config.EMBEDDED_DATABASE_PORT}?ns=${config.FIREBASE_PROJECT_ID}`;
  if (options.secrets === false) return { config, databaseUrl, running };
  const file = join(config.DATA_DIR, 'demo-secrets.json');
  const demoSecrets = existsSync(file) ? ZDemoSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  if (!demoSecrets?.success) die(`no ${file} yet: start the server once with "npm start" (it creates the embedded database and its secrets).`);
  return { config, databaseUrl, demoSecrets: demoSecrets.data, running };
}

/** One line for "no server": where the tools looked. */
export function noRunningServer(config: Config): string {
  return `no running server found (${runtimeFilePath(config.DATA_DIR)} is missing or its process has ended): start it with "npm start" (same DATA_DIR).`;
}

export function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
