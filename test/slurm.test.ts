/**
 * `npm run sat -- zoo --slurm` on a real Slurm: Debian's slurm-wlm and munge (npm run setup installs
 * them), one node on localhost, started by tools/slurm-local.sh in a temporary folder and stopped at
 * the end. When Slurm cannot start, every test here fails with the daemons' logs: a missing Slurm
 * is a broken environment, never a skip.
 *
 * The trainer is deterministic, so a zoo trained by a job array must be byte-identical to the same
 * seeds trained locally (models and logs; the manifest differs only in each run's wall seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { parseSeeds, readManifest, type ZooManifest } from '../lib/core/zoo.js';
import { batchScript, seedSpec } from '../cli/zoo-slurm.js';

const SAT = ['--import', 'tsx', `${ROOT}cli/sat.ts`];
const SCRIPT = join(ROOT, 'tools/slurm-local.sh');
/** The short recipe of these tests. */
const EPOCHS = '30';

const cluster = mkdtempSync(join(tmpdir(), 'sat-slurm-'));
const env = { ...process.env, SLURM_CONF: join(cluster, 'slurm.conf') };

/** `npm run sat -- …` without blocking the event loop, with the local Slurm's configuration. */
function satAsync(...args: string[]) {
  return new Promise<{ code: number | null; out: string; err: string }>((res) => {
    const child = spawn(process.execPath, [...SAT, ...args], { cwd: ROOT, env });
    let out = '',
      err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => res({ code, out, err }));
  });
}

/** A Slurm command on the local cluster; throws with its output when it fails. */
function slurm(cmd: string, ...args: string[]): string {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Wait until `done()` holds, polling; fails after `limitMs` with `what` (a hang, not a timing). */
async function waitFor(what: string, done: () => boolean, limitMs = 180_000): Promise<void> {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > limitMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}

/** Wait until no task of job `job` is queued, running or completing. */
async function jobEnds(job: string): Promise<void> {
  await waitFor(`Slurm job ${job} to end`, () => {
    const r = spawnSync('squeue', ['-h', '-r', '-j', job, '-o', '%i %T'], {
      env,
      encoding: 'utf8',
    });
    // squeue refuses a job id it has already forgotten: ended too.
    if (r.status !== 0) return /Invalid job id/.test(r.stderr);
    return !/PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED/.test(r.stdout);
  });
}

/** The job id a `zoo --slurm` printed. */
function jobOf(out: string): string {
  const job = /submitted Slurm job (\d+)/.exec(out)?.[1];
  if (!job) throw new Error(`no job id in:\n${out}`);
  return job;
}

const bytesOf = (path: string) => Buffer.from(readFileSync(path));
/** A manifest without each run's wall seconds, the one field two identical runs do not share. */
const timeless = (m: ZooManifest) => ({
  recipe: m.recipe,
  runs: m.runs.map(({ seconds: _, ...r }) => r),
});
/** Temporary and lock files anywhere in a zoo folder (none may be left). */
const leftovers = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp$|\.lock$/.test(f));

