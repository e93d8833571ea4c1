import { describe, expect, it } from 'vitest';
import { corr } from 'mathjs';
import {
  agreement,
  indicesAbsAtLeast,
  leastSquaresScale,
  mean,
  meanAbsFinite,
  pearson,
  pearsonAt,
  pearsonPer,
  pick,
  topAbs,
} from '../lib/math/stats.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';

function noise(n: number, seed: number): Float64Array {
  const rng = new GlibcRand(seed);
  return Float64Array.from({ length: n }, () => rng.nextCenteredFloat(1));
}

describe('pearson', () => {
  it('agrees with mathjs corr on random data', () => {
    const x = noise(500, 1),
      e = noise(500, 2);
    const y = x.map((v, k) => 0.7 * v + 0.3 * e[k]);
    expect(pearson(x, y)).toBeCloseTo(corr(Array.from(x), Array.from(y)) as number, 12);
  });

  it('is ±1 for exact linear relations and invariant to affine maps', () => {
    const x = noise(50, 3);
    expect(
      pearson(
        x,
        x.map((v) => 3 * v - 2),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      pearson(
        x,
        x.map((v) => -0.5 * v + 7),
      ),
    ).toBeCloseTo(-1, 12);
  });

  it('matches the closed form for a small example', () => {
    // x = (1,2,3), y = (1,3,2): centred (−1,0,1)·(−1,1,0) = 1; Σdx² = Σdy² = 2 → r = 0.5
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 14);
  });

  it('is NaN for a constant input and rejects mismatched or empty inputs by name', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow(/x has 2 values but y has 3/);
    expect(() => pearson([], [])).toThrow(/empty/);
    expect(() => mean([])).toThrow(/mean: x is empty/);
  });
});

describe('subsets and per-neuron r', () => {
  it('selects entries by |w| and correlates only those', () => {
    const w = [0.5, -3, 4, 2.9, -5];
    const idx = indicesAbsAtLeast(w, 3);
    expect(Array.from(idx)).toEqual([1, 2, 4]);
    expect(Array.from(pick(w, idx))).toEqual([-3, 4, -5]);
    const est = [100, -1, 2, -100, -3];
    expect(pearsonAt(est, w, idx)).toBeCloseTo(pearson([-1, 2, -3], [-3, 4, -5]), 14);
    expect(pearsonAt(est, w, indicesAbsAtLeast(w, 10))).toBeNaN();
    const a = agreement(est, w, idx);
    expect(a.entries).toBe(3);
    expect(a.rSquared).toBeCloseTo(a.r * a.r, 14);
    expect(agreement(est, w).entries).toBe(5);
    expect(agreement(est, w, []).r).toBeNaN();
    expect(() => indicesAbsAtLeast(w, -1)).toThrow(/threshold/);
  });

  it('computes one r per row or per column', () => {
    // 2 × 3 matrices: row 0 perfectly correlated, row 1 anti-correlated.
    const x = [1, 2, 3, 1, 2, 3];
    const y = [2, 4, 6, 3, 2, 1];
    expect(Array.from(pearsonPer(x, y, 2, 3, 'row')).map((r) => +r.toFixed(12))).toEqual([1, -1]);
    // 3 × 2 matrices: column 0 is (1,2,3) vs (1,2,3), column 1 is (5,6,7) vs (9,8,7).
    const xc = [1, 5, 2, 6, 3, 7];
    const yc = [1, 9, 2, 8, 3, 7];
    const byCol = pearsonPer(xc, yc, 3, 2, 'column');
    expect(byCol[0]).toBeCloseTo(1, 12);
    expect(byCol[1]).toBeCloseTo(-1, 12);
    expect(() => pearsonPer(x, y, 4, 2, 'row')).toThrow(/rows × cols/);
  });

  it('ranks by |r| and averages |r| over finite entries', () => {
    expect(topAbs([0.1, -0.9, NaN, 0.5], 3)).toEqual([1, 3, 0]);
    expect(meanAbsFinite([0.5, -0.25, NaN])).toBeCloseTo(0.375, 14);
  });
});

describe('leastSquaresScale', () => {
  it('recovers a planted scale exactly and minimises the squared error', () => {
    const est = noise(100, 4);
    expect(
      leastSquaresScale(
        est.map((v) => 2.5 * v),
        est,
      ),
    ).toBeCloseTo(2.5, 12);
    const trained = noise(100, 5).map((v, k) => v + 3 * est[k]);
    const s = leastSquaresScale(trained, est);
    const sse = (c: number) => trained.reduce((a, t, k) => a + (t - c * est[k]) ** 2, 0);
    expect(sse(s)).toBeLessThan(sse(s + 1e-3));
    expect(sse(s)).toBeLessThan(sse(s - 1e-3));
  });

  it('rejects an all-zero estimate', () => {
    expect(() => leastSquaresScale([1, 2], [0, 0])).toThrow(/all zeros/);
  });
});
