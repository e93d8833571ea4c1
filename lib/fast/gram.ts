/**
 * Weighted Gram matrices G = Σ_t w[t]·x(t)x(t)ᵀ over fixed rows X [n][k], for many weight vectors
 * (the Hessian blocks of lib/construction/newton.ts, one per output): X is copied once into a kernel instance of
 * its own, and each G is one float64 WebAssembly SIMD GEMM (w ⊙ X)ᵀ·X of its lower triangle
 * (half the work), mirrored into the upper one. Each G[i][j], j ≤ i, is Σ_t (w[t]·x_ti)·x_tj summed
 * over t in order from 0, the operations of the plain loop, so G is bit-identical to it.
 */
import { Arena, newInstance } from './wasm.js';

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
