import { describe, expect, it } from 'vitest';
import { zeroModel } from '../lib/core/model.js';
import { run, type Trajectory } from '../lib/core/rnn.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';
import { initModel } from '../lib/core/train.js';
import { loadBytes } from '../lib/core/data.js';
import { TRAIN_TEXT } from './helpers.js';
import {
  bigramPmi,
  booleanInfluenceWh,
  hebbianWh,
  hebbianWx,
  hebbianWy,
  pmiOutputs,
  pmiWx,
  signConditionedWx,
  signCorrelationWh,
  signLogOddsBh,
  signSplitWy,
} from '../lib/prediction/estimators.js';

const A = 97,
  B = 98; // 'a', 'b'

/** A trajectory from explicit states ([n][H] rows); pre = h (only signs matter for these tests). */
function traj(rows: number[][]): Trajectory {
  const H = rows[0].length;
  const h = Float64Array.from(rows.flat());
  return { n: rows.length, hidden: H, h, pre: h.slice() };
}

/** n random signs from glibc rand(seed). */
function randomSigns(n: number, seed: number): number[] {
  const rng = new GlibcRand(seed);
  return Array.from({ length: n }, () => (rng.nextCenteredFloat(1) >= 0 ? 1 : -1));
}

describe('Wh estimators on a planted copy / inverter circuit', () => {
  // h0 is random ±1; h1(t+1) = h0(t) (copy); h2(t+1) = −h0(t) (inverter); h3 is independent noise.
  const n = 400;
  const s0 = randomSigns(n, 1),
    s3 = randomSigns(n, 2);
  const rows = s0.map((v, t) => [v, t > 0 ? s0[t - 1] : 1, t > 0 ? -s0[t - 1] : -1, s3[t]]);
  const tr = traj(rows);
  const bytes = new Uint8Array(n).fill(A);

  it('Hebbian covariance puts var(h0) at Wh[1][0] and −var(h0) at Wh[2][0], not at the transpose', () => {
    const c = hebbianWh(tr, bytes);
    const T = n - 1;
    const mu = s0.slice(0, T).reduce((a, v) => a + v, 0) / T;
    const var0 = s0.slice(0, T - 1).reduce((a, v) => a + (v - mu) ** 2, 0) / (T - 1);
    expect(c[1 * 4 + 0]).toBeCloseTo(var0, 2);
    expect(c[2 * 4 + 0]).toBeCloseTo(-var0, 2);
    expect(Math.abs(c[0 * 4 + 1])).toBeLessThan(0.2);
    expect(Math.abs(c[3 * 4 + 0])).toBeLessThan(0.2);
  });

  it('sign correlation is exactly +1 for the copy and −1 for the inverter', () => {
    const c = signCorrelationWh(tr, bytes);
    expect(c[1 * 4 + 0]).toBe(1);
    expect(c[2 * 4 + 0]).toBe(-1);
    expect(Math.abs(c[3 * 4 + 0])).toBeLessThan(0.2);
  });

  it('Boolean influence: flipping a strong driver always flips its target, a weak one never does', () => {
    // Real dynamics: h0 follows the input byte, h1 = tanh(2 h0(t−1) + 0.1 h2(t−1)), h2 = tanh(−2 h0(t−1)).
    const m = zeroModel(3);
    m.Wx[0 * 256 + A] = 3;
    m.Wx[0 * 256 + B] = -3;
    m.Wh[1 * 3 + 0] = 2;
    m.Wh[1 * 3 + 2] = 0.1;
    m.Wh[2 * 3 + 0] = -2;
    const text = Uint8Array.from(randomSigns(300, 3), (v) => (v > 0 ? A : B));
    const inf = booleanInfluenceWh(m.Wh, run(m, text), text, 50);
    expect(inf[1 * 3 + 0]).toBe(1);
    expect(inf[2 * 3 + 0]).toBe(-1);
    expect(Math.abs(inf[1 * 3 + 2])).toBe(0); // ±0: no flips, times the correlation sign
    expect(Math.abs(inf[0 * 3 + 1])).toBe(0);
    expect(() => booleanInfluenceWh(m.Wh, run(m, text), text, 300)).toThrow(/samples/);
    expect(() => booleanInfluenceWh(new Float32Array(4), run(m, text), text)).toThrow(
      /Wh: 4 values/,
    );
  });
});

