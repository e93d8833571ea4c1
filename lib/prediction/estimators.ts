/**
 * Data-statistics estimators of the sat-rnn weights (seed section 2; docs/original-work.md "Weight prediction").
 *
 * Every estimator reads a hidden trajectory of the model being studied (`run(m, bytes)`: row t is
 * h(t), the state after reading x_t) and the text. Only the T = n − 1 states that are followed by
 * a next byte are used (t = 0..n−2), as in the original programs. "Positive" means h_j(t) ≥ 0,
 * the sign convention of the original tools (sign(0) = +1).
 *
 * Shapes: Wh [H][H] (Wh[i][j] feeds h_j(t−1) into h_i(t)), Wx [H][256], Wy [256][H], bh [H].
 * All outputs are Float64Array in those layouts, ready to correlate with the trained tensor.
 */
import { VOCAB } from '../core/model.js';
import type { Trajectory } from '../core/rnn.js';
import { evenlySpaced, signFlips } from '../core/sign-flips.js';
import { useFast } from '../core/kernel.js';
import type { Kernel } from '../core/types.js';
import { transposeTimes } from '../fast/gram.js';

/** Add-0.5 smoothing over 128 of the sign-split estimators: P = (c + 0.5) / (n + 128). */
const SMOOTH_ADD = 0.5;
const SMOOTH_DEN = 128;

/** Check a trajectory against its text; returns H and T = n − 1 (states with a next byte). */
function window(traj: Trajectory, bytes: Uint8Array): { H: number; T: number } {
  if (traj.n !== bytes.length)
    throw new RangeError(
      `trajectory: ${traj.n} states but bytes has ${bytes.length}; run the model on these bytes`,
    );
  if (bytes.length < 3)
    throw new RangeError(`bytes: ${bytes.length} bytes, the estimators need at least 3`);
  return { H: traj.hidden, T: bytes.length - 1 };
}

/** Mean of each hidden unit over the T states, [H]. */
function stateMeans(traj: Trajectory, T: number): Float64Array {
  const H = traj.hidden;
  const mu = new Float64Array(H);
  for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) mu[j] += traj.h[t * H + j];
  return mu.map((v) => v / T);
}

/**
 * The lagged products P[i][j] = Σ_{t=0}^{T−2} v_i(t+1)·v_j(t) of rows v(t) = V[t] ([T][H]), summed
 * over t in order from 0: one float64 wasm GEMM (`transposeTimes`, bit-identical to the loop)
 * when `kernel` and H allow it, else the plain loop. [H][H].
 */
function laggedProducts(V: Float64Array, T: number, H: number, kernel: Kernel): Float64Array {
  if (useFast(H, kernel))
    return transposeTimes(V.subarray(H, T * H), T - 1, H, V.subarray(0, (T - 1) * H), H);
  const out = new Float64Array(H * H);
  for (let t = 0; t + 1 < T; t++) {
    const prev = t * H,
      next = (t + 1) * H;
    for (let i = 0; i < H; i++) {
      const vi = V[next + i],
        row = i * H;
      for (let j = 0; j < H; j++) out[row + j] += V[prev + j] * vi;
    }
  }
  return out;
}

/**
 * Hebbian Wh: Ŵh[i][j] = cov(h_j(t), h_i(t+1)) = (1/(T−1)) Σ_{t=0}^{T−2} (h_j(t) − μ_j)(h_i(t+1) − μ_i),
 * μ the mean over the T states. A weight that pushes h_i towards the sign of h_j's past leaves
 * exactly this lagged covariance in the trajectory. [H][H]. `kernel` 'reference' sums in the plain
 * loop; the default, one wasm GEMM, gives the same bits.
 */
export function hebbianWh(
  traj: Trajectory,
  bytes: Uint8Array,
  kernel: Kernel = 'fast',
): Float64Array {
  const { H, T } = window(traj, bytes);
  const mu = stateMeans(traj, T);
  const c = new Float64Array(T * H);
  for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) c[t * H + j] = traj.h[t * H + j] - mu[j];
  return laggedProducts(c, T, H, kernel).map((v) => v / (T - 1));
}

