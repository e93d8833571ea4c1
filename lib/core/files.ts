/**
 * Files this project writes: atomic writes (a temporary file beside the target, then a rename, so a
 * reader never sees half a file), the clean-up of temporary files a killed process left, and a
 * lock beside an output so that two runs do not both write it.
 *
 * A temporary file is named `<target>.<pid>.<time>.tmp`; one whose process is gone is stale.
 * `withSharedLock` guards a short read-modify-write of a file that processes on several hosts update
 * (a zoo's manifest on a cluster's shared filesystem), where a pid alone says nothing.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Write `data` to `path` atomically: a temporary file in the same folder, then rename. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may not exist */
    }
    throw e;
  }
}

/**
 * The real path of `path` (symbolic links resolved), also for a path that does not exist yet: the
 * real path of its nearest existing ancestor joined with the rest. Two names of one file compare equal.
 *
 * @example
 * realPath('/tmp/../tmp/not-there-yet.bin'); // → '/tmp/not-there-yet.bin'
 */
export function realPath(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realPath(parent), basename(abs));
}

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary files of `path` left by processes that are gone; returns their paths. */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path),
    prefix = `${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, name));
        removed.push(join(dir, name));
      } catch {
        /* already gone */
      }
    }
  }
  return removed;
}

/** A held lock; `release()` removes it (once). */
export interface Lock {
  readonly path: string;
  release(): void;
}

/** An empty lock (its creator has not written its pid yet) counts as held for this long, then as stale. */
const EMPTY_LOCK_GRACE_MS = 10_000;

/**
 * Create the lock file `lock` (for `path`) exclusively, holding `holder` on one line: true when
 * this call made it, false when it exists already; any other failure is an error naming both.
 */
function createLock(lock: string, path: string, holder: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new Error(`${lock}: cannot create the lock for ${path} (${code ?? String(e)})`);
  }
  try {
    writeSync(fd, `${holder}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Try to take the lock `<path>.lock` for writing `path`: created exclusively, holding this pid.
 * Returns null while another live process (or, by pid, another thread of this one) holds it; a lock
 * whose process is gone is taken over.
 */
export function tryLockOutput(path: string): Lock | null {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!createLock(lock, path, `${process.pid}`)) {
      if (lockHolder(lock) !== null) return null;
      try {
        unlinkSync(lock);
      } catch {
        /* another run took it over first */
      }
      continue;
    }
    let held = true;
    return {
      path: lock,
      release() {
        if (!held) return;
        held = false;
        try {
          unlinkSync(lock);
        } catch {
          /* already removed */
        }
      },
    };
  }
  throw new Error(`${lock}: could not take the lock for ${path}`);
}

/**
 * The live pid holding the lock file `lock`, or null if it is stale (its process is gone) or gone
 * itself. A lock still empty (created, pid not yet written) is held (pid 0) for a grace period.
 */
export function lockHolder(lock: string): number | null {
  let text: string, mtime: number;
  try {
    text = readFileSync(lock, 'utf8').trim();
    mtime = statSync(lock).mtimeMs;
  } catch {
    return null;
  }
  if (text === '') return Date.now() - mtime < EMPTY_LOCK_GRACE_MS ? 0 : null;
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
}

/**
 * Take the lock `<path>.lock` for writing `path`: created exclusively, holding this pid. A lock held
 * by a live process throws, naming it; a lock whose process is gone is taken over.
 */
export function lockOutput(path: string): Lock {
  const lock = tryLockOutput(path);
  if (lock) return lock;
  throw new Error(
    `${path} is being written by another run (pid ${lockHolder(`${path}.lock`) ?? '?'}, lock ${path}.lock); wait for it, or remove the lock if that process is not a sat-rnn run`,
  );
}

export interface SharedLockOptions {
  /** Give up (throw, naming the lock and its holder) after waiting this long for it; default 60 s. */
  readonly waitMs?: number;
  /** Another host's lock (or an empty one) older than this is stale; default 60 s. */
  readonly staleMs?: number;
}

/** Block this thread for `ms` (Atomics.wait on a private buffer: allowed on Node's main thread too). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Run `fn` holding the lock `<path>.lock`, for a short read-modify-write of `path` that processes
 * on several hosts may do at once (each task of a Slurm job array records its run in one zoo.json).
 * The lock is created exclusively and holds `<host> <pid>`; a held lock is waited for, polling.
 * Whether its holder is alive can be probed only on its own host: a lock of this host whose process
 * is gone is stale at once; another host's lock, or an empty one, is stale after `staleMs` (the
 * update it guards takes milliseconds). A stale lock is taken over; two processes that find the
 * same stale lock at the same instant can both take it, so a lock is only ever left stale by a
 * crash within an update.
 */
export function withSharedLock<T>(path: string, fn: () => T, opts: SharedLockOptions = {}): T {
  const lock = `${path}.lock`;
  const waitMs = opts.waitMs ?? 60_000,
    staleMs = opts.staleMs ?? 60_000;
  const me = `${hostname()} ${process.pid}`;
  const t0 = Date.now();
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    if (createLock(lock, path, me)) {
      try {
        return fn();
      } finally {
        try {
          unlinkSync(lock);
        } catch {
          /* taken over as stale: nothing of ours left to remove */
        }
      }
    }
    const now = sharedLockState(lock, staleMs);
    if (now.state === 'gone') continue;
    if (now.state === 'stale') {
      // Remove the stale file only if it is still the one judged stale: removing a lock another
      // process has just created would let two processes update at once.
      try {
        if (statSync(lock).ino === now.ino) unlinkSync(lock);
      } catch {
        /* another process removed it first */
      }
      continue;
    }
    if (Date.now() - t0 > waitMs)
      throw new Error(
        `${path}: waited ${waitMs / 1000} s for the lock ${lock} held by ${now.holder}; remove it if that process is gone`,
      );
    sleepSync(pause);
  }
}

/**
 * What holds the shared lock `lock` now: `gone` when there is no lock file (its holder just removed
 * it: try again), `held` with its holder's name, or `stale` with the inode of the stale file, so
 * that only that very file is removed (a fresh lock another process made meanwhile has another).
 */
function sharedLockState(
  lock: string,
  staleMs: number,
): { state: 'gone' } | { state: 'held'; holder: string } | { state: 'stale'; ino: number } {
  let text: string, age: number, ino: number;
  try {
    text = readFileSync(lock, 'utf8').trim();
    const st = statSync(lock);
    age = Date.now() - st.mtimeMs;
    ino = st.ino;
  } catch {
    return { state: 'gone' };
  }
  const m = /^(\S+) (\d+)$/.exec(text);
  const alive = m && m[1] === hostname() ? processAlive(Number(m[2])) : age < staleMs;
  return alive
    ? { state: 'held', holder: text || '(a process still writing its name)' }
    : { state: 'stale', ino };
}
