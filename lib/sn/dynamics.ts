/**
 * Dynamics of the sat-rnn recurrence along a data trajectory: Lyapunov exponents through the
 * tangent map, the distance between two trajectories over time, and runs whose state is
 * re-synchronised to a reference trajectory at a fixed period.
 *
 * Tangent map. With h_t = tanh(pre_t), pre_t = bh + Wx[:, x_t] + Wh·h_{t−1}, a small perturbation
 * of the previous state moves the new one by
 *   δh_t = J_t δh_{t−1},   J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²) · Wh        ([H][H]).
 * The input sequence is the data, so the J_t are the ones met along the data trajectory.
 *
 * Lyapunov exponents (nats per step). k tangent vectors are pushed through J_0 … J_{n−1}; after each
 * step they are re-orthonormalised by a QR factorisation (modified Gram–Schmidt), and
 *   λ_i = (1/T) Σ_t ln R_ii(t)
 * over the T averaged steps. For k = 1 this is the renormalised-perturbation estimate of the
 * largest exponent λ_1. λ_1 > 0 means nearby states separate (chaos); the per-step growth factor
 * of a typical perturbation is exp(λ_1), which is > 1 exactly when λ_1 > 0. Both are reported
 * because some texts quote the growth factor ("> 1 = chaos") rather than the exponent.
 */
import type { SatRnn } from '../core/model.js';
import { run, type Trajectory } from '../core/rnn.js';

export interface LyapunovOptions {
  /** Number of exponents (tangent vectors), 1 ≤ k ≤ H. Default 1. */
  k?: number;
  /** Steps evolved before averaging starts (lets the vectors align), default 0. */
  warmup?: number;
}

export interface LyapunovResult {
  /** λ_1 ≥ λ_2 ≥ … ≥ λ_k in nats per step (sorted descending). */
  readonly exponents: Float64Array;
  /** exp(λ_i): mean growth factor per step of the i-th direction. */
  readonly growthFactors: Float64Array;
  /** Number of averaged steps T. */
  readonly steps: number;
  /** ln R_11(t) for every step t (index t): the finite-time log growth of the leading vector. */
  readonly localLogGrowth: Float64Array;
}

/**
 * Lyapunov exponents along a stored tanh trajectory (`states` = h_t, [n][H], as `run` returns).
 * `Wh` is [H][H] with Wh[i·H + j] feeding h_j into h_i. The initial tangent vectors are fixed
 * (deterministic: v_i[j] = cos(1 + 0.7·i + 1.3·j·(i + 1)), then orthonormalised).
 */
export function lyapunovExponents(
  Wh: ArrayLike<number>,
  hidden: number,
  states: Float64Array,
  opts: LyapunovOptions = {},
): LyapunovResult {
  const H = hidden;
  const k = opts.k ?? 1;
  const warmup = opts.warmup ?? 0;
  if (!Number.isInteger(H) || H < 1)
    throw new RangeError(`hidden: expected a positive integer, got ${H}`);
  if (Wh.length !== H * H) throw new RangeError(`Wh: ${Wh.length} values, expected ${H}×${H}`);
  if (states.length % H !== 0 || states.length === 0)
    throw new RangeError(
      `states: ${states.length} values is not a positive multiple of hidden=${H}`,
    );
  if (!Number.isInteger(k) || k < 1 || k > H)
    throw new RangeError(`k: expected an integer in [1, ${H}], got ${k}`);
  const n = states.length / H;
  if (!Number.isInteger(warmup) || warmup < 0 || warmup >= n)
    throw new RangeError(`warmup: expected an integer in [0, ${n - 1}], got ${warmup}`);
  for (let q = 0; q < Wh.length; q++)
    if (!Number.isFinite(Wh[q]))
      throw new RangeError(`Wh[${q}] is ${Wh[q]}; weights must be finite`);

  const V = new Float64Array(k * H); // row i = tangent vector i
  for (let i = 0; i < k; i++)
    for (let j = 0; j < H; j++) V[i * H + j] = Math.cos(1 + 0.7 * i + 1.3 * j * (i + 1));
  orthonormalise(V, k, H);
  const W = new Float64Array(k * H);
  const sums = new Float64Array(k);
  const local = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const off = t * H;
    for (let v = 0; v < k; v++) {
      for (let i = 0; i < H; i++) {
        let s = 0;
        const row = i * H;
        for (let j = 0; j < H; j++) s += Wh[row + j] * V[v * H + j];
        const h = states[off + i];
        W[v * H + i] = (1 - h * h) * s;
      }
    }
    const r = orthonormalise(W, k, H);
    V.set(W);
    local[t] = Math.log(r[0]);
    if (t >= warmup) for (let v = 0; v < k; v++) sums[v] += Math.log(r[v]);
  }
  const steps = n - warmup;
  const exponents = Float64Array.from(sums, (s) => s / steps)
    .sort()
    .reverse();
  return { exponents, growthFactors: exponents.map(Math.exp), steps, localLogGrowth: local };
}

