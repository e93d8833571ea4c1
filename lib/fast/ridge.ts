/**
 * Fast Gram products for ridge least squares (`ridgeSolve` of lib/construction/pinv.ts): XᵀX and
 * XᵀY as float64 WebAssembly SIMD GEMMs. Every sum runs in the reference loops' order, so the
 * matrices, and the W solved from them, are bit-identical to the reference's.
 */
import { Arena, kernels } from './wasm.js';

const F = 8;

/** A = XᵀX [k][k] and B = XᵀY [k][m] for X [n][k], Y [n][m]; k and m multiples of 4. */
export function fastGrams(
  X: ArrayLike<number>,
  n: number,
  k: number,
  Y: ArrayLike<number>,
  m: number,
): { A: Float64Array; B: Float64Array } {
  if (X.length !== n * k) throw new RangeError(`X: ${X.length} values, expected ${n}×${k}`);
  if (Y.length !== n * m) throw new RangeError(`Y: ${Y.length} values, expected ${n}×${m}`);
  if (k % 4 !== 0 || m % 4 !== 0)
    throw new RangeError(`fastGrams: k = ${k} and m = ${m} must be multiples of 4`);
  const w = kernels();
  const a = new Arena(w);
  const px = a.alloc(n * k * F),
    py = a.alloc(n * m * F),
    pA = a.alloc(k * k * F),
    pB = a.alloc(k * m * F);
  a.f64(px, n * k).set(X);
  a.f64(py, n * m).set(Y);
  w.gemm64(k, k, n, px, 1, k, px, pA, 0); // XᵀX
  w.gemm64(k, m, n, px, 1, k, py, pB, 0); // XᵀY
  return { A: a.f64(pA, k * k).slice(), B: a.f64(pB, k * m).slice() };
}
