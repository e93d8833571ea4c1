/**
 * Matrix products of fixed rows in wasm: weighted Gram matrices G = Σ_t w[t]·x(t)x(t)ᵀ over fixed rows X [n][k], for many weight vectors
 * (the Hessian blocks of lib/construction/newton.ts, one per output): X is copied once into a kernel instance of
 * its own, and each G is one float64 WebAssembly SIMD GEMM (w ⊙ X)ᵀ·X of its lower triangle
 * (half the work), mirrored into the upper one. Each G[i][j], j ≤ i, is Σ_t (w[t]·x_ti)·x_tj summed
 * over t in order from 0, the operations of the plain loop, so G is bit-identical to it.
 * `weightedGramSession32` is the same in float32 (X and w rounded once, four lanes per vector):
 * half the work again, for a Newton step's curvature, where float32 rounding only tilts the step
 * and the line search judges it in float64.
 * `transposeTimes`, `times` and `timesTransposed` are plain float64 products (Aᵀ·X, X·B, X·Dᵀ, the
 * last optionally from a bias) as one GEMM each, every entry summed in the plain loop's order:
 * bit-identical to it.
 */
import { Arena, kernels, newInstance } from './wasm.js';

const F = 8;

/** `gram(w, out)` writes G [k][k] into `out` for weights w [n]. */
export type WeightedGram = (w: Float64Array, out: Float64Array) => void;

/** A weighted-Gram kernel over the rows X [n][k] (k % 4 == 0). */
export function weightedGramSession(X: Float64Array, n: number, k: number): WeightedGram {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(k) && k >= 4 && k % 4 === 0))
    throw new RangeError(
      `weightedGramSession: expected n ≥ 1 and k a multiple of 4, got n = ${n}, k = ${k}`,
    );
  if (X.length !== n * k) throw new RangeError(`X: ${X.length} values, expected ${n}×${k}`);
  const w = newInstance();
  const a = new Arena(w);
  const px = a.alloc(n * k * F),
    pxw = a.alloc(n * k * F),
    pg = a.alloc(k * k * F);
  // Views are taken after the last allocation (growing the memory detaches earlier ones).
  const x = a.f64(px, n * k),
    xw = a.f64(pxw, n * k),
    g = a.f64(pg, k * k);
  x.set(X);
  return (weights, out) => {
    if (weights.length !== n) throw new RangeError(`w: ${weights.length} weights, expected ${n}`);
    if (out.length !== k * k) throw new RangeError(`out: ${out.length} values, expected ${k}×${k}`);
    for (let t = 0; t < n; t++) {
      const wt = weights[t],
        row = t * k;
      for (let j = 0; j < k; j++) xw[row + j] = wt * x[row + j];
    }
    w.gemmLower64(k, n, pxw, 1, k, px, pg); // G[i][j] = Σ_t xw[t][i]·x[t][j], j ≤ i
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) g[j * k + i] = g[i * k + j];
    out.set(g);
  };
}

/** `weightedGramSession` in float32 (k % 8 == 0): G is widened to float64 after the sums. */
export function weightedGramSession32(X: Float64Array, n: number, k: number): WeightedGram {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(k) && k >= 8 && k % 8 === 0))
    throw new RangeError(
      `weightedGramSession32: expected n ≥ 1 and k a multiple of 8, got n = ${n}, k = ${k}`,
    );
  if (X.length !== n * k) throw new RangeError(`X: ${X.length} values, expected ${n}×${k}`);
  const w = newInstance();
  const a = new Arena(w);
  const px = a.alloc(n * k * 4),
    pxw = a.alloc(n * k * 4),
    pw = a.alloc(n * 4),
    pg = a.alloc(k * k * 4);
  const x = a.f32(px, n * k),
    wt = a.f32(pw, n),
    g = a.f32(pg, k * k);
  x.set(X);
  return (weights, out) => {
    if (weights.length !== n) throw new RangeError(`w: ${weights.length} weights, expected ${n}`);
    if (out.length !== k * k) throw new RangeError(`out: ${out.length} values, expected ${k}×${k}`);
    wt.set(weights);
    w.weightedGramLower32(n, k, pw, px, pxw, pg);
    for (let i = 0; i < k; i++)
      for (let j = 0; j <= i; j++) out[i * k + j] = out[j * k + i] = g[i * k + j];
  };
}

