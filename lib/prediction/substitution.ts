/**
 * Substitution experiments (seed section 3; docs/original-work.md "Substitution"): replace or blend trained
 * weight matrices with data-derived estimates, build whole models from the estimates, and fit a
 * readout on fixed (constructed or trained) dynamics.
 *
 * Constructions follow the original programs:
 * - Hebbian model: Wh, Wx, Wy = least-squares-scaled Hebbian covariances; bh = 5 × sign log-odds;
 *   by = log((count + 0.5)/(n + 128)) over the text.
 * - Sign-conditioned model: Wx = 15 · clip(sign-conditioned, ±2), Wh = 4 · sign correlation,
 *   Wy = 0.5 · clip(sign-split, ±2), bh and by as above.
 * - "Optimized Wy": full-batch gradient descent on (Wy, by) with SCHEDULES.substitution from the
 *   construction's readout, on positions t = 0 … n − 3 of the training text (the original
 *   `for (t = 0; t < T − 1; t++)` with T = n − 1 states: the last scorable position is not fitted),
 *   then scored under the bpc protocol on all n − 1 positions (write_weights2.c, write_weights3.c).
 *   write_weights2.c sums its logits in float32; ours are float64, a rounding-level difference.
 */
import { cloneModel, type SatRnn } from '../core/model.js';
import { marginalBias } from '../core/data.js';
import { run } from '../core/rnn.js';
import { ALL, ruleBpc } from '../construction/score-rules.js';
import {
  SCHEDULES,
  fitReadout,
  readoutProblem,
  type Readout,
  type Schedule,
} from '../construction/readout.js';
import { leastSquaresScale } from '../math/stats.js';
import {
  hebbianWh,
  hebbianWx,
  hebbianWy,
  signConditionedWx,
  signCorrelationWh,
  signLogOddsBh,
  signSplitWy,
} from './estimators.js';

/** The blend weights of the original interpolation sweep. */
export const BLEND_ALPHAS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1];

/** The matrices that are replaced or blended. */
export type Matrix = 'Wx' | 'Wh' | 'Wy' | 'bh';

/** α·trained + (1−α)·estimate, elementwise (α = 1: trained, α = 0: the estimate). */
export function blend(
  trained: ArrayLike<number>,
  estimate: ArrayLike<number>,
  alpha: number,
): Float32Array {
  if (!(alpha >= 0 && alpha <= 1))
    throw new RangeError(`alpha: expected a number in [0, 1], got ${alpha}`);
  if (trained.length !== estimate.length)
    throw new RangeError(`estimate: ${estimate.length} values, trained has ${trained.length}`);
  const out = new Float32Array(trained.length);
  for (let k = 0; k < out.length; k++) out[k] = alpha * trained[k] + (1 - alpha) * estimate[k];
  return out;
}

/** A copy of `m` whose tensor `name` is replaced by `values` (same length). */
export function withTensor(m: SatRnn, name: Matrix | 'by', values: ArrayLike<number>): SatRnn {
  if (values.length !== m[name].length)
    throw new RangeError(`${name}: ${values.length} values, expected ${m[name].length}`);
  const out = cloneModel(m);
  out[name].set(values);
  return out;
}

/** A copy of `m` with `name` blended: α·m[name] + (1−α)·estimate. */
export function withBlend(
  m: SatRnn,
  name: Matrix,
  estimate: ArrayLike<number>,
  alpha: number,
): SatRnn {
  return withTensor(m, name, blend(m[name], estimate, alpha));
}

function clip(v: Float64Array, limit: number): Float64Array {
  return v.map((x) => Math.max(-limit, Math.min(limit, x)));
}

function scaled(v: Float64Array, s: number): Float32Array {
  return Float32Array.from(v, (x) => s * x);
}

/** The Hebbian construction and the least-squares scales used for its matrices. */
export interface HebbianConstruction {
  /** All six tensors from data statistics of the trained model's trajectory. */
  readonly model: SatRnn;
  /** s = Σ trained·cov / Σ cov² per matrix. */
  readonly scales: { readonly Wx: number; readonly Wh: number; readonly Wy: number };
}

/** Bias multiplier of the sign log-odds in the original constructions. */
export const BH_LOGODDS_SCALE = 5;

/**
 * Build the Hebbian model from `trained` run on `bytes`: Wh, Wx, Wy = s·cov with the
 * least-squares scale against the trained matrix; bh = 5·sign log-odds; by = marginalBias.
 */
