import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `DATA_DIR/runtime.json`: where the running server can be reached, so the command-line tools
 * (`npm run chat`, `npm run user`, `npm run tenant`) follow it without repeating environment
 * variables. Written once the server listens, removed on a clean shutdown, and ignored when
 * the process it names is gone (a crash leaves the file behind).
 */
export const ZLocalAuthStateSchema = z.object({
  /** host:port of the Firebase Auth emulator the server started. */
  host: z.string(),
  state: z.enum(['starting', 'ready', 'unavailable']),
  /** Why sign-in is unavailable, in one line. */
  reason: z.string().optional(),
});
export type TLocalAuthState = z.infer<typeof ZLocalAuthStateSchema>;

export const ZRuntimeInfoSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(0).max(65535),
  publicBaseUrl: z.string(),
  projectId: z.string(),
  /** Database URL for firebase-admin (with the namespace). */
  databaseUrl: z.string(),
  /** host:port of the embedded database, when the server runs it. */
  databaseHost: z.string().nullable(),
  /** The Auth emulator of the embedded default, null when the server did not start one. */
  authEmulator: ZLocalAuthStateSchema.nullable(),
  startedAt: z.string(),
});
export type TRuntimeInfo = z.infer<typeof ZRuntimeInfoSchema>;

export const runtimeFilePath = (dataDir: string): string => join(dataDir, 'runtime.json');

/** Written to a temporary file and renamed, so a reader never sees half of it. */
export function writeRuntimeFile(dataDir: string, info: TRuntimeInfo): void {
  mkdirSync(dataDir, { recursive: true });
  const file = runtimeFilePath(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Removes the file only when it is this process's (a second server may have replaced it). */
export function removeRuntimeFile(dataDir: string, pid = process.pid): void {
  const file = runtimeFilePath(dataDir);
  if (readRuntimeFileRaw(file)?.pid === pid) rmSync(file, { force: true });
}

/** The running server, or null when there is no file, it is unreadable, or its process is gone. */
export function readRuntimeFile(dataDir: string): TRuntimeInfo | null {
  const info = readRuntimeFileRaw(runtimeFilePath(dataDir));
  return info && isProcessAlive(info.pid) ? info : null;
}

function readRuntimeFileRaw(file: string): TRuntimeInfo | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = ZRuntimeInfoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
