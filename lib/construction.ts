/**
 * The construction experiments of the weight-construction page (sections 4–6b): readouts fitted on
 * a fixed carrier, scored on all data and on train/test halves.
 *
 * Positions (DESIGN.md): Wy fitting and scoring use t ∈ [16, n − 2) (the 16-step warm-up skipped;
 * the original's t ∈ [16, n − 3]). Halves, with h = ⌊n/2⌋: statistics and fitting use the targets in
 * the first half, t ∈ [16, h − 1); the test score runs the network over the whole text (so the first
 * half is read unscored) and scores the targets of the second half, t ∈ [h − 1, n − 2).
 */
import { distinctPatterns, HASHES } from './hash.js';
import { analyticReadout, carrierStates, type CarrierSpec } from './shift-register.js';
import { piReadout } from './pinv.js';
import { newtonReadout, type NewtonOptions, type NewtonStep } from './newton.js';
import { fitReadout, readoutBpc, readoutProblem, zeroReadout, SCHEDULES, type Readout, type ReadoutProblem, type Schedule } from './readout.js';
import { parallelMap, type ParallelOptions } from './fast/parallel.js';

/** Warm-up positions skipped when fitting and scoring a readout. */
export const WARMUP = 16;

/** A half-open range of scored positions [from, to). */
export interface Range {
  readonly from: number;
  readonly to: number;
}

/** The fitting/scoring ranges for a text of n bytes (see the module comment). */
export function constructionRanges(n: number): { all: Range; train: Range; test: Range } {
  const h = Math.floor(n / 2);
  if (!(Number.isInteger(n) && h - 1 > WARMUP)) throw new RangeError(`n: a text of ${n} bytes is too short for the ${WARMUP}-step warm-up and two halves`);
  return { all: { from: WARMUP, to: n - 2 }, train: { from: WARMUP, to: h - 1 }, test: { from: h - 1, to: n - 2 } };
}

/** bpc on all data (fitted on all) and on the halves (fitted on the train half). */
export interface HalvesScore {
  readonly all: number;
  readonly train: number;
  readonly test: number;
}

/** Fits a readout on a problem's positions (statistics, solves and grids see only those). */
export type ReadoutFitter = (p: ReadoutProblem) => Readout;

/**
 * Score a readout construction on the states of a run ([n][H]): `fit` on all positions → bpc on
 * all; `fit` on the train half → bpc on the train half and on the test half.
 */
export function halvesScore(states: Float64Array, hidden: number, bytes: Uint8Array, fit: ReadoutFitter): HalvesScore {
  const r = constructionRanges(bytes.length);
  const problem = (q: Range) => readoutProblem(states, hidden, bytes, q.from, q.to);
  const all = problem(r.all), train = problem(r.train), test = problem(r.test);
  const onTrain = fit(train);
  return { all: readoutBpc(all, fit(all)), train: readoutBpc(train, onTrain), test: readoutBpc(test, onTrain) };
}

/** The carrier's readout problem on positions [16, n − 2). */
export function carrierProblem(spec: CarrierSpec, bytes: Uint8Array): ReadoutProblem {
  const r = constructionRanges(bytes.length).all;
  return readoutProblem(carrierStates(spec, bytes), spec.groups * spec.bits, bytes, r.from, r.to);
}

/** Readout fitters of the construction table. */
export const FITTERS = {
  /** Skip-bigram log-ratios with the (α, scale) grid. */
  analytic: (spec: CarrierSpec): ReadoutFitter => (p) => analyticReadout(spec, p),
  /** Ridge pseudo-inverse with residual targets and the scale grid. */
  pi: (): ReadoutFitter => (p) => piReadout(p),
  /** Full-batch gradient descent from Wy = 0, by = log marginal. */
  sgdFromZero: (s: Schedule = SCHEDULES.fromZero): ReadoutFitter => (p) => fitReadout(p, zeroReadout(p), s),
} as const;

/** One row of a carrier comparison. */
export interface CarrierRow {
  readonly hidden: number;
  /** Distinct bit patterns of the hash over the 256 byte values. */
  readonly distinct: number;
  /** Distinct patterns over the bytes that occur in the text. */
  readonly distinctInText: number;
  readonly bytesInText: number;
  readonly analytic?: number;
  readonly pi?: number;
  readonly sgd?: number;
}

