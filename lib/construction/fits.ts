/**
 * The construction experiments of the weight-construction page (sections 4–6b): readouts fitted on
 * a fixed carrier (the shift register of lib/construction/shift-register.ts) and scored as the original
 * programs score them, by running the constructed sat-rnn from h = 0 (lib/construction/score-rules.ts).
 *
 * A protocol fixes what a construction may look at. For a text of n bytes and m = ⌊n/2⌋:
 *
 *   protocol         analytic counts   PI solve, descent   by, PI marginal   grid picked by
 *   original         t = g … n − 2     [16, n − 2)         all n bytes       all
 *   original-halves  t = g … m − 2     —                   all n bytes       test half
 *   heldout          t = g … m − 2     [16, m − 2)         first m bytes     train half
 *
 * `original` is write_weights6.c/12.c and the all-data columns of write_weights8.c.
 * `original-halves` is write_weights8.c's analytic train/test columns: counts from the first half,
 * but (α, s) picked by the best *test-half* score. (Its "optimized Wy, test" column is the
 * `original` readout, fitted on [16, n − 2) with the test half inside, scored on the test half.)
 * `heldout` is the honest variant: the original rules applied to the first half as if it were the
 * whole text, then scored on the second half, which nothing was fitted or selected on.
 *
 * Every fit is scored under every rule at once (`RuleScores`): one run from h = 0, one pass of
 * per-position bits. `RuleScores.fit`, the mean loss on the protocol's fitting positions (what the
 * programs print as their training loss), is the named fit-range variant.
 */
import { HASHES } from './hash.js';
import {
  analyticReadout,
  carrierStates,
  logRatioDirections,
  ANALYTIC_GRID,
  type CarrierSpec,
} from './shift-register.js';
import { piReadout, scaleSweepNats } from './pinv.js';
import { marginalBias, smoothedMarginal } from '../core/data.js';
import { newtonReadout, type NewtonOptions, type NewtonStep } from './newton.js';
import {
  fitReadout,
  readoutBpc,
  readoutProblem,
  zeroReadout,
  SCHEDULES,
  type Readout,
  type ReadoutProblem,
  type Schedule,
} from './readout.js';
import {
  ALL,
  fitSpan,
  halves,
  meanBits,
  positionBits,
  scoredSpan,
  type ReadoutLike,
  type Span,
} from './score-rules.js';
import { parallelMap, type ParallelOptions } from '../core/parallel.js';
import { awaitJob, claimJob, jobKey, readJob } from '../core/job-cache.js';
import { mkdirSync } from 'node:fs';

/** The protocols of the module comment. */
export type ProtocolName = 'original' | 'original-halves' | 'heldout';

/** What a protocol lets a construction see, on one text. */
export interface Protocol {
  readonly name: ProtocolName;
  /** Positions whose pairs (x_{t−g}, x_{t+1}), t ≥ g, the analytic counts use. */
  readonly stats: Span;
  /** Positions the PI solve and the gradient methods fit (and whose mean loss is `RuleScores.fit`). */
  readonly fit: Span;
  /** The bytes whose smoothed counts give by and the PI target marginal. */
  readonly counts: Uint8Array;
  /** Positions whose bpc picks a grid point (α, scale). */
  readonly select: Span;
}

/** The protocol `name` on `bytes` (see the module comment). */
export function protocol(name: ProtocolName, bytes: Uint8Array): Protocol {
  const n = bytes.length,
    m = Math.floor(n / 2);
  const { train, test } = halves(n);
  switch (name) {
    case 'original':
      return {
        name,
        stats: { from: 0, to: n - 1 },
        fit: fitSpan(n),
        counts: bytes,
        select: scoredSpan(ALL, n),
      };
    case 'original-halves':
      return {
        name,
        stats: { from: 0, to: m - 1 },
        fit: fitSpan(m),
        counts: bytes,
        select: scoredSpan(test, n),
      };
    case 'heldout':
      return {
        name,
        stats: { from: 0, to: m - 1 },
        fit: fitSpan(m),
        counts: bytes.subarray(0, m),
        select: scoredSpan(train, n),
      };
  }
  throw new RangeError(
    `protocol: expected original, original-halves or heldout, got ${String(name)}`,
  );
}

/**
 * A readout's bpc under every rule on one run from h = 0: `all`, the original halves `train` =
 * range(0, m) and `test` = range(m, n), and `fit`, the mean loss on the fitting positions.
 */
