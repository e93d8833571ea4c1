import { describe, expect, it } from 'vitest';
import { run, evaluate } from '../lib/core/rnn.js';
import { leastSquaresScale } from '../lib/math/stats.js';
import { hebbianWh, hebbianWx, hebbianWy, signLogOddsBh } from '../lib/prediction/estimators.js';
import {
  BLEND_ALPHAS,
  blend,
  hebbianConstruction,
  optimizeReadout,
  pipelineBpc,
  readoutFeatures,
  signConditionedConstruction,
  withBlend,
  withTensor,
} from '../lib/prediction/substitution.js';
import { marginalBias } from '../lib/core/data.js';
import { randomModel } from './helpers.js';

const text = Uint8Array.from('the cat sat on the mat; the rat sat on the cat. ', (c) =>
  c.charCodeAt(0),
);

describe('blend and replacement', () => {
  it('is the trained tensor at α = 1, the estimate at α = 0 and their mean at α = 0.5', () => {
    const t = [1, -2, 4],
      e = [3, 2, 0];
    expect(Array.from(blend(t, e, 1))).toEqual(t);
    expect(Array.from(blend(t, e, 0))).toEqual(e);
    expect(Array.from(blend(t, e, 0.5))).toEqual([2, 0, 2]);
    expect(BLEND_ALPHAS).toEqual([0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1]);
  });

  it('rejects α outside [0, 1] and mismatched sizes by name', () => {
    expect(() => blend([1], [2], 1.5)).toThrow(/alpha: expected a number in \[0, 1\], got 1.5/);
    expect(() => blend([1], [2], NaN)).toThrow(/alpha/);
    expect(() => blend([1, 2], [2], 0.5)).toThrow(/estimate: 1 values/);
    const m = randomModel(4, 1, 1);
    expect(() => withTensor(m, 'Wh', [1, 2])).toThrow(/Wh: 2 values, expected 16/);
  });

  it('replaces one tensor in a copy and leaves the original model untouched', () => {
    const m = randomModel(4, 1, 1);
    const before = m.Wh.slice();
    const r = withBlend(m, 'Wh', new Float32Array(16), 0.25);
    expect(Array.from(r.Wh)).toEqual(Array.from(before, (v) => Math.fround(0.25 * v)));
    expect(Array.from(m.Wh)).toEqual(Array.from(before));
    expect(Array.from(r.Wx)).toEqual(Array.from(m.Wx));
  });
});

describe('constructions', () => {
  const m = randomModel(6, 7, 3);

  it('marginalBias is log((count + 0.5)/(n + 128)) and a normalised distribution over 256 bytes', () => {
    const by = marginalBias(text);
    const n = text.length;
    const nT = text.filter((c) => c === 116).length; // 't'
    expect(by[116]).toBeCloseTo(Math.log((nT + 0.5) / (n + 128)), 6);
    expect(Array.from(by).reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 5);
  });

  it('the Hebbian model is the least-squares-scaled covariance, 5× log-odds bias and marginal by', () => {
    const { model, scales } = hebbianConstruction(m, text);
    const tr = run(m, text);
    const cov = hebbianWh(tr, text);
    expect(scales.Wh).toBeCloseTo(leastSquaresScale(m.Wh, cov), 10);
    expect(scales.Wx).toBeCloseTo(leastSquaresScale(m.Wx, hebbianWx(tr, text)), 10);
    expect(scales.Wy).toBeCloseTo(leastSquaresScale(m.Wy, hebbianWy(tr, text)), 10);
    expect(model.Wh[7]).toBeCloseTo(scales.Wh * cov[7], 5);
    expect(model.bh[2]).toBeCloseTo(5 * signLogOddsBh(tr, text)[2], 5);
    expect(Array.from(model.by)).toEqual(Array.from(marginalBias(text)));
  });

  it('the sign-conditioned model clips its log-ratios at ±2 before scaling', () => {
    const s = signConditionedConstruction(m, text);
    expect(Math.max(...Array.from(s.Wx, Math.abs))).toBeLessThanOrEqual(30 + 1e-5);
    expect(Math.max(...Array.from(s.Wy, Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.max(...Array.from(s.Wh, Math.abs))).toBeLessThanOrEqual(4 + 1e-6);
  });
});

describe('readout on fixed dynamics', () => {
  const m = randomModel(6, 3, 2);

  it('sign features are ±1 with the signs of the tanh states', () => {
    const h = run(m, text).h;
    const s = readoutFeatures(m, text, true);
    for (let k = 0; k < h.length; k++) expect(s[k]).toBe(h[k] >= 0 ? 1 : -1);
  });

  it("a pipeline with the model's own readout scores what evaluate() scores", () => {
    const p = {
      dynamics: m,
      readout: { Wy: Float64Array.from(m.Wy), by: Float64Array.from(m.by) },
      signFeatures: false,
    };
    expect(pipelineBpc(p, text)).toBeCloseTo(evaluate(m, text).bpc, 10);
  });

  it('the optimized readout is fitted on t = 0 … n − 3: the last byte does not change it, the one before does', () => {
    const bytes = text,
      n = bytes.length;
    const init = { Wy: new Float64Array(256 * 6), by: Float64Array.from(m.by) };
    const fit = (b: Uint8Array) => optimizeReadout(m, b, { init }).readout;
    const base = fit(bytes);
    const lastChanged = bytes.slice();
    lastChanged[n - 1] ^= 1;
    const beforeChanged = bytes.slice();
    beforeChanged[n - 2] ^= 1;
    expect(fit(lastChanged).Wy).toEqual(base.Wy);
    expect(fit(beforeChanged).Wy).not.toEqual(base.Wy);
  });

  it('optimizing the readout lowers the training bpc, with tanh and with sign features', () => {
    for (const signFeatures of [false, true]) {
      const init = { Wy: new Float64Array(256 * 6), by: Float64Array.from(m.by) };
      const start = pipelineBpc({ dynamics: m, readout: init, signFeatures }, text);
      const fitted = optimizeReadout(m, text, { signFeatures, init });
      expect(pipelineBpc(fitted, text)).toBeLessThan(start - 1);
    }
  });
});