/** Lyapunov exponents of a model along its own trajectory on `bytes` (h_{−1} = 0). */
export function lyapunov(m: SatRnn, bytes: Uint8Array, opts: LyapunovOptions = {}): LyapunovResult {
  return lyapunovExponents(m.Wh, m.hidden, run(m, bytes).h, opts);
}

/**
 * Modified Gram–Schmidt on the k rows of `A` ([k][H]) in place; returns the diagonal R_ii
 * (the norm of row i after removing the earlier rows). A collapsed row (norm 0) gives R_ii = 0,
 * i.e. ln R_ii = −∞, which is the right answer for a map that annihilates that direction.
 */
function orthonormalise(A: Float64Array, k: number, H: number): Float64Array {
  const r = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ri = A.subarray(i * H, (i + 1) * H);
    for (let p = 0; p < i; p++) {
      const rp = A.subarray(p * H, (p + 1) * H);
      let d = 0;
      for (let j = 0; j < H; j++) d += ri[j] * rp[j];
      for (let j = 0; j < H; j++) ri[j] -= d * rp[j];
    }
    let norm = 0;
    for (let j = 0; j < H; j++) norm += ri[j] * ri[j];
    norm = Math.sqrt(norm);
    r[i] = norm;
    if (norm > 0) for (let j = 0; j < H; j++) ri[j] /= norm;
  }
  return r;
}

/**
 * A fixed unit vector in a state space of `hidden` units, u_j ∝ cos(1 + 1.3 j): the direction of
 * the perturbation controls (a start state h(−1) = ε·u instead of 0).
 *
 * @example
 * Math.hypot(...probeDirection(4)).toFixed(12); // → '1.000000000000'
 */
export function probeDirection(hidden: number): Float64Array {
  if (!(Number.isInteger(hidden) && hidden >= 1))
    throw new RangeError(`probeDirection: expected a positive integer size, got ${hidden}`);
  const u = Float64Array.from({ length: hidden }, (_, j) => Math.cos(1 + 1.3 * j));
  const norm = Math.hypot(...Array.from(u));
  u.forEach((v, j) => {
    u[j] = v / norm;
  });
  return u;
}

/** Euclidean distance ‖a(t) − b(t)‖ between two trajectories ([n][H] each) at every t. */
export function stateDistance(a: Float64Array, b: Float64Array, hidden: number): Float64Array {
  if (a.length !== b.length || a.length % hidden !== 0) {
    throw new RangeError(
      `stateDistance: trajectories of ${a.length} and ${b.length} values do not both hold [n][${hidden}]`,
    );
  }
  const n = a.length / hidden;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = t * hidden; i < (t + 1) * hidden; i++) s += (a[i] - b[i]) ** 2;
    d[t] = Math.sqrt(s);
  }
  return d;
}

/**
 * Run `m` over `bytes` while re-synchronising its state to a reference trajectory every `period`
 * steps ("resync-N" with N = period):
 *   for every t that is a positive multiple of N, the state h(t − 1) that the model reads x_t with
 *   is replaced by the reference state ref(t − 1); otherwise the model runs on its own state.
 * Position 0 starts from h_{−1} = 0 as in the bpc protocol. Each segment [sN, (s + 1)N) thus starts
 * from the reference state, so the model's own error can build up for at most N steps.
 * `reference` is [n][H] (e.g. `run(floatModel, bytes).h`).
 */
export function runResync(
  m: SatRnn,
  bytes: Uint8Array,
  reference: Float64Array,
  period: number,
): Trajectory {
  const H = m.hidden;
  const n = bytes.length;
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`period: expected a positive integer, got ${period}`);
  if (reference.length !== n * H)
    throw new RangeError(`reference: ${reference.length} values, expected [${n}][${H}]`);
  const h = new Float64Array(n * H);
  const pre = new Float64Array(n * H);
  for (let start = 0; start < n; start += period) {
    const end = Math.min(n, start + period);
    const h0 = start === 0 ? undefined : reference.slice((start - 1) * H, start * H);
    const seg = run(m, bytes.subarray(start, end), { h0 });
    h.set(seg.h, start * H);
    pre.set(seg.pre, start * H);
  }
  return { n, hidden: H, h, pre };
}
