/**
 * Definitions read from the public files of the original work for notebook 03's sections 6 and 6b:
 * the human-native byte classes (inimino/hutter@efbaac3:es-isomorphism.tex, es_iso.c), the hash of
 * write_weights4.c / 5.c, bit extraction in any bit order and polarity, the readout descent of
 * f808449:construct_skip.c, and the subset search that asks which feature definitions give the
 * seed's pattern counts.
 */
import { describe, expect, it } from 'vitest';
import {
  bitExtraction,
  distinctFeatures,
  distinctPatterns,
  featureSubsetCounts,
  HASHES,
  HUMAN_NATIVE_CLASSES,
  humanNativeClass,
  mixedHash,
  parityHash,
  SEMANTIC_FEATURE_POOL,
  type ByteFeature,
} from '../lib/construction/hash.js';
import { carrierStates, type CarrierSpec } from '../lib/construction/shift-register.js';
import {
  analyticScoresAt,
  bestEpochLoss,
  carrierJob,
  constructionTask,
  skipFitSpan,
} from '../lib/construction/fits.js';
import { piReadout } from '../lib/construction/pinv.js';
import {
  fitReadout,
  readoutBpc,
  readoutProblem,
  zeroReadout,
  SCHEDULES,
} from '../lib/construction/readout.js';
import { marginalBias } from '../lib/core/data.js';
import { loadBytes } from '../lib/core/data.js';
import { TRAIN_TEXT } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const BYTES = Array.from({ length: 256 }, (_, x) => x);
const members = (f: ByteFeature) => BYTES.filter((x) => f.test(x));

describe('the human-native byte classes of es-isomorphism.tex', () => {
  it("partition the 256 bytes into the table's 26, 26, 10, 3, 4, 13, 15 and 159 bytes", () => {
    expect(HUMAN_NATIVE_CLASSES.map((c) => members(c).length)).toEqual([
      26, 26, 10, 3, 4, 13, 15, 159,
    ]);
    for (const x of BYTES) expect(HUMAN_NATIVE_CLASSES.filter((c) => c.test(x)).length).toBe(1);
    expect(BYTES.every((x) => HUMAN_NATIVE_CLASSES[humanNativeClass(x)].test(x))).toBe(true);
  });

  it('put each named byte where the paper lists it (space, newline and tab are whitespace; & is markup; = and _ are other printable; carriage return and bytes ≥ 128 non-printable)', () => {
    const cls = (c: string) => humanNativeClass(c.charCodeAt(0));
    expect([' ', '\n', '\t'].map(cls)).toEqual([3, 3, 3]);
    expect(['<', '>', '/', '&'].map(cls)).toEqual([4, 4, 4, 4]);
    expect(Array.from('.,;:!?\'"-()[]', cls)).toEqual(new Array(13).fill(5));
    expect(['=', '_', '#', '{', '~'].map(cls)).toEqual([6, 6, 6, 6, 6]);
    expect([13, 0, 127, 128, 255].map(humanNativeClass)).toEqual([7, 7, 7, 7, 7]);
  });

  it('as eight indicator features tell exactly eight kinds of byte apart; the hybrid adds the mixed hash', () => {
    expect(distinctPatterns(HASHES.humanClasses, 8)).toBe(8);
    for (const x of BYTES)
      expect(
        Array.from({ length: 8 }, (_, j) => HASHES.humanClasses.sign(x, j)).filter((s) => s > 0)
          .length,
      ).toBe(1);
    for (const x of [0, 65, 200])
      for (const j of [8, 9, 15]) expect(HASHES.humanHybrid.sign(x, j)).toBe(mixedHash(x, j - 8));
    const [row] = featureSubsetCounts(HUMAN_NATIVE_CLASSES, 8, 8, [0]);
    expect(row.distinct).toBe(8);
    expect(row.hybrid[0]).toBe(distinctPatterns(HASHES.humanHybrid, 16));
    expect(row.hybrid[0]).toBeGreaterThan(distinctPatterns(HASHES.mixed, 8));
  });

  it('carry through the shift register like every other hash (each group holds the class of the byte g steps back)', () => {
    const spec: CarrierSpec = { hash: HASHES.humanClasses, groups: 4, bits: 8 };
    const bytes = text.subarray(0, 64),
      states = carrierStates(spec, bytes);
    for (let t = 3; t < bytes.length; t++) {
      for (let g = 0; g < 4; g++) {
        const signs = Array.from({ length: 8 }, (_, j) => (states[t * 32 + g * 8 + j] > 0 ? 1 : 0));
        expect(signs.indexOf(1)).toBe(humanNativeClass(bytes[t - g]));
      }
    }
  });
});

