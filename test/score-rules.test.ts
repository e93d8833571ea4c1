import { describe, expect, it } from 'vitest';
import { HASHES } from '../lib/construction/hash.js';
import { VOCAB, cloneModel, type SatRnn } from '../lib/core/model.js';
import { evaluate } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import {
  analyticReadout,
  buildShiftRegister,
  carrierStates,
  logRatioDirections,
  type CarrierSpec,
} from '../lib/construction/shift-register.js';
import { piReadout } from '../lib/construction/pinv.js';
import { readoutProblem, type Readout } from '../lib/construction/readout.js';
import {
  ALL,
  MAX_BITS,
  fitSpan,
  halves,
  range,
  scoreConstructed,
  scoredSpan,
} from '../lib/construction/score-rules.js';
import { carrierJob, constructionTask, protocol, ruleScores } from '../lib/construction/fits.js';
import { TRAIN_TEXT, randomModel } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const spec: CarrierSpec = { hash: HASHES.mixed, groups: 16, bits: 8 };

/** The carrier with a readout in place of its Wy, by. */
function withReadout(carrier: SatRnn, r: Readout): SatRnn {
  const m = cloneModel(carrier);
  m.Wy.set(r.Wy);
  m.by.set(r.by);
  return m;
}

/** −log2 p(x_{t+1}) by hand: a plain tanh RNN from h = 0 and a softmax, every step written out. */
function handBits(m: SatRnn, bytes: Uint8Array): number[] {
  const H = m.hidden;
  let h = new Array<number>(H).fill(0);
  const bits: number[] = [];
  for (let t = 0; t + 1 < bytes.length; t++) {
    h = Array.from({ length: H }, (_, i) => {
      let s = m.bh[i] + m.Wx[i * VOCAB + bytes[t]];
      for (let j = 0; j < H; j++) s += m.Wh[i * H + j] * h[j];
      return Math.tanh(s);
    });
    const logits = Array.from({ length: VOCAB }, (_, o) =>
      h.reduce((s, v, j) => s + m.Wy[o * H + j] * v, m.by[o]),
    );
    const max = Math.max(...logits);
    const z = logits.reduce((s, l) => s + Math.exp(l - max), 0);
    bits.push(-(logits[bytes[t + 1]] - max - Math.log(z)) / Math.LN2);
  }
  return bits;
}

describe('the original scoring rules', () => {
  it('the all score of a constructed model is evaluate() of that model, bit for bit', () => {
    const carrier = buildShiftRegister(spec, text);
    const states = carrierStates(spec, text);
    const pi = piReadout(readoutProblem(states, 128, text, 16, text.length - 2));
    const m = withReadout(carrier, pi);
    expect(scoreConstructed(m, text, ALL).bpc).toBe(evaluate(m, text).bpc);
    expect(scoreConstructed(m, text, ALL).positions).toBe(text.length - 1);
  });

  it('range(start, end) reads x_0 … x_{start−1} unscored and averages t = start … end − 2, as by hand', () => {
    const tiny = new TextEncoder().encode('<page><title>AccessibleComputing</title>');
    const m = randomModel(8, 21, 1.5);
    const bits = handBits(m, tiny);
    for (const [start, end] of [
      [0, tiny.length],
      [3, 11],
      [20, tiny.length],
      [7, 9],
    ]) {
      const want = bits.slice(start, end - 1);
      const got = scoreConstructed(m, tiny, range(start, end));
      expect(got.positions).toBe(end - 1 - start);
      expect(got.bpc).toBeCloseTo(want.reduce((a, b) => a + b, 0) / want.length, 12);
    }
  });

  it('the halves are range(0, n/2) and range(n/2, n); t = n/2 − 1 is scored by neither', () => {
    const { train, test } = halves(1024);
    expect(scoredSpan(train, 1024)).toEqual({ from: 0, to: 511 });
    expect(scoredSpan(test, 1024)).toEqual({ from: 512, to: 1023 });
    expect(scoredSpan(ALL, 1024)).toEqual({ from: 0, to: 1023 });
    expect(fitSpan(1024)).toEqual({ from: 16, to: 1022 });
  });

  it('floors p at 1e-30: a position can cost at most −log2(1e-30) bits', () => {
    const m = randomModel(8, 5, 0.5);
    const bytes = new TextEncoder().encode('abababab');
    m.by.fill(-200);
    m.by[97] = 200; // 'a' certain, so every 'b' has p ≈ e^−400
    const s = scoreConstructed(m, bytes, ALL);
    for (let t = 0; t < bytes.length - 1; t++)
      expect(s.bits[t]).toBe(bytes[t + 1] === 98 ? MAX_BITS : s.bits[t]);
    expect(s.bpc).toBeCloseTo((4 * MAX_BITS + 3 * s.bits[1]) / 7, 9);
  });

  it('rejects empty and out-of-text ranges, naming them', () => {
    expect(() => range(5, 6)).toThrow(/range\(5, 6\)/);
    expect(() => scoredSpan(range(0, 2000), 1024)).toThrow(/beyond/);
  });
});

