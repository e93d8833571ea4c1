import { describe, expect, it } from 'vitest';
import * as fx from '../lib/sn/forensics.js';
import * as gap from '../lib/sn/gap.js';
import { magnitudeStats } from '../lib/sn/um.js';
import { evaluate, run } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { zeroModel, VOCAB } from '../lib/core/model.js';
import { randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT).subarray(0, 200);
const m = randomModel(16, 21, 0.5);
const perturb = Float64Array.from({ length: 16 }, (_, j) => 1e-12 * Math.cos(j));

describe('float32 run', () => {
  it('keeps every state in float32, stays near the float64 run and differs from it in the last bits', () => {
    const f = fx.evaluateF32(m, bytes);
    const ref = run(m, bytes);
    let maxDiff = 0,
      differing = 0;
    for (let k = 0; k < f.h.length; k++) {
      expect(Math.fround(f.h[k])).toBe(f.h[k]);
      maxDiff = Math.max(maxDiff, Math.abs(f.h[k] - ref.h[k]));
      if (f.h[k] !== ref.h[k]) differing++;
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(differing).toBeGreaterThan(0);
    expect(Math.abs(f.bpc - evaluate(m, bytes).bpc)).toBeLessThan(1e-4);
    expect(f.bpc).not.toBe(evaluate(m, bytes).bpc);
  });
});

describe('score variants', () => {
  it('default is the bpc protocol; perByte and from rescale and select the same bits', () => {
    const s = evaluate(m, bytes);
    expect(fx.scoreVariant(m, bytes)).toBe(s.bpc);
    expect(fx.scoreVariant(m, bytes, { perByte: true })).toBeCloseTo(
      (s.bpc * (bytes.length - 1)) / bytes.length,
      12,
    );
    const tail = Array.from(s.bits.subarray(50));
    expect(fx.scoreVariant(m, bytes, { from: 50 })).toBeCloseTo(
      tail.reduce((a, b) => a + b, 0) / tail.length,
      12,
    );
  });

  it('outputGain is the softmax temperature: base 2 turns a logit of 2 into odds of 4', () => {
    const z = zeroModel(8);
    z.by[65] = 2;
    const text = new Uint8Array(10).fill(65);
    expect(fx.scoreVariant(z, text, { outputGain: Math.LN2 })).toBeCloseTo(
      -Math.log2(4 / (4 + 255)),
      12,
    );
    expect(fx.scoreVariant(z, text)).toBeCloseTo(-Math.log2(Math.E ** 2 / (Math.E ** 2 + 255)), 12);
  });
});

describe('rounding rules', () => {
  it('round, floor and ceil of α|w| keep the sign and decode as s/α; clip stops at 255', () => {
    const w = new Float32Array([0.3, -0.74, 1.26, 0.01]);
    expect(Array.from(fx.roundedWeights(w, 2, 'round', true))).toEqual([0.5, -0.5, 1.5, 0]);
    expect(Array.from(fx.roundedWeights(w, 2, 'floor', true))).toEqual([0, -0.5, 1, 0]);
    expect(Array.from(fx.roundedWeights(w, 2, 'ceil', true))).toEqual([0.5, -1, 1.5, 0.5]);
    expect(fx.roundedWeights(new Float32Array([2]), 200, 'round', true)[0]).toBeCloseTo(
      255 / 200,
      6,
    );
    expect(fx.roundedWeights(new Float32Array([2]), 200, 'round', false)[0]).toBeCloseTo(2, 6);
    const rm = fx.roundedModel(m, { Wh: 4 }, 'floor', false);
    expect(rm.Wx).toEqual(m.Wx);
    expect(rm.Wh).not.toEqual(m.Wh);
  });
});

describe('candidate lists', () => {
  it('isolation candidates start with the adopted reading of lib/sn/gap.ts', () => {
    const c = fx.isolationCandidates(m, bytes, ['Wh'], perturb);
    const rows = gap.layerIsolation(m, bytes, gap.ISOLATION_READINGS[0]);
    expect(c[0].value).toBe(rows.find((r) => r.layers === 'Wh only')!.bpc);
    expect(c.map((x) => x.candidate).slice(0, gap.ISOLATION_READINGS.length)).toEqual(
      gap.ISOLATION_READINGS.map((r) => r.name),
    );
    expect(c.every((x) => Number.isFinite(x.value))).toBe(true);
  });

  it('α candidates start with the adopted Table 3/4 row', () => {
    const c = fx.alphaCandidates(m, bytes, 64, true, perturb);
    expect(c[0].value).toBe(gap.alphaSweep(m, bytes, [64], true)[0].bpc);
  });

  it('pre-activation candidates: the adopted one is magnitudeStats of the run; the bias reading matters only with a bias', () => {
    const c = fx.preStatCandidates(m, bytes, 'rms');
    expect(c[0].value).toBe(magnitudeStats(run(m, bytes).pre).rms);
    expect(c.find((x) => x.candidate.startsWith('without the bias'))!.value).not.toBeCloseTo(
      c[0].value,
      6,
    );
    const noBias = { ...m, bh: new Float32Array(16) };
    const d = fx.preStatCandidates(noBias, bytes, 'maxAbs');
    expect(d.find((x) => x.candidate.startsWith('without the bias'))!.value).toBe(d[0].value);
  });

  it('drop share and pattern counts of a hand-built model', () => {
    const z = zeroModel(8);
    z.Wx[0] = 0.3; // round(0.6) = 1, floor = 0
    z.Wh[0] = 0.74; // round(1.48) = 1, floor = 1
    z.bh[0] = 0.26; // round(0.52) = 1 (a bias pattern)
    z.Wy[0] = -0.2; // round(0.4) = 0
    const counts = fx.patternCountCandidates(z).map((c) => c.value);
    expect(counts.slice(0, 3)).toEqual([3, 2, 1]);
    const weights = 8 * VOCAB + 64 + VOCAB * 8;
    const drop = fx.droppedCandidates(z).map((c) => c.value);
    expect(drop[0]).toBe((weights - 2) / weights);
    expect(drop[1]).toBe(drop[0]);
    expect(drop[2]).toBe((weights - 1) / weights);
  });
});

describe('UM runner wirings', () => {
  it('the P(h+) source differs from the contrast source exactly where a negative Wy weight reads h−', () => {
    const H = 8;
    const S = {
      Wx: new Float64Array(H * VOCAB),
      Wh: new Float64Array(H * H),
      bh: new Float64Array(H),
      Wy: new Float64Array(VOCAB * H),
      by: new Float64Array(VOCAB),
    };
    S.Wx[0 * VOCAB + 65] = 1000; // h_0 saturates on (P(h0+) = 1) after reading 'A'
    S.Wy[65 * H + 0] = 3; // h0+ → 'A' with 3
    S.Wy[66 * H + 0] = -2; // h0− → 'B' with 2
    const text = new Uint8Array(6).fill(65);
    const g = Math.LN2;
    // P(h0+) = 1 (other units at 1/2). plus: A_A = 3·1, A_B = 2·(1 − 1) = 0, and the other units carry no Wy.
    const plus = fx.umRunnerBpc(H, S, text, {
      source: 'plus',
      biases: 'dropped',
      hiddenGain: g,
      outputGain: g,
    });
    expect(plus).toBeCloseTo(-Math.log2(8 / (8 + 255)), 9);
    // contrast: A_A = 3·(2·1 − 1) = 3, A_B = −2·1 = −2.
    const contrast = fx.umRunnerBpc(H, S, text, {
      source: 'contrast',
      biases: 'dropped',
      hiddenGain: g,
      outputGain: g,
    });
    expect(contrast).toBeCloseTo(-Math.log2(8 / (8 + 0.25 + 254)), 9);
  });
});