describe('the hash of write_weights4.c and write_weights5.c', () => {
  it('is the parity of x·2654435761 + j·340573321 in uint32, i.e. of x + j', () => {
    for (const x of BYTES) {
      for (let j = 0; j < 16; j++) {
        const h = (Math.imul(x, 2654435761 | 0) + Math.imul(j, 340573321)) >>> 0;
        expect(parityHash(x, j)).toBe(h & 1 ? 1 : -1);
      }
    }
  });

  it('tells only two kinds of byte apart, whatever the group size ("only 2 distinct patterns")', () => {
    expect([1, 2, 8, 16].map((b) => distinctPatterns(HASHES.parity, b))).toEqual([2, 2, 2, 2]);
  });
});

describe('bit extraction in any bit order and polarity', () => {
  const reversed = bitExtraction(
    [7, 6, 5, 4, 3, 2, 1, 0],
    [true, false, true, false, false, true, true, false],
  );
  const bits: CarrierSpec = { hash: HASHES.bits, groups: 4, bits: 8 };
  const variant: CarrierSpec = { hash: reversed, groups: 4, bits: 8 };
  const bytes = text.subarray(0, 300);

  it('separates all 256 bytes and refuses an order that is not a permutation', () => {
    expect(distinctPatterns(reversed, 8)).toBe(256);
    expect(reversed.sign(1, 7)).toBe(1);
    expect(reversed.sign(1, 0)).toBe(1); // bit 7 of 1 is clear, and unit 0 is flipped
    expect(() => bitExtraction([0, 0, 1, 2, 3, 4, 5, 6], new Array(8).fill(false))).toThrow(
      /permutation/,
    );
    expect(() => bitExtraction([0, 1, 2, 3, 4, 5, 6, 7], [true])).toThrow(/flip/);
  });

  it('gives the analytic readout the same score at every grid point tried (the log-ratio and the state change sign together)', () => {
    for (const [alpha, scale] of [
      [0.5, 0.05],
      [1, 0.5],
      [3, 2],
    ] as const) {
      const a = analyticScoresAt(bits, bytes, alpha, scale),
        b = analyticScoresAt(variant, bytes, alpha, scale);
      for (const rule of ['all', 'train', 'test', 'fit'] as const)
        expect(b[rule]).toBeCloseTo(a[rule], 10);
    }
    // A hash that does tell bytes apart differently scores differently at the same point.
    expect(analyticScoresAt({ ...bits, hash: HASHES.mixed }, bytes, 1, 0.5).all).not.toBeCloseTo(
      analyticScoresAt(bits, bytes, 1, 0.5).all,
      3,
    );
  });

  it('gives the pseudo-inverse readout the same scale and score', () => {
    const pi = (spec: CarrierSpec) => {
      const p = readoutProblem(carrierStates(spec, bytes), 32, bytes, 16, bytes.length - 2);
      return piReadout(p, { by: marginalBias(bytes) });
    };
    const a = pi(bits),
      b = pi(variant);
    expect(b.scale).toBe(a.scale);
    expect(b.bpc).toBeCloseTo(a.bpc, 9);
  });
});

