/**
 * A faithful port of glibc's `srand`/`rand` (the default TYPE_3 additive feedback generator,
 * `random_r.c`), so that the original C trainer's initialisation can be reproduced bit for bit.
 *
 * State: 34 seed words from a Park–Miller LCG, 310 discarded warm-up outputs, then
 * r[k] = r[k−31] + r[k−3] (mod 2³²), output r[k] >>> 1 in [0, RAND_MAX].
 */

export const RAND_MAX = 2147483647;

/**
 * A glibc `rand()` stream; `next()` returns the same integers as C after `srand(seed)`.
 *
 * @example
 * const r = new GlibcRand(42);
 * [r.next(), r.next()]; // → [71876166, 708592740]
 */
export class GlibcRand {
  private readonly ring = new Int32Array(34);
  private k = 0;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed: expected an integer in [0, 2^32), got ${seed}`);
    }
    const r = new Int32Array(344);
    // glibc treats seed 0 as 1.
    r[0] = seed === 0 ? 1 : seed | 0;
    for (let i = 1; i < 31; i++) {
      // 16807 · r[i−1] mod (2³¹ − 1) by Schrage's method, exactly as glibc computes it.
      const hi = Math.trunc(r[i - 1] / 127773);
      const lo = r[i - 1] % 127773;
      let word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[i] = word;
    }
    for (let i = 31; i < 34; i++) r[i] = r[i - 31];
    for (let i = 34; i < 344; i++) r[i] = (r[i - 31] + r[i - 3]) | 0;
    // Keep the last 34 words as a ring buffer.
    for (let i = 0; i < 34; i++) this.ring[i] = r[310 + i];
  }

  /** The next `rand()` value, an integer in [0, RAND_MAX]. */
  next(): number {
    const ring = this.ring;
    const k = this.k;
    const v = (ring[(k + 34 - 31) % 34] + ring[(k + 34 - 3) % 34]) | 0;
    ring[k] = v;
    this.k = (k + 1) % 34;
    return v >>> 1;
  }

  /** C's `((float)rand()/RAND_MAX − 0.5f)/scale`, every step rounded to float32 as C does. */
  nextCenteredFloat(scale: number): number {
    const f = Math.fround;
    return f(f(f(f(this.next()) / f(RAND_MAX)) - 0.5) / f(scale));
  }
}
