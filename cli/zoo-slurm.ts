/**
 * `npm run sat -- zoo --slurm`: a zoo trained as one Slurm job array instead of on this machine's
 * cores. Each array task runs the ordinary `zoo` command for one seed, in the project's checkout and
 * into the zoo folder (both on a filesystem the nodes share), so a run on a node is the same code,
 * the same bytes and the same atomic save and manifest update as a local run: the manifest grows as
 * runs land, and a later `zoo` call, local or `--slurm`, trains only what is missing.
 *
 * What a submission leaves in `<zoo>/slurm/`: `job-<id>.sh` (the batch script), `job-<id>.json`
 * (which seed each array task trains, and the sbatch command) and each task's log
 * `job-<id>_<task>.out`. Those records let a later `zoo` call say, for each seed not in the manifest,
 * whether it is still queued or running (squeue), or ended without a run and why (its log's tail).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../lib/core/files.js';

/** The folder of a zoo that holds its Slurm submissions and task logs. */
export const SLURM_DIR = 'slurm';

/**
 * Set by the batch script for the `zoo` command a task runs (`<job>_<task>`): that command trains its
 * one seed without asking squeue, where it would find itself running.
 */
export const TASK_ENV = 'SAT_ZOO_TASK';

/** One `zoo --slurm` submission, `<zoo>/slurm/job-<id>.json`. */
export interface Submission {
  /** Slurm's job id of the array. */
  readonly job: string;
  /** ISO time of the submission. */
  readonly submitted: string;
  /** The seed of each array task, by task index. */
  readonly seeds: readonly number[];
  /** The sbatch command line, script last. */
  readonly sbatch: readonly string[];
}

/** How a submission runs: sbatch options given on the zoo command line. */
export interface SlurmOptions {
  readonly partition?: string;
  readonly time?: string;
  readonly cpusPerTask?: number;
  /** At most this many tasks of the array run at once (the array's `%N`). */
  readonly throttle?: number;
  /** Further sbatch arguments, verbatim. */
  readonly extra: readonly string[];
}

/** What each task runs: `npm run sat -- zoo` for its seed with these options. */
export interface TaskCommand {
  /** The project's checkout (absolute; the same path on every node). */
  readonly root: string;
  /** The zoo folder and the text (absolute). */
  readonly dir: string;
  readonly data: string;
  readonly epochs: number;
  readonly kernel: 'fast' | 'reference';
  readonly every: number;
}

/** A bad option value: the caller reports it as a usage error. */
export class SlurmOptionError extends Error {}

/** Slurm's time formats: minutes, m:s, h:m:s, d-h, d-h:m, d-h:m:s, or UNLIMITED / INFINITE. */
const TIME = /^(\d+(:\d{1,2}){0,2}|\d+-\d+(:\d{1,2}){0,2}|unlimited|infinite)$/i;

/** Validate `--time`: a Slurm time limit. */
export function slurmTime(v: string): string {
  if (!TIME.test(v))
    throw new SlurmOptionError(
      `--time: expected a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), got '${v}'`,
    );
  return v;
}

/** Validate `--partition`: one or more partition names, comma-separated. */
export function slurmPartition(v: string): string {
  if (!/^[\w.-]+(,[\w.-]+)*$/.test(v))
    throw new SlurmOptionError(
      `--partition: expected a partition name (letters, digits, _ . -; several separated by commas), got '${v}'`,
    );
  return v;
}

/** sbatch options the submission sets itself, which `--sbatch` may not override. */
const OWN_OPTIONS: ReadonlyArray<[RegExp, string]> = [
  [
    /^(--array|-a)(=|$)|^-a./,
    'the array is one task per seed (--jobs J caps how many run at once)',
  ],
  [/^(--output|-o)(=|$)|^-o./, `each task's log is <zoo>/${SLURM_DIR}/job-<id>_<task>.out`],
  [/^(--error|-e)(=|$)|^-e./, `each task's log (stdout and stderr) is one file`],
  [/^--wrap(=|$)/, 'the batch script is written by zoo'],
  [/^--parsable$/, 'zoo reads the job id itself'],
];

/**
 * Split `--sbatch` values into sbatch arguments (on whitespace; no shell quoting), refusing the
 * options the submission sets itself.
 */
export function sbatchExtra(values: readonly string[]): string[] {
  const args = values.flatMap((v) => v.trim().split(/\s+/).filter(Boolean));
  for (const a of args)
    for (const [re, why] of OWN_OPTIONS)
      if (re.test(a)) throw new SlurmOptionError(`--sbatch ${a}: set by zoo --slurm (${why})`);
  return args;
}

