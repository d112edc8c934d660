import type { ChildProcess } from 'node:child_process';

/** jest globalTeardown: stops the Auth emulator this run started (by its own handle). */
export default async function stopAuthEmulator(): Promise<void> {
  const child = (globalThis as { __authEmulator?: ChildProcess }).__authEmulator;
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000).unref();
    });
  }
  // The stdin pipe is a handle of this process; left open it keeps jest from exiting.
  child.stdin?.destroy();
}
