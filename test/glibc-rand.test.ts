import { describe, expect, it } from 'vitest';
import { GlibcRand, RAND_MAX } from '../lib/core/glibc-rand.js';

describe('glibc rand port', () => {
  it('reproduces the first outputs of srand(42) (printed by gcc/glibc on this machine)', () => {
    const r = new GlibcRand(42);
    const got = Array.from({ length: 8 }, () => r.next());
    expect(got).toEqual([
      71876166, 708592740, 1483128881, 907283241, 442951012, 537146758, 1366999021, 1854614940,
    ]);
  });

  it('reproduces srand(1) (the C default seed)', () => {
    const r = new GlibcRand(1);
    expect([r.next(), r.next()]).toEqual([1804289383, 846930886]);
  });

  it("computes C's ((float)rand()/RAND_MAX - 0.5f)/128 in float32", () => {
    // gcc printed -0x1.ddba0ep-9 for the first value after srand(42).
    expect(new GlibcRand(42).nextCenteredFloat(128)).toBe(-0x1ddba0e / 2 ** 33); // gcc: -0x1.ddba0ep-9;
  });

  it('stays in [0, RAND_MAX] over a long run', () => {
    const r = new GlibcRand(7);
    for (let k = 0; k < 100000; k++) {
      const v = r.next();
      expect(v >= 0 && v <= RAND_MAX).toBe(true);
    }
  });

  it('rejects a seed that is not a 32-bit unsigned integer', () => {
    expect(() => new GlibcRand(-1)).toThrow(/seed/);
    expect(() => new GlibcRand(1.5)).toThrow(/seed/);
  });
});
