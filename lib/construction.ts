/**
 * The construction experiments of the weight-construction page (sections 4–6b): readouts fitted on
 * a fixed carrier, scored on all data and on train/test halves.
 *
 * Positions (DESIGN.md): Wy fitting and scoring use t ∈ [16, n − 2) (the 16-step warm-up skipped;
 * the original's t ∈ [16, n − 3]). Halves, with h = ⌊n/2⌋: statistics and fitting use the targets in
 * the first half, t ∈ [16, h − 1); the test score runs the network over the whole text (so the first
 * half is read unscored) and scores the targets of the second half, t ∈ [h − 1, n − 2).
 */
import { distinctPatterns } from './hash.js';
import { analyticReadout, carrierStates, type CarrierSpec } from './shift-register.js';
import { piReadout } from './pinv.js';
import { newtonReadout, type NewtonOptions, type NewtonStep } from './newton.js';
import { fitReadout, readoutBpc, readoutProblem, zeroReadout, SCHEDULES, type Readout, type ReadoutProblem, type Schedule } from './readout.js';

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

/** Compare a carrier's readouts on [16, n − 2): analytic, PI and (with a schedule) SGD from zero. */
export function carrierRow(spec: CarrierSpec, bytes: Uint8Array, what: { analytic?: boolean; pi?: boolean; sgd?: Schedule }): CarrierRow {
  const p = carrierProblem(spec, bytes);
  const present = new Set(bytes);
  return {
    hidden: spec.groups * spec.bits,
    distinct: distinctPatterns(spec.hash, spec.bits),
    distinctInText: distinctPatterns(spec.hash, spec.bits, present),
    bytesInText: present.size,
    ...(what.analytic ? { analytic: analyticReadout(spec, p).bpc } : {}),
    ...(what.pi ? { pi: piReadout(p).bpc } : {}),
    ...(what.sgd ? { sgd: readoutBpc(p, FITTERS.sgdFromZero(what.sgd)(p)) } : {}),
  };
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
