/**
 * Closed-form readouts: ridge least squares ("pseudo-inverse with residual targets") and the
 * one-parameter scale sweep shared by the closed-form constructions.
 *
 * PI (docs/original-work.md "Readout fits"; inimino/hutter@efbaac3:write_weights12.c): features F[t] = sign(h(t)) ∈ {±1}^H with h > 0 → +1 (so
 * sign(0) = −1), targets T[t] = onehot(x_{t+1}) − marginal with the smoothed marginal
 * (count + 0.5)/(n + 128) of the text,
 *   W = (FᵀF + λI)⁻¹ FᵀT   ([H][256], λ = 0.01),  Wy = s·Wᵀ,  by = log marginal,
 * with s chosen on a grid (1.0..50.0 step 0.5) by bpc. Probabilities in every bpc are floored at
 * 1e-30 as in the original programs (lib/construction/score-rules.ts).
 */
import { cholesky, choleskySolveRows } from '../math/linalg.js';
import { VOCAB } from '../core/model.js';
import { marginalBias, smoothedMarginal } from '../core/data.js';
import type { Readout, ReadoutProblem } from './readout.js';
import { P_FLOOR } from './score-rules.js';
import { fastGrams } from '../fast/ridge.js';
import { fastScaleSweepNats } from '../fast/readout.js';
import { useFast } from '../core/kernel.js';
import type { Kernel } from '../core/types.js';

const LN_P_FLOOR = Math.log(P_FLOOR);

/**
 * Ridge regression: X is [n][k], Y is [n][m] (row-major); returns W = (XᵀX + λI)⁻¹ XᵀY, [k][m],
 * by a Cholesky solve of the k×k normal equations. `kernel` 'fast' (default; k and m multiples of
 * 8 and 4) forms the Gram matrices in WebAssembly (lib/fast/ridge.ts) and solves all right-hand
 * sides row by row; 'reference' runs the loops below. The two are bit-identical (tested).
 */
export function ridgeSolve(
  X: ArrayLike<number>,
  n: number,
  k: number,
  Y: ArrayLike<number>,
  m: number,
  lambda: number,
  kernel: Kernel = 'fast',
): Float64Array {
  if (X.length !== n * k) throw new RangeError(`X: ${X.length} values, expected ${n}×${k}`);
  if (Y.length !== n * m) throw new RangeError(`Y: ${Y.length} values, expected ${n}×${m}`);
  if (!(lambda >= 0)) throw new RangeError(`lambda: expected a non-negative ridge, got ${lambda}`);
  if (useFast(k, kernel) && m % 4 === 0) {
    const { A, B } = fastGrams(X, n, k, Y, m);
    for (let i = 0; i < k; i++) A[i * k + i] += lambda;
    return choleskySolveRows(cholesky(A, k), k, B, m);
  }
  const A = new Float64Array(k * k);
  const B = new Float64Array(k * m);
  // A row's zero targets add ±0 to B, which leaves every sum as it was: only its nonzero columns
  // are visited (one-hot targets: one column instead of m), each entry still summed in t order.
  const cols = new Int32Array(m);
  for (let t = 0; t < n; t++) {
    const xr = t * k,
      yr = t * m;
    let nz = 0;
    for (let c = 0; c < m; c++) if (Y[yr + c] !== 0) cols[nz++] = c;
    for (let i = 0; i < k; i++) {
      const xi = X[xr + i];
      if (xi === 0) continue;
      const ar = i * k;
      for (let j = 0; j <= i; j++) A[ar + j] += xi * X[xr + j];
      const br = i * m;
      for (let q = 0; q < nz; q++) B[br + cols[q]] += xi * Y[yr + cols[q]];
    }
  }
  for (let i = 0; i < k; i++) {
    A[i * k + i] += lambda;
    for (let j = 0; j < i; j++) A[j * k + i] = A[i * k + j];
  }
  return choleskySolveRows(cholesky(A, k), k, B, m);
}

