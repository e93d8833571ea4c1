/**
 * A true (damped, block-diagonal) Newton method for the readout loss — the paper's "20 Newton
 * steps" were plain gradient steps (SCHEDULES.paperNewton20 in readout.ts).
 *
 * Loss L(Wy, by) = −(1/N) Σ_t log softmax(by + Wy·h(t))[x_{t+1}] (readout.ts). For output o the
 * parameters θ_o = (Wy[o][0..H−1], by[o]) see the features φ(t) = (h(t), 1); with p = softmax:
 *   g_o = (1/N) Σ_t (p_o(t) − [x_{t+1} = o]) φ(t)
 *   A_o = (1/N) Σ_t p_o(t)(1 − p_o(t)) φ(t)φ(t)ᵀ + λI      (the Hessian's diagonal block o)
 *   Δ_o = −A_o⁻¹ g_o  (Cholesky solve per output)
 * The cross-output blocks −p_o p_o' φφᵀ are dropped, so the full step can overshoot; a backtracking
 * (Armijo) line search on η ∈ {1, ½, ¼, …} keeps each iteration a decrease of L. Since every A_o is
 * positive definite, Δ is a descent direction (gᵀΔ < 0). Losses use the fast wasm gradient, and the
 * probabilities, the blocks and their Cholesky solves run in wasm when the hidden size allows it
 * (lib/fast/readout.ts, gram.ts, linalg.ts; in float64 each bit-identical to the loops here).
 */
import { cholesky, choleskySolve } from '../math/linalg.js';
import { VOCAB } from '../core/model.js';
import { readout } from '../core/rnn.js';
import {
  readoutLossGrad,
  READOUT_ARITHMETIC,
  type Arithmetic,
  type Readout,
  type ReadoutProblem,
} from './readout.js';
import { fastReadoutLossGrad } from '../fast/readout.js';
import { fastCholeskySolve } from '../fast/linalg.js';
import {
  timesTransposed,
  transposeTimes,
  weightedGramSession,
  weightedGramSession32,
  type WeightedGram,
} from '../fast/gram.js';
import { useFast } from '../core/kernel.js';
import type { Kernel } from '../core/types.js';

export interface NewtonOptions {
  /** Number of Newton iterations. */
  iterations: number;
  /** Damping λ added to each block's diagonal (default 1e-3). */
  damping?: number;
  /** Armijo constant c in L(θ + ηΔ) ≤ L(θ) + c·η·gᵀΔ (default 1e-4). */
  armijo?: number;
  /** Largest number of step halvings per iteration (default 30). */
  maxHalvings?: number;
  /**
   * Arithmetic of the blocks' weighted Gram sums (default `READOUT_ARITHMETIC` where the fast
   * kernels run, else float64): 'float32' sums them in float32 (lib/fast/gram.ts, half the work of
   * float64); the gradient, the solve and the line search's losses stay float64, so a float32
   * block only tilts the direction it proposes.
   */
  arithmetic?: Arithmetic;
}

/** One iteration's record. */
export interface NewtonStep {
  readonly iteration: number;
  /** Loss (nats) after the step. */
  readonly loss: number;
  /** Accepted step length η. */
  readonly eta: number;
}

export interface NewtonResult extends Readout {
  /** Loss (nats) at the start. */
  readonly loss0: number;
  readonly steps: NewtonStep[];
}

/**
 * Softmax probabilities [N][256] of a readout on the problem's positions: the logits by + Wy·h(t)
 * of the reference `readout`, or (`fast`) the same sums as one wasm GEMM (`timesTransposed` with
 * the bias, bit-identical), then each row's softmax.
 */
