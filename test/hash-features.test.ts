import { describe, expect, it } from 'vitest';
import {
  distinctPatterns,
  featureSubsetCounts,
  HASHES,
  mixedHash,
  SEMANTIC_FEATURE_POOL,
  SEMANTIC_FEATURES,
} from '../lib/construction/hash.js';

describe('featureSubsetCounts', () => {
  it("on our eight semantic features gives the semantic and hybrid carriers' counts", () => {
    const [ours] = featureSubsetCounts(SEMANTIC_FEATURES, 8, 8, [0]);
    expect(ours.features).toEqual(SEMANTIC_FEATURES.map((f) => f.name));
    expect(ours.distinct).toBe(distinctPatterns(HASHES.semantic, 8));
    expect(ours.hybrid[0]).toBe(distinctPatterns(HASHES.hybrid, 16));
  });

  it('enumerates every k-subset once, in lexicographic order, and counts by hand on a small pool', () => {
    const pool = [
      { name: 'x < 128', test: (x: number) => x < 128 },
      { name: 'x < 64', test: (x: number) => x < 64 },
      { name: 'even', test: (x: number) => x % 2 === 0 },
    ];
    const rows = featureSubsetCounts(pool, 2, 0, []);
    expect(rows.map((r) => r.features.join('+'))).toEqual([
      'x < 128+x < 64',
      'x < 128+even',
      'x < 64+even',
    ]);
    expect(rows.map((r) => r.distinct)).toEqual([3, 4, 4]); // <64 implies <128: three classes
    const withHash = featureSubsetCounts(pool, 1, 1, [0, 5]);
    const want = (off: number) =>
      new Set(Array.from({ length: 256 }, (_, x) => `${x < 128}${mixedHash(x, off)}`)).size;
    expect(withHash[0].hybrid).toEqual([want(0), want(5)]);
    expect(featureSubsetCounts(SEMANTIC_FEATURE_POOL, 3, 0, []).length).toBe((16 * 15 * 14) / 6);
  });

  it('rejects bad sizes', () => {
    expect(() => featureSubsetCounts(SEMANTIC_FEATURES, 9, 0, [])).toThrow(/size/);
    expect(() => featureSubsetCounts(SEMANTIC_FEATURES, 2, -1, [])).toThrow(/hashBits/);
  });
});