/** Result of a scale sweep. */
export interface ScaleSweep {
  /** Best scale. */
  readonly scale: number;
  /** bpc at the best scale. */
  readonly bpc: number;
  /** bpc at every scale, in the order given. */
  readonly curve: Float64Array;
}

/**
 * X·Dᵀ [n][m] for rows X [n][k] and D [m][k], each sum from 0 in j order (`timesTransposed` of
 * lib/fast/gram.ts computes the same sums in wasm): four outputs at a time share the loads of a row.
 */
function referenceProducts(
  S: Float64Array,
  n: number,
  H: number,
  D: Float64Array,
  m: number,
): Float64Array {
  const Z = new Float64Array(n * m);
  for (let r = 0; r < n; r++) {
    const h = r * H,
      zr = r * m;
    for (let o = 0; o < m; o += 4) {
      const d0 = o * H,
        d1 = d0 + H,
        d2 = d1 + H,
        d3 = d2 + H;
      let z0 = 0,
        z1 = 0,
        z2 = 0,
        z3 = 0;
      for (let j = 0; j < H; j++) {
        const x = S[h + j];
        z0 += D[d0 + j] * x;
        z1 += D[d1 + j] * x;
        z2 += D[d2 + j] * x;
        z3 += D[d3 + j] * x;
      }
      Z[zr + o] = z0;
      Z[zr + o + 1] = z1;
      Z[zr + o + 2] = z2;
      Z[zr + o + 3] = z3;
    }
  }
  return Z;
}

/**
 * −ln p(x_{t+1}) (nats) of the readout (s·D, by) at each of the problem's positions, for every s in
 * `scales`: [scales][N], position-minor. D is [256][H]. The products D·h(t) are computed once, so
 * the sweep costs one readout pass plus the softmaxes. With `kernel` 'reference' each
 * log-probability is that of the reference `readout` (by = 0) and `logSoftmaxAt` of lib/core/rnn.ts
 * on the products (the same operations in the same order), floored at ln 1e-30; 'fast' (the
 * default, hidden a multiple of 8) forms the same products and logits in wasm, once per distinct output,
 * and sums the softmaxes with the kernels' e^x (lib/fast/readout.ts `fastScaleSweepNats`): the same
 * values to float64 rounding (test/fast.test.ts).
 */
export function scaleSweepNats(
  p: ReadoutProblem,
  D: Float64Array,
  by: Float64Array,
  scales: readonly number[],
  kernel: Kernel = 'fast',
): Float64Array {
  if (scales.length === 0) throw new RangeError('scales: expected at least one value');
  if (D.length !== VOCAB * p.hidden)
    throw new RangeError(`D: ${D.length} values, expected 256×${p.hidden}`);
  const n = p.to - p.from,
    H = p.hidden,
    K = scales.length,
    from = p.from;
  const X = p.states.subarray(from * H, (from + n) * H),
    next = p.bytes.subarray(from + 1, from + n + 1);
  if (useFast(H, kernel)) return fastScaleSweepNats(X, n, H, D, by, scales, next, LN_P_FLOOR);
  // Z[r][o] = D[o]·h(from + r), summed from 0 in j order (the reference `readout` with by = 0).
  const Z = referenceProducts(X, n, H, D, VOCAB);
  // Per position, per scale: −log softmax(by + s·Z[r])[x], the operations of `logSoftmaxAt`, in its order.
  const nats = new Float64Array(K * n),
    logits = new Float64Array(VOCAB);
  for (let r = 0; r < n; r++) {
    const zr = r * VOCAB;
    for (let k = 0; k < K; k++) {
      const sk = scales[k];
      let max = -Infinity;
      for (let o = 0; o < VOCAB; o++) {
        const l = by[o] + sk * Z[zr + o];
        logits[o] = l;
        if (l > max) max = l;
      }
      let sum = 0;
      for (let o = 0; o < VOCAB; o++) {
        const d = logits[o] - max;
        // Once sum ≥ 1, a term exp(d) < e^−37 < 2^−53 is below half its ulp: adding it leaves sum
        // unchanged to the bit, so its exp is skipped (most terms: the softmax is peaked).
        if (d < -37 && sum >= 1) continue;
        sum += Math.exp(d);
      }
      nats[k * n + r] = -Math.max(logits[next[r]] - max - Math.log(sum), LN_P_FLOOR);
    }
  }
  return nats;
}

