/**
 * The run's shared fit cache (lib/core/job-cache.ts, `fitConstructions` with SAT_FIT_CACHE): a fit
 * read back is the fresh fit to the bit, shared jobs are fitted once across calls and processes,
 * claims held elsewhere are awaited, and a claim whose process is gone is taken over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { HASHES } from '../lib/construction/hash.js';
import { loadBytes } from '../lib/core/data.js';
import {
  carrierJob,
  constructionTask,
  fitConstructions,
  fitKey,
  FIT_CACHE_ENV,
  type ConstructionFit,
  type ConstructionJob,
} from '../lib/construction/fits.js';
import { SCHEDULES } from '../lib/construction/readout.js';
import { claimJob, jobKey, jobPath, readJob } from '../lib/core/job-cache.js';
import { lockHolder, tryLockOutput } from '../lib/core/files.js';
import { ROOT, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT).subarray(0, 200);
const carrier = carrierJob({ hash: HASHES.mixed, groups: 4, bits: 8 });
const job = (
  method: ConstructionJob['method'],
  protocol: ConstructionJob['protocol'] = 'original',
  init?: ConstructionJob['init'],
): ConstructionJob => ({ carrier, bytes, protocol, method, init });
const piInit = constructionTask(job('pi')).readout;
const JOBS: ConstructionJob[] = [
  job('analytic'),
  job('pi'),
  job('sgdZero', 'heldout'),
  job('gd20', 'original', piInit),
  job('newton', 'original', piInit),
];

/** A fit's every number as the hex of its float64 bits (typed arrays element by element), `seconds` left out. */
function bits(fit: ConstructionFit): unknown {
  const hex = (x: number) => Buffer.from(Float64Array.of(x).buffer).toString('hex');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return hex(v);
    if (v instanceof Float64Array) return Array.from(v, hex);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== 'seconds')
          .map(([k, x]) => [k, walk(x)]),
      );
    return v;
  };
  return walk(fit);
}

