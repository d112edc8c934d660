import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/**
 * One data directory, one owner: a lock file holding the owner's PID (and, on Linux, its
 * start time, so a PID reused by another process after a reboot or in a new container is not
 * taken for the owner). A lock whose process is gone is taken over with a notice.
 */
export class DataDirectoryInUseError extends Error {}

export interface DataDirectoryLock {
  release(): void;
}

const heldHere = new Set<string>();

export function lockDataDirectory(lockFile: string, directory: string, onNotice?: (message: string) => void): DataDirectoryLock {
  if (heldHere.has(lockFile)) throw new DataDirectoryInUseError(`The data directory ${directory} is already open in this process.`);
  const mine = `${process.pid} ${startTimeOf(process.pid) ?? ''}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
    }
    const holder = readHolder(lockFile);
    if (holder && isRunning(holder)) {
      throw new DataDirectoryInUseError(`The data directory ${directory} is in use by process ${holder.pid} (lock ${lockFile}); stop that process or use another DATA_DIR.`);
    }
    onNotice?.(`The data directory ${directory} was locked by process ${holder?.pid ?? '(unknown)'}, which is no longer running; this process takes it over.`);
    try {
      unlinkSync(lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  heldHere.add(lockFile);
  const releaseOnExit = () => release();
  process.once('exit', releaseOnExit);
  let released = false;
  function release(): void {
    if (released) return;
    released = true;
    heldHere.delete(lockFile);
    process.off('exit', releaseOnExit);
    try {
      if (readFileSync(lockFile, 'utf8') === mine) unlinkSync(lockFile);
    } catch {
      // Already gone.
    }
  }
  return { release };
}

function readHolder(lockFile: string): { pid: number; startTime?: string } | null {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch {
    return null;
  }
  const [pid, startTime] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, startTime: startTime || undefined } : null;
}

function isRunning(holder: { pid: number; startTime?: string }): boolean {
  // Not held in this process (checked first), so a lock naming this PID is a stale one.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTimeOf(holder.pid);
  return !holder.startTime || !now || now === holder.startTime;
}

/** The process start time in clock ticks since boot (Linux), or undefined elsewhere. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