/**
 * Hebbian Wx: Ŵx[j][x] = mean(h_j(t) | x_t = x) − mean(h_j), i.e. the covariance of the one-hot
 * input with h_j divided by P(x). 0 for bytes that never occur. [H][256].
 */
export function hebbianWx(traj: Trajectory, bytes: Uint8Array): Float64Array {
  const { T } = window(traj, bytes);
  return conditionalMeanShift(traj, T, (t) => bytes[t], 'row');
}

/**
 * Hebbian Wy: Ŵy[o][j] = mean(h_j(t) | x_{t+1} = o) − mean(h_j): the state that precedes o.
 * 0 for bytes that never follow. [256][H].
 */
export function hebbianWy(traj: Trajectory, bytes: Uint8Array): Float64Array {
  const { T } = window(traj, bytes);
  return conditionalMeanShift(traj, T, (t) => bytes[t + 1], 'column');
}

/** mean(h_j | symbol(t) = s) − mean(h_j); laid out [H][256] ('row') or [256][H] ('column'). */
function conditionalMeanShift(
  traj: Trajectory,
  T: number,
  symbol: (t: number) => number,
  layout: 'row' | 'column',
): Float64Array {
  const H = traj.hidden;
  const mu = stateMeans(traj, T);
  const sum = new Float64Array(VOCAB * H),
    count = new Float64Array(VOCAB);
  for (let t = 0; t < T; t++) {
    const s = symbol(t);
    count[s]++;
    for (let j = 0; j < H; j++) sum[s * H + j] += traj.h[t * H + j];
  }
  const out = new Float64Array(VOCAB * H);
  for (let s = 0; s < VOCAB; s++) {
    if (count[s] === 0) continue;
    for (let j = 0; j < H; j++) {
      const v = sum[s * H + j] / count[s] - mu[j];
      out[layout === 'row' ? j * VOCAB + s : s * H + j] = v;
    }
  }
  return out;
}

/**
 * Sign correlation Wh: Ŵh[i][j] = 2·agree/(T−1) − 1, agree = #{t ≤ T−2 : sign h_j(t) = sign h_i(t+1)}.
 * +1 when h_i always copies h_j's previous sign, −1 when it always inverts it. [H][H].
 * With signs s = ±1, agree = ((T−1) + Σ_t s_i(t+1)·s_j(t)) / 2: the lagged products of the signs,
 * integers, exact in float64 whichever `kernel` sums them.
 */
export function signCorrelationWh(
  traj: Trajectory,
  bytes: Uint8Array,
  kernel: Kernel = 'fast',
): Float64Array {
  const { H, T } = window(traj, bytes);
  const s = new Float64Array(T * H);
  for (let k = 0; k < T * H; k++) s[k] = traj.h[k] >= 0 ? 1 : -1;
  return laggedProducts(s, T, H, kernel).map((p) => {
    const agree = (T - 1 + p) / 2;
    return (2 * agree) / (T - 1) - 1;
  });
}

/**
 * Boolean influence Wh: at `samples` evenly spaced positions (`evenlySpaced`), negate h_j(t)
 * and recompute sign h_i(t+1) with input x_{t+1}; influence[i][j] = fraction of sign flips
 * (`signFlips`). Prediction = influence × sign(sign correlation) (+1 when the correlation is ≥ 0).
 * `traj` must be the tanh trajectory of the model whose `Wh` is given ([H][H]). [H][H].
 */
export function booleanInfluenceWh(
  Wh: ArrayLike<number>,
  traj: Trajectory,
  bytes: Uint8Array,
  samples = 50,
): Float64Array {
  const { T } = window(traj, bytes);
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= T - 1)) {
    throw new RangeError(`samples: expected an integer in 1..${T - 1}, got ${samples}`);
  }
  const flips = signFlips(Wh, traj, evenlySpaced(T, samples));
  const corr = signCorrelationWh(traj, bytes);
  return flips.map((f, k) => (f / samples) * (corr[k] >= 0 ? 1 : -1));
}

