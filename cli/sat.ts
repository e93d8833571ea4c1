/**
 * `npm run sat -- <command>`: evaluate, train and inspect sat-rnn model files.
 *
 * `train` runs in a worker thread (cli/train-task.ts) so that this thread answers signals at once:
 * SIGINT or SIGTERM (or the parent process going away) stops the run after its current epoch,
 * saves the best model so far and exits with 128 + the signal number; a second SIGINT aborts
 * without saving. Every output path is checked before any work starts, the output is locked
 * against a second run writing it, and files are written atomically (lib/core/files.ts).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { loadModel, saveModel, parameterCount, tensors, TENSOR_NAMES } from '../lib/core/model.js';
import {
  lockHolder,
  lockOutput,
  realPath,
  removeStaleTemps,
  tryLockOutput,
  withSharedLock,
  writeFileAtomic,
  type Lock,
} from '../lib/core/files.js';
import { loadBytes, sha256 } from '../lib/core/data.js';
import { bpc } from '../lib/core/rnn.js';
import { type Optimizer } from '../lib/core/train.js';
import { spectralRadius } from '../lib/math/linalg.js';
import { parallelMap } from '../lib/core/parallel.js';
import {
  MANIFEST,
  MAX_SEED,
  logFileFor,
  parseSeeds,
  recordRun,
  runFileName,
  zooPlan,
  type ZooRecipe,
  type ZooRun,
} from '../lib/core/zoo.js';
import {
  installPublishedModel,
  PUBLISHED_MODEL,
  PUBLISHED_MODEL_SHA256,
  PUBLISHED_MODEL_SOURCE,
} from '../lib/core/published-model.js';
import type { TrainTaskInput, TrainTaskResult } from './train-task.js';
import {
  describeSeed,
  sbatchExtra,
  seedSpec,
  seedsInSlurm,
  slurmPartition,
  slurmTime,
  submitArray,
  SlurmOptionError,
  SLURM_DIR,
  TASK_ENV,
  type SeedInSlurm,
  type SlurmOptions,
} from './zoo-slurm.js';

const DEFAULT_DATA = 'data/enwik_1024.txt';
const TRAIN_TASK = new URL('./train-task.ts', import.meta.url);
/** The project's root folder (the parent of cli/), whatever the working folder. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `usage: npm run sat -- <command> [options]

commands:
  eval  --model <file> [--data <file>] [--json] [--kernel fast|reference]
        bpc of the model on the data (h0 = 0, all n-1 positions scored)
  train [--epochs N] [--optimizer sgd|adam] [--seed S] [--data <file>] [--log <csv>] [--every N] [--kernel fast|reference] --out <file>
        train with the original recipe; --seed is glibc srand's seed, 0 … ${MAX_SEED} (default 42;
        glibc treats seed 0 as 1, so seeds 0 and 1 give the same stream); --log defaults to
        <out without .bin>.train.csv; progress every --every epochs (default 50).
        Ctrl-C or SIGTERM stops after the current epoch, saves the best model so far and exits
        with 130 / 143; a second Ctrl-C aborts without saving. --out and --log must be writable
        files, differ from each other and from --data; one run at a time may write an --out.
  zoo   --seeds <list> [--epochs N] [--data <file>] [--jobs J] [--every N] [--kernel fast|reference] --out <folder>
        train one run of the recipe per glibc seed (list: 1..8 or 1..7,42; seed 42 is the archive's
        recipe), J at a time (default: one per CPU), into <folder>/seed-NNN.bin with its
        seed-NNN.train.csv, and record each finished run in <folder>/zoo.json (recipe, text sha256,
        bpc). Resumable: a finished run is not retrained. Ctrl-C keeps the finished runs, discards
        the unfinished ones and exits with 130.
        --slurm [--partition P] [--time T] [--cpus-per-task C] [--sbatch=<sbatch args>]...
          instead submit one Slurm job array, one task per seed not finished nor queued (--jobs J:
          at most J tasks at once); each task runs this command for its seed. <folder> and this
          checkout must be on a filesystem the nodes share. Prints the job id; the task logs are
          <folder>/slurm/job-<id>_<task>.out. Write --sbatch=--mem=2G (with '=').
        --status
          say which seeds finished, are queued or running in Slurm, or failed (with their log)
  info  --model <file>
        shapes, weight statistics and Wh's spectral radius
  install-model <file or folder>
        install the published model (${PUBLISHED_MODEL_SOURCE}: the downloaded file, or a clone
        of the repository at efbaac3) at ${PUBLISHED_MODEL}, where notebooks and tests read it;
        refused unless its sha256 is ${PUBLISHED_MODEL_SHA256}

data defaults to ${DEFAULT_DATA} (a regular file of at most 100,000,000 bytes); --kernel fast
(default: WebAssembly SIMD) or reference (plain TypeScript)`;

class UsageError extends Error {}

/** A string option that, when given, must not be empty. */
function given(name: string, v: string | undefined): string | undefined {
  if (v !== undefined && v.trim() === '')
    throw new UsageError(`--${name}: empty; expected a value`);
  return v;
}