function probabilities(p: ReadoutProblem, r: Readout, fast: boolean): Float64Array {
  const n = p.to - p.from,
    H = p.hidden;
  let P: Float64Array;
  if (fast) P = timesTransposed(p.states.subarray(p.from * H, p.to * H), n, H, r.Wy, VOCAB, r.by);
  else {
    P = new Float64Array(n * VOCAB);
    for (let k = 0; k < n; k++)
      readout(r.Wy, r.by, H, p.states, (p.from + k) * H, P.subarray(k * VOCAB, (k + 1) * VOCAB));
  }
  for (let k = 0; k < n; k++) {
    const z = P.subarray(k * VOCAB, (k + 1) * VOCAB);
    let max = -Infinity;
    for (let o = 0; o < VOCAB; o++) if (z[o] > max) max = z[o];
    let s = 0;
    for (let o = 0; o < VOCAB; o++) {
      z[o] = Math.exp(z[o] - max);
      s += z[o];
    }
    for (let o = 0; o < VOCAB; o++) z[o] /= s;
  }
  return P;
}

/** The plain-loop `WeightedGram`: G = Σ_t w[t]·x(t)x(t)ᵀ over X [n][k], lower triangle then mirrored. */
function referenceGram(X: Float64Array, n: number, k: number): WeightedGram {
  return (w, out) => {
    out.fill(0);
    for (let t = 0; t < n; t++) {
      const wt = w[t],
        row = t * k;
      for (let i = 0; i < k; i++) {
        const a = wt * X[row + i],
          oi = i * k;
        for (let j = 0; j <= i; j++) out[oi + j] += a * X[row + j];
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) out[j * k + i] = out[i * k + j];
  };
}

/** Aᵀ·X [m][k] for A [n][m], X [n][k], summed over t in order (what `transposeTimes` computes in wasm). */
function referenceTransposeTimes(
  A: Float64Array,
  n: number,
  m: number,
  X: Float64Array,
  k: number,
): Float64Array {
  const out = new Float64Array(m * k);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < m; i++) {
      const a = A[t * m + i];
      for (let j = 0; j < k; j++) out[i * k + j] += a * X[t * k + j];
    }
  return out;
}

/**
 * Block-diagonal Newton directions ΔWy [256][H], Δby [256] at readout r. The H×H part of each
 * block A_o is a weighted Gram matrix of the states (`kernel` 'fast': lib/fast/gram.ts when the
 * hidden size allows it, in `arithmetic` as `NewtonOptions.arithmetic`); its bias row and column
 * are Σ w h and Σ w. 'fast' also forms the probabilities and solves each block in wasm
 * (`timesTransposed`, `fastCholeskySolve`: the reference's operations, so in float64 the direction
 * is the reference's to the bit).
 */