/**
 * Sign-split log-ratio of a symbol stream: for neuron j and symbol s,
 * log P(s | h_j > 0) − log P(s | h_j < 0), with P = (c + 0.5)/(n + 128) (natural log).
 */
function signSplitLogRatio(
  traj: Trajectory,
  T: number,
  symbol: (t: number) => number,
  layout: 'row' | 'column',
): Float64Array {
  const H = traj.hidden;
  const pos = new Float64Array(H * VOCAB),
    neg = new Float64Array(H * VOCAB);
  const nPos = new Float64Array(H),
    nNeg = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    const s = symbol(t);
    for (let j = 0; j < H; j++) {
      if (traj.h[t * H + j] >= 0) {
        pos[j * VOCAB + s]++;
        nPos[j]++;
      } else {
        neg[j * VOCAB + s]++;
        nNeg[j]++;
      }
    }
  }
  const out = new Float64Array(VOCAB * H);
  for (let j = 0; j < H; j++) {
    for (let s = 0; s < VOCAB; s++) {
      const pp = (pos[j * VOCAB + s] + SMOOTH_ADD) / (nPos[j] + SMOOTH_DEN);
      const pn = (neg[j * VOCAB + s] + SMOOTH_ADD) / (nNeg[j] + SMOOTH_DEN);
      out[layout === 'row' ? j * VOCAB + s : s * H + j] = Math.log(pp) - Math.log(pn);
    }
  }
  return out;
}

/**
 * Sign-split log-prob Wy: Ŵy[o][j] = log P(x_{t+1} = o | h_j(t) > 0) − log P(x_{t+1} = o | h_j(t) < 0).
 * This is the weight a naive-Bayes readout would give neuron j for output o. [256][H].
 */
export function signSplitWy(traj: Trajectory, bytes: Uint8Array): Float64Array {
  const { T } = window(traj, bytes);
  return signSplitLogRatio(traj, T, (t) => bytes[t + 1], 'column');
}

/**
 * Sign-conditioned Wx: Ŵx[j][x] = log P(x_t = x | h_j(t) > 0) − log P(x_t = x | h_j(t) < 0):
 * bytes that tend to switch neuron j on should have a positive input weight. [H][256].
 */
export function signConditionedWx(traj: Trajectory, bytes: Uint8Array): Float64Array {
  const { T } = window(traj, bytes);
  return signSplitLogRatio(traj, T, (t) => bytes[t], 'row');
}

/**
 * Bigram PMI in bits: PMI(x, y) = log2(P(x, y) / (P(x) P(y))) with P(x) = count(x)/n and
 * P(x, y) = #{t : x_t = x, x_{t+1} = y}/(n − 1); 0 where the bigram never occurs. [256][256].
 */
export function bigramPmi(bytes: Uint8Array): Float64Array {
  const n = bytes.length;
  if (n < 2) throw new RangeError(`bytes: ${n} bytes, need at least 2 for a bigram`);
  const count = new Float64Array(VOCAB),
    big = new Float64Array(VOCAB * VOCAB);
  for (let t = 0; t < n; t++) count[bytes[t]]++;
  for (let t = 0; t + 1 < n; t++) big[bytes[t] * VOCAB + bytes[t + 1]]++;
  return big.map((c, k) => {
    if (c === 0) return 0;
    const x = Math.floor(k / VOCAB),
      y = k % VOCAB;
    return Math.log2(c / (n - 1) / ((count[x] / n) * (count[y] / n)));
  });
}

