import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySolve,
  eigenvalues,
  spectralRadius,
  transpose,
} from '../lib/math/linalg.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';

function randomMatrix(n: number, seed: number): Float64Array {
  const r = new GlibcRand(seed);
  return Float64Array.from({ length: n * n }, () => r.nextCenteredFloat(1));
}

describe('eigenvalues', () => {
  it('finds the roots of a companion matrix', () => {
    // x^4 − 2x^3 + 5x^2 − 8x + 4 = (x − 1)^2 (x^2 + 4): roots 1, 1, ±2i
    const c = [0, 0, 0, -4, 1, 0, 0, 8, 0, 1, 0, -5, 0, 0, 1, 2];
    const { re, im } = eigenvalues(c, 4);
    const got = Array.from(re, (v, k) => [v, im[k]]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const want = [
      [0, -2],
      [1, 0],
      [1, 0],
      [0, 2],
    ];
    got.forEach((z, k) => {
      expect(z[0]).toBeCloseTo(want[k][0], 6);
      expect(z[1]).toBeCloseTo(want[k][1], 6);
    });
  });

  it('preserves trace and matches Gelfand’s formula ‖A^k‖^(1/k) on a random 64×64 matrix', () => {
    const n = 64;
    const a = randomMatrix(n, 5);
    const { re, im } = eigenvalues(a, n);
    let trace = 0,
      sumRe = 0,
      sumIm = 0;
    for (let i = 0; i < n; i++) {
      trace += a[i * n + i];
      sumRe += re[i];
      sumIm += im[i];
    }
    expect(sumRe).toBeCloseTo(trace, 9);
    expect(sumIm).toBeCloseTo(0, 9);
    // Repeated squaring with renormalisation: log‖A^(2^k)‖ / 2^k → log ρ.
    let p = a.slice(),
      logScale = 0;
    for (let it = 0; it < 12; it++) {
      const q = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < n; k++) {
          const v = p[i * n + k];
          for (let j = 0; j < n; j++) q[i * n + j] += v * p[k * n + j];
        }
      const norm = Math.sqrt(q.reduce((s, v) => s + v * v, 0));
      logScale = 2 * logScale + Math.log(norm);
      p = q.map((v) => v / norm);
    }
    expect(spectralRadius(a, n)).toBeCloseTo(Math.exp(logScale / 4096), 2);
  });

  it('rejects a non-square or non-finite matrix', () => {
    expect(() => eigenvalues([1, 2, 3], 2)).toThrow(/2×2/);
    expect(() => eigenvalues([1, NaN, 0, 1], 2)).toThrow(/NaN/);
  });
});

describe('transpose', () => {
  it('swaps rows and columns and is its own inverse', () => {
    const a = Float64Array.from({ length: 12 }, (_, k) => k * k - 3);
    const t = transpose(a, 3, 4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(t[j * 3 + i]).toBe(a[i * 4 + j]);
    expect(Array.from(transpose(t, 4, 3))).toEqual(Array.from(a));
    expect(() => transpose(a, 5, 2)).toThrow(/12 values, expected rows × cols = 5 × 2/);
  });
});

describe('Cholesky', () => {
  it('solves an SPD system A X = B with two right-hand sides', () => {
    const n = 20;
    const m = randomMatrix(n, 8);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0;
        for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
        a[i * n + j] = s;
      }
    const x = Float64Array.from({ length: n * 2 }, (_, k) => Math.cos(k));
    const b = new Float64Array(n * 2);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 2; c++)
        for (let k = 0; k < n; k++) b[i * 2 + c] += a[i * n + k] * x[k * 2 + c];
    const sol = choleskySolve(cholesky(a.slice(), n), n, b, 2);
    sol.forEach((v, k) => expect(v).toBeCloseTo(x[k], 8));
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});