function kernelOption(v: string | undefined): 'fast' | 'reference' {
  v = given('kernel', v);
  if (v === undefined || v === 'fast' || v === 'reference') return v ?? 'fast';
  throw new UsageError(`--kernel: expected fast or reference, got '${v}'`);
}

/** A decimal integer option in [min, max] (digits only: no sign, exponent or fraction). */
function intOption(
  name: string,
  v: string | undefined,
  dflt: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  v = given(name, v);
  if (v === undefined) return dflt;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name}: expected ${min === 0 ? 'a non-negative' : `an`} integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : ''}, got '${v}'`,
    );
  }
  return n;
}

function cmdEval(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      kernel: { type: 'string' },
    },
  });
  const model = given('model', values.model);
  if (!model) throw new UsageError('eval: --model <file> is required');
  const kernel = kernelOption(values.kernel);
  const dataPath = given('data', values.data) ?? DEFAULT_DATA;
  const m = loadModel(model, null);
  const bytes = loadBytes(dataPath);
  const value = bpc(m, bytes, { kernel });
  const positions = bytes.length - 1;
  if (values.json) {
    console.log(
      JSON.stringify({
        model,
        data: dataPath,
        data_sha256: sha256(bytes),
        bpc: value,
        positions,
        hidden: m.hidden,
      }),
    );
  } else {
    console.log(`${model} on ${dataPath}: ${value.toFixed(4)} bpc over ${positions} positions`);
  }
}

/** The same file, even when one of them does not exist yet. */
function samePath(a: string, b: string): boolean {
  return realPath(a) === realPath(b);
}

/** Check before any work that `path` (option `name`) can be written as a file. */
function checkWritable(name: string, path: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UsageError(`--${name} ${path}: is a directory; expected a file path`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new UsageError(`--${name} ${path}: folder ${dir} does not exist`);
  // Probe by creating a file beside the target (permission bits alone mislead root and read-only mounts).
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    if (existsSync(path)) closeSync(openSync(path, 'r+'));
  } catch (e) {
    throw new UsageError(
      `--${name} ${path}: not writable (${(e as NodeJS.ErrnoException).code ?? String(e)} in folder ${dir})`,
    );
  }
}

async function cmdTrain(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      epochs: { type: 'string' },
      optimizer: { type: 'string' },
      seed: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      log: { type: 'string' },
      every: { type: 'string' },
      kernel: { type: 'string' },
    },
  });
  const out = given('out', values.out);
  if (!out) throw new UsageError('train: --out <file> is required');
  const optimizer = (given('optimizer', values.optimizer) ?? 'sgd') as Optimizer;
  if (optimizer !== 'sgd' && optimizer !== 'adam')
    throw new UsageError(`--optimizer: expected sgd or adam, got '${values.optimizer}'`);
  const epochs = intOption('epochs', values.epochs, 4000, 1);
  const kernel = kernelOption(values.kernel);
  const seed = intOption('seed', values.seed, 42, 0, MAX_SEED);
  const every = intOption('every', values.every, 50, 1);
  const dataPath = given('data', values.data) ?? DEFAULT_DATA;
  const logPath = given('log', values.log) ?? logFileFor(out);
  // Every output path is checked before the data is read or an epoch runs.
  if (samePath(out, dataPath))
    throw new UsageError(`--out ${out}: is the training text (--data); choose another file`);
  if (samePath(logPath, out))
    throw new UsageError(`--log ${logPath}: is the model file (--out); choose another file`);
  if (samePath(logPath, dataPath))
    throw new UsageError(`--log ${logPath}: is the training text (--data); choose another file`);
  checkWritable('out', out);
  checkWritable('log', logPath);
  const bytes = loadBytes(dataPath);
  const lock: Lock = lockOutput(out);
  try {
    for (const p of [out, logPath])
      for (const stale of removeStaleTemps(p))
        console.error(`removed ${stale}, a temporary file an interrupted save left`);
    return await trainToFiles(
      { bytes, epochs, optimizer, seed, kernel, every },
      dataPath,
      out,
      logPath,
    );
  } finally {
    lock.release();
  }
}

/** The parent process this CLI started with (see `stopOnSignals`). */
const PARENT = process.ppid;

/** Signal numbers for the exit status 128 + n. */
const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** A stop request shared with training workers, raised by SIGINT, SIGTERM or the parent going away. */
interface StopSignals {
  /** Int32Array on a SharedArrayBuffer: non-zero once a stop was requested. */
  readonly stop: Int32Array;
  stoppedBy(): keyof typeof SIGNALS | null;
  dispose(): void;
}

/**
 * Listen for SIGINT/SIGTERM until `dispose()`: the first raises `stop` (runs end after their current
 * epoch; `what` says what is then saved); a second SIGINT exits at once with 130 without saving.
 */
function stopOnSignals(what: string): StopSignals {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let stoppedBy: keyof typeof SIGNALS | null = null;
  const request = (why: keyof typeof SIGNALS, message: string) => {
    if (stoppedBy === null)
      console.error(
        `\n${message}: stopping after this epoch and ${what} (Ctrl-C again aborts without saving)`,
      );
    stoppedBy ??= why;
    Atomics.store(stop, 0, 1);
  };
  const onInt = () => {
    if (stoppedBy !== null) {
      console.error('aborted without saving');
      process.exit(128 + SIGNALS.SIGINT);
    }
    request('SIGINT', 'SIGINT');
  };
  const onTerm = () => request('SIGTERM', 'SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // A parent killed without passing the signal on (e.g. `kill <npm pid>`) leaves this process
  // orphaned: stop as for SIGTERM instead of training on unseen. The parent is the one this process
  // started with (PARENT): read here, a parent that died after the output was locked but before
  // this point would pass for the new one, and the run would train on unseen.
  const orphaned = () => {
    if (process.ppid !== PARENT) request('SIGTERM', `parent process ${PARENT} exited`);
  };
  orphaned();
  const watch = setInterval(orphaned, 500);
  return {
    stop,
    stoppedBy: () => stoppedBy,
    dispose() {
      clearInterval(watch);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** Save a trained model and its log (epoch, lr, train-pass bpc) atomically. */
function saveRun(out: string, logPath: string, r: TrainTaskResult): void {
  saveModel(out, r.best);
  writeFileAtomic(
    logPath,
    ['epoch,lr,train_bpc', ...r.log.map((e) => `${e.epoch},${e.lr},${e.trainBpc}`)].join('\n') +
      '\n',
  );
}

/** Run the training worker; stop it on a signal or when the parent goes away; save what it kept. */
async function trainToFiles(
  task: Omit<TrainTaskInput, 'stop'>,
  dataPath: string,
  out: string,
  logPath: string,
): Promise<number> {
  const signals = stopOnSignals('saving the best model so far');
  console.log(
    `training ${task.optimizer}, ${task.epochs} epochs, seed ${task.seed}, on ${dataPath} (${task.bytes.length} bytes)`,
  );
  try {
    const [r] = await parallelMap<TrainTaskInput, TrainTaskResult>(
      TRAIN_TASK,
      'trainTask',
      [{ ...task, stop: signals.stop }],
      { workers: 1 },
    );
    saveRun(out, logPath, r);
    const evalBpc = bpc(r.best, task.bytes, { kernel: task.kernel });
    const positions = r.log.length * (task.bytes.length - 1);
    const stoppedBy = signals.stoppedBy();
    if (stoppedBy !== null)
      console.log(`stopped by ${stoppedBy} after epoch ${r.log.length} of ${task.epochs}`);
    console.log(
      `kept epoch ${r.bestEpoch} (train-pass ${r.bestBpc.toFixed(4)} bpc); evaluated ${evalBpc.toFixed(4)} bpc`,
    );
    console.log(
      `${r.log.length} epochs in ${r.seconds.toFixed(1)} s = ${Math.round(positions / r.seconds)} positions/s`,
    );
    console.log(`saved ${out} and ${logPath}`);
    return stoppedBy === null ? 0 : 128 + SIGNALS[stoppedBy];
  } finally {
    signals.dispose();
  }
}

/** Check before any work that `dir` (option `--out` of zoo) is, or can be created as, a writable folder. */
function checkZooDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new UsageError(
        `--out ${dir}: is a file; expected a folder (existing or to be created)`,
      );
  } else {
    const parent = dirname(resolve(dir));
    if (!existsSync(parent) || !statSync(parent).isDirectory())
      throw new UsageError(`--out ${dir}: folder ${parent} does not exist`);
  }
  const probeDir = existsSync(dir) ? dir : dirname(resolve(dir));
  const probe = join(probeDir, `.zoo.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(
      `--out ${dir}: not writable (${(e as NodeJS.ErrnoException).code ?? String(e)} in folder ${probeDir})`,
    );
  }
}