/**
 * Seeds written as `--seeds` takes them, consecutive runs as ranges, so that a message about a
 * hundred seeds stays one short line.
 *
 * @example
 * seedSpec([1, 2, 3, 5, 42, 43]); // → '1..3,5,42..43'
 */
export function seedSpec(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < seeds.length;) {
    let j = k;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j] + 1) j++;
    parts.push(j === k ? String(seeds[k]) : `${seeds[k]}..${seeds[j]}`);
    k = j + 1;
  }
  return parts.join(',');
}

/** A string as one single-quoted shell word. */
function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The batch script of an array over `seeds`: task i trains seeds[i] with the ordinary zoo command,
 * logging its node and Node version first and its exit status last. A SIGTERM (scancel, the time
 * limit) reaches the trainer too, which stops after its epoch and discards the unfinished run.
 */
export function batchScript(cmd: TaskCommand, seeds: readonly number[]): string {
  const zoo = [
    'node',
    '--import',
    'tsx',
    'cli/sat.ts',
    'zoo',
    '--seeds',
    '"$seed"',
    '--jobs',
    '1',
    '--epochs',
    String(cmd.epochs),
    '--kernel',
    cmd.kernel,
    '--every',
    String(cmd.every),
    '--data',
    shellWord(cmd.data),
    '--out',
    shellWord(cmd.dir),
  ].join(' ');
  return [
    '#!/bin/bash',
    '# One task of a sat-rnn zoo job array (written by npm run sat -- zoo --slurm): task i trains',
    '# the i-th seed below with the ordinary zoo command, into the zoo folder.',
    'set -u',
    `seeds=(${seeds.join(' ')})`,
    'seed=${seeds[$SLURM_ARRAY_TASK_ID]}',
    `cd ${shellWord(cmd.root)} || exit 1`,
    'echo "sat zoo: task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, seed $seed, on $(hostname), node $(node --version 2>&1)"',
    `trap 'echo "sat zoo: task got SIGTERM (scancel or its time limit)"' TERM`,
    `${TASK_ENV}="\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" ${zoo}`,
    'status=$?',
    'echo "sat zoo: seed $seed ended with exit status $status"',
    'exit $status',
    '',
  ].join('\n');
}

/** The log of array task `task` of job `job`, relative to the zoo folder. */
export function taskLog(job: string, task: number): string {
  return join(SLURM_DIR, `job-${job}_${task}.out`);
}

/** Run a Slurm command; throws naming it and what it printed when it cannot run or fails. */
function slurmCommand(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `${cmd}: cannot run it (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); is Slurm's client installed and on PATH?`,
    );
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Submit one array over `seeds`: the batch script and the record are written to `<dir>/slurm/`
 * (the script under a temporary name until sbatch has answered with the job id). Returns the record.
 */
export function submitArray(
  cmd: TaskCommand,
  seeds: readonly number[],
  opts: SlurmOptions,
): Submission {
  const folder = join(cmd.dir, SLURM_DIR);
  mkdirSync(folder, { recursive: true });
  const pending = join(folder, `submit-${process.pid}-${Date.now()}.sh`);
  writeFileAtomic(pending, batchScript(cmd, seeds));
  const sbatch = [
    '--parsable',
    `--array=0-${seeds.length - 1}${opts.throttle ? `%${opts.throttle}` : ''}`,
    '--job-name=sat-zoo',
    `--output=${join(folder, 'job-%A_%a.out')}`,
    ...(opts.partition ? [`--partition=${opts.partition}`] : []),
    ...(opts.time ? [`--time=${opts.time}`] : []),
    ...(opts.cpusPerTask ? [`--cpus-per-task=${opts.cpusPerTask}`] : []),
    ...opts.extra,
  ];
  let out: string;
  try {
    out = slurmCommand('sbatch', [...sbatch, pending]);
  } catch (e) {
    unlinkSync(pending);
    throw e;
  }
  // --parsable prints `<id>` or `<id>;<cluster>`.
  const job = /^(\d+)/.exec(out.trim())?.[1];
  if (!job) throw new Error(`sbatch answered '${out.trim()}', expected a job id`);
  const script = join(folder, `job-${job}.sh`);
  renameSync(pending, script);
  const record: Submission = {
    job,
    submitted: new Date().toISOString(),
    seeds: [...seeds],
    sbatch: ['sbatch', ...sbatch, script],
  };
  writeFileAtomic(join(folder, `job-${job}.json`), JSON.stringify(record, null, 1) + '\n');
  return record;
}