/**
 * C [M][N] = A·B as one float64 `gemm64` in a fresh arena, A(i, j) = A[i·sai + j·sak] and B [K][N]:
 * each entry summed over j in order from 0, or from start[col] when `start` [N] is given (the
 * products below, shapes checked by their callers).
 */
function product(
  A: Float64Array,
  B: Float64Array,
  M: number,
  N: number,
  K: number,
  sai: number,
  sak: number,
  start?: Float64Array,
): Float64Array {
  const w = kernels();
  const a = new Arena(w);
  const pa = a.alloc(A.length * F),
    pb = a.alloc(B.length * F),
    pc = a.alloc(M * N * F);
  a.f64(pa, A.length).set(A);
  a.f64(pb, B.length).set(B);
  const c = a.f64(pc, M * N);
  if (start) for (let i = 0; i < M; i++) c.set(start, i * N);
  w.gemm64(M, N, K, pa, sai, sak, pb, pc, start ? 1 : 0);
  return c.slice();
}

/**
 * Aᵀ·X [m][k] for A [n][m] and X [n][k] (k % 4 == 0) as one float64 WebAssembly SIMD GEMM: each
 * entry Σ_t A[t][i]·X[t][j] summed over t in order from 0, bit-identical to the plain loop.
 */
export function transposeTimes(
  A: Float64Array,
  n: number,
  m: number,
  X: Float64Array,
  k: number,
): Float64Array {
  if (A.length !== n * m || X.length !== n * k || k % 4 !== 0)
    throw new RangeError(
      `transposeTimes: expected A ${n}×${m} and X ${n}×${k} with k % 4 == 0, got ${A.length} and ${X.length} values`,
    );
  return product(A, X, m, k, n, 1, m);
}

/**
 * X·B [n][m] for rows X [n][k] and B [k][m] (m % 4 == 0, any k) as one float64 WebAssembly SIMD
 * GEMM: each entry Σ_j X[t][j]·B[j][i] summed over j in order from 0, bit-identical to the plain loop.
 */
export function times(
  X: Float64Array,
  n: number,
  k: number,
  B: Float64Array,
  m: number,
): Float64Array {
  if (X.length !== n * k || B.length !== k * m || m % 4 !== 0)
    throw new RangeError(
      `times: expected X ${n}×${k} and B ${k}×${m} with m % 4 == 0, got ${X.length} and ${B.length} values`,
    );
  return product(X, B, n, m, k, k, 1);
}

/**
 * X·Dᵀ [n][m] for rows X [n][k] and D [m][k] (m % 4 == 0) as one float64 WebAssembly SIMD GEMM:
 * `times` with D transposed, each entry Σ_j X[t][j]·D[i][j] summed over j in order from 0 (from
 * bias[i] when `bias` [m] is given: a readout's logits by + Wy·h as `readout` of lib/core/rnn.ts
 * sums them), bit-identical to the plain loop.
 */
export function timesTransposed(
  X: Float64Array,
  n: number,
  k: number,
  D: Float64Array,
  m: number,
  bias?: Float64Array,
): Float64Array {
  if (X.length !== n * k || D.length !== m * k || m % 4 !== 0 || (bias && bias.length !== m))
    throw new RangeError(
      `timesTransposed: expected X ${n}×${k}, D ${m}×${k} with m % 4 == 0 and bias [${m}], got ${X.length}, ${D.length} and ${bias?.length ?? 'no'} values`,
    );
  const Dt = new Float64Array(k * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) Dt[j * m + i] = D[i * k + j];
  return product(X, Dt, n, m, k, k, 1, bias);
}