/**
 * bpc of the readout (s·D, by) on the problem's positions for every s in `scales` (`scaleSweepNats`
 * summed over the positions in order). The first scale with the lowest bpc wins (the original's
 * strict `<`).
 */
export function scaleSweep(
  p: ReadoutProblem,
  D: Float64Array,
  by: Float64Array,
  scales: readonly number[],
  kernel: Kernel = 'fast',
): ScaleSweep {
  const nats = scaleSweepNats(p, D, by, scales, kernel);
  const n = p.to - p.from,
    K = scales.length;
  const bits = new Float64Array(K);
  for (let k = 0; k < K; k++) for (let r = 0; r < n; r++) bits[k] += nats[k * n + r];
  const curve = new Float64Array(K);
  for (let k = 0; k < K; k++) curve[k] = bits[k] / n / Math.LN2;
  let best = 0;
  for (let k = 1; k < K; k++) if (curve[k] < curve[best]) best = k;
  return { scale: scales[best], bpc: curve[best], curve };
}

/** The original PI scale grid: 1.0..50.0 step 0.5. */
export const PI_SCALES: readonly number[] = Array.from({ length: 99 }, (_, k) => 1 + 0.5 * k);

/** PI readout and its chosen scale. */
export interface PiReadout extends Readout {
  readonly scale: number;
  /** bpc on the selection problem at the chosen scale. */
  readonly bpc: number;
}

/** Options of `piReadout`. */
export interface PiOptions {
  /** Ridge λ (default 0.01). */
  readonly ridge?: number;
  /** Scale grid (default PI_SCALES). */
  readonly scales?: readonly number[];
  /** Positions whose bpc picks the scale (default: the fitting problem's). */
  readonly select?: ReadoutProblem;
  /** Target marginal [256] subtracted from the one-hot targets (default: smoothedMarginal of the whole text). */
  readonly marginal?: ArrayLike<number>;
  /** Output bias [256] (default: marginalBias of the whole text). */
  readonly by?: ArrayLike<number>;
}

/**
 * Pseudo-inverse with residual targets (see the module comment) solved on `fit`'s positions; the
 * scale is chosen by bpc on `select`.
 */
export function piReadout(fit: ReadoutProblem, opts: PiOptions = {}): PiReadout {
  const H = fit.hidden,
    n = fit.to - fit.from;
  const F = new Float64Array(n * H);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < H; j++) F[r * H + j] = fit.states[(fit.from + r) * H + j] > 0 ? 1 : -1;
  const marginal = opts.marginal ?? smoothedMarginal(fit.bytes);
  if (marginal.length !== VOCAB)
    throw new RangeError(`marginal: ${marginal.length} values, expected ${VOCAB}`);
  const T = new Float64Array(n * VOCAB);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < VOCAB; o++) T[r * VOCAB + o] = -marginal[o];
    T[r * VOCAB + fit.bytes[fit.from + r + 1]] += 1;
  }
  const W = ridgeSolve(F, n, H, T, VOCAB, opts.ridge ?? 0.01);
  const D = new Float64Array(VOCAB * H);
  for (let j = 0; j < H; j++) for (let o = 0; o < VOCAB; o++) D[o * H + j] = W[j * VOCAB + o];
  const by = Float64Array.from(opts.by ?? marginalBias(fit.bytes));
  if (by.length !== VOCAB) throw new RangeError(`by: ${by.length} values, expected ${VOCAB}`);
  const sw = scaleSweep(opts.select ?? fit, D, by, opts.scales ?? PI_SCALES);
  return { Wy: D.map((v) => v * sw.scale), by, scale: sw.scale, bpc: sw.bpc };
}
