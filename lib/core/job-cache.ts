/**
 * A cache of deterministic job results shared by the processes (and threads) of one run: a folder
 * in which each job, named by a key (the sha256 of everything that decides its result), is
 * computed once. A worker about to compute a job claims it by creating `<key>.fit.lock`
 * exclusively (holding its pid, lib/core/files.ts); the result goes to `<key>.fit` atomically,
 * serialized by `node:v8` (typed arrays keep every bit). A job someone else has claimed is skipped
 * and awaited later (`awaitJob`); a claim whose process is gone, or that was released without a
 * result, is taken over. Results are only correct to share if the job is a pure function of its
 * key: the caller's key must cover every input and the version of the code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryLockOutput, writeFileAtomic } from './files.js';

/**
 * Hex sha256 over `parts`, each prefixed by its kind and byte length (so no two lists of parts
 * hash the same bytes); typed arrays by their bytes, so a Float64Array by its exact bits.
 */
export function jobKey(parts: ReadonlyArray<string | ArrayBufferView>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const bytes =
      typeof p === 'string'
        ? Buffer.from(p, 'utf8')
        : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    h.update(`${typeof p === 'string' ? 's' : 'b'}${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** The result file of job `key` in the cache folder `dir`. */
export function jobPath(dir: string, key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError(`key: expected a hex sha256, got ${key}`);
  return join(dir, `${key}.fit`);
}

/** The finished result of job `key`, or undefined if there is none yet. */
export function readJob<T>(dir: string, key: string): T | undefined {
  const path = jobPath(dir, key);
  if (!existsSync(path)) return undefined;
  return deserialize(readFileSync(path)) as T;
}

/**
 * Compute job `key` unless it is finished or claimed: a finished result is read; otherwise the job
 * is claimed, `compute`d and written. Returns `{ value }`, or null when another live claim holds it.
 */
export function claimJob<T>(dir: string, key: string, compute: () => T): { value: T } | null {
  const done = readJob<T>(dir, key);
  if (done !== undefined) return { value: done };
  const lock = tryLockOutput(jobPath(dir, key));
  if (!lock) return null;
  try {
    // The previous claimer may have written its result and released between the read and the claim.
    const late = readJob<T>(dir, key);
    if (late !== undefined) return { value: late };
    const value = compute();
    writeFileAtomic(jobPath(dir, key), serialize(value));
    return { value };
  } finally {
    lock.release();
  }
}

/**
 * Wait for job `key` that another claim holds: poll for its result every `pollMs`; once the claim
 * is gone without a result (its process died, or its computation failed), compute it here.
 */
export async function awaitJob<T>(
  dir: string,
  key: string,
  compute: () => T,
  pollMs = 100,
): Promise<T> {
  for (;;) {
    const got = claimJob(dir, key, compute);
    if (got) return got.value;
    await sleep(pollMs);
  }
}