describe('byte-conditioned estimators on a two-byte alphabet', () => {
  // Text alternates runs of a and b; h0(t) = +1 exactly when the NEXT byte is a,
  // h1(t) = +1 exactly when the CURRENT byte is a.
  const text = Uint8Array.from('aabbbabaaabbaab', (c) => c.charCodeAt(0));
  const n = text.length,
    T = n - 1;
  const rows = Array.from({ length: n }, (_, t) => [
    t + 1 < n && text[t + 1] === A ? 1 : -1,
    text[t] === A ? 1 : -1,
  ]);
  const tr = traj(rows);

  it('sign-split Wy gives the smoothed log-ratio with all mass on the predicted byte', () => {
    const wy = signSplitWy(tr, text);
    const nPos = rows.slice(0, T).filter((r) => r[0] > 0).length,
      nNeg = T - nPos;
    expect(wy[A * 2 + 0]).toBeCloseTo(
      Math.log((nPos + 0.5) / (nPos + 128)) - Math.log(0.5 / (nNeg + 128)),
      12,
    );
    expect(wy[B * 2 + 0]).toBeCloseTo(
      Math.log(0.5 / (nPos + 128)) - Math.log((nNeg + 0.5) / (nNeg + 128)),
      12,
    );
    expect(wy[0 * 2 + 0]).toBeCloseTo(Math.log((nNeg + 128) / (nPos + 128)), 12);
  });

  it('sign-conditioned Wx does the same with the current byte', () => {
    const wx = signConditionedWx(tr, text);
    const nPos = rows.slice(0, T).filter((r) => r[1] > 0).length,
      nNeg = T - nPos;
    expect(wx[1 * 256 + A]).toBeCloseTo(
      Math.log((nPos + 0.5) / (nPos + 128)) - Math.log(0.5 / (nNeg + 128)),
      12,
    );
    expect(wx[1 * 256 + B]).toBeCloseTo(
      Math.log(0.5 / (nPos + 128)) - Math.log((nNeg + 0.5) / (nNeg + 128)),
      12,
    );
  });

  it('Hebbian Wx and Wy are conditional means minus the mean, 0 for absent bytes', () => {
    const mu1 = rows.slice(0, T).reduce((a, r) => a + r[1], 0) / T;
    const wx = hebbianWx(tr, text);
    expect(wx[1 * 256 + A]).toBeCloseTo(1 - mu1, 12);
    expect(wx[1 * 256 + B]).toBeCloseTo(-1 - mu1, 12);
    expect(wx[1 * 256 + 0]).toBe(0);
    const mu0 = rows.slice(0, T).reduce((a, r) => a + r[0], 0) / T;
    const wy = hebbianWy(tr, text);
    expect(wy[A * 2 + 0]).toBeCloseTo(1 - mu0, 12);
    expect(wy[B * 2 + 0]).toBeCloseTo(-1 - mu0, 12);
    expect(wy[0 * 2 + 0]).toBe(0);
  });

  it('rejects a trajectory of another text by name', () => {
    expect(() => signSplitWy(tr, text.subarray(1))).toThrow(
      /trajectory: 15 states but bytes has 14/,
    );
  });
});

describe('bigram PMI and the PMI-based Wx', () => {
  const text = Uint8Array.from('ababababab', (c) => c.charCodeAt(0)); // n = 10

  it('matches the closed form on an alternating text', () => {
    const pmi = bigramPmi(text);
    // P(a) = P(b) = 1/2; ab occurs 5 times, ba 4 times in n − 1 = 9 bigrams; aa never.
    expect(pmi[A * 256 + B]).toBeCloseTo(Math.log2(5 / 9 / 0.25), 12);
    expect(pmi[B * 256 + A]).toBeCloseTo(Math.log2(4 / 9 / 0.25), 12);
    expect(pmi[A * 256 + A]).toBe(0);
  });

  it('sums Wy·PMI over the most promoted and most demoted outputs', () => {
    const H = 1;
    const Wy = new Float32Array(256);
    Wy[B] = 2; // most promoted
    Wy[A] = -1; // most demoted
    const pmi = bigramPmi(text);
    const wx = pmiWx(Wy, H, text, 1);
    expect(wx[A]).toBeCloseTo(2 * pmi[A * 256 + B] - 1 * pmi[A * 256 + A], 12);
    expect(wx[B]).toBeCloseTo(2 * pmi[B * 256 + B] - 1 * pmi[B * 256 + A], 12);
    expect(() => pmiWx(Wy, 2, text)).toThrow(/Wy: 256 values/);
  });

  it('reproduces the original partial sort, which misses the most demoted output', () => {
    // Hand trace for w = 0..5, k = 1: the first pass moves 5 to the front, the reversed second
    // pass carries it to the end and leaves 4 at the front.
    expect(pmiOutputs([0, 1, 2, 3, 4, 5], 1, 'original-loop')).toEqual([4, 5]);
    expect(pmiOutputs([0, 1, 2, 3, 4, 5], 1, 'extremes')).toEqual([5, 0]);
    expect(() => pmiOutputs([0, 1], 2, 'extremes')).toThrow(/k: expected/);
  });
});

describe('sign log-odds bias', () => {
  it('is log(frac⁺) − log(frac⁻), clipped at ±log T for a neuron that never changes sign', () => {
    // T = 4 scored states: neuron 0 positive 3 times, neuron 1 always positive.
    const tr = traj([
      [1, 1],
      [1, 1],
      [-1, 1],
      [1, 1],
      [-1, 1],
    ]);
    const bh = signLogOddsBh(tr, new Uint8Array(5));
    expect(bh[0]).toBeCloseTo(Math.log(3), 12);
    expect(bh[1]).toBeCloseTo(Math.log(4), 12);
  });
});

describe('the lagged Wh estimators in one wasm GEMM', () => {
  // A 16-unit model from the seeded initialisation on the training text: states in (−1, 1).
  const text = loadBytes(TRAIN_TEXT);
  const tr = run(initModel(7, 16), text);
  const H = 16,
    T = text.length - 1;

  it("give the plain loops' bits (hebbianWh, signCorrelationWh)", () => {
    expect(hebbianWh(tr, text)).toEqual(hebbianWh(tr, text, 'reference'));
    expect(signCorrelationWh(tr, text)).toEqual(signCorrelationWh(tr, text, 'reference'));
  });

  it('sign correlation counts agreements: agree = ((T − 1) + Σ s_i(t+1)·s_j(t)) / 2', () => {
    const c = signCorrelationWh(tr, text);
    for (const [i, j] of [
      [0, 0],
      [3, 11],
      [15, 2],
    ]) {
      let agree = 0;
      for (let t = 0; t + 1 < T; t++)
        if (tr.h[t * H + j] >= 0 === tr.h[(t + 1) * H + i] >= 0) agree++;
      expect(c[i * H + j], `${i},${j}`).toBe((2 * agree) / (T - 1) - 1);
    }
  });
});
