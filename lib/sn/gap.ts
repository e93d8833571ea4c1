/**
 * Experiment drivers for notebook 05 (the SN export gap): weight survival, layer isolation,
 * α sweeps, log-scale sweeps and re-synchronised runs, each returning table rows.
 *
 * Scoring protocol of every bpc here: the bpc protocol of lib/core/rnn.ts `evaluate` (h = 0, all n − 1
 * positions); re-synchronised runs are scored by the same `scoreStates`, and the fast kernels are
 * bit-identical to the reference. One arithmetic for free-running and re-synchronised runs matters
 * because a quantized model's bpc is a chaotic function of its
 * weights and state: perturbations at rounding level (one ulp of α, a different summation order,
 * h(−1) = 1e-12·u) move it by tenths of a bit.
 * Biases stay exact float unless a row says otherwise (the paper exports bias patterns only in
 * its last section).
 *
 * Speed without other bits: repeated models are scored once (`modelBpc`, lib/sn/memo.ts), and the
 * `*Parallel` drivers score independent models on a worker pool (lib/core/parallel.ts); the
 * float64 kernels are deterministic, so a row is the same bits in any thread.
 */
import { TENSOR_NAMES, type SatRnn, type TensorName } from '../core/model.js';
import { evaluate, scoreStates, type Score } from '../core/rnn.js';
import { runResync } from './dynamics.js';
import { availableParallelism } from 'node:os';
import { parallelMap } from '../core/parallel.js';
import { modelBpc, prefetchBpc } from './memo.js';
import {
  bitsPerWeight,
  encodeStrengths,
  linearQuantizer,
  logQuantizer,
  maxAbs,
  quantizeModel,
  strengthStats,
  type QuantSpec,
  type Quantizer,
} from './um.js';

/** The three weight matrices (the paper's "All" layers). */
export const WEIGHT_MATRICES = ['Wx', 'Wh', 'Wy'] as const;

/** Gap bpc of a model re-synchronised to `reference` ([n][H]) every `period` steps (see runResync). */
export function resyncScore(
  m: SatRnn,
  bytes: Uint8Array,
  reference: Float64Array,
  period: number,
): Score {
  return scoreStates(m.Wy, m.by, m.hidden, runResync(m, bytes, reference, period).h, bytes);
}

/** The same quantizer on each listed tensor. */
export function specFor(names: readonly TensorName[], q: Quantizer): QuantSpec {
  return Object.fromEntries(names.map((n) => [n, q]));
}

export interface SurvivalRow {
  tensor: string;
  weights: number;
  dropped: number;
  exported: number;
  droppedPct: number;
  maxStrength: number;
}

/** Survival of weights under a quantizer: one row per tensor plus the weight total (Wx + Wh + Wy). */
export function survivalRows(m: SatRnn, q: Quantizer): SurvivalRow[] {
  const rows = TENSOR_NAMES.map((name): SurvivalRow => {
    const st = strengthStats(encodeStrengths(m[name], q, name));
    return {
      tensor: name,
      weights: st.total,
      dropped: st.dropped,
      exported: st.exported,
      droppedPct: 100 * st.droppedFraction,
      maxStrength: st.maxStrength,
    };
  });
  const w = rows.filter((r) => (WEIGHT_MATRICES as readonly string[]).includes(r.tensor));
  const total = w.reduce(
    (a, r) => ({ weights: a.weights + r.weights, dropped: a.dropped + r.dropped }),
    { weights: 0, dropped: 0 },
  );
  rows.push({
    tensor: 'Wx+Wh+Wy',
    weights: total.weights,
    dropped: total.dropped,
    exported: total.weights - total.dropped,
    droppedPct: (100 * total.dropped) / total.weights,
    maxStrength: Math.max(...w.map((r) => r.maxStrength)),
  });
  return rows;
}

/**
 * A reading of the paper's Table 2 ("quantizing each layer to [0, 255] with its own α"): the
 * quantizer it applies to a tensor.
 */
export interface IsolationReading {
  readonly name: string;
  readonly quantizerFor: (w: Float32Array, name: TensorName) => Quantizer;
}

/** The Table 2 readings tried in notebook 05; the first is the one the notebook adopts. */
export const ISOLATION_READINGS: readonly IsolationReading[] = [
  {
    name: 'per-layer α = 255/max|W| (chosen)',
    quantizerFor: (w, n) => linearQuantizer(255 / maxAbs(w, n), true),
  },
  { name: 'α = 128, clipped at 255', quantizerFor: () => linearQuantizer(128, true) },
  { name: 'α = 128, no clip', quantizerFor: () => linearQuantizer(128, false) },
  { name: 'α = 62.5 for all (global max → 255)', quantizerFor: () => linearQuantizer(62.5, true) },
];