describe('selection rules pick what a brute-force loop over constructed models picks', () => {
  const carrier = buildShiftRegister(spec, text);
  const states = carrierStates(spec, text);
  const n = text.length;

  it('analytic (α, s) by the test-half score, α-major, first minimum', () => {
    const alphas = [0.5, 2],
      scales = [0.1, 0.2, 0.4];
    const stats = readoutProblem(states, 128, text, 0, n / 2 - 1);
    const test = scoredSpan(halves(n).test, n);
    const picked = analyticReadout(spec, stats, {
      alphas,
      scales,
      select: readoutProblem(states, 128, text, test.from, test.to),
    });
    let best = { bpc: Infinity, alpha: 0, scale: 0 };
    for (const alpha of alphas) {
      const D = logRatioDirections(spec, stats, alpha);
      for (const scale of scales) {
        const bpc = scoreConstructed(
          withReadout(carrier, { Wy: D.map((v) => v * scale), by: Float64Array.from(carrier.by) }),
          text,
          halves(n).test,
        ).bpc;
        if (bpc < best.bpc) best = { bpc, alpha, scale };
      }
    }
    expect([picked.alpha, picked.scale]).toEqual([best.alpha, best.scale]);
    expect(picked.bpc).toBeCloseTo(best.bpc, 7); // the model holds Wy in float32, the readout in float64
  });

  it('PI scale by the all score', () => {
    const fit = readoutProblem(states, 128, text, 16, n - 2);
    const scales = [2, 8, 16, 17, 30];
    const picked = piReadout(fit, { scales, select: readoutProblem(states, 128, text, 0, n - 1) });
    const unit = piReadout(fit, { scales: [1] });
    const scores = scales.map(
      (s) =>
        scoreConstructed(
          withReadout(carrier, { Wy: unit.Wy.map((v) => v * s), by: unit.by }),
          text,
          ALL,
        ).bpc,
    );
    expect(picked.scale).toBe(scales[scores.indexOf(Math.min(...scores))]);
    expect(picked.bpc).toBeCloseTo(Math.min(...scores), 7);
  });
});

describe('construction protocols', () => {
  const small: CarrierSpec = { hash: HASHES.mixed, groups: 4, bits: 8 };
  const bytes = text.subarray(0, 200);

  it('original: counts and by over all n bytes, fitted on [16, n − 2), scored by every rule at once', () => {
    const p = protocol('original', bytes);
    expect([p.stats, p.fit, p.select, p.counts.length]).toEqual([
      { from: 0, to: 199 },
      { from: 16, to: 198 },
      { from: 0, to: 199 },
      200,
    ]);
    const f = constructionTask({
      carrier: carrierJob(small),
      bytes,
      protocol: 'original',
      method: 'pi',
    });
    const m = withReadout(buildShiftRegister(small, bytes), f.readout);
    // The model holds the readout in float32, so the scores agree to float32 rounding.
    expect(f.scores.all).toBeCloseTo(scoreConstructed(m, bytes, ALL).bpc, 7);
    expect(f.scores.test).toBeCloseTo(scoreConstructed(m, bytes, halves(200).test).bpc, 7);
    expect(f.scores).toEqual(ruleScores(carrierStates(small, bytes), 32, bytes, f.readout, p.fit));
  });

  it('heldout never looks at the second half: changing it leaves the readout unchanged', () => {
    const other = bytes.slice();
    for (let t = 100; t < 200; t++) other[t] = bytes[(t * 7) % 100];
    for (const method of ['analytic', 'pi', 'sgdZero'] as const) {
      const a = constructionTask({
        carrier: carrierJob(small),
        bytes,
        protocol: 'heldout',
        method,
      });
      const b = constructionTask({
        carrier: carrierJob(small),
        bytes: other,
        protocol: 'heldout',
        method,
      });
      expect(b.readout.Wy).toEqual(a.readout.Wy);
      expect(b.readout.by).toEqual(a.readout.by);
      expect(b.scores.train).toBe(a.scores.train);
    }
  });

  it('original-halves selects on the test half: no other grid point scores lower there', () => {
    const f = constructionTask({
      carrier: carrierJob(small),
      bytes,
      protocol: 'original-halves',
      method: 'analytic',
    });
    const carrier = buildShiftRegister(small, bytes);
    const stats = readoutProblem(carrierStates(small, bytes), 32, bytes, 0, 99);
    for (const [alpha, scale] of [
      [0.5, 0.05],
      [1, 0.5],
      [f.alpha!, f.scale! + 0.05],
      [5, 3],
    ]) {
      const D = logRatioDirections(small, stats, alpha);
      const m = withReadout(carrier, {
        Wy: D.map((v) => v * scale),
        by: Float64Array.from(carrier.by),
      });
      expect(scoreConstructed(m, bytes, halves(200).test).bpc).toBeGreaterThanOrEqual(
        f.scores.test - 1e-12,
      );
    }
    expect(() =>
      constructionTask({
        carrier: carrierJob(small),
        bytes,
        protocol: 'original-halves',
        method: 'pi',
      }),
    ).toThrow(/analytic/);
    expect(() =>
      constructionTask({ carrier: carrierJob(small), bytes, protocol: 'original', method: 'gd20' }),
    ).toThrow(/init/);
  });
});