/** The options of `zoo` that only `--slurm` takes. */
const SLURM_ONLY = ['partition', 'time', 'cpus-per-task', 'sbatch'] as const;

async function cmdZoo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: 'string' },
      epochs: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      jobs: { type: 'string' },
      every: { type: 'string' },
      kernel: { type: 'string' },
      status: { type: 'boolean' },
      slurm: { type: 'boolean' },
      partition: { type: 'string' },
      time: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      sbatch: { type: 'string', multiple: true },
    },
  });
  const dir = given('out', values.out);
  if (!dir) throw new UsageError('zoo: --out <folder> is required');
  const spec = given('seeds', values.seeds);
  if (!spec) throw new UsageError('zoo: --seeds <list> is required (e.g. 1..8 or 1..7,42)');
  let seeds: number[];
  try {
    seeds = parseSeeds(spec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const epochs = intOption('epochs', values.epochs, 4000, 1);
  const every = intOption('every', values.every, 500, 1);
  const kernel = kernelOption(values.kernel);
  const dataPath = given('data', values.data) ?? DEFAULT_DATA;
  const slurm = values.slurm === true;
  if (slurm && values.status)
    throw new UsageError('--status: reports only; it does not go with --slurm');
  if (!slurm)
    for (const name of SLURM_ONLY)
      if (values[name] !== undefined)
        throw new UsageError(`--${name}: an option of --slurm; add --slurm to submit a job array`);
  let slurmOpts: SlurmOptions | null = null;
  try {
    if (slurm) {
      const partition = given('partition', values.partition);
      const time = given('time', values.time);
      slurmOpts = {
        partition: partition === undefined ? undefined : slurmPartition(partition),
        time: time === undefined ? undefined : slurmTime(time),
        cpusPerTask:
          values['cpus-per-task'] === undefined
            ? undefined
            : intOption('cpus-per-task', values['cpus-per-task'], 1, 1, 1024),
        throttle:
          values.jobs === undefined ? undefined : intOption('jobs', values.jobs, 1, 1, 100000),
        extra: sbatchExtra((values.sbatch ?? []).map((v) => given('sbatch', v)!)),
      };
    }
  } catch (e) {
    if (e instanceof SlurmOptionError) throw new UsageError(e.message);
    throw e;
  }
  const jobs = slurm ? 1 : intOption('jobs', values.jobs, availableParallelism(), 1, 256);
  checkZooDir(dir);
  const bytes = loadBytes(dataPath);
  mkdirSync(dir, { recursive: true });
  const recipe: ZooRecipe = {
    epochs,
    optimizer: 'sgd',
    kernel,
    data: basename(dataPath),
    dataBytes: bytes.length,
    dataSha256: sha256(bytes),
  };
  const where = (): { done: ZooRun[]; todo: number[]; inSlurm: Map<number, SeedInSlurm> } => {
    const plan = zooPlan(dir, recipe, seeds);
    // A task of a zoo array trains its seed without asking squeue (it would find itself running).
    if (process.env[TASK_ENV]) return { ...plan, inSlurm: new Map() };
    try {
      return { ...plan, inSlurm: seedsInSlurm(dir, plan.todo) };
    } catch (e) {
      // Submitting needs Slurm; a zoo copied to a machine without it can still be trained here.
      if (slurm) throw e;
      console.error(
        `note: cannot ask Slurm about the seeds submitted from ${dir} (${(e as Error).message}); treating them as not queued`,
      );
      return { ...plan, inSlurm: new Map() };
    }
  };
  if (slurmOpts) {
    const opts = slurmOpts;
    const cmd = {
      root: PROJECT_ROOT,
      dir: resolve(dir),
      data: resolve(dataPath),
      epochs,
      kernel,
      every,
    };
    // One submission at a time per zoo: the plan and the record of what was submitted go together.
    mkdirSync(join(dir, SLURM_DIR), { recursive: true });
    return withSharedLock(
      join(dir, SLURM_DIR, 'submit'),
      () => {
        const { done, todo, inSlurm } = where();
        reportPlan(done, todo, inSlurm, 'not submitted again', 'submitting it again');
        const submit = todo.filter((s) => inSlurm.get(s)?.kind !== 'active');
        if (submit.length === 0) {
          console.log(`nothing to submit: every seed of ${spec} is finished or in the queue`);
          return 0;
        }
        const sub = submitArray(cmd, submit, opts);
        const logs = join(resolve(dir), SLURM_DIR, `job-${sub.job}_<task>.out`);
        console.log(
          `submitted Slurm job ${sub.job}: ${submit.length} array task${submit.length === 1 ? '' : 's'}, one per seed (seeds ${seedSpec(submit)}), ${epochs} epochs each, into ${resolve(dir)}`,
        );
        console.log(
          `follow it:  squeue -j ${sub.job}   (task logs: ${logs}; task i trains the i-th seed)`,
        );
        console.log(
          `each run is recorded in ${join(resolve(dir), MANIFEST)} as it lands; the same zoo command with --status says which seeds finished, run or failed, and with --slurm again submits only what is missing`,
        );
        return 0;
      },
      { waitMs: 120_000 },
    );
  }
  const { done, todo, inSlurm } = where();
  if (values.status) {
    reportPlan(
      done,
      todo,
      inSlurm,
      'its run lands when it ends',
      'train it again with --slurm or here',
    );
    for (const s of todo) if (!inSlurm.has(s)) console.log(`seed ${s}: not trained yet`);
    console.log(`zoo ${dir}: ${done.length} of ${seeds.length} runs finished`);
    return 0;
  }
  reportPlan(done, todo, inSlurm, 'not trained here', 'training it here');
  return trainZooHere(
    dir,
    recipe,
    bytes,
    dataPath,
    todo.filter((s) => inSlurm.get(s)?.kind !== 'active'),
    done.length,
    seeds.length,
    { jobs, every, kernel, epochs },
  );
}

/**
 * Say what the plan found: the finished runs, and for the seeds submitted to Slurm whether they are
 * queued or running (`active`: what zoo does about them) or failed (`failed`: what it does then).
 */
function reportPlan(
  done: readonly ZooRun[],
  todo: readonly number[],
  inSlurm: ReadonlyMap<number, SeedInSlurm>,
  active: string,
  failed: string,
): void {
  for (const r of done)
    console.log(
      `seed ${r.seed}: finished before (${r.model}, ${r.bpc.toFixed(4)} bpc), not retrained`,
    );
  for (const s of todo) {
    const at = inSlurm.get(s);
    if (at)
      for (const line of describeSeed(s, at, at.kind === 'active' ? active : failed))
        console.log(line);
  }
}

/**
 * Train the seeds `todo` of a zoo on this machine's cores, `jobs` at a time, recording each run as
 * it finishes. Each seed's model is locked while it trains: a second zoo on the same folder (here,
 * or a task of a job array) skips the seeds this one trains.
 */
async function trainZooHere(
  dir: string,
  recipe: ZooRecipe,
  bytes: Uint8Array,
  dataPath: string,
  todo: readonly number[],
  before: number,
  total: number,
  o: { jobs: number; every: number; kernel: 'fast' | 'reference'; epochs: number },
): Promise<number> {
  const { jobs, every, kernel, epochs } = o;
  const locks: Lock[] = [];
  try {
    const mine: number[] = [];
    for (const seed of todo) {
      const model = join(dir, runFileName(seed));
      const lock = tryLockOutput(model);
      if (lock) {
        locks.push(lock);
        mine.push(seed);
      } else
        console.log(
          `seed ${seed}: being trained by another run (pid ${lockHolder(`${model}.lock`) ?? '?'}, lock ${model}.lock), skipped`,
        );
    }
    if (mine.length === 0) return 0;
    console.log(
      `training ${mine.length} of ${total} runs (${epochs} epochs each) on ${dataPath} (${bytes.length} bytes), ${Math.min(jobs, mine.length)} at a time, into ${dir}`,
    );
    const signals = stopOnSignals(
      'keeping the runs that finished (the others are discarded; run again to resume)',
    );
    let saved = 0;
    try {
      const tasks = mine.map((seed): TrainTaskInput => ({
        bytes,
        epochs,
        optimizer: 'sgd',
        seed,
        kernel,
        every,
        label: `[seed ${seed}] `,
        stop: signals.stop,
      }));
      await parallelMap<TrainTaskInput, TrainTaskResult>(TRAIN_TASK, 'trainTask', tasks, {
        workers: jobs,
        // Each run is saved as soon as it finishes, so an interrupt (even a second Ctrl-C) keeps it.
        onResult: (i, _done, _total, r) => {
          const seed = mine[i];
          if (r.log.length < epochs) return; // stopped early: not a run of the recipe
          const model = runFileName(seed),
            log = logFileFor(model);
          for (const p of [model, log])
            for (const stale of removeStaleTemps(join(dir, p)))
              console.error(`removed ${stale}, a temporary file an interrupted save left`);
          saveRun(join(dir, model), join(dir, log), r);
          const run: ZooRun = {
            seed,
            model,
            log,
            bpc: bpc(r.best, bytes, { kernel }),
            bestEpoch: r.bestEpoch,
            seconds: r.seconds,
          };
          recordRun(dir, recipe, run);
          saved++;
          console.log(
            `seed ${seed}: kept epoch ${r.bestEpoch}, ${run.bpc.toFixed(4)} bpc, ${r.seconds.toFixed(1)} s; saved ${join(dir, model)}`,
          );
        },
      });
      const stoppedBy = signals.stoppedBy();
      if (stoppedBy !== null) {
        console.log(
          `stopped by ${stoppedBy}: ${saved} of ${mine.length} runs finished and saved, ${mine.length - saved} discarded; run the same command again to resume`,
        );
        return 128 + SIGNALS[stoppedBy];
      }
      console.log(`zoo ${dir}: ${before + saved} runs, manifest ${join(dir, MANIFEST)}`);
      return 0;
    } finally {
      signals.dispose();
    }
  } finally {
    for (const l of locks) l.release();
  }
}

function cmdInfo(args: string[]): void {
  const { values } = parseArgs({ args, options: { model: { type: 'string' } } });
  const model = given('model', values.model);
  if (!model) throw new UsageError('info: --model <file> is required');
  const m = loadModel(model, null);
  const H = m.hidden;
  const shapes: Record<string, string> = {
    Wx: `${H}x256`,
    Wh: `${H}x${H}`,
    bh: `${H}`,
    Wy: `256x${H}`,
    by: '256',
  };
  console.log(`${model}: hidden ${H}, ${parameterCount(H)} parameters`);
  console.log('tensor  shape      mean       std        min        max        max|w|');
  tensors(m).forEach((t, k) => {
    let s = 0,
      s2 = 0,
      min = Infinity,
      max = -Infinity;
    for (const v of t) {
      s += v;
      s2 += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = s / t.length;
    const std = Math.sqrt(Math.max(0, s2 / t.length - mean * mean));
    const f = (v: number) => v.toFixed(5).padStart(10);
    console.log(
      `${TENSOR_NAMES[k].padEnd(7)} ${shapes[TENSOR_NAMES[k]].padEnd(9)} ${f(mean)} ${f(std)} ${f(min)} ${f(max)} ${f(Math.max(-min, max))}`,
    );
  });
  console.log(`spectral radius of Wh: ${spectralRadius(Float64Array.from(m.Wh), H).toFixed(4)}`);
}

function cmdInstallModel(args: string[]): void {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1)
    throw new UsageError(`install-model: expected one file or folder, got ${positionals.length}`);
  const target = join(PROJECT_ROOT, PUBLISHED_MODEL);
  installPublishedModel(positionals[0]!, target);
  console.log(
    `installed the published model (sha256 ${PUBLISHED_MODEL_SHA256}) at ${PUBLISHED_MODEL}`,
  );
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'eval') cmdEval(rest);
    else if (cmd === 'train') return await cmdTrain(rest);
    else if (cmd === 'zoo') return await cmdZoo(rest);
    else if (cmd === 'info') cmdInfo(rest);
    else if (cmd === 'install-model') cmdInstallModel(rest);
    else if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command '${cmd}'`);
    return 0;
  } catch (e) {
    const usage =
      e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`sat: ${(e as Error).message}`);
    if (usage) console.error(USAGE);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