export interface RuleScores {
  readonly all: number;
  readonly train: number;
  readonly test: number;
  readonly fit: number;
}

/** `RuleScores` of a readout on the states [n][H] of a run from h = 0 over `bytes`. */
export function ruleScores(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  r: ReadoutLike,
  fit: Span,
): RuleScores {
  return bitsScores(positionBits(states, hidden, bytes, r), fit);
}

/** `RuleScores` from the bits of every position of a run from h = 0 ([n − 1], capped at MAX_BITS). */
export function bitsScores(bits: Float64Array, fit: Span): RuleScores {
  const n = bits.length + 1;
  const { train, test } = halves(n);
  return {
    all: meanBits(bits, scoredSpan(ALL, n)),
    train: meanBits(bits, scoredSpan(train, n)),
    test: meanBits(bits, scoredSpan(test, n)),
    fit: meanBits(bits, fit),
  };
}

/**
 * Readout methods: the closed forms, and iterative fits on the protocol's fitting positions with
 * the float h as input, updating Wy and by.
 * - analytic: skip-bigram log-ratios, (α, scale) on ANALYTIC_GRID
 * - pi: ridge pseudo-inverse with residual targets, scale on PI_SCALES
 * - gd20: the paper's "PI + 20 Newton steps", i.e. 20 gradient steps at lr 0.5/N from `init`
 * - sgdPi: 500 epochs from `init` (SCHEDULES.fromPi)
 * - sgdZero: 1000 epochs from Wy = 0, by = the protocol's marginal bias (SCHEDULES.fromZero)
 * - sgdSkip: the same start under the earlier skip-pattern constructions' schedule
 *   (SCHEDULES.skipConstruction), fitted on `skipFitSpan`, every position whose window is full;
 *   those programs print the lowest training loss met (`bestEpochLoss` of its curve), and
 *   construct_skip.c also the constructed network's score over the whole text (the `all` rule)
 * - newton: 20 damped block-diagonal Newton iterations from `init` (lib/construction/newton.ts)
 */
export type Method = 'analytic' | 'pi' | 'gd20' | 'sgdPi' | 'sgdZero' | 'sgdSkip' | 'newton';

const DESCENT: Partial<Record<Method, Schedule>> = {
  gd20: SCHEDULES.paperNewton20,
  sgdPi: SCHEDULES.fromPi,
  sgdZero: SCHEDULES.fromZero,
  sgdSkip: SCHEDULES.skipConstruction,
};

/**
 * The fitting positions of inimino/hutter@f808449:construct_skip.c on a register of `groups` groups
 * over n bytes: from t = groups − 1, the first state whose groups all hold a byte, to the last
 * position with a next byte, [groups − 1, n − 1).
 *
 * @example
 * skipFitSpan(16, 1024); // → { from: 15, to: 1023 }
 */
export function skipFitSpan(groups: number, n: number): Span {
  if (!(Number.isInteger(groups) && groups >= 1 && Number.isInteger(n) && n > groups))
    throw new RangeError(`skipFitSpan: expected integers 1 ≤ groups < n, got ${groups}, ${n}`);
  return { from: groups - 1, to: n - 1 };
}

/**
 * The lowest training loss a descent met before any of its updates (the "best" that
 * construct_skip.c prints beside its epochs and construct_skip_greedy.c as its train bpc): the
 * minimum of a curve's points before each update, its last point (after the last update) left out.
 *
 * @example
 * bestEpochLoss(Float64Array.from([3, 1, 2, 0.5])); // → 1
 */
export function bestEpochLoss(curve: Float64Array): number {
  if (curve.length < 2)
    throw new RangeError('bestEpochLoss: expected a curve of at least one update');
  let best = Infinity;
  for (let k = 0; k < curve.length - 1; k++) best = Math.min(best, curve[k]);
  return best;
}

/** Newton iterations of the `newton` method (the same count as the paper's "20 Newton steps"). */
export const NEWTON: NewtonOptions = { iterations: 20 };

/** A carrier that can cross to a worker: the hash by its key in `HASHES`. */
export interface CarrierJob extends Omit<CarrierSpec, 'hash'> {
  readonly hash: keyof typeof HASHES;
}

