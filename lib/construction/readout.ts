/**
 * Fitting a readout (Wy, by) on fixed hidden features: the optimisation problem shared by the
 * substitution, shift-register and continuum experiments.
 *
 * Problem: states h(t) ∈ ℝ^H for t in [from, to), each predicting x_{t+1};
 *   L(Wy, by) = −(1/N) Σ_t log softmax(by + Wy·h(t))[x_{t+1}],  N = to − from.
 * Learning rates are stated per mean gradient, so "lr 0.5/N on the summed gradient" of the
 * original programs is `lr: 0.5` here.
 */
import { VOCAB } from '../core/model.js';
import type { Kernel, Readout, ReadoutProblem } from '../core/types.js';

export type { Readout, ReadoutProblem } from '../core/types.js';
import { readout, scoreStates } from '../core/rnn.js';
import { fastReadoutLossGrad, readoutSession32, type ReadoutSession32 } from '../fast/readout.js';
import { useFast } from '../core/kernel.js';

/** Build a problem, checking shapes and the range (default: all n − 1 positions). */
export function readoutProblem(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  from = 0,
  to = bytes.length - 1,
): ReadoutProblem {
  if (states.length !== bytes.length * hidden) {
    throw new RangeError(
      `states: ${states.length} values, expected ${bytes.length} positions × ${hidden} hidden`,
    );
  }
  if (!(
    Number.isInteger(from) &&
    Number.isInteger(to) &&
    from >= 0 &&
    to <= bytes.length - 1 &&
    to > from
  )) {
    throw new RangeError(
      `positions [${from}, ${to}): expected 0 ≤ from < to ≤ ${bytes.length - 1}`,
    );
  }
  return { states, hidden, bytes, from, to };
}

/** Log of the smoothed marginal of the targets x_{t+1}: log((count + a) / (N + 256a)). */
export function logMarginal(p: ReadoutProblem, smoothing = 0.5): Float64Array {
  const c = new Float64Array(VOCAB);
  for (let t = p.from; t < p.to; t++) c[p.bytes[t + 1]]++;
  const n = p.to - p.from;
  return c.map((v) => Math.log((v + smoothing) / (n + VOCAB * smoothing)));
}

/** Readout with Wy = 0 and the given by (default: the log marginal of the problem's targets). */
export function zeroReadout(p: ReadoutProblem, by: ArrayLike<number> = logMarginal(p)): Readout {
  if (by.length !== VOCAB) throw new RangeError(`by: ${by.length} values, expected ${VOCAB}`);
  return { Wy: new Float64Array(VOCAB * p.hidden), by: Float64Array.from(by) };
}

/** bpc of a readout on the problem's positions. */
export function readoutBpc(p: ReadoutProblem, r: Readout): number {
  return scoreStates(r.Wy, r.by, p.hidden, p.states, p.bytes, p.from, p.to).bpc;
}

/**
 * Mean cross-entropy (nats) and, into gWy [256][H] and gby [256] (overwritten), its gradient.
 */
export function readoutLossGrad(
  p: ReadoutProblem,
  r: Readout,
  gWy: Float64Array,
  gby: Float64Array,
): number {
  const H = p.hidden;
  const n = p.to - p.from;
  gWy.fill(0);
  gby.fill(0);
  const z = new Float64Array(VOCAB);
  let loss = 0;
  for (let t = p.from; t < p.to; t++) {
    const off = t * H;
    readout(r.Wy, r.by, H, p.states, off, z);
    let max = -Infinity;
    for (let o = 0; o < VOCAB; o++) if (z[o] > max) max = z[o];
    let sum = 0;
    for (let o = 0; o < VOCAB; o++) {
      z[o] = Math.exp(z[o] - max);
      sum += z[o];
    }
    const y = p.bytes[t + 1];
    loss -= Math.log(z[y] / sum);
    for (let o = 0; o < VOCAB; o++) {
      const d = (z[o] / sum - (o === y ? 1 : 0)) / n;
      gby[o] += d;
      const row = o * H;
      for (let j = 0; j < H; j++) gWy[row + j] += d * p.states[off + j];
    }
  }
  return loss / n;
}

/**
 * Full-batch gradient descent schedule. Epochs are counted from 0, as in the original loops
 * (`for (epoch = 0; …) { step; if (epoch == k) lr *= 0.3; }`): lr is multiplied by `decay` right
 * after the update of each epoch k in `decayAfter`, so k + 1 updates run at the first rate.
 */
export interface Schedule {
  epochs: number;
  lr: number;
  decayAfter?: readonly number[];
  decay?: number;
  /** Also update by (default true). */
  fitBias?: boolean;
  /**
   * 'fast' (default): the float64 WebAssembly SIMD gradient of lib/fast/readout.ts (same values to
   * rounding) when the hidden size is a multiple of 8; 'reference': `readoutLossGrad` above.
   */
  kernel?: Kernel;
  /**
   * Unset: `READOUT_ARITHMETIC` (float32), or float64 with kernel 'reference'.
   * 'float64': the descent below, every value a double.
   * 'float32': the original programs' arithmetic (float states, readout, logits and gradient sums,
   * a double loss) in the float32 WebAssembly SIMD session of lib/fast/readout.ts; the same
   * schedule, values within rounding of float32 (test/readout32.test.ts states how close). Needs
   * kernel 'fast'.
   */
  arithmetic?: Arithmetic;
}

