/**
 * Fast ridge least squares: `ridgeSolve` of lib/pinv.ts (W = (XᵀX + λI)⁻¹ XᵀY) with the two
 * Gram products as float64 WebAssembly SIMD GEMMs and the triangular solves done row-wise over
 * all right-hand sides at once (contiguous rows instead of one strided column at a time). Every
 * sum runs in the reference's order, so W is bit-identical to `ridgeSolve`'s.
 */
import { cholesky } from '../linalg.js';
import { Arena, kernels } from './wasm.js';

const F = 8;

/** Same contract as `ridgeSolve`: X [n][k], Y [n][m] → W [k][m]. Needs k % 4 == 0 and m % 4 == 0. */
export function fastRidgeSolve(X: ArrayLike<number>, n: number, k: number, Y: ArrayLike<number>, m: number, lambda: number): Float64Array {
  if (X.length !== n * k) throw new RangeError(`X: ${X.length} values, expected ${n}×${k}`);
  if (Y.length !== n * m) throw new RangeError(`Y: ${Y.length} values, expected ${n}×${m}`);
  if (!(lambda >= 0)) throw new RangeError(`lambda: expected a non-negative ridge, got ${lambda}`);
  if (k % 4 !== 0 || m % 4 !== 0) throw new RangeError(`fastRidgeSolve: k = ${k} and m = ${m} must be multiples of 4; use ridgeSolve`);
  const w = kernels();
  const a = new Arena(w);
  const px = a.alloc(n * k * F), py = a.alloc(n * m * F), pA = a.alloc(k * k * F), pB = a.alloc(k * m * F);
  a.f64(px, n * k).set(X);
  a.f64(py, n * m).set(Y);
  w.gemm64(k, k, n, px, 1, k, px, pA, 0); // XᵀX
  w.gemm64(k, m, n, px, 1, k, py, pB, 0); // XᵀY
  const A = a.f64(pA, k * k).slice();
  const B = a.f64(pB, k * m).slice();
  for (let i = 0; i < k; i++) A[i * k + i] += lambda;
  const L = cholesky(A, k);
  for (let i = 0; i < k; i++) { // forward: L·Z = B, row by row
    const bi = i * m;
    for (let j = 0; j < i; j++) {
      const l = L[i * k + j], bj = j * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bj + c];
    }
    const d = L[i * k + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
  for (let i = k - 1; i >= 0; i--) { // backward: Lᵀ·W = Z
    const bi = i * m;
    for (let j = i + 1; j < k; j++) {
      const l = L[j * k + i], bj = j * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bj + c];
    }
    const d = L[i * k + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
  return B;
}
