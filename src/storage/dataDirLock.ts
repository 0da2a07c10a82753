/**
 * One emulator per data directory. Two emulators on one state.sqlite would each think they own
 * the hosts' folders, jobs and WID files: the second refuses to start instead, saying who holds
 * the folder. The lock is a file naming the holder's process; a holder that died (kill -9, a
 * crash) leaves a stale lock, which the next start takes over.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'emulator.lock';

/** In this process: the data directories held, so a second emulator in the same process is refused too. */
const heldHere = new Set<string>();

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dataDir} is in use by another emulator (process ${pid}${pid === process.pid ? ', this one' : ''}); ` +
        'stop that one, or give this one a directory of its own (--data-dir <dir>, or --data-dir :memory: for state that is not kept)',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

/** Takes the data directory (created if need be) or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = Number.parseInt(readOrEmpty(file), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw new DataDirLockedError(dir, holder);
      // A stale lock (its process is gone, or it is our own pid left by an earlier life of a reused pid): take it over.
      fs.rmSync(file, { force: true });
    }
  }
  heldHere.add(dir);
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      heldHere.delete(dir);
      if (readOrEmpty(file).trim() === String(process.pid)) fs.rmSync(file, { force: true });
    },
  };
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