/** The same seeds trained locally (the counterpart of the job arrays below), made once. */
let local: Promise<string> | null = null;
function localZoo(): Promise<string> {
  local ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sat-slurm-local-')), 'zoo');
    const t0 = Date.now();
    const r = await satAsync('zoo', '--seeds', '1..3', '--epochs', EPOCHS, '--out', dir);
    if (r.code !== 0) throw new Error(`local zoo failed (${r.code}): ${r.err}`);
    console.log(`local 3-seed zoo (${EPOCHS} epochs): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return dir;
  })();
  return local;
}

/** Every model and log of `seeds` in `dir` is byte-identical to the local zoo's. */
async function sameAsLocal(dir: string, seeds: number[]): Promise<void> {
  const here = await localZoo();
  for (const s of seeds)
    for (const f of [`seed-00${s}.bin`, `seed-00${s}.train.csv`])
      expect(bytesOf(join(dir, f)).equals(bytesOf(join(here, f))), `${f}`).toBe(true);
}

beforeAll(() => {
  const r = spawnSync('bash', [SCRIPT, 'start', cluster], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `the local Slurm did not start (tools/slurm-local.sh exit ${r.status}):\n${r.stdout}\n${r.stderr}`,
    );
}, 120_000);

/** Live processes with `folder` on their command line (zombies have none). */
function processesOf(folder: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(folder);
      } catch {
        return false;
      }
    });
}

afterAll(() => {
  const r = spawnSync('bash', [SCRIPT, 'stop', cluster], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  // Every daemon the script started is gone.
  expect(processesOf(cluster)).toEqual([]);
  rmSync(cluster, { recursive: true, force: true });
}, 120_000);

describe('the job array of zoo --slurm', () => {
  it('names its seeds as --seeds takes them, and quotes the paths of its batch script', () => {
    expect(seedSpec([1, 2, 3, 5, 42, 43])).toBe('1..3,5,42..43');
    expect(seedSpec([7])).toBe('7');
    const seeds = [0, 2, 3, 4, 9, 10, 4294967295];
    expect(parseSeeds(seedSpec(seeds))).toEqual(seeds);
    const script = batchScript(
      {
        root: '/src/sat',
        dir: "/z/it's here",
        data: '/t/a b.txt',
        epochs: 5,
        kernel: 'fast',
        every: 1,
      },
      [4, 9],
    );
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('seeds=(4 9)');
    expect(script).toContain("cd '/src/sat' || exit 1");
    expect(script).toContain(`--data '/t/a b.txt' --out '/z/it'\\''s here'`);
    // The script, run by bash for task 1 with a stand-in node, trains seed 9 with those arguments.
    const bin = mkdtempSync(join(tmpdir(), 'sat-slurm-bin-'));
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "%s|" "$@"; echo\n');
    chmodSync(join(bin, 'node'), 0o755);
    const run = spawnSync('bash', ['-c', script.replace("cd '/src/sat' || exit 1", '')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        SLURM_ARRAY_JOB_ID: '12',
        SLURM_ARRAY_TASK_ID: '1',
      },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "--import|tsx|cli/sat.ts|zoo|--seeds|9|--jobs|1|--epochs|5|--kernel|fast|--every|1|--data|/t/a b.txt|--out|/z/it's here|",
    );
    expect(run.stdout).toMatch(/sat zoo: seed 9 ended with exit status 0/);
  });
});

