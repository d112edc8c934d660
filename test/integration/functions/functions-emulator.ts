import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../helpers/harness';

/**
 * The Firebase Functions emulator (firebase-tools, Node only, runs offline) serving
 * functions/functions.ts. It loads the TypeScript source through tsx instead of the
 * compiled `dist/` the deploy uses, so the test needs no build: a throwaway codebase in the
 * OS temp folder whose entry registers tsx and re-exports our module. Its dotenv and
 * `.secret.local` hold the configuration exactly as a deploy's would
 * (functions/env/.env.<project> and Secret Manager).
 */
const REPO = resolve(__dirname, '../../..');
const READY_TIMEOUT_MS = 90_000;

export interface FunctionsEmulatorOptions {
  projectId: string;
  /** Params and plain settings, as in functions/env/.env.<project>. */
  dotenv: (functionsUrl: string) => Record<string, string>;
  /** Secrets, as in Secret Manager (the emulator reads `.secret.local`). */
  secrets: Record<string, string>;
  /** Variables the Functions CLI itself must see (FIREBASE_DATABASE_EMULATOR_HOST). */
  env: Record<string, string>;
}

export interface FunctionsEmulator {
  /** Base URL of the `api` function: `http://127.0.0.1:<port>/<project>/us-central1/api`. */
  apiUrl: string;
  output(): string;
  close(): Promise<void>;
}

const dotenvText = (values: Record<string, string>) =>
  `${Object.entries(values)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n')}\n`;

export async function startFunctionsEmulator(options: FunctionsEmulatorOptions): Promise<FunctionsEmulator> {
  const [functionsPort, hubPort, loggingPort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${functionsPort}/${options.projectId}/us-central1/api`;
  const dir = mkdtempSync(join(tmpdir(), 'pedidos-functions-'));
  // The CLI looks for firebase-functions from the codebase folder; the entry requires tsx from it.
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // Our dependencies, so the CLI's dependency check finds firebase-admin and firebase-functions.
  const { dependencies } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'functions-under-test', private: true, main: 'index.js', dependencies }));
  writeFileSync(join(dir, 'index.js'), `require('tsx/cjs');\nmodule.exports = require(${JSON.stringify(join(REPO, 'functions/functions.ts'))});\n`);
  mkdirSync(join(dir, 'env'));
  writeFileSync(join(dir, 'env', `.env.${options.projectId}`), dotenvText(options.dotenv(apiUrl)));
  writeFileSync(join(dir, '.secret.local'), dotenvText(options.secrets));
  writeFileSync(
    join(dir, 'firebase.json'),
    JSON.stringify({
      functions: [{ source: '.', codebase: 'default', runtime: 'nodejs20', configDir: 'env' }],
      emulators: {
        functions: { host: '127.0.0.1', port: functionsPort },
        hub: { host: '127.0.0.1', port: hubPort },
        logging: { host: '127.0.0.1', port: loggingPort },
        ui: { enabled: false },
      },
    }),
  );

  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The Auth emulator of this jest run is not part of this suite.
  delete env.FIREBASE_AUTH_EMULATOR_HOST;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, 'node_modules/firebase-tools/lib/bin/firebase.js'), 'emulators:start', '--only', 'functions', '--project', options.projectId, '--config', join(dir, 'firebase.json')],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT is the CLI's own shutdown: it stops its function workers before exiting.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the function answers: the CLI has loaded the code and a worker serves it.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`the Functions emulator exited:\n${output}`);
    }
    const res = await fetch(`${apiUrl}/healthz`).catch(() => null);
    if (res?.ok) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`the Functions emulator did not serve ${apiUrl}/healthz within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { apiUrl, output: () => output, close };
}