/** The `CarrierJob` of a spec whose hash is one of `HASHES`. */
export function carrierJob(spec: CarrierSpec): CarrierJob {
  const key = (Object.keys(HASHES) as (keyof typeof HASHES)[]).find((k) => HASHES[k] === spec.hash);
  if (!key)
    throw new RangeError(
      `hash: ${spec.hash.name} is not one of HASHES; only those can be fitted in parallel`,
    );
  return { ...spec, hash: key };
}

/** One construction: a method on a carrier under a protocol. */
export interface ConstructionJob {
  readonly carrier: CarrierJob;
  readonly bytes: Uint8Array;
  readonly protocol: ProtocolName;
  readonly method: Method;
  /** Start of gd20, sgdPi and newton: the same protocol's `pi` readout. */
  readonly init?: Readout;
  /**
   * Descent methods (gd20, sgdPi, sgdZero, sgdSkip): a schedule instead of the method's own, e.g.
   * `{ ...SCHEDULES.fromZero, epochs: 300 }` (notebook 03's exercise 3).
   */
  readonly schedule?: Schedule;
  /** pi: another ridge λ than piReadout's default 0.01 (an exercise's variant). */
  readonly ridge?: number;
  /** newton: another iteration count than `NEWTON`'s 20 (an exercise's variant). */
  readonly iterations?: number;
}

/** A fitted construction and its scores. */
export interface ConstructionFit {
  readonly readout: Readout;
  /** Grid choices of the closed forms. */
  readonly alpha?: number;
  readonly scale?: number;
  readonly scores: RuleScores;
  /** Iterative methods: loss (bpc) on the fitting positions before each update and after the last. */
  readonly curve?: Float64Array;
  /** Newton iterations. */
  readonly steps?: readonly NewtonStep[];
  readonly seconds: number;
}

/** Fit one construction (a `parallelMap` task): run the carrier, fit by the protocol, score by every rule. */
export function constructionTask(job: ConstructionJob): ConstructionFit {
  const t0 = performance.now();
  const spec: CarrierSpec = { ...job.carrier, hash: HASHES[job.carrier.hash] };
  const H = spec.groups * spec.bits,
    bytes = job.bytes;
  const states = carrierStates(spec, bytes);
  const pr = protocol(job.protocol, bytes);
  const problem = (s: Span): ReadoutProblem => readoutProblem(states, H, bytes, s.from, s.to);
  const by = Float64Array.from(marginalBias(pr.counts));
  const done = (r: Readout, extra: Partial<ConstructionFit> = {}): ConstructionFit => ({
    readout: { Wy: r.Wy, by: r.by },
    ...extra,
    scores: ruleScores(states, H, bytes, r, pr.fit),
    seconds: (performance.now() - t0) / 1000,
  });
  if (job.schedule !== undefined && DESCENT[job.method] === undefined)
    throw new RangeError(
      `schedule: only the descent methods gd20, sgdPi, sgdZero and sgdSkip take one, not ${job.method}`,
    );
  if (job.protocol === 'original-halves' && job.method !== 'analytic') {
    throw new RangeError(
      `method ${job.method}: the original-halves protocol only defines the analytic readout`,
    );
  }
  switch (job.method) {
    case 'analytic': {
      const a = analyticReadout(spec, problem(pr.stats), { by, select: problem(pr.select) });
      return done(a, { alpha: a.alpha, scale: a.scale });
    }
    case 'pi': {
      const p = piReadout(problem(pr.fit), {
        ...(job.ridge === undefined ? {} : { ridge: job.ridge }),
        marginal: smoothedMarginal(pr.counts),
        by,
        select: problem(pr.select),
      });
      return done(p, { scale: p.scale });
    }
    case 'newton': {
      const opts =
        job.iterations === undefined ? NEWTON : { ...NEWTON, iterations: job.iterations };
      const curve = newtonCurve(problem(pr.fit), initOf(job), opts);
      return done(curve.readout, { curve: curve.bpc, steps: curve.steps });
    }
    default: {
      const own = DESCENT[job.method];
      if (!own)
        throw new RangeError(
          `method: expected analytic, pi, gd20, sgdPi, sgdZero, sgdSkip or newton, got ${String(job.method)}`,
        );
      const schedule = job.schedule ?? own;
      if (job.method === 'sgdSkip' && job.protocol !== 'original')
        throw new RangeError(
          `method sgdSkip: defined for the original protocol only, got ${job.protocol}`,
        );
      const fit = problem(
        job.method === 'sgdSkip' ? skipFitSpan(spec.groups, bytes.length) : pr.fit,
      );
      const fromZero = job.method === 'sgdZero' || job.method === 'sgdSkip';
      const curve = descentCurve(fit, fromZero ? zeroReadout(fit, by) : initOf(job), schedule);
      return done(curve.readout, { curve: curve.bpc });
    }
  }
}

