import type { ChildProcess } from 'node:child_process';
import { spawnAuthEmulator } from './auth-emulator';

/**
 * jest globalSetup of the integration project: starts the Firebase Auth emulator once, in a
 * child process, without waiting for it (it warms up while other test files run). Workers
 * inherit FIREBASE_AUTH_EMULATOR_HOST; tests that need it wait in authEmulatorHost().
 * An emulator already named in the environment (firebase emulators:exec) is used as is.
 */
export default async function startAuthEmulatorOnce(): Promise<void> {
  if (process.env.FIREBASE_AUTH_EMULATOR_HOST) return;
  const { host, child } = await spawnAuthEmulator();
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  (globalThis as { __authEmulator?: ChildProcess }).__authEmulator = child;
}
