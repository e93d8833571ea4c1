import { describe, expect, it } from 'vitest';
import { loadBytes } from '../lib/core/data.js';
import { countScore, ngramFamily, originalUm, ppmcRule, umRule } from '../lib/counting/models.js';
import {
  greedyOffsets,
  offsetEntropy,
  patternChainFamily,
  patternChainInventory,
  patternChainUm,
  skipLinkFamily,
} from '../lib/counting/chains.js';
import { TRAIN_TEXT } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const enc = (s: string) => new TextEncoder().encode(s);

describe('pattern chains as the public record defines them', () => {
  it('are the runs of 1 … order input events ending at the current byte, longest first, never longer than the history', () => {
    const b = enc('wxyz');
    expect(patternChainFamily(2)(b, 3)).toEqual(['nyz', 'nz']);
    expect(patternChainFamily(5)(b, 3)).toEqual(['nwxyz', 'nxyz', 'nyz', 'nz']); // 4 bytes of history: at most 4 events
    expect(patternChainFamily(5)(b, 0)).toEqual(['nw']);
    // sat_ngram_um.c's lookup never reaches x_0: at most t events, none at t = 0
    expect(patternChainFamily(5, false)(b, 3)).toEqual(['nxyz', 'nyz', 'nz']);
    expect(patternChainFamily(5, false)(b, 0)).toEqual([]);
  });

  it('are the n-gram contexts of one order more without the empty context (no chain without an input event)', () => {
    for (const k of [1, 3, 12]) {
      for (const t of [0, 1, 5, 11, 12, 500, 1022])
        expect(patternChainFamily(k)(text, t)).toEqual(ngramFamily(k + 1)(text, t).slice(0, -1));
    }
  });

  it('count their inventory by hand on a tiny text', () => {
    // 'abab', t = 0 … 2: a→b; b→a, ab→a; a→b, ba→b. Chains a, b, ab, ba; patterns (a,b), (b,a), (ab,a), (ba,b).
    const inv = patternChainInventory(enc('abab'), 2);
    expect(inv.levels).toEqual([
      { events: 1, chains: 2, patterns: 2 },
      { events: 2, chains: 2, patterns: 2 },
    ]);
    expect([inv.chains, inv.patterns]).toEqual([4, 4]);
    // 'abcabd', two events at t = 1 … 4: ab→c, bc→a, ca→b, ab→d: three chains, four patterns ('ab' twice)
    expect(patternChainInventory(enc('abcabd'), 2).levels[1]).toEqual({
      events: 2,
      chains: 3,
      patterns: 4,
    });
  });

  it('have the 6,180 patterns at order 12 that pattern-prior.tex and narrative.tex give the pattern-chain UM, on the first 1024 bytes of enwik8', () => {
    const inv = patternChainInventory(text, 12);
    expect(inv.patterns).toBe(6180);
    // one event: the bigram inventory pattern-chains.tex prints for offset 1 (231 patterns, 52 contexts)
    expect(inv.levels[0]).toEqual({ events: 1, chains: 52, patterns: 231 });
    // with the empty chain (the 52 byte values that follow something) it would be 6,232; at order 11 it is 5,511
    expect(patternChainInventory(text, 11).patterns).toBe(5511);
    // every level has at most one pattern per position and at least as many patterns as chains
    for (const l of inv.levels)
      expect(l.chains <= l.patterns && l.patterns <= text.length - l.events).toBe(true);
  });

  it('score by the UM rule as computed by hand on a tiny text', () => {
    // 'abcabd', order 2: t=0 a→b (a always → b: 0 bits); t=1 ab→c (ab → c once, d once: 1 bit); t=2 bc→a, t=3 ca→b: 0; t=4 ab→d: 1 bit
    const s = patternChainUm(enc('abcabd'), 2);
    expect(Array.from(s.bits, (b) => b + 0)).toEqual([0, 1, 0, 0, 1]);
    expect(s.bpc).toBeCloseTo(0.4, 15);
  });

  it("in-sample, the UM rule always takes the longest chain: its bits are that chain's frequency", () => {
    const k = 12,
      s = patternChainUm(text, k);
    const count = (chain: string, next?: number) => {
      let c = 0;
      for (let t = chain.length - 1; t < text.length - 1; t++) {
        if (
          String.fromCharCode(...text.subarray(t + 1 - chain.length, t + 1)) === chain &&
          (next === undefined || text[t + 1] === next)
        )
          c++;
      }
      return c;
    };
    for (const t of [0, 5, 100, 444, 469, 1007]) {
      const chain = String.fromCharCode(...text.subarray(Math.max(0, t + 1 - k), t + 1));
      expect(s.bits[t]).toBeCloseTo(-Math.log2(count(chain, text[t + 1]) / count(chain)), 12);
    }
  });

  it("land near the taxonomy's pattern-chain numbers on the first 1024 bytes of enwik8: about 0.067 bpc at order 12, below 0.079 (the sat-rnn) from order 10", () => {
    const bpc = Array.from({ length: 14 }, (_, i) => patternChainUm(text, i + 1).bpc);
    expect(Math.abs(bpc[11] - 0.067)).toBeLessThan(0.001); // within one unit of the printed last digit (0.06645)
    expect(bpc.findIndex((v) => v < 0.079) + 1).toBe(10);
    // more events never cost bits in-sample
    for (let k = 1; k < bpc.length; k++) expect(bpc[k]).toBeLessThanOrEqual(bpc[k - 1]);
  });

  it("with sat_ngram_um.c's lookup (no chain reaches x_0) they score as the original n-gram UM of one order more, except at t = 0", () => {
    for (const k of [4, 12]) {
      const a = patternChainUm(text, k, false).bits,
        b = originalUm(text, k + 1).bits;
      expect(Array.from(a.subarray(1))).toEqual(Array.from(b.subarray(1)));
      expect(a[0]).toBe(8); // no chain at t = 0: the uniform 1/256, where the n-gram UM uses the byte marginal
    }
  });
});