/** Every submission recorded in `<dir>/slurm/`, oldest job first. */
export function readSubmissions(dir: string): Submission[] {
  const folder = join(dir, SLURM_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => /^job-\d+\.json$/.test(f))
    .map((f) => {
      const path = join(folder, f);
      try {
        const s = JSON.parse(readFileSync(path, 'utf8')) as Submission;
        if (typeof s.job !== 'string' || !Array.isArray(s.seeds))
          throw new Error('no job or seeds');
        return s;
      } catch (e) {
        throw new Error(`${path}: not a zoo submission record (${(e as Error).message})`);
      }
    })
    .sort((a, b) => Number(a.job) - Number(b.job));
}

/** Task states in which a task is over (squeue shows them briefly); any other is queued or running. */
const ENDED = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
]);

/**
 * The tasks of `jobs` still queued or running, `<job>_<task>` → state (PENDING, RUNNING, …), from
 * squeue. A job Slurm has forgotten is simply absent.
 */
export function activeTasks(jobs: readonly string[]): Map<string, string> {
  const tasks = new Map<string, string>();
  if (jobs.length === 0) return tasks;
  const r = spawnSync('squeue', ['-h', '-r', '-j', jobs.join(','), '-o', '%F|%K|%T'], {
    encoding: 'utf8',
  });
  if (r.error)
    throw new Error(
      `squeue: cannot run it (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); is Slurm's client installed and on PATH?`,
    );
  // One job id that Slurm no longer knows is an error; several are listed without it.
  if (r.status !== 0 && !/Invalid job id/i.test(r.stderr))
    throw new Error(`squeue failed (exit ${r.status}): ${r.stderr.trim()}`);
  for (const line of r.stdout.split('\n')) {
    const [job, task, state] = line.trim().split('|');
    if (state && !ENDED.has(state)) tasks.set(`${job}_${task}`, state);
  }
  return tasks;
}

/** Where a seed not yet in the manifest stands in Slurm. */
export type SeedInSlurm =
  | { readonly kind: 'active'; readonly job: string; readonly task: number; readonly state: string }
  | {
      readonly kind: 'ended';
      readonly job: string;
      readonly task: number;
      /** The task's log (absolute), and how it ends (logEnding); null when the task never started. */
      readonly log: string;
      readonly tail: readonly string[] | null;
    };

/**
 * What a task's log says about its end: Slurm's own lines (`slurmstepd: … CANCELLED …`, a time
 * limit, an error starting the task) and the last `n` lines; null when there is no log.
 */
function logEnding(path: string, n: number): string[] | null {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  const last = lines.slice(-n);
  const slurm = lines.slice(0, -n).filter((l) => /^slurmstepd/.test(l));
  return [...slurm, ...last];
}

/**
 * For each of `seeds` (seeds without a finished run) that a submission of `dir` names, the task of
 * its latest submission: still queued or running, or ended (without a run, since the seed is not
 * in the manifest) with its log. Seeds never submitted are absent. Asks squeue once.
 */
export function seedsInSlurm(dir: string, seeds: readonly number[]): Map<number, SeedInSlurm> {
  const latest = new Map<number, { job: string; task: number }>();
  for (const s of readSubmissions(dir))
    s.seeds.forEach((seed, task) => latest.set(seed, { job: s.job, task }));
  const wanted = seeds.filter((s) => latest.has(s));
  const out = new Map<number, SeedInSlurm>();
  if (wanted.length === 0) return out;
  const active = activeTasks([...new Set(wanted.map((s) => latest.get(s)!.job))]);
  for (const seed of wanted) {
    const { job, task } = latest.get(seed)!;
    const state = active.get(`${job}_${task}`);
    if (state) out.set(seed, { kind: 'active', job, task, state });
    else {
      const log = resolve(dir, taskLog(job, task));
      out.set(seed, { kind: 'ended', job, task, log, tail: logEnding(log, 4) });
    }
  }
  return out;
}

/** The lines that say where a seed stands in Slurm (`then` ends the first one: what zoo does next). */
export function describeSeed(seed: number, s: SeedInSlurm, then: string): string[] {
  if (s.kind === 'active')
    return [`seed ${seed}: in Slurm job ${s.job}_${s.task} (${s.state}), ${then}`];
  const head = `seed ${seed}: failed in Slurm job ${s.job}_${s.task} (it ended without a finished run), ${then}`;
  if (s.tail === null)
    return [head, `  no log ${s.log}: the task never started (cancelled while pending?)`];
  return [head, `  log ${s.log}:`, ...s.tail.map((l) => `    ${l}`)];
}