/** The arithmetic of a readout descent (see `Schedule.arithmetic`). */
export type Arithmetic = 'float64' | 'float32';

/**
 * The arithmetic of every readout descent whose schedule names none (and whose kernel is not
 * 'reference', which is the float64 loop): the one default that moves the notebooks' fits from
 * float64 to the original programs' float32 (change FIT_CODE_VERSION of fits.ts with it).
 */
export const READOUT_ARITHMETIC: Arithmetic = 'float32';

/**
 * The original schedules (docs/original-work.md "Readout fits"; inimino/hutter@efbaac3:write_weights2.c,
 * 3.c, 4.c, 6.c, 8.c, 12.c and @f808449:construct_skip.c), learning rates per mean gradient, decays
 * after the update of the 0-based epoch named.
 */
export const SCHEDULES = {
  /** "SGD from zero" (write_weights4/6/8/12.c): 1000 epochs, lr 0.5/N, ×0.3 after epochs 300, 600, 800. */
  fromZero: { epochs: 1000, lr: 0.5, decayAfter: [300, 600, 800], decay: 0.3 },
  /**
   * The readout descent of the earlier skip-pattern constructions (f808449:construct_skip.c and
   * construct_skip_greedy.c, the "1000 epochs" of pattern-prior.tex): 1000 epochs from Wy = 0,
   * lr 0.5/N, ×0.5 after epochs 300, 600, 800.
   */
  skipConstruction: { epochs: 1000, lr: 0.5, decayAfter: [300, 600, 800], decay: 0.5 },
  /** "SGD from PI init": 500 epochs, lr 0.3/N, ×0.3 after epochs 150 and 300. */
  fromPi: { epochs: 500, lr: 0.3, decayAfter: [150, 300], decay: 0.3 },
  /** "Optimized Wy" in the substitution table: 500 epochs, lr 0.5/(T−1), ×0.3 after epochs 200 and 350. */
  substitution: { epochs: 500, lr: 0.5, decayAfter: [200, 350], decay: 0.3 },
  /** The paper's "20 Newton steps": 20 plain full-batch gradient steps at lr 0.5/N. */
  paperNewton20: { epochs: 20, lr: 0.5 },
} as const satisfies Record<string, Schedule>;

/**
 * Full-batch gradient descent on the readout from `init` (not modified). `onEpoch(epoch, loss)`
 * receives the update's number (1-based) and the mean loss in nats before it; return false to stop.
 */
export function fitReadout(
  p: ReadoutProblem,
  init: Readout,
  s: Schedule,
  onEpoch?: (epoch: number, loss: number) => boolean | void,
): Readout {
  if (!(Number.isInteger(s.epochs) && s.epochs >= 0))
    throw new RangeError(`epochs: expected a non-negative integer, got ${s.epochs}`);
  if (!(s.lr > 0)) throw new RangeError(`lr: expected a positive number, got ${s.lr}`);
  const fitBias = s.fitBias ?? true;
  const d = descent(p, init, s);
  let lr = s.lr;
  for (let e = 0; e < s.epochs; e++) {
    const loss = d.lossGrad();
    if (onEpoch?.(e + 1, loss) === false) break;
    d.descend(lr, fitBias);
    if (s.decayAfter?.includes(e)) lr *= s.decay ?? 1;
  }
  return d.readout();
}

/** A readout under descent: its loss and gradient, one update along that gradient, the result. */
type Descent = ReadoutSession32;

/** The descent of a schedule's arithmetic and kernel. */
function descent(p: ReadoutProblem, init: Readout, s: Schedule): Descent {
  const arithmetic = s.arithmetic ?? (s.kernel === 'reference' ? 'float64' : READOUT_ARITHMETIC);
  if (arithmetic === 'float64') return float64Descent(p, init, s.kernel);
  if (s.kernel === 'reference')
    throw new RangeError("arithmetic 'float32' runs in the fast kernel only (kernel: 'fast')");
  return readoutSession32(p, init);
}

/** The float64 descent: `readoutLossGrad` (or its bit-identical fast kernel), then W −= lr·g. */
function float64Descent(p: ReadoutProblem, init: Readout, kernel?: Kernel): Descent {
  const Wy = init.Wy.slice(),
    by = init.by.slice();
  const gWy = new Float64Array(Wy.length),
    gby = new Float64Array(by.length);
  const lossGrad = useFast(p.hidden, kernel) ? fastReadoutLossGrad : readoutLossGrad;
  return {
    lossGrad: () => lossGrad(p, { Wy, by }, gWy, gby),
    descend: (lr, fitBias) => {
      for (let k = 0; k < Wy.length; k++) Wy[k] -= lr * gWy[k];
      if (fitBias) for (let o = 0; o < VOCAB; o++) by[o] -= lr * gby[o];
    },
    gradient: (g, b) => {
      g.set(gWy);
      b.set(gby);
    },
    readout: () => ({ Wy, by }),
  };
}