describe('our earlier definition: runs plus one skip link', () => {
  it('orders the chains by specificity: the unbroken run, then skip links nearest first, then shorter runs', () => {
    // t = 3, order 4: window x_1..x_3 = 'xyz'; runs of 3, 2, 1 events; skip links d ≤ 2
    expect(skipLinkFamily(4)(enc('wxyz'), 3)).toEqual([
      'c3:xyz',
      'c2:yz',
      's1:2:xz',
      'c1:z',
      'c0:',
    ]);
  });

  it('without room for a skip link (order ≤ 3) is the n-gram family', () => {
    for (const k of [1, 2, 3]) {
      expect(countScore(text, skipLinkFamily(k), ppmcRule, 'adaptive').bpc).toBe(
        countScore(text, ngramFamily(k), ppmcRule, 'adaptive').bpc,
      );
    }
  });

  it('under the UM rule in-sample never consults a skip link: at order k + 1 it scores exactly the public definition at order k', () => {
    for (let k = 1; k <= 13; k++) {
      expect(Array.from(countScore(text, skipLinkFamily(k + 1), umRule, 'in-sample').bits)).toEqual(
        Array.from(patternChainUm(text, k).bits),
      );
    }
  });

  it('under PPM-C the skip links do change the code length', () => {
    expect(countScore(text, skipLinkFamily(6), ppmcRule, 'adaptive').bpc).not.toBe(
      countScore(text, ngramFamily(6), ppmcRule, 'adaptive').bpc,
    );
  });

  it('rejects orders outside 1 … 64', () => {
    expect(() => skipLinkFamily(0)).toThrow(/order/);
    expect(() => patternChainFamily(65)).toThrow(/order/);
    expect(() => patternChainInventory(text, 0)).toThrow(/order/);
  });
});