function initOf(job: ConstructionJob): Readout {
  if (!job.init)
    throw new RangeError(`method ${job.method}: needs init, the ${job.protocol} PI readout`);
  return job.init;
}

/** Relative cost of a job, to start the longest ones first. */
function cost(job: ConstructionJob): number {
  const H = job.carrier.groups * job.carrier.bits;
  const epochs = {
    analytic: 30,
    pi: 10,
    gd20: 20,
    sgdPi: 500,
    sgdZero: 1000,
    sgdSkip: 1000,
    newton: 1500,
  }[job.method];
  return (job.schedule?.epochs ?? epochs) * H * (job.protocol === 'heldout' ? 0.5 : 1);
}

/** Names a folder of fits shared by the processes of one run (lib/core/job-cache.ts); unset, nothing is shared. */
export const FIT_CACHE_ENV = 'SAT_FIT_CACHE';

/** Version of the fitting code in `fitKey`: change it when any fit's result changes (the runner's per-run folder covers a lib change). */
const FIT_CODE_VERSION = 'construction-fits/4';

/** The shared-fit key of a job: sha256 over the code version, carrier, protocol, method, bytes, the init readout's exact bits and the job's own schedule. */
export function fitKey(job: ConstructionJob): string {
  const c = job.carrier as unknown as Record<string, unknown>;
  const carrier = JSON.stringify(
    Object.keys(c)
      .sort()
      .map((k) => [k, c[k]]),
  );
  return jobKey([
    FIT_CODE_VERSION,
    carrier,
    job.protocol,
    job.method,
    job.bytes,
    ...(job.init ? ['init', job.init.Wy, job.init.by] : ['no init']),
    // The exercises' variants, only when set (the keys of the notebooks' own fits stay as they were).
    ...(job.schedule === undefined ? [] : ['schedule', JSON.stringify(job.schedule)]),
    ...(job.ridge === undefined ? [] : ['ridge', String(job.ridge)]),
    ...(job.iterations === undefined ? [] : ['iterations', String(job.iterations)]),
  ]);
}

/** Input of `sharedConstructionTask`: a job, the shared folder and the job's `fitKey`. */
export interface SharedConstructionJob {
  readonly job: ConstructionJob;
  readonly dir: string;
  readonly key: string;
}

/**
 * `constructionTask` through the shared folder (a `parallelMap` task): a finished fit is read, an
 * unclaimed job is claimed, fitted and written; null when another claim holds the job.
 */
export function sharedConstructionTask({
  job,
  dir,
  key,
}: SharedConstructionJob): ConstructionFit | null {
  return claimJob(dir, key, () => constructionTask(job))?.value ?? null;
}

