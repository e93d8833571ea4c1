import { describe, expect, it } from 'vitest';
import { loadBytes } from '../lib/core/data.js';
import {
  countScore,
  countScores,
  countText,
  ContextCounts,
  knRule,
  knRuleWith,
  ngramFamily,
  originalUm,
  ppmcRule,
  ruleMass,
  umRule,
  type ContextFamily,
  type Rule,
} from '../lib/counting/models.js';
import { patternChainFamily, skipLinkFamily } from '../lib/counting/chains.js';
import { TRAIN_TEXT, ROOT } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const held = loadBytes(`${ROOT}data/enwik_heldout_1024.txt`);
const enc = (s: string) => new TextEncoder().encode(s);

describe('the original n-gram UM rule', () => {
  it('picks the longest context in which the target itself was counted, by hand on a tiny text', () => {
    const bytes = enc('abcabd');
    // order 3: contexts of length min(2, t). Counts over the whole text:
    //   t=4 ('b' → 'd'): context 'ab' was followed by 'c' once and by 'd' once → p = 1/2
    //   t=3 ('a' → 'b'): context 'ca' → 'b' once → p = 1; t=2 ('c' → 'a'): 'bc' → 'a' → 1
    //   t=1 ('b' → 'c'): length ≤ 1: 'b' → 'c' once, 'd' once → 1/2; t=0 ('a' → 'b'): length 0:
    //   the marginal of next bytes, 'b' 2 of 5 → 2/5
    const s = originalUm(bytes, 3);
    expect(Array.from(s.bits, (b) => b + 0)).toEqual([-Math.log2(2 / 5), 1, 0, 0, 1]); // + 0: −log2(1) is −0
  });

  it('lands on what sat_ngram_um.c prints for data/enwik_1024.txt, orders 1 … 14 (compiled with gcc and run)', () => {
    const printed = [
      4.7388, 2.0463, 0.5595, 0.3084, 0.2626, 0.2073, 0.148, 0.1375, 0.1154, 0.1103, 0.0809, 0.0775,
      0.0712, 0.0692,
    ];
    printed.forEach((want, i) =>
      expect(Math.abs(originalUm(text, i + 1).bpc - want), `order ${i + 1}`).toBeLessThanOrEqual(
        5e-5 + 1e-9,
      ),
    );
  });

  it('is not a distribution: summed over the 256 bytes its probabilities exceed 1', () => {
    const mass = ruleMass(text, countText(text, ngramFamily(11)), umRule, ngramFamily(11, true));
    expect(Math.max(...mass)).toBeGreaterThan(1.5);
    expect(Math.min(...mass)).toBeGreaterThanOrEqual(1 - 1e-12);
  });
});

describe('countScores: every order of a nested family from one count table', () => {
  const bytes = text.subarray(0, 300),
    other = held.subarray(0, 200);
  const ORDERS = [1, 2, 3, 5, 8];
  const same = (a: Float64Array, b: Float64Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  it.each([
    ['n-gram, PPM-C', ngramFamily, ppmcRule],
    ['n-gram, Kneser–Ney', ngramFamily, knRule],
    ['pattern chain, PPM-C', patternChainFamily, ppmcRule],
    ['skip links, UM', skipLinkFamily, umRule],
  ] as const)(
    '%s: the bits of countScore at each order, bit for bit, under every protocol',
    (_, familyOf, rule) => {
      for (const protocol of ['in-sample', 'adaptive', 'heldout'] as const) {
        const t = protocol === 'heldout' ? other : bytes;
        const all = countScores(t, familyOf, ORDERS, rule, protocol, bytes);
        ORDERS.forEach((k, i) => {
          const one = countScore(t, familyOf(k), rule, protocol, bytes);
          expect(same(all[i].bits, one.bits), `${protocol}, order ${k}`).toBe(true);
          expect(all[i].bpc).toBe(one.bpc);
        });
      }
    },
  );

  it('with its own lookup families: originalUm at each order', () => {
    const all = countScores(bytes, ngramFamily, ORDERS, umRule, 'in-sample', undefined, (k) =>
      ngramFamily(k, true),
    );
    ORDERS.forEach((k, i) => expect(same(all[i].bits, originalUm(bytes, k).bits)).toBe(true));
    expect(() => countScores(bytes, ngramFamily, ORDERS, umRule, 'heldout')).toThrow(/train/);
  });
});

describe('proper counting models', () => {
  const bytes = text.subarray(0, 300),
    other = held.subarray(0, 200);
  const sumsToOne = (
    name: string,
    family: ContextFamily,
    rule: Rule,
    bytes: Uint8Array,
    other: Uint8Array,
  ) => {
    // in-sample and held-out counts are fixed; adaptive counts grow position by position
    for (const [t, counts] of [
      [bytes, countText(bytes, family)],
      [other, countText(bytes, family)],
    ] as const) {
      for (const m of ruleMass(t, counts, rule)) expect(Math.abs(m - 1), name).toBeLessThan(1e-12);
    }
    const adaptive = new ContextCounts(family);
    for (let t = 0; t < bytes.length - 1; t++) {
      let s = 0;
      for (let c = 0; c < 256; c++) s += rule(adaptive, family(bytes, t), c);
      expect(Math.abs(s - 1), `${name} adaptive t=${t}`).toBeLessThan(1e-12);
      adaptive.add(bytes, t);
    }
  };

  it('PPM-C and Kneser–Ney give probabilities summing to 1 at every position, in every protocol', () => {
    for (const k of [1, 2, 5, 12]) {
      sumsToOne(`ppmc n-gram ${k}`, ngramFamily(k), ppmcRule, bytes, other);
      sumsToOne(`kn ${k}`, ngramFamily(k), knRule, bytes, other);
      sumsToOne(`kn D=0.5 ${k}`, ngramFamily(k), knRuleWith(0.5), bytes, other);
      sumsToOne(`ppmc pattern chain ${k}`, patternChainFamily(k), ppmcRule, bytes, other);
      sumsToOne(`ppmc skip-link chain ${k}`, skipLinkFamily(k), ppmcRule, bytes, other);
    }
  });

  it('… and at every position of the whole training and held-out texts at order 11', () => {
    sumsToOne('ppmc n-gram 11', ngramFamily(11), ppmcRule, text, held);
    sumsToOne('kn 11', ngramFamily(11), knRule, text, held);
  }, 60_000);

  it('the adaptive protocol predicts x_{t+1} from x_0 … x_t only: later bytes change no earlier bit', () => {
    const a = text.subarray(0, 200),
      b = a.slice();
    b[150] ^= 1;
    for (const rule of [ppmcRule, knRule]) {
      const sa = countScore(a, ngramFamily(6), rule, 'adaptive'),
        sb = countScore(b, ngramFamily(6), rule, 'adaptive');
      expect(Array.from(sb.bits.subarray(0, 149))).toEqual(Array.from(sa.bits.subarray(0, 149)));
      expect(sb.bits[149]).not.toBe(sa.bits[149]);
    }
  });

  it('held-out counts come from the training text only', () => {
    const s = countScore(held, ngramFamily(4), knRule, 'heldout', text);
    const t = countScore(held, ngramFamily(4), knRule, 'heldout', text.subarray(0, 100));
    expect(s.bpc).not.toBe(t.bpc);
    expect(() => countScore(held, ngramFamily(4), knRule, 'heldout')).toThrow(/train/);
  });
});