/** A carrier spec that can cross to a worker: the hash by its key in `HASHES`. */
interface CarrierJob extends Omit<CarrierSpec, 'hash'> {
  readonly hash: keyof typeof HASHES;
}

function carrierJob(spec: CarrierSpec): CarrierJob {
  const key = (Object.keys(HASHES) as (keyof typeof HASHES)[]).find((k) => HASHES[k] === spec.hash);
  if (!key) throw new RangeError(`hash: ${spec.hash.name} is not one of HASHES; only those can be fitted in parallel`);
  return { ...spec, hash: key };
}

/** One readout fit of `fitTask`: a fitter on a carrier, fitted on all positions or the train half. */
export interface FitJob {
  readonly carrier: CarrierJob;
  readonly bytes: Uint8Array;
  /** `FITTERS.analytic`, `FITTERS.pi` or `FITTERS.sgdFromZero` with `schedule`. */
  readonly fitter: 'analytic' | 'pi' | 'sgd';
  readonly schedule?: Schedule;
  /** 'all': fit and score on all positions; 'train': fit on the train half, score both halves. */
  readonly on: 'all' | 'train';
}

/**
 * What a fit reports: the readout (with the analytic/PI grid choice and the bpc that chose it) and
 * its bpc scored by `readoutBpc`.
 */
export interface FitResult {
  readonly readout: Readout & { readonly alpha?: number; readonly scale?: number; readonly bpc?: number };
  readonly all?: number;
  readonly train?: number;
  readonly test?: number;
}

/** Run one `FitJob` (a `parallelMap` task: runs the carrier, fits, scores). */
export function fitTask(job: FitJob): FitResult {
  const spec: CarrierSpec = { ...job.carrier, hash: HASHES[job.carrier.hash] };
  const fitter = job.fitter === 'analytic' ? FITTERS.analytic(spec) : job.fitter === 'pi' ? FITTERS.pi() : FITTERS.sgdFromZero(job.schedule);
  const r = constructionRanges(job.bytes.length);
  const states = carrierStates(spec, job.bytes);
  const problem = (q: Range) => readoutProblem(states, spec.groups * spec.bits, job.bytes, q.from, q.to);
  if (job.on === 'all') {
    const all = problem(r.all), readout = fitter(all);
    return { readout, all: readoutBpc(all, readout) };
  }
  const train = problem(r.train), readout = fitter(train);
  return { readout, train: readoutBpc(train, readout), test: readoutBpc(problem(r.test), readout) };
}

/** Run fit jobs on a worker pool (one worker per core); results in job order. */
function parallelFits(jobs: readonly FitJob[], opts: ParallelOptions = {}): Promise<FitResult[]> {
  return parallelMap<FitJob, FitResult>(new URL(import.meta.url), 'fitTask', jobs, opts);
}

/**
 * `halvesScore` of the carrier's states for several fitters at once, all fits in parallel; each
 * result also gives the readout fitted on all positions (`fitAll`).
 */
export async function carrierHalves(
  spec: CarrierSpec, bytes: Uint8Array, fitters: readonly { fitter: FitJob['fitter']; schedule?: Schedule }[], opts: ParallelOptions = {},
): Promise<(HalvesScore & { fitAll: FitResult['readout'] })[]> {
  const carrier = carrierJob(spec);
  const fits = await parallelFits(fitters.flatMap((f) => (['all', 'train'] as const).map((on) => ({ ...f, carrier, bytes, on }))), opts);
  return fitters.map((_, i) => {
    const all = fits[2 * i], train = fits[2 * i + 1];
    return { all: all.all!, train: train.train!, test: train.test!, fitAll: all.readout };
  });
}

/**
 * Compare carriers' readouts on [16, n − 2): analytic, PI and (with a schedule) SGD from zero,
 * every fit of every row in parallel.
 */