describe('the readout descent of construct_skip.c (sgdSkip)', () => {
  const bytes = text.subarray(0, 160);
  const carrier = carrierJob({ hash: HASHES.mixed, groups: 4, bits: 8 });
  const skip = constructionTask({ carrier, bytes, protocol: 'original', method: 'sgdSkip' });

  it('halves the rate after epochs 300, 600 and 800, from Wy = 0, on every position whose window is full', () => {
    expect(SCHEDULES.skipConstruction).toEqual({
      epochs: 1000,
      lr: 0.5,
      decayAfter: [300, 600, 800],
      decay: 0.5,
    });
    expect(skipFitSpan(4, bytes.length)).toEqual({ from: 3, to: bytes.length - 1 });
    const states = carrierStates({ ...carrier, hash: HASHES.mixed }, bytes);
    const p = readoutProblem(states, 32, bytes, 3, bytes.length - 1);
    const start = zeroReadout(p, marginalBias(bytes));
    expect(skip.curve!.length).toBe(1001);
    // The curve's points are the float32 descent's own losses (READOUT_ARITHMETIC), the start
    // scored here in float64: equal to that loss's rounding, 3.8e-6 relative (test/readout32.test.ts).
    expect(Math.abs(skip.curve![0] - readoutBpc(p, start))).toBeLessThan(
      1e-5 * readoutBpc(p, start),
    );
    const direct = fitReadout(p, start, SCHEDULES.skipConstruction);
    expect(Array.from(skip.readout.Wy.subarray(0, 64))).toEqual(
      Array.from(direct.Wy.subarray(0, 64)),
    );
    expect(skip.curve![1000]).toBeCloseTo(readoutBpc(p, direct), 12);
  }, 60_000);

  it('reports the best training loss met, and differs from the ×0.3 schedule fitted on [16, n − 2)', () => {
    const best = bestEpochLoss(skip.curve!);
    expect(best).toBeLessThanOrEqual(skip.curve![999]);
    expect(best).toBeLessThan(skip.curve![0]);
    const zero = constructionTask({ carrier, bytes, protocol: 'original', method: 'sgdZero' });
    expect(zero.curve![0]).not.toBeCloseTo(skip.curve![0], 6); // another span: other positions
    // On the same positions, the ×0.5 decay keeps a larger rate and fits further than ×0.3.
    const states = carrierStates({ ...carrier, hash: HASHES.mixed }, bytes);
    const p = readoutProblem(states, 32, bytes, 3, bytes.length - 1);
    expect(best).toBeLessThan(
      readoutBpc(p, fitReadout(p, zeroReadout(p, marginalBias(bytes)), SCHEDULES.fromZero)),
    );
    expect(() =>
      constructionTask({ carrier, bytes, protocol: 'heldout', method: 'sgdSkip' }),
    ).toThrow(/original protocol/);
    expect(() => bestEpochLoss(Float64Array.from([1]))).toThrow(/update/);
  }, 60_000);
});

describe('the subset search over feature pools', () => {
  const naive = (pool: readonly ByteFeature[], picks: number[], hashBits: number, off: number) => ({
    distinct: new Set(BYTES.map((x) => picks.map((f) => (pool[f].test(x) ? 1 : 0)).join(''))).size,
    hybrid: new Set(
      BYTES.map(
        (x) =>
          `${picks.map((f) => (pool[f].test(x) ? 1 : 0)).join('')}/${Array.from({ length: hashBits }, (_, b) => mixedHash(x, off + b)).join(',')}`,
      ),
    ).size,
  });

  it('counts every subset as a direct count does, with the hash bits from 0 or from 8, and with a wide hash', () => {
    const pool = distinctFeatures(
      SEMANTIC_FEATURE_POOL.slice(0, 6),
      HUMAN_NATIVE_CLASSES.slice(3, 6),
    );
    for (const hashBits of [8, 13]) {
      const rows = featureSubsetCounts(pool, 3, hashBits, [0, 8]);
      expect(rows.length).toBe((pool.length * (pool.length - 1) * (pool.length - 2)) / 6);
      let k = 0;
      for (let a = 0; a < pool.length; a++)
        for (let b = a + 1; b < pool.length; b++)
          for (let c = b + 1; c < pool.length; c++, k++) {
            const want0 = naive(pool, [a, b, c], hashBits, 0),
              want8 = naive(pool, [a, b, c], hashBits, 8);
            expect(rows[k].distinct).toBe(want0.distinct);
            expect(rows[k].hybrid).toEqual([want0.hybrid, want8.hybrid]);
          }
    }
  });

  it('drops a feature that accepts exactly the bytes of an earlier one', () => {
    const pool = distinctFeatures(SEMANTIC_FEATURE_POOL, HUMAN_NATIVE_CLASSES);
    const names = pool.map((f) => f.name);
    expect(names.slice(0, SEMANTIC_FEATURE_POOL.length)).toEqual(
      SEMANTIC_FEATURE_POOL.map((f) => f.name),
    );
    // Lower case, upper case and digits are already in the pool under our names.
    expect(names).not.toContain('H0 lower case');
    expect(names).not.toContain('H1 upper case');
    expect(names).not.toContain('H2 digits');
    expect(names).toContain('H4 XML markup');
    expect(new Set(pool.map((f) => members(f).join(','))).size).toBe(pool.length);
  });
});