/** Layer sets of Table 2, plus "All + biases" (an alternative reading of "All"). */
export const ISOLATION_SETS: ReadonlyArray<{ label: string; tensors: readonly TensorName[] }> = [
  { label: 'None (exact)', tensors: [] },
  { label: 'Wx only', tensors: ['Wx'] },
  { label: 'Wh only', tensors: ['Wh'] },
  { label: 'Wy only', tensors: ['Wy'] },
  { label: 'Wx + Wh', tensors: ['Wx', 'Wh'] },
  { label: 'All (Wx + Wh + Wy)', tensors: ['Wx', 'Wh', 'Wy'] },
  { label: 'All + biases', tensors: ['Wx', 'Wh', 'Wy', 'bh', 'by'] },
];

/** Gap bpc of every layer set under one reading. */
export function layerIsolation(
  m: SatRnn,
  bytes: Uint8Array,
  reading: IsolationReading,
): Array<{ layers: string; bpc: number }> {
  return ISOLATION_SETS.map(({ label, tensors }) => {
    const spec: QuantSpec = Object.fromEntries(
      tensors.map((n) => [n, reading.quantizerFor(m[n], n)]),
    );
    return { layers: label, bpc: modelBpc(quantizeModel(m, spec), bytes) };
  });
}

export interface AlphaRow {
  alpha: number;
  clip: boolean;
  /** Largest strength over Wx, Wh, Wy. */
  maxStrength: number;
  /** log2(maxStrength + 1): magnitude bits per weight (the sign is in the wiring). */
  bits: number;
  whDroppedPct: number;
  /** Weights quantized, biases exact. */
  bpc: number;
  /** Weights and biases quantized. */
  bpcWithBiases: number;
}

/** Temperature-compensated linear mapping at each α (Tables 3 and 4). */
export function alphaSweep(
  m: SatRnn,
  bytes: Uint8Array,
  alphas: readonly number[],
  clip: boolean,
): AlphaRow[] {
  const models = alphaSweepModels(m, alphas, clip)[Symbol.iterator]();
  const nextBpc = () => modelBpc(models.next().value as SatRnn, bytes);
  return alphas.map((alpha) => {
    const q = linearQuantizer(alpha, clip);
    const maxStrength = Math.max(
      ...WEIGHT_MATRICES.map((n) => strengthStats(encodeStrengths(m[n], q, n)).maxStrength),
    );
    return {
      alpha,
      clip,
      maxStrength,
      bits: bitsPerWeight(maxStrength),
      whDroppedPct: 100 * strengthStats(encodeStrengths(m.Wh, q, 'Wh')).droppedFraction,
      bpc: nextBpc(),
      bpcWithBiases: nextBpc(),
    };
  });
}

/**
 * The models `alphaSweep` scores, one at a time in its order: per α, the weight matrices
 * quantized, then every tensor (what `alphaSweepParallel` scores ahead).
 */
function* alphaSweepModels(m: SatRnn, alphas: readonly number[], clip: boolean): Iterable<SatRnn> {
  for (const alpha of alphas) {
    const q = linearQuantizer(alpha, clip);
    yield quantizeModel(m, specFor(WEIGHT_MATRICES, q));
    yield quantizeModel(m, specFor(TENSOR_NAMES, q));
  }
}

/**
 * `alphaSweep` with its models scored on a worker pool first (`prefetchBpc`), so the sweep reads
 * their bpc from memory: the same rows, the same bits.
 */
export async function alphaSweepParallel(
  m: SatRnn,
  bytes: Uint8Array,
  alphas: readonly number[],
  clip: boolean,
  workers?: number,
): Promise<AlphaRow[]> {
  await prefetchBpc(alphaSweepModels(m, alphas, clip), bytes, workers);
  return alphaSweep(m, bytes, alphas, clip);
}

/** The log-scale model of Table 5: eq. 5 on Wx (c_Wx), Wh (c_Wh), Wy (c_Wy), each with its own wmax = max|W|. */
export function logScaleModel(m: SatRnn, cWh: number, cWx = 1000, cWy = 1000): SatRnn {
  return quantizeModel(m, {
    Wx: logQuantizer(cWx, m.Wx),
    Wh: logQuantizer(cWh, m.Wh),
    Wy: logQuantizer(cWy, m.Wy),
  });
}

export interface LogSweepRow {
  cWh: number;
  /** Free-running gap bpc. */
  bpc: number;
  /** Gap bpc re-synchronised to the reference every `period` steps, where computed (else null). */
  resync: number | null;
}

export interface LogSweepOptions {
  /** Reference trajectory ([n][H], the float model's) for the re-synchronised column. */
  reference?: Float64Array;
  /** Re-synchronisation period N (default 50). */
  period?: number;
  /** Compute the re-synchronised bpc at every `resyncStride`-th c (default 1 = all; needs `reference`). */
  resyncStride?: number;
  /** Called after each c with (done, total). */
  progress?: (done: number, total: number) => void;
}