export async function carrierRows(
  rows: readonly { spec: CarrierSpec; what: { analytic?: boolean; pi?: boolean; sgd?: Schedule } }[], bytes: Uint8Array, opts: ParallelOptions = {},
): Promise<CarrierRow[]> {
  const present = new Set(bytes);
  type Fit = { readonly row: number; readonly key: 'analytic' | 'pi' | 'sgd'; readonly job: FitJob };
  const fits: Fit[] = rows.flatMap(({ spec, what }, row) => {
    const carrier = carrierJob(spec);
    return [
      ...(what.analytic ? [{ row, key: 'analytic' as const, job: { carrier, bytes, fitter: 'analytic' as const, on: 'all' as const } }] : []),
      ...(what.pi ? [{ row, key: 'pi' as const, job: { carrier, bytes, fitter: 'pi' as const, on: 'all' as const } }] : []),
      ...(what.sgd ? [{ row, key: 'sgd' as const, job: { carrier, bytes, fitter: 'sgd' as const, schedule: what.sgd, on: 'all' as const } }] : []),
    ];
  });
  // Slowest first (SGD on the widest carriers), so that the long fits start on different workers.
  const cost = (f: Fit) => (f.key === 'sgd' ? f.job.carrier.groups * f.job.carrier.bits : 0);
  const order = [...fits].sort((a, b) => cost(b) - cost(a));
  const results = await parallelFits(order.map((f) => f.job), opts);
  const bpc = rows.map(() => new Map<Fit['key'], number>());
  // As the closed forms report it: the analytic and PI bpc of their grid search, the SGD fit scored.
  order.forEach((f, i) => { bpc[f.row].set(f.key, f.key === 'sgd' ? results[i].all! : results[i].readout.bpc!); });
  return rows.map(({ spec }, i) => ({
    hidden: spec.groups * spec.bits,
    distinct: distinctPatterns(spec.hash, spec.bits),
    distinctInText: distinctPatterns(spec.hash, spec.bits, present),
    bytesInText: present.size,
    ...Object.fromEntries((['analytic', 'pi', 'sgd'] as const).filter((k) => bpc[i].has(k)).map((k) => [k, bpc[i].get(k)])),
  }));
}

/** A readout and its learning curve: bpc[k] on the problem's positions after k updates. */
export interface DescentCurve {
  readonly readout: Readout;
  readonly bpc: Float64Array;
}

/** Full-batch gradient descent (`fitReadout`) from `init`, recording bpc after every update. */
export function descentCurve(p: ReadoutProblem, init: Readout, s: Schedule): DescentCurve {
  const bpc: number[] = [];
  const readout = fitReadout(p, init, s, (_epoch, loss) => { bpc.push(loss / Math.LN2); });
  bpc.push(readoutBpc(p, readout));
  return { readout, bpc: Float64Array.from(bpc) };
}

/** Damped block-diagonal Newton (lib/newton.ts) from `init`, recording bpc after every iteration. */
export function newtonCurve(p: ReadoutProblem, init: Readout, opts: NewtonOptions, onStep?: (s: NewtonStep) => void): DescentCurve {
  const res = newtonReadout(p, init, opts, onStep);
  const bpc = Float64Array.from([res.loss0, ...res.steps.map((s) => s.loss)], (l) => l / Math.LN2);
  return { readout: { Wy: res.Wy, by: res.by }, bpc };
}

/** A learning curve for `curveTask`: gradient descent with `schedule`, or Newton with `newton`. */
export interface CurveJob {
  readonly problem: ReadoutProblem;
  readonly init: Readout;
  readonly schedule?: Schedule;
  readonly newton?: NewtonOptions;
}

/** A curve computed in a worker, with the Newton iterations' records and its wall time. */
export interface CurveResult extends DescentCurve {
  /** Newton iterations (empty for gradient descent). */
  readonly steps: NewtonStep[];
  readonly seconds: number;
}

/** `newtonCurve` or `descentCurve` of one job (a `parallelMap` task). */
export function curveTask(job: CurveJob): CurveResult {
  const t0 = performance.now();
  const steps: NewtonStep[] = [];
  let curve: DescentCurve;
  if (job.newton) curve = newtonCurve(job.problem, job.init, job.newton, (s) => { steps.push(s); });
  else if (job.schedule) curve = descentCurve(job.problem, job.init, job.schedule);
  else throw new RangeError('curve job: expected a schedule or Newton options');
  return { ...curve, steps, seconds: (performance.now() - t0) / 1000 };
}

/** Compute curves on a worker pool (one worker per core unless `opts.workers`); results in job order. */
export function parallelCurves(jobs: readonly CurveJob[], opts: ParallelOptions = {}): Promise<CurveResult[]> {
  return parallelMap<CurveJob, CurveResult>(new URL(import.meta.url), 'curveTask', jobs, opts);
}