/** A pid that is surely gone: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

const folders: string[] = [];
function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sat-fit-cache-'));
  folders.push(d);
  return d;
}
afterEach(() => {
  delete process.env[FIT_CACHE_ENV];
  for (const d of folders.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('job keys and claims', () => {
  it('a key covers every part by kind, length and exact bits', () => {
    expect(jobKey(['ab', 'c'])).not.toBe(jobKey(['a', 'bc']));
    expect(jobKey(['1'])).not.toBe(jobKey([Uint8Array.of(0x31)]));
    expect(jobKey([Float64Array.of(0)])).not.toBe(jobKey([Float64Array.of(-0)]));
    expect(jobKey([Float64Array.of(1, 2).subarray(1)])).toBe(jobKey([Float64Array.of(2)]));
    expect(fitKey(JOBS[3])).toBe(
      fitKey({ ...JOBS[3], init: { Wy: piInit.Wy.slice(), by: piInit.by.slice() } }),
    );
    const nudged = piInit.Wy.slice();
    nudged[7] = nudged[7] + Math.abs(nudged[7]) * Number.EPSILON;
    expect(nudged[7]).not.toBe(piInit.Wy[7]);
    expect(fitKey(job('gd20', 'original', { Wy: nudged, by: piInit.by }))).not.toBe(
      fitKey(JOBS[3]),
    );
    expect(new Set(JOBS.map(fitKey)).size).toBe(JOBS.length);
    expect(() => jobPath('/tmp', '../x')).toThrow(/key: expected a hex sha256/);
  });

  it('a descent job may bring its own schedule: another key, and the start of the full descent', () => {
    const full = constructionTask(JOBS[2]);
    const short = { ...JOBS[2], schedule: { ...SCHEDULES.fromZero, epochs: 300 } };
    expect(fitKey(short)).not.toBe(fitKey(JOBS[2]));
    expect(fitKey(short)).toBe(fitKey({ ...short, schedule: { ...short.schedule } }));
    // fromZero first decays after epoch 300, so 300 epochs are the first 300 of its 1000. The last
    // point of the short curve is the same readout scored by readoutBpc (float64), where the full
    // curve has the float32 descent's own loss: equal to that loss's rounding, 3.8e-6 relative
    // (test/readout32.test.ts).
    const curve = constructionTask(short).curve!;
    expect(curve.length).toBe(301);
    expect(Array.from(curve.subarray(0, 300))).toEqual(Array.from(full.curve!.subarray(0, 300)));
    expect(Math.abs(curve[300] - full.curve![300])).toBeLessThan(1e-5 * full.curve![300]);
    expect(curve[300]).not.toBe(full.curve![300]); // two scorings, not one number twice
    expect(() => constructionTask({ ...job('pi'), schedule: SCHEDULES.fromZero })).toThrow(
      /only the descent methods/,
    );
  });

  it("a lock of a live process (or an empty one just created) is held; a dead pid's is taken over", () => {
    const dir = cacheDir(),
      path = join(dir, 'x.fit');
    writeFileSync(`${path}.lock`, `${process.pid}\n`);
    expect(tryLockOutput(path)).toBeNull();
    writeFileSync(`${path}.lock`, '');
    expect(lockHolder(`${path}.lock`)).toBe(0);
    expect(tryLockOutput(path)).toBeNull();
    writeFileSync(`${path}.lock`, `${deadPid()}\n`);
    const lock = tryLockOutput(path)!;
    expect(lockHolder(lock.path)).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('claimJob computes once, writes the result and releases; a claim held elsewhere returns null', () => {
    const dir = cacheDir(),
      key = jobKey(['claim']);
    let calls = 0;
    expect(
      claimJob(dir, key, () => {
        calls++;
        return { v: Float64Array.of(0.1, -0) };
      })!.value.v,
    ).toEqual(Float64Array.of(0.1, -0));
    expect(
      claimJob(dir, key, () => {
        calls++;
        return { v: Float64Array.of(1) };
      })!.value.v,
    ).toEqual(Float64Array.of(0.1, -0));
    expect(calls).toBe(1);
    expect(readdirSync(dir)).toEqual([`${key}.fit`]);
    const other = jobKey(['held']);
    writeFileSync(`${jobPath(dir, other)}.lock`, `${process.pid}\n`);
    expect(
      claimJob(dir, other, () => {
        calls++;
        return 1;
      }),
    ).toBeNull();
    expect(calls).toBe(1);
  });
});

describe('fitConstructions with a shared fit folder', () => {
  it('a fit read back equals a fresh fit to the bit, and a second call computes nothing', async () => {
    const fresh = JOBS.map(constructionTask);
    process.env[FIT_CACHE_ENV] = cacheDir();
    const first = await fitConstructions(JOBS, { workers: 2 });
    expect(first.map(bits)).toEqual(fresh.map(bits));
    expect(readdirSync(process.env[FIT_CACHE_ENV]!).sort()).toEqual(
      JOBS.map((j) => `${fitKey(j)}.fit`).sort(),
    );
    const again = await fitConstructions(JOBS);
    expect(again.map(bits)).toEqual(fresh.map(bits));
    expect(again.map((f) => f.seconds)).toEqual(first.map((f) => f.seconds)); // read, not refitted
    for (const [k, j] of JOBS.entries())
      expect(bits(readJob<ConstructionFit>(process.env[FIT_CACHE_ENV]!, fitKey(j))!)).toEqual(
        bits(fresh[k]),
      );
  }, 120_000);

  it('two parallel calls sharing the folder fit each shared job once', async () => {
    process.env[FIT_CACHE_ENV] = cacheDir();
    const a = JOBS.slice(0, 4),
      b = JOBS.slice(1);
    const [fa, fb] = await Promise.all([
      fitConstructions(a, { workers: 1 }),
      fitConstructions(b, { workers: 1 }),
    ]);
    // A job fitted twice would show two different timings; a shared one, the fitting call's.
    for (let k = 1; k < 4; k++) expect(fb[k - 1].seconds).toBe(fa[k].seconds);
    expect(fa.map(bits)).toEqual(a.map((j) => bits(constructionTask(j))));
    expect(fb.map(bits)).toEqual(b.map((j) => bits(constructionTask(j))));
  }, 120_000);

  it('two processes sharing the folder fit each shared job once, with the same bits', async () => {
    const dir = cacheDir();
    const fits = pathToFileURL(join(ROOT, 'lib/construction/fits.ts')).href,
      data = pathToFileURL(join(ROOT, 'lib/core/data.ts')).href,
      hash = pathToFileURL(join(ROOT, 'lib/construction/hash.ts')).href;
    const script = `
      const { carrierJob, constructionTask, fitConstructions } = await import(${JSON.stringify(fits)});
      const { loadBytes } = await import(${JSON.stringify(data)});
      const { HASHES } = await import(${JSON.stringify(hash)});
      const bytes = loadBytes(${JSON.stringify(TRAIN_TEXT)}).subarray(0, 200);
      const carrier = carrierJob({ hash: HASHES.mixed, groups: 4, bits: 8 });
      const job = (method, protocol = 'original', init) => ({ carrier, bytes, protocol, method, init });
      const piInit = constructionTask(job('pi')).readout;
      const jobs = [job('analytic'), job('pi'), job('sgdZero', 'heldout'), job('gd20', 'original', piInit), job('newton', 'original', piInit)];
      const out = await fitConstructions(jobs, { workers: 1 });
      process.stdout.write(JSON.stringify(out.map((f) => [f.seconds, Buffer.from(f.readout.Wy.buffer, f.readout.Wy.byteOffset, f.readout.Wy.byteLength).toString('base64'), f.scores])));
    `;
    const file = join(cacheDir(), 'child.mjs');
    writeFileSync(file, script);
    const child = () =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', file], {
          cwd: ROOT,
          env: { ...process.env, [FIT_CACHE_ENV]: dir },
        });
        let out = '',
          err = '';
        p.stdout.on('data', (d) => {
          out += d;
        });
        p.stderr.on('data', (d) => {
          err += d;
        });
        p.on('close', (code) =>
          code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)),
        );
      });
    const [x, y] = (await Promise.all([child(), child()])).map(
      (s) => JSON.parse(s) as [number, string, unknown][],
    );
    expect(y).toEqual(x); // same seconds: every job fitted by one process and read by the other
    const fresh = JOBS.map(constructionTask);
    expect(x.map(([, wy, scores]) => [wy, scores])).toEqual(
      fresh.map((f) => [Buffer.from(f.readout.Wy.buffer).toString('base64'), f.scores]),
    );
    expect(readdirSync(dir).length).toBe(JOBS.length);
  }, 180_000);

  it('awaits a job claimed by a live process, and takes over one whose claimer died without a result', async () => {
    const dir = cacheDir();
    process.env[FIT_CACHE_ENV] = dir;
    const [awaited, orphan] = [JOBS[0], JOBS[1]];
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)']);
    try {
      writeFileSync(`${jobPath(dir, fitKey(awaited))}.lock`, `${sleeper.pid}\n`);
      writeFileSync(`${jobPath(dir, fitKey(orphan))}.lock`, `${deadPid()}\n`);
      const marked: ConstructionFit = { ...constructionTask(awaited), seconds: -1 };
      setTimeout(() => writeFileSync(jobPath(dir, fitKey(awaited)), serialize(marked)), 3000);
      const [a, o] = await fitConstructions([awaited, orphan], { workers: 1 });
      expect(a.seconds).toBe(-1); // the claimer's fit, not one of ours
      expect(bits(o)).toEqual(bits(constructionTask(orphan)));
      expect(o.seconds).toBeGreaterThan(0);
      // A live claim that ends without a result (its process is killed) is taken over too.
      const third = JOBS[2];
      writeFileSync(`${jobPath(dir, fitKey(third))}.lock`, `${sleeper.pid}\n`);
      setTimeout(() => sleeper.kill(), 1000);
      const [t] = await fitConstructions([third], { workers: 1 });
      expect(bits(t)).toEqual(bits(constructionTask(third)));
    } finally {
      sleeper.kill();
    }
  }, 120_000);

  it('an empty variable is an error naming it', async () => {
    process.env[FIT_CACHE_ENV] = ' ';
    await expect(fitConstructions(JOBS.slice(0, 1))).rejects.toThrow(
      /SAT_FIT_CACHE: set but empty/,
    );
  });
});