/** The row of c_Wh: its free-running bpc, and its re-synchronised bpc when `reference` is given. */
function logScaleRow(
  m: SatRnn,
  bytes: Uint8Array,
  cWh: number,
  reference: Float64Array | undefined,
  period: number,
): LogSweepRow {
  // Every c_Wh is a new model: evaluated directly (the memo's hashing would buy nothing here).
  const qm = logScaleModel(m, cWh);
  const resync = reference ? resyncScore(qm, bytes, reference, period).bpc : null;
  return { cWh, bpc: evaluate(qm, bytes).bpc, resync };
}

/** The period and the c's with a re-synchronised column (`resyncStride`) of a sweep's options. */
function sweepPlan(cs: readonly number[], opts: LogSweepOptions) {
  const period = opts.period ?? 50,
    stride = opts.resyncStride ?? 1;
  if (!Number.isInteger(stride) || stride < 1)
    throw new RangeError(`resyncStride: expected a positive integer, got ${stride}`);
  return { period, resync: cs.map((_, i) => opts.reference !== undefined && i % stride === 0) };
}

/** Table 5 and its dense version: the log-scale model's gap bpc at each c_Wh (c_Wx = c_Wy = 1000). */
export function logScaleSweep(
  m: SatRnn,
  bytes: Uint8Array,
  cs: readonly number[],
  opts: LogSweepOptions = {},
): LogSweepRow[] {
  const { period, resync } = sweepPlan(cs, opts);
  return cs.map((cWh, i) => {
    const row = logScaleRow(m, bytes, cWh, resync[i] ? opts.reference : undefined, period);
    opts.progress?.(i + 1, cs.length);
    return row;
  });
}

/** Input of `logScaleTask`: consecutive c_Wh of a sweep, each with whether it has a resync column. */
export interface LogSweepJob {
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
  readonly cs: readonly number[];
  readonly resync: readonly boolean[];
  readonly reference?: Float64Array;
  readonly period: number;
}

/** The rows of one `LogSweepJob` (a `parallelMap` task). */
export function logScaleTask(job: LogSweepJob): LogSweepRow[] {
  return job.cs.map((cWh, k) =>
    logScaleRow(job.model, job.bytes, cWh, job.resync[k] ? job.reference : undefined, job.period),
  );
}

/**
 * Consecutive c_Wh per job of a sweep over `count` c: up to 16 (the model and the reference cross
 * to a worker once per job), and at least two jobs per worker when there are enough c.
 */
function sweepJobSize(count: number, workers = availableParallelism()): number {
  return Math.max(1, Math.min(16, Math.ceil(count / (2 * workers))));
}

/**
 * `logScaleSweep` on a worker pool (one worker per core, or `workers`): the same rows, the same
 * bits (each row is computed by the same float64 kernels, only in another thread). `progress`
 * is called as jobs (up to 16 c each) finish, with the number of c done.
 */
export async function logScaleSweepParallel(
  m: SatRnn,
  bytes: Uint8Array,
  cs: readonly number[],
  opts: LogSweepOptions & { workers?: number } = {},
): Promise<LogSweepRow[]> {
  const { period, resync } = sweepPlan(cs, opts);
  const jobs: LogSweepJob[] = [],
    size = sweepJobSize(cs.length, opts.workers);
  for (let i = 0; i < cs.length; i += size) {
    const k = Math.min(cs.length, i + size);
    const job = { model: m, bytes, cs: cs.slice(i, k), resync: resync.slice(i, k), period };
    jobs.push(resync.slice(i, k).some(Boolean) ? { ...job, reference: opts.reference } : job);
  }
  let done = 0;
  const parts = await parallelMap<LogSweepJob, LogSweepRow[]>(
    new URL(import.meta.url),
    'logScaleTask',
    jobs,
    {
      workers: opts.workers,
      onResult: (i) => {
        done += jobs[i].cs.length;
        opts.progress?.(done, cs.length);
      },
    },
  );
  return parts.flat();
}

/** Input of `logScaleResyncTask`: c_Wh of log-scale models to re-synchronise to `reference` every `period` steps. */
export interface LogResyncJob {
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
  readonly cs: readonly number[];
  readonly reference: Float64Array;
  readonly period: number;
}

/** The re-synchronised bpc of the log-scale model of each c_Wh of a job (a `parallelMap` task). */
export function logScaleResyncTask(job: LogResyncJob): number[] {
  return job.cs.map(
    (c) => resyncScore(logScaleModel(job.model, c), job.bytes, job.reference, job.period).bpc,
  );
}