describe('the UM of pattern-chains.tex: bytes at chosen offsets', () => {
  it('computes the in-sample conditional entropy by hand on tiny texts', () => {
    // 'aab', offset 1: y = x_1 = 'a' after 'a', y = x_2 = 'b' after 'a': one context, two patterns, 1 bit each
    expect(offsetEntropy(enc('aab'), [1])).toEqual({
      offsets: [1],
      bpc: 1,
      patterns: 2,
      contexts: 1,
      positions: 2,
    });
    // 'abab', offset 1: a → b twice, b → a once: no uncertainty
    expect(offsetEntropy(enc('abab'), [1])).toEqual({
      offsets: [1],
      bpc: 0,
      patterns: 2,
      contexts: 2,
      positions: 3,
    });
    // offset 2 on 'abcabd': positions 2 … 5 predict c, a, b, d from a, b, c, a: 'a' → c, d
    expect(offsetEntropy(enc('abcabd'), [2]).bpc).toBeCloseTo(0.5, 15);
    expect(() => offsetEntropy(enc('ab'), [2])).toThrow(/offsets/);
    expect(() => offsetEntropy(enc('abc'), [])).toThrow(/offsets/);
  });

  it('reproduces what pattern-chains.tex prints for single offsets and the offset pairs of its superset table', () => {
    // §3.1: offset 1 2.05 bpc with 231 patterns, offset 2 2.29, offset 8 3.00; §3.3: pair, UM patterns, UM bpc
    expect(offsetEntropy(text, [1])).toMatchObject({ patterns: 231, contexts: 52 });
    expect(offsetEntropy(text, [1]).bpc).toBeCloseTo(2.05, 2);
    expect(offsetEntropy(text, [2]).bpc).toBeCloseTo(2.29, 2);
    expect(offsetEntropy(text, [8]).bpc).toBeCloseTo(3.0, 2);
    const pairs: [number, number, number, number][] = [
      [1, 7, 496, 0.498],
      [1, 8, 511, 0.497],
      [8, 2, 519, 0.608],
      [1, 12, 551, 0.559],
      [2, 7, 504, 0.628],
      [3, 12, 582, 0.658],
      [1, 20, 591, 0.583],
    ];
    for (const [a, b, patterns, bpc] of pairs) {
      const e = offsetEntropy(text, [a, b]);
      expect(e.patterns, `(${a}, ${b})`).toBe(patterns);
      expect(Math.abs(e.bpc - bpc), `(${a}, ${b})`).toBeLessThanOrEqual(0.0005);
    }
  });

  it('selects the offsets of pattern-chains.tex greedily from 1 … 50, reaching 0.000 bpc with six', () => {
    const g = greedyOffsets(text, 6);
    expect(g.map((e) => e.offsets)).toEqual([
      [1],
      [1, 8],
      [1, 8, 45],
      [1, 8, 45, 36],
      [1, 8, 45, 36, 48],
      [1, 8, 45, 36, 48, 10],
    ]);
    const printed = [
      [2.047, 231, 52],
      [0.497, 511, 379],
      [0.062, 784, 760],
      [0.01, 888, 883],
      [0.002, 898, 897],
      [0.0, 909, 909],
    ];
    g.forEach((e, i) => {
      expect(Math.abs(e.bpc - printed[i][0]), `level ${i + 1}`).toBeLessThanOrEqual(0.0005);
      expect([e.patterns, e.contexts]).toEqual(printed[i].slice(1));
    });
    // six bytes single out every position: one pattern per context
    expect(g[5].bpc).toBe(0);
  });

  it('… and from 1 … 30 the eight offsets [1, 8, 20, 3, 27, 2, 12, 7] of factor_map.c and pattern-prior.tex (skip-4 0.069 bpc, 712 patterns; skip-8 0.043, 834)', () => {
    const g = greedyOffsets(text, 8, 30);
    expect(g[7].offsets).toEqual([1, 8, 20, 3, 27, 2, 12, 7]);
    expect(g[3].patterns).toBe(712);
    expect(Math.abs(g[3].bpc - 0.069)).toBeLessThanOrEqual(0.0005);
    expect(g[7].patterns).toBe(834);
    expect(Math.abs(g[7].bpc - 0.043)).toBeLessThanOrEqual(0.0005);
    // adding an offset never raises the in-sample entropy
    for (let i = 1; i < g.length; i++) expect(g[i].bpc).toBeLessThanOrEqual(g[i - 1].bpc + 1e-12);
  });
});