/**
 * How `pmiWx` picks the 2k outputs of neuron j from the trained readout column Wy[·][j]:
 * - 'extremes': the k largest and the k smallest weights (the method as described; ties by byte).
 * - 'original-loop': what the original program's in-place partial sort actually selected. Its
 *   first k selection passes bring the k largest to the front; its second k passes, meant to
 *   move the k smallest to the end, compare the wrong way round and carry running maxima there.
 *   The last k positions then hold the k largest, and the first k hold whatever those passes
 *   displaced, which depends on the byte order and is in general not the k most demoted
 *   (for w = 0, 1, …, 5 and k = 1 it picks 4 and 5 instead of 5 and 0).
 */
export type PmiSelection = 'extremes' | 'original-loop';

/** Indices of the 2k outputs chosen from `w` ([256]) by `selection` (see PmiSelection). */
export function pmiOutputs(w: ArrayLike<number>, k: number, selection: PmiSelection): number[] {
  if (!(Number.isInteger(k) && k >= 1 && 2 * k <= w.length))
    throw new RangeError(`k: expected an integer in 1..${w.length / 2}, got ${k}`);
  const n = w.length;
  if (selection === 'extremes') {
    const sorted = Array.from({ length: n }, (_, o) => o).sort((a, b) => w[b] - w[a] || a - b);
    return [...sorted.slice(0, k), ...sorted.slice(n - k)];
  }
  const idx = Array.from({ length: n }, (_, o) => o);
  const swap = (a: number, b: number) => {
    const t = idx[a];
    idx[a] = idx[b];
    idx[b] = t;
  };
  for (let a = 0; a < k; a++) for (let b = a + 1; b < n; b++) if (w[idx[b]] > w[idx[a]]) swap(a, b);
  for (let a = n - k; a < n; a++) for (let b = 0; b < a; b++) if (w[idx[b]] > w[idx[a]]) swap(a, b);
  return [...idx.slice(0, k), ...idx.slice(n - k)];
}

/**
 * PMI-based Wx: for neuron j choose 2k outputs from the trained readout column Wy[·][j] (by
 * default the k it promotes most and the k it demotes most) and set
 * Ŵx[j][x] = Σ_{chosen o} Wy[o][j] · PMI(x, o): an input byte that predicts what neuron j votes
 * for should switch j on. `Wy` is the trained readout [256][H]. [H][256].
 */
export function pmiWx(
  Wy: ArrayLike<number>,
  hidden: number,
  bytes: Uint8Array,
  k = 5,
  selection: PmiSelection = 'extremes',
): Float64Array {
  if (Wy.length !== VOCAB * hidden)
    throw new RangeError(`Wy: ${Wy.length} values, expected 256×${hidden}`);
  const pmi = bigramPmi(bytes);
  const out = new Float64Array(hidden * VOCAB);
  const col = new Float64Array(VOCAB);
  for (let j = 0; j < hidden; j++) {
    for (let o = 0; o < VOCAB; o++) col[o] = Wy[o * hidden + j];
    const chosen = pmiOutputs(col, k, selection);
    for (let x = 0; x < VOCAB; x++) {
      let s = 0;
      for (const o of chosen) s += col[o] * pmi[x * VOCAB + o];
      out[j * VOCAB + x] = s;
    }
  }
  return out;
}

/**
 * Sign log-odds bh: b̂h[j] = log(frac⁺_j) − log(frac⁻_j), the fraction of the T states with
 * h_j ≥ 0 and h_j < 0. A neuron that is mostly on needs a positive bias. A neuron that never
 * changes sign has an infinite log-odds; it is clipped at ±log(T) (one count in T).
 */
export function signLogOddsBh(traj: Trajectory, bytes: Uint8Array): Float64Array {
  const { H, T } = window(traj, bytes);
  const out = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let pos = 0;
    for (let t = 0; t < T; t++) if (traj.h[t * H + j] >= 0) pos++;
    out[j] = Math.log(Math.max(pos, 1) / T) - Math.log(Math.max(T - pos, 1) / T);
  }
  return out;
}