/** The shared-fit folder named by FIT_CACHE_ENV (created if missing), or null when it is unset. */
function fitCacheDir(): string | null {
  const dir = process.env[FIT_CACHE_ENV];
  if (dir === undefined) return null;
  if (dir.trim() === '')
    throw new RangeError(
      `${FIT_CACHE_ENV}: set but empty; expected a folder for the run's shared fits`,
    );
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Fit one construction in this thread, shared through FIT_CACHE_ENV's folder as `fitConstructions`
 * shares (a job claimed elsewhere is fitted here as well rather than waited for: same bits).
 */
export function fitConstruction(job: ConstructionJob): ConstructionFit {
  const dir = fitCacheDir();
  return (
    (dir === null ? undefined : claimJob(dir, fitKey(job), () => constructionTask(job))?.value) ??
    constructionTask(job)
  );
}

/**
 * Fit constructions on a worker pool (one worker per core), longest first; results in job order
 * (`opts.onResult` receives job indices). With FIT_CACHE_ENV set, the jobs are shared with every
 * other process (or call) using that folder: each is fitted once, by whoever starts it first, and
 * read back by the others bit for bit (its `seconds` are those of the process that fitted it).
 */
export async function fitConstructions(
  jobs: readonly ConstructionJob[],
  opts: ParallelOptions = {},
): Promise<ConstructionFit[]> {
  const url = new URL(import.meta.url);
  const out = new Array<ConstructionFit>(jobs.length);
  let done = 0;
  const deliver = (i: number, fit: ConstructionFit) => {
    out[i] = fit;
    done++;
    opts.onResult?.(i, done, jobs.length, fit);
  };
  const order = jobs.map((job, i) => ({ job, i })).sort((a, b) => cost(b.job) - cost(a.job));
  const dir = fitCacheDir();
  if (dir === null) {
    await parallelMap<ConstructionJob, ConstructionFit>(
      url,
      'constructionTask',
      order.map((o) => o.job),
      { workers: opts.workers, onResult: (k, _d, _t, fit) => deliver(order[k].i, fit) },
    );
    return out;
  }
  const keys = jobs.map(fitKey);
  // Finished fits are read; the workers claim each other job as they start it and skip one claimed elsewhere.
  const todo = order.filter(({ i }) => {
    const fit = readJob<ConstructionFit>(dir, keys[i]);
    if (fit !== undefined) deliver(i, fit);
    return fit === undefined;
  });
  const claimed: number[] = [];
  await parallelMap<SharedConstructionJob, ConstructionFit | null>(
    url,
    'sharedConstructionTask',
    todo.map(({ job, i }) => ({ job, dir, key: keys[i] })),
    {
      workers: opts.workers,
      onResult: (k, _d, _t, fit) => {
        if (fit) deliver(todo[k].i, fit);
        else claimed.push(todo[k].i);
      },
    },
  );
  // Jobs claimed elsewhere: wait for their fits, taking over a claim that ended without one.
  await Promise.all(
    claimed.map((i) =>
      awaitJob(dir, keys[i], () => constructionTask(jobs[i])).then((fit) => deliver(i, fit)),
    ),
  );
  return out;
}

/** A readout and its learning curve: bpc[k] on the problem's positions after k updates. */
export interface DescentCurve {
  readonly readout: Readout;
  readonly bpc: Float64Array;
  /** Newton iterations (empty for gradient descent). */
  readonly steps: readonly NewtonStep[];
}

/** Full-batch gradient descent (`fitReadout`) from `init`, recording bpc after every update. */
export function descentCurve(p: ReadoutProblem, init: Readout, s: Schedule): DescentCurve {
  const bpc: number[] = [];
  const readout = fitReadout(p, init, s, (_epoch, loss) => {
    bpc.push(loss / Math.LN2);
  });
  bpc.push(readoutBpc(p, readout));
  return { readout, bpc: Float64Array.from(bpc), steps: [] };
}

/** Damped block-diagonal Newton (lib/construction/newton.ts) from `init`, recording bpc after every iteration. */
export function newtonCurve(
  p: ReadoutProblem,
  init: Readout,
  opts: NewtonOptions = NEWTON,
): DescentCurve {
  const res = newtonReadout(p, init, opts);
  const bpc = Float64Array.from([res.loss0, ...res.steps.map((s) => s.loss)], (l) => l / Math.LN2);
  return { readout: { Wy: res.Wy, by: res.by }, bpc, steps: res.steps };
}

/** bpc of every analytic readout on the (α, scale) grid, under every rule (the slider figure of notebook 03). */
export interface AnalyticGrid {
  readonly protocol: ProtocolName;
  readonly alphas: readonly number[];
  readonly scales: readonly number[];
  /** `RuleScores` of the readout scale·D(α), [α][scale] (α-major). */
  readonly scores: readonly RuleScores[];
}

/**
 * Score every point of the analytic grid on the carrier `spec` under protocol `name`: the
 * directions D(α) from the protocol's statistics, by from its counts, each readout scored under
 * every rule on the constructed net run from h = 0 (`bitsScores` of the bits of `scaleSweepNats`:
 * the products D(α)·h once per α, then one softmax per scale, so each score is `ruleScores`' to
 * float64 rounding). The point each rule would select is `gridChoice`.
 */
export function analyticGrid(
  spec: CarrierSpec,
  bytes: Uint8Array,
  name: ProtocolName,
  grid: { alphas: readonly number[]; scales: readonly number[] } = ANALYTIC_GRID,
): AnalyticGrid {
  if (grid.alphas.length === 0 || grid.scales.length === 0)
    throw new RangeError('analyticGrid: expected at least one α and one scale');
  const H = spec.groups * spec.bits;
  const states = carrierStates(spec, bytes);
  const pr = protocol(name, bytes);
  const by = Float64Array.from(marginalBias(pr.counts));
  const stats = readoutProblem(states, H, bytes, pr.stats.from, pr.stats.to);
  const run = readoutProblem(states, H, bytes);
  const N = run.to - run.from;
  const scores = grid.alphas.flatMap((alpha) => {
    const nats = scaleSweepNats(run, logRatioDirections(spec, stats, alpha), by, grid.scales);
    return grid.scales.map((_, k) =>
      bitsScores(
        nats.subarray(k * N, (k + 1) * N).map((v) => v / Math.LN2),
        pr.fit,
      ),
    );
  });
  return { protocol: name, alphas: [...grid.alphas], scales: [...grid.scales], scores };
}

/**
 * `RuleScores` of the analytic readout scale·D(α) at one grid point on the carrier `spec` under
 * protocol `name` (statistics, by and fitting positions as `analyticGrid`): the score of another
 * carrier at the point one construction chose, e.g. a bit-extraction variant at the bit-extraction
 * carrier's (α, s).
 */
export function analyticScoresAt(
  spec: CarrierSpec,
  bytes: Uint8Array,
  alpha: number,
  scale: number,
  name: ProtocolName = 'original',
): RuleScores {
  const g = analyticGrid(spec, bytes, name, { alphas: [alpha], scales: [scale] });
  return g.scores[0];
}

/** The grid point a rule selects: lowest bpc, α-major and scale-minor, the first lowest winning (the original's loop order). */
export function gridChoice(
  g: AnalyticGrid,
  rule: keyof RuleScores,
): { alpha: number; scale: number; index: number; scores: RuleScores } {
  let best = 0;
  g.scores.forEach((s, k) => {
    if (s[rule] < g.scores[best][rule]) best = k;
  });
  const S = g.scales.length;
  return {
    alpha: g.alphas[Math.floor(best / S)],
    scale: g.scales[best % S],
    index: best,
    scores: g.scores[best],
  };
}

/** Where each learning curve is after `k` updates (the slider figure of notebook 04). */
export interface ContinuumFrame {
  /** Updates made. */
  readonly k: number;
  /** Per curve: bpc after min(k, its last update) updates, and whether it has stopped (k past its last update). */
  readonly points: ReadonlyArray<{ readonly bpc: number; readonly stopped: boolean }>;
}

/**
 * Frames along learning curves (`ConstructionFit.curve`: bpc before each update and after the
 * last, so curve[k] is after k updates): one frame per k in `steps`, a curve that has stopped
 * staying at its last point.
 *
 * @example
 * const curves = [Float64Array.from([3, 2, 1]), Float64Array.from([4, 3])];
 * continuumFrames(curves, [1, 2]).map((f) => f.points.map((p) => p.bpc)); // → [[2, 3], [1, 3]]
 */
export function continuumFrames(
  curves: readonly Float64Array[],
  steps: readonly number[],
): ContinuumFrame[] {
  if (curves.some((c) => c.length < 1))
    throw new RangeError('continuumFrames: every curve needs its starting point');
  return steps.map((k) => {
    if (!(Number.isInteger(k) && k >= 0))
      throw new RangeError(`steps: expected non-negative integers, got ${k}`);
    return {
      k,
      points: curves.map((c) => ({ bpc: c[Math.min(k, c.length - 1)], stopped: k > c.length - 1 })),
    };
  });
}

/**
 * Slider steps for curves of up to `last` updates: every update up to `dense`, then about
 * `perDecade` log-spaced steps per decade, `last` included (increasing, no repeats).
 *
 * @example
 * continuumSteps(100, 5, 4); // → [0, 1, 2, 3, 4, 5, 9, 16, 28, 50, 89, 100]
 */
export function continuumSteps(last: number, dense = 20, perDecade = 12): number[] {
  if (!(
    Number.isInteger(last) &&
    last >= 1 &&
    Number.isInteger(dense) &&
    dense >= 0 &&
    perDecade > 0
  ))
    throw new RangeError(
      `continuumSteps: expected integers last ≥ 1, dense ≥ 0 and perDecade > 0, got ${last}, ${dense}, ${perDecade}`,
    );
  const out = new Set<number>();
  for (let k = 0; k <= Math.min(dense, last); k++) out.add(k);
  for (let e = Math.log10(Math.max(dense, 1)); e < Math.log10(last); e += 1 / perDecade)
    out.add(Math.min(last, Math.round(10 ** e)));
  out.add(last);
  return [...out].sort((a, b) => a - b);
}