describe('tools/slurm-local.sh', () => {
  it("when a daemon does not start, exits 1 with the daemons' logs and stops what it started", () => {
    // A slurmd that reports the machine (slurmd -C) but refuses to run.
    const bin = mkdtempSync(join(tmpdir(), 'sat-slurm-bin-'));
    const slurmd = spawnSync('sh', ['-c', 'command -v slurmd'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(bin, 'slurmd'),
      `#!/bin/sh\n[ "$1" = -C ] && exec ${slurmd} -C\necho 'slurmd: refusing to start (a test)' >&2\nexit 1\n`,
    );
    chmodSync(join(bin, 'slurmd'), 0o755);
    const folder = join(mkdtempSync(join(tmpdir(), 'sat-slurm-broken-')), 'cluster');
    mkdirSync(folder);
    const r = spawnSync('bash', [SCRIPT, 'start', folder], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/slurm-local: slurmd exited at start/);
    expect(r.stderr).toMatch(/==== .*munged\.(log|out)[^]*Starting munge/);
    expect(r.stderr).toMatch(/==== .*slurmd\.(log|out)[^]*refusing to start \(a test\)/);
    expect(processesOf(folder)).toEqual([]);
  });
});

describe('npm run sat -- zoo --slurm, on a one-node Slurm started by tools/slurm-local.sh', () => {
  it('trains a 3-seed zoo as one job array: models, logs and manifest as a local zoo; a second submission trains nothing', async () => {
    const here = await localZoo();
    const dir = join(mkdtempSync(join(tmpdir(), 'sat-slurm-zoo-')), 'zoo');
    const t0 = Date.now();
    // The sbatch options pass through (Slurm refuses a partition it does not have, or a bad time).
    const r = await satAsync(
      ...['zoo', '--seeds', '1..3', '--epochs', EPOCHS, '--out', dir, '--slurm'],
      ...['--partition', 'local', '--time', '0:05:00', '--cpus-per-task', '1', '--jobs', '2'],
      '--sbatch=--job-name=sat-slurm-test --mem=100M',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/submitted Slurm job \d+: 3 array tasks, one per seed \(seeds 1\.\.3\)/);
    expect(r.out).toMatch(/follow it: +squeue -j \d+/);
    const job = jobOf(r.out);
    const record = JSON.parse(readFileSync(join(dir, 'slurm', `job-${job}.json`), 'utf8'));
    expect(record.seeds).toEqual([1, 2, 3]);
    expect(record.sbatch).toEqual(
      expect.arrayContaining([
        '--array=0-2%2',
        '--partition=local',
        '--time=0:05:00',
        '--cpus-per-task=1',
        '--job-name=sat-slurm-test',
        '--mem=100M',
      ]),
    );
    await jobEnds(job);
    console.log(
      `3-seed zoo (${EPOCHS} epochs) as a Slurm job array, submission to its end: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(timeless(readManifest(dir)!)).toEqual(timeless(readManifest(here)!));
    expect(readManifest(dir)!.runs.map((x) => x.seed)).toEqual([1, 2, 3]);
    await sameAsLocal(dir, [1, 2, 3]);
    for (const task of [0, 1, 2])
      expect(readFileSync(join(dir, 'slurm', `job-${job}_${task}.out`), 'utf8')).toMatch(
        new RegExp(`seed ${task + 1}: kept epoch[^]*seed ${task + 1} ended with exit status 0`),
      );
    expect(leftovers(dir)).toEqual([]);

    const again = await satAsync(
      'zoo',
      '--seeds',
      '1..3',
      '--epochs',
      EPOCHS,
      '--out',
      dir,
      '--slurm',
    );
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/nothing to submit/);
    expect(readdirSync(join(dir, 'slurm')).filter((f) => f.endsWith('.json'))).toEqual([
      `job-${job}.json`,
    ]);
    expect(slurm('squeue', '-h').trim()).toBe('');
    const status = await satAsync(
      'zoo',
      '--seeds',
      '1..3',
      '--epochs',
      EPOCHS,
      '--out',
      dir,
      '--status',
    );
    expect(status.out).toMatch(/3 of 3 runs finished/);
  });

  it('a task cancelled while queued leaves the zoo without its seed; zoo says so, and a re-submission trains just it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sat-slurm-zoo-')), 'zoo');
    // Held, so that the cancelled task is certainly one that never ran.
    const r = await satAsync(
      'zoo',
      '--seeds',
      '1..3',
      '--epochs',
      EPOCHS,
      '--out',
      dir,
      '--slurm',
      '--sbatch=--hold',
    );
    expect(r.code, r.err).toBe(0);
    const job = jobOf(r.out);
    slurm('scancel', `${job}_1`);
    slurm('scontrol', 'release', job);
    await jobEnds(job);
    expect(readManifest(dir)!.runs.map((x) => x.seed)).toEqual([1, 3]);
    expect(existsSync(join(dir, 'seed-002.bin'))).toBe(false);
    const status = await satAsync(
      'zoo',
      '--seeds',
      '1..3',
      '--epochs',
      EPOCHS,
      '--out',
      dir,
      '--status',
    );
    expect(status.out).toMatch(
      new RegExp(
        `seed 2: failed in Slurm job ${job}_1 .*\\n +no log .*job-${job}_1\\.out: the task never started`,
      ),
    );
    expect(status.out).toMatch(/2 of 3 runs finished/);

    const again = await satAsync(
      'zoo',
      '--seeds',
      '1..3',
      '--epochs',
      EPOCHS,
      '--out',
      dir,
      '--slurm',
    );
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/seed 2: failed in Slurm job \d+_1 .*submitting it again/);
    expect(again.out).toMatch(/1 array task, one per seed \(seeds 2\)/);
    await jobEnds(jobOf(again.out));
    expect(readManifest(dir)!.runs.map((x) => x.seed)).toEqual([1, 2, 3]);
    await sameAsLocal(dir, [1, 2, 3]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a task cancelled while it trains leaves no model, and zoo says it failed, with the end of its log', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sat-slurm-zoo-')), 'zoo');
    // A recipe that cannot finish here: the task is certainly cancelled mid-run.
    const args = ['zoo', '--seeds', '7', '--epochs', '1000000', '--every', '1', '--out', dir];
    const r = await satAsync(...args, '--slurm');
    expect(r.code, r.err).toBe(0);
    const job = jobOf(r.out);
    const log = join(dir, 'slurm', `job-${job}_0.out`);
    await waitFor(`task ${job}_0 to train two epochs`, () =>
      existsSync(log) ? /epoch 2\//.test(readFileSync(log, 'utf8')) : false,
    );
    const during = await satAsync(...args, '--status');
    expect(during.out).toMatch(new RegExp(`seed 7: in Slurm job ${job}_0 \\(RUNNING\\)`));
    // A local zoo on the same folder leaves the seed to its task.
    const here = await satAsync(...args);
    expect(here.code, here.err).toBe(0);
    expect(here.out).toMatch(/seed 7: in Slurm job \d+_0 \(RUNNING\), not trained here/);
    expect(here.out).not.toMatch(/training/);
    slurm('scancel', `${job}_0`);
    await jobEnds(job);
    expect(readdirSync(dir).filter((f) => f !== 'slurm')).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
    const status = await satAsync(...args, '--status');
    expect(status.out).toMatch(new RegExp(`seed 7: failed in Slurm job ${job}_0 `));
    expect(status.out).toMatch(/CANCELLED/);
    expect(status.out).toMatch(/seed 7 ended with exit status 143/);
  });
});
