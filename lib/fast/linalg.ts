/**
 * Symmetric positive-definite solves in WebAssembly SIMD: `fastCholeskySolve` is
 * `choleskySolve(cholesky(A), b)` of lib/math/linalg.ts (one right-hand side) with every entry's
 * operations in the reference's order (asm/kernels.ts choleskySolve64), so x is bit-identical to it;
 * the subtractions run along contiguous rows of Lᵀ, two lanes at a time.
 */
import { Arena, kernels } from './wasm.js';

const F = 8;

/**
 * x = A⁻¹b for a symmetric positive-definite A [n][n] (row-major; its upper triangle is read) and
 * b [n]; A and b are not modified. Throws as `cholesky` does when A is not positive definite.
 */
export function fastCholeskySolve(A: Float64Array, n: number, b: Float64Array): Float64Array {
  if (A.length !== n * n || b.length !== n)
    throw new RangeError(
      `fastCholeskySolve: expected A ${n}×${n} and b [${n}], got ${A.length} and ${b.length} values`,
    );
  const k = kernels();
  const a = new Arena(k);
  const pa = a.alloc(n * n * F),
    pb = a.alloc(n * F);
  const va = a.f64(pa, n * n),
    vb = a.f64(pb, n);
  va.set(A);
  vb.set(b);
  const pivot = k.choleskySolve64(n, pa, pb);
  if (pivot >= 0)
    throw new RangeError(
      `cholesky: matrix is not positive definite (pivot ${pivot} is ${va[pivot * n + pivot]})`,
    );
  return vb.slice();
}