export function hebbianConstruction(trained: SatRnn, bytes: Uint8Array): HebbianConstruction {
  const traj = run(trained, bytes);
  const cov = {
    Wx: hebbianWx(traj, bytes),
    Wh: hebbianWh(traj, bytes),
    Wy: hebbianWy(traj, bytes),
  };
  const scales = {
    Wx: leastSquaresScale(trained.Wx, cov.Wx),
    Wh: leastSquaresScale(trained.Wh, cov.Wh),
    Wy: leastSquaresScale(trained.Wy, cov.Wy),
  };
  const model: SatRnn = {
    hidden: trained.hidden,
    Wx: scaled(cov.Wx, scales.Wx),
    Wh: scaled(cov.Wh, scales.Wh),
    bh: scaled(signLogOddsBh(traj, bytes), BH_LOGODDS_SCALE),
    Wy: scaled(cov.Wy, scales.Wy),
    by: marginalBias(bytes),
  };
  return { model, scales };
}

/**
 * Build the sign-conditioned model from `trained` run on `bytes`:
 * Wx = 15·clip(sign-conditioned, ±2), Wh = 4·sign correlation, Wy = 0.5·clip(sign-split, ±2),
 * bh = 5·sign log-odds, by = marginalBias (fixed scales of the original program).
 */
export function signConditionedConstruction(trained: SatRnn, bytes: Uint8Array): SatRnn {
  const traj = run(trained, bytes);
  return {
    hidden: trained.hidden,
    Wx: scaled(clip(signConditionedWx(traj, bytes), 2), 15),
    Wh: scaled(signCorrelationWh(traj, bytes), 4),
    bh: scaled(signLogOddsBh(traj, bytes), BH_LOGODDS_SCALE),
    Wy: scaled(clip(signSplitWy(traj, bytes), 2), 0.5),
    by: marginalBias(bytes),
  };
}

/**
 * Readout features of `dynamics` on `bytes`: h(t) of the tanh recurrence, or sign(h(t)) ∈ {±1}
 * (h ≥ 0 → +1) when `sign` is set (a Boolean readout of the unchanged tanh dynamics). [n][H].
 */
export function readoutFeatures(dynamics: SatRnn, bytes: Uint8Array, sign: boolean): Float64Array {
  const h = run(dynamics, bytes).h;
  return sign ? h.map((v) => (v >= 0 ? 1 : -1)) : h;
}

/** A readout on top of fixed dynamics, with tanh or sign features. */
export interface ReadoutPipeline {
  readonly dynamics: SatRnn;
  readonly readout: Readout;
  readonly signFeatures: boolean;
}

/** bpc of a pipeline on `bytes` as the original programs score it: h = 0, all n − 1 positions, p ≥ 1e-30. */
export function pipelineBpc(p: ReadoutPipeline, bytes: Uint8Array): number {
  const states = readoutFeatures(p.dynamics, bytes, p.signFeatures);
  return ruleBpc(states, p.dynamics.hidden, bytes, p.readout, ALL);
}

/**
 * "Optimized Wy": fit (Wy, by) on the features of `dynamics` over positions t = 0 … n − 3 of
 * `bytes` with `schedule` (default SCHEDULES.substitution: 500 epochs, lr 0.5 per mean gradient, ×0.3 after epochs 200
 * and 350), starting from `init` (default: the dynamics model's own Wy and by).
 */
export function optimizeReadout(
  dynamics: SatRnn,
  bytes: Uint8Array,
  opts: {
    signFeatures?: boolean;
    init?: Readout;
    /** The gradient-descent schedule (default SCHEDULES.substitution, the seed's). */
    schedule?: Schedule;
    onEpoch?: (epoch: number, loss: number) => void;
  } = {},
): ReadoutPipeline {
  const signFeatures = opts.signFeatures ?? false;
  if (bytes.length < 3)
    throw new RangeError(
      `bytes: ${bytes.length} bytes, need at least 3 to fit a readout on t = 0 … n − 3`,
    );
  const p = readoutProblem(
    readoutFeatures(dynamics, bytes, signFeatures),
    dynamics.hidden,
    bytes,
    0,
    bytes.length - 2,
  );
  const init = opts.init ?? {
    Wy: Float64Array.from(dynamics.Wy),
    by: Float64Array.from(dynamics.by),
  };
  return {
    dynamics,
    signFeatures,
    readout: fitReadout(p, init, opts.schedule ?? SCHEDULES.substitution, opts.onEpoch),
  };
}
