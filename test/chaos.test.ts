import { describe, expect, it } from 'vitest';
import {
  booleanSensitivity,
  jacobianNorms,
  lyapunovCandidates,
  signDynamicsSensitivity,
} from '../lib/sn/chaos.js';
import { booleanInfluenceWh } from '../lib/prediction/estimators.js';
import { eigenvalues, largestSingularValue } from '../lib/math/linalg.js';
import { lyapunov } from '../lib/sn/dynamics.js';
import { loadModel, zeroModel } from '../lib/core/model.js';
import { preActivation, run } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { HAVE_PUBLISHED, PUBLISHED, needsPublished, randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT).subarray(0, 160);

describe('largestSingularValue', () => {
  it('is the largest |diagonal entry| of a diagonal matrix and g for g × a rotation', () => {
    expect(largestSingularValue([3, 0, 0, -4], 2)).toBeCloseTo(4, 10);
    const g = 1.7,
      th = 0.4;
    expect(
      largestSingularValue(
        [g * Math.cos(th), -g * Math.sin(th), g * Math.sin(th), g * Math.cos(th)],
        2,
      ),
    ).toBeCloseTo(g, 10);
  });

  it('is the square root of the largest eigenvalue of AᵀA for a random non-normal matrix', () => {
    const n = 9;
    const a = Float64Array.from(
      { length: n * n },
      (_, k) => Math.sin(1.3 * k + 0.2) * (k % n <= Math.floor(k / n) ? 2 : 0.5),
    );
    const ata = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += a[r * n + i] * a[r * n + j];
        ata[i * n + j] = s;
      }
    const top = Math.max(...eigenvalues(ata, n).re);
    expect(largestSingularValue(a, n)).toBeCloseTo(Math.sqrt(top), 8);
  });

  it('agrees with the eigenvalues of AᵀA on a 60×60 matrix with a nearly degenerate top (Lanczos stops early)', () => {
    const n = 60;
    const a = Float64Array.from({ length: n * n }, (_, k) => Math.cos(0.37 * k * k + 1.1 * k));
    for (let i = 0; i < n; i++) a[i * n + i] += i < 2 ? 6 : 0; // two near-equal large directions
    const ata = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += a[r * n + i] * a[r * n + j];
        ata[i * n + j] = s;
      }
    const top = Math.max(...eigenvalues(ata, n).re);
    expect(largestSingularValue(a, n) / Math.sqrt(top) - 1).toBeCloseTo(0, 9);
  });

  it('rejects a wrong shape', () => {
    expect(() => largestSingularValue([1, 2, 3], 2)).toThrow(/expected 2×2/);
  });
});

describe('jacobianNorms', () => {
  it.runIf(HAVE_PUBLISHED)(
    needsPublished(
      "equals ‖J_t‖₂ of the formed J_t (Lanczos on JᵀJ) within the stated 1e-10 on the published model's trajectory",
    ),
    () => {
      // The same eigenvalue as λmax(J_t·J_tᵀ) = λmax(D·Wh·Whᵀ·D), from another product and
      // summation order: rounding apart (measured ≤ 1.1e-15 relative at all 1024 positions).
      const m = loadModel(PUBLISHED),
        H = m.hidden;
      const h = run(m, loadBytes(TRAIN_TEXT)).h;
      const norms = jacobianNorms(m.Wh, H, h);
      const J = new Float64Array(H * H);
      for (let t = 0; t < norms.length; t += 8) {
        for (let i = 0; i < H; i++)
          for (let j = 0; j < H; j++) J[i * H + j] = (1 - h[t * H + i] ** 2) * m.Wh[i * H + j];
        const formed = largestSingularValue(J, H, 1e-10);
        expect(Math.abs(norms[t] - formed) / formed).toBeLessThan(1e-10);
      }
    },
  );

  it('is ‖Wh‖₂ where h = 0 and drops saturated rows', () => {
    const H = 3,
      Wh = Float64Array.from([0.5, 1, 0, -2, 0.3, 0.1, 0, 0.4, 1.5]);
    const states = Float64Array.from([0, 0, 0, 1, 0, 0]); // t = 0: h = 0; t = 1: unit 0 saturated at exactly 1
    const norms = jacobianNorms(Wh, H, states);
    expect(norms[0]).toBeCloseTo(largestSingularValue(Wh, H), 9);
    const rows12 = Float64Array.from([0, 0, 0, -2, 0.3, 0.1, 0, 0.4, 1.5]);
    expect(norms[1]).toBeCloseTo(largestSingularValue(rows12, H), 9);
  });
});

describe('Boolean sensitivity', () => {
  const m = randomModel(12, 5, 2.5);
  const traj = run(m, bytes);

  it('with 50 positions equals the mean over j of Σ_i |Boolean influence| (the §2 estimator)', () => {
    const inf = booleanInfluenceWh(m.Wh, traj, bytes, 50);
    let s = 0;
    for (const v of inf) s += Math.abs(v);
    expect(booleanSensitivity(m.Wh, traj, 50)).toBeCloseTo(s / m.hidden, 12);
  });

  it('over every position equals a brute-force rerun of the step with h_j(t) negated', () => {
    const H = m.hidden,
      pre = new Float64Array(H);
    let flips = 0;
    for (let t = 0; t + 1 < bytes.length; t++) {
      for (let j = 0; j < H; j++) {
        const hPrev = traj.h.slice(t * H, (t + 1) * H);
        hPrev[j] = -hPrev[j];
        preActivation(m, hPrev, bytes[t + 1], pre);
        for (let i = 0; i < H; i++) if (pre[i] >= 0 !== traj.pre[(t + 1) * H + i] >= 0) flips++;
      }
    }
    expect(booleanSensitivity(m.Wh, traj)).toBeCloseTo(flips / ((bytes.length - 1) * H), 12);
  });

  it('of the sign dynamics: one flip per unit for a swap coupling, none for a strong bias', () => {
    const swap = zeroModel(2);
    swap.Wh.set([0, 2, 2, 0]);
    expect(signDynamicsSensitivity(swap, bytes)).toBe(1);
    const biased = zeroModel(2);
    biased.Wh.set([0, 2, 2, 0]);
    biased.bh.set([5, -5]);
    expect(signDynamicsSensitivity(biased, bytes)).toBe(0);
  });

  it('rejects bad samples', () => {
    expect(() => booleanSensitivity(m.Wh, traj, 0)).toThrow(/samples/);
    expect(() => booleanSensitivity(m.Wh.subarray(1), traj)).toThrow(/Wh:/);
  });
});

describe('lyapunovCandidates', () => {
  it('lists every reading, consistent with lyapunov()', () => {
    const m = randomModel(10, 3, 2);
    const c = lyapunovCandidates(m, bytes);
    expect(c.length).toBe(11);
    const lam = lyapunov(m, bytes).exponents[0];
    expect(c[0].value).toBeCloseTo(lam, 12);
    expect(c[1].value).toBeCloseTo(lam / Math.LN2, 12);
    expect(c[2].value).toBeCloseTo(Math.exp(lam), 12);
    expect(c[8].value).toBeCloseTo(Math.log(c[7].value), 12);
    for (const k of c) expect(Number.isFinite(k.value)).toBe(true);
  });
});