/**
 * The re-synchronised gap bpc of the log-scale model at each c_Wh (`resyncScore` of
 * `logScaleModel(m, c)`, `reference`, `period`), on a worker pool (one worker per core, or
 * `workers`), jobs of up to 16 c: the same numbers, the same bits as in this thread.
 */
export async function logScaleResyncParallel(
  m: SatRnn,
  bytes: Uint8Array,
  cs: readonly number[],
  reference: Float64Array,
  period: number,
  workers?: number,
): Promise<number[]> {
  const jobs: LogResyncJob[] = [],
    size = sweepJobSize(cs.length, workers);
  for (let i = 0; i < cs.length; i += size)
    jobs.push({ model: m, bytes, cs: cs.slice(i, i + size), reference, period });
  const parts = await parallelMap<LogResyncJob, number[]>(
    new URL(import.meta.url),
    'logScaleResyncTask',
    jobs,
    { workers },
  );
  return parts.flat();
}

/** Input of `resyncPeriodsTask`: one model re-synchronised to `reference` at each period. */
export interface ResyncPeriodsJob {
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
  readonly reference: Float64Array;
  readonly periods: readonly number[];
}

/** `resyncScore(model, bytes, reference, N).bpc` for each period N of a job (a `parallelMap` task). */
export function resyncPeriodsTask(job: ResyncPeriodsJob): number[] {
  return job.periods.map((p) => resyncScore(job.model, job.bytes, job.reference, p).bpc);
}

/**
 * The re-synchronised gap bpc of each model at each period ([model][period], `resyncScore`), one
 * model per job on a worker pool (one worker per core, or `workers`): the same bits as in this
 * thread.
 */
export async function resyncPeriodsParallel(
  models: readonly SatRnn[],
  bytes: Uint8Array,
  reference: Float64Array,
  periods: readonly number[],
  workers?: number,
): Promise<number[][]> {
  return parallelMap<ResyncPeriodsJob, number[]>(
    new URL(import.meta.url),
    'resyncPeriodsTask',
    models.map((model) => ({ model, bytes, reference, periods })),
    { workers },
  );
}

/** The quantized model's bpc with each weight matrix alone and all three quantized at one α (the slider figure of notebook 05). */
export interface LayerGapFrame {
  readonly alpha: number;
  readonly clip: boolean;
  /** Layer sets in `LAYER_GAP_SETS` order. */
  readonly layers: readonly string[];
  /** bpc of the model with those matrices quantized; the gap is bpc − floatBpc (negative where quantizing helps). */
  readonly bpc: readonly number[];
  /** bpc of the float model. */
  readonly floatBpc: number;
}

/** Layer sets of the α slider: each matrix alone, then all three. */
export const LAYER_GAP_SETS = ISOLATION_SETS.filter((s) =>
  ['Wx only', 'Wh only', 'Wy only', 'All (Wx + Wh + Wy)'].includes(s.label),
);

/**
 * The export gap per layer set as α moves: the temperature-compensated linear map s = round(α|w|)
 * (clipped at 255 or not) on the set's matrices, biases float, scored by the bpc protocol beside
 * the float model. One frame per (α, clip), α-major.
 */
export function layerGapSweep(
  m: SatRnn,
  bytes: Uint8Array,
  alphas: readonly number[],
  clips: readonly boolean[] = [true, false],
): LayerGapFrame[] {
  const models = layerGapModels(m, alphas, clips)[Symbol.iterator]();
  const nextBpc = () => modelBpc(models.next().value as SatRnn, bytes);
  const floatBpc = nextBpc();
  return alphas.flatMap((alpha) =>
    clips.map((clip) => ({
      alpha,
      clip,
      layers: LAYER_GAP_SETS.map((s) => s.label),
      floatBpc,
      bpc: LAYER_GAP_SETS.map(nextBpc),
    })),
  );
}

/**
 * The models `layerGapSweep` scores, one at a time in its order: the float model, then each
 * (α, clip, set) (what `layerGapSweepParallel` scores ahead).
 */
function* layerGapModels(
  m: SatRnn,
  alphas: readonly number[],
  clips: readonly boolean[],
): Iterable<SatRnn> {
  yield m;
  for (const alpha of alphas)
    for (const clip of clips)
      for (const s of LAYER_GAP_SETS)
        yield quantizeModel(m, specFor(s.tensors, linearQuantizer(alpha, clip)));
}

/**
 * `layerGapSweep` with its models scored on a worker pool first (`prefetchBpc`), so the sweep
 * reads their bpc from memory: the same frames, the same bits.
 */
export async function layerGapSweepParallel(
  m: SatRnn,
  bytes: Uint8Array,
  alphas: readonly number[],
  clips: readonly boolean[] = [true, false],
  workers?: number,
): Promise<LayerGapFrame[]> {
  await prefetchBpc(layerGapModels(m, alphas, clips), bytes, workers);
  return layerGapSweep(m, bytes, alphas, clips);
}