export function newtonDirection(
  p: ReadoutProblem,
  r: Readout,
  damping: number,
  kernel: Kernel = 'fast',
  arithmetic?: Arithmetic,
): Readout {
  const H = p.hidden,
    K = H + 1,
    n = p.to - p.from;
  const fast = useFast(H, kernel);
  const P = probabilities(p, r, fast);
  const X = p.states.subarray(p.from * H, p.to * H);
  if (arithmetic === 'float32' && !fast)
    throw new RangeError(
      "arithmetic 'float32' runs in the fast kernel only (kernel 'fast', hidden a multiple of 8)",
    );
  const gram = !fast
    ? referenceGram(X, n, H)
    : (arithmetic ?? READOUT_ARITHMETIC) === 'float32'
      ? weightedGramSession32(X, n, H)
      : weightedGramSession(X, n, H);
  // resid[t][o] = (p_o(t) − [x_{t+1} = o]) / N and w[t][o] = p_o(t)(1 − p_o(t)) / N; the gradient
  // rows Σ_t resid·h and the blocks' bias rows Σ_t w·h are one product each over all outputs.
  const resid = new Float64Array(n * VOCAB),
    weight = new Float64Array(n * VOCAB);
  for (let k = 0; k < n; k++) {
    const y = p.bytes[p.from + k + 1];
    for (let o = 0; o < VOCAB; o++) {
      const po = P[k * VOCAB + o];
      resid[k * VOCAB + o] = (po - (y === o ? 1 : 0)) / n;
      weight[k * VOCAB + o] = (po * (1 - po)) / n;
    }
  }
  const times = fast ? transposeTimes : referenceTransposeTimes;
  const gRows = times(resid, n, VOCAB, X, H),
    bRows = times(weight, n, VOCAB, X, H);
  const dWy = new Float64Array(VOCAB * H),
    dby = new Float64Array(VOCAB);
  const w = new Float64Array(n),
    G = new Float64Array(H * H),
    A = new Float64Array(K * K),
    g = new Float64Array(K);
  for (let o = 0; o < VOCAB; o++) {
    // Every entry of A is set below (the reference's `cholesky` leaves its factor in A).
    let gBias = 0,
      wSum = 0;
    for (let k = 0; k < n; k++) {
      w[k] = weight[k * VOCAB + o];
      gBias += resid[k * VOCAB + o];
      wSum += w[k];
    }
    g.set(gRows.subarray(o * H, o * H + H));
    g[H] = gBias;
    A.set(bRows.subarray(o * H, o * H + H), H * K);
    A[H * K + H] = wSum;
    gram(w, G);
    for (let i = 0; i < H; i++) {
      A.set(G.subarray(i * H, i * H + H), i * K);
      A[i * K + H] = A[H * K + i];
    }
    for (let i = 0; i < K; i++) A[i * K + i] += damping;
    const x = fast ? fastCholeskySolve(A, K, g) : choleskySolve(cholesky(A, K), K, g, 1);
    for (let j = 0; j < H; j++) dWy[o * H + j] = -x[j];
    dby[o] = -x[H];
  }
  return { Wy: dWy, by: dby };
}

/** Damped block-diagonal Newton with backtracking from `init` (not modified). */
export function newtonReadout(
  p: ReadoutProblem,
  init: Readout,
  opts: NewtonOptions,
  onStep?: (s: NewtonStep) => void,
): NewtonResult {
  if (!(Number.isInteger(opts.iterations) && opts.iterations >= 0))
    throw new RangeError(`iterations: expected a non-negative integer, got ${opts.iterations}`);
  const damping = opts.damping ?? 1e-3,
    c = opts.armijo ?? 1e-4,
    maxHalvings = opts.maxHalvings ?? 30;
  if (!(damping > 0)) throw new RangeError(`damping: expected a positive number, got ${damping}`);
  const lossGrad = useFast(p.hidden) ? fastReadoutLossGrad : readoutLossGrad;
  let Wy = init.Wy.slice(),
    by = init.by.slice();
  const gWy = new Float64Array(Wy.length),
    gby = new Float64Array(by.length);
  const scratchW = new Float64Array(Wy.length),
    scratchB = new Float64Array(by.length);
  let loss = lossGrad(p, { Wy, by }, gWy, gby);
  const loss0 = loss;
  const steps: NewtonStep[] = [];
  for (let it = 1; it <= opts.iterations; it++) {
    const d = newtonDirection(p, { Wy, by }, damping, 'fast', opts.arithmetic);
    let slope = 0;
    for (let k = 0; k < Wy.length; k++) slope += gWy[k] * d.Wy[k];
    for (let o = 0; o < VOCAB; o++) slope += gby[o] * d.by[o];
    let eta = 1,
      accepted = false;
    for (let h = 0; h <= maxHalvings; h++, eta /= 2) {
      const tW = Wy.map((v, k) => v + eta * d.Wy[k]);
      const tB = by.map((v, o) => v + eta * d.by[o]);
      const trial = lossGrad(p, { Wy: tW, by: tB }, scratchW, scratchB);
      if (trial <= loss + c * eta * slope) {
        Wy = tW;
        by = tB;
        loss = trial;
        gWy.set(scratchW);
        gby.set(scratchB);
        accepted = true;
        break;
      }
    }
    if (!accepted) break; // no decrease found: at a minimum to working precision
    const s: NewtonStep = { iteration: it, loss, eta };
    steps.push(s);
    onStep?.(s);
  }
  return { Wy, by, loss0, steps };
}
