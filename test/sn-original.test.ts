import { describe, expect, it } from 'vitest';
import * as orig from '../lib/sn/original.js';
import * as fx from '../lib/sn/forensics.js';
import {
  encodeStrengths,
  decodeStrengths,
  linearQuantizer,
  linearUm,
  logQuantizer,
  logStep,
  umEvaluate,
  MAX_STRENGTH,
} from '../lib/sn/um.js';
import { evaluate } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { loadModel, zeroModel, VOCAB, TENSOR_NAMES } from '../lib/core/model.js';
import { originalFile } from '../lib/notebook/sources.js';
import { randomModel, TRAIN_TEXT, PUBLISHED, HAVE_PUBLISHED, needsPublished } from './helpers.js';

const f32 = Math.fround;
const bytes = loadBytes(TRAIN_TEXT).subarray(0, 200);
const m = randomModel(16, 5, 0.6);

describe('the public rounding idiom (int)(x + 0.5f)', () => {
  it('rounds halves up and, unlike exact rounding, lifts the largest float32 below 1/2 to 1', () => {
    expect(orig.cRound(2.5)).toBe(3);
    expect(orig.cRound(1.49)).toBe(1);
    expect(orig.cRound(0)).toBe(0);
    const justBelowHalf = f32(0.49999997);
    expect(justBelowHalf).toBeLessThan(0.5);
    expect(Math.round(justBelowHalf)).toBe(0);
    expect(orig.cRound(justBelowHalf)).toBe(1);
    expect(() => orig.cRound(-1)).toThrow(/x ≥ 0/);
    expect(() => orig.cRound(NaN)).toThrow();
  });

  it('sat_sn_full.c strengths: s = (int)(2|w| + 0.5) in float32, 0 below |w| = 1/4', () => {
    expect(orig.snFullStrength(-0.74)).toBe(1);
    expect(orig.snFullStrength(0.25)).toBe(1);
    expect(orig.snFullStrength(0.2499999)).toBe(0);
    expect(orig.snFullStrength(3.3)).toBe(7);
    // w with 2|w| the largest float32 below 1/2: exported by the idiom, dropped by round(2|w|).
    const edge = f32(0.49999997) / 2;
    expect(orig.snFullStrength(edge)).toBe(1);
    expect(Math.round(2 * edge)).toBe(0);
  });
});

describe('the public α = 2 inventory', () => {
  it('signed strengths on Wx, Wh, Wy and none on the biases; counts and rounding differences of a hand-built model', () => {
    const z = zeroModel(8);
    z.Wx[3] = -0.6; // s = 1 (1.2 + 0.5 → 1), sign −
    z.Wh[5] = 1.3; // s = 3
    z.Wy[7] = f32(0.49999997) / 2; // s = 1 by the idiom, 0 by round
    z.bh[0] = 2;
    z.by[0] = -2; // biases: no patterns
    const S = orig.snFullStrengths(z);
    expect(S.Wx[3]).toBe(-1);
    expect(S.Wh[5]).toBe(3);
    expect(S.Wy[7]).toBe(1);
    expect(Array.from(S.bh).every((v) => v === 0)).toBe(true);
    expect(Array.from(S.by).every((v) => v === 0)).toBe(true);
    expect(orig.snFullCounts(z)).toEqual({ Wx: 1, Wh: 1, Wy: 1, total: 3 });
    expect(orig.snFullRoundingDifferences(z)).toBe(1);
  });

  it(
    needsPublished(
      "on the published model the public exporter gives the paper's 522 Wx + 1,006 Wh + 1,471 Wy patterns",
    ),
    { skip: !HAVE_PUBLISHED },
    () => {
      const pub = loadModel(PUBLISHED);
      expect(orig.snFullCounts(pub)).toEqual({ Wx: 522, Wh: 1006, Wy: 1471, total: 2999 });
      expect(orig.snFullRoundingDifferences(pub)).toBe(0);
    },
  );
});

describe('the public evaluator (eval_bpc of sat_train.c)', () => {
  it('stays within float32 rounding of the bpc protocol when no probability hits the floor', () => {
    const a = orig.evalBpcOriginal(m, bytes),
      b = evaluate(m, bytes).bpc;
    expect(Math.abs(a - b)).toBeLessThan(1e-4);
    expect(a).not.toBe(b);
  });

  it('counts a next-byte probability below 1e-8 as 1e-8: at most −log2(1e-8) ≈ 26.6 bits a position', () => {
    const z = zeroModel(8);
    z.by[65] = 30; // P('B') = 1/(e^30 + 255) ≈ 9e-14
    const text = new Uint8Array(12).fill(66);
    const cap = -Math.log(orig.ORIGINAL_P_FLOOR) / Math.LN2;
    expect(orig.evalBpcOriginal(z, text)).toBeCloseTo(cap, 4);
    expect(evaluate(z, text).bpc).toBeGreaterThan(40);
    expect(() => orig.evalBpcOriginal(z, text.subarray(0, 1))).toThrow(/at least 2/);
  });
});

describe('byte maps in the public arithmetic', () => {
  it('linear: sign(w)·s/α with s = (int)(α|w| + 0.5), clipped at 255 when asked', () => {
    const w = new Float32Array([0.3, -0.74, 1.26, 0.01]);
    expect(Array.from(orig.cQuantizeLinear(w, 2, true))).toEqual([0.5, -0.5, 1.5, 0]);
    expect(orig.cQuantizeLinear(new Float32Array([2]), 200, true)[0]).toBe(f32(MAX_STRENGTH / 200));
    expect(orig.cQuantizeLinear(new Float32Array([2]), 200, false)[0]).toBe(2);
    // Away from the idiom's edge it is the temperature-compensated linear map of lib/sn/um.ts.
    const q = linearQuantizer(128, true);
    const ours = decodeStrengths(encodeStrengths(m.Wh, q), q),
      theirs = orig.cQuantizeLinear(m.Wh, 128, true);
    for (let k = 0; k < ours.length; k++) expect(theirs[k]).toBeCloseTo(ours[k], 6);
    expect(() => orig.cQuantizeLinear(w, 0, true)).toThrow(/alpha/);
  });

  it("log: eq. 5 in float32 gives the paper's worked example (c = 1000, wmax = 1.393, |w| = 0.08 → s = 155) and decodes as exp(s·L/255) − 1 over c", () => {
    const q = logQuantizer(1000, [1.393], 1.393);
    const w = new Float32Array([0.08, -0.08, 1.393, 0]);
    const dec = orig.cQuantizeLog(w, 1000, 1.393);
    const L = Math.log1p(1000 * 1.393);
    expect(dec[0]).toBeCloseTo(Math.expm1((155 * L) / 255) / 1000, 6);
    expect(dec[1]).toBe(-dec[0]);
    expect(dec[2]).toBeCloseTo(1.393, 4);
    expect(dec[3]).toBe(0);
    // One strength step at |w| = 0.08 is the paper's resolution: the decoded weight is within half a step of w.
    expect(Math.abs(dec[0] - 0.08)).toBeLessThanOrEqual(logStep(0.08, q) / 2 + 1e-7);
    const ours = decodeStrengths(
      encodeStrengths(m.Wx, logQuantizer(500, m.Wx)),
      logQuantizer(500, m.Wx),
    );
    const wmax = Math.max(...Array.from(m.Wx, Math.abs));
    const theirs = orig.cQuantizeLog(m.Wx, 500, wmax);
    let differ = 0;
    for (let k = 0; k < ours.length; k++) if (Math.abs(theirs[k] - ours[k]) > 1e-5) differ++;
    expect(differ).toBeLessThanOrEqual(2); // float32 may move a strength that sits on a half
  });

  it('cQuantizeModel replaces only the listed tensors; per-layer α is 255/max|W| in float32', () => {
    const qm = orig.cQuantizeModel(m, {
      Wh: { kind: 'linear', alpha: 64, clip: true },
      Wy: { kind: 'log', c: 300 },
    });
    expect(qm.Wx).toEqual(m.Wx);
    expect(qm.bh).toEqual(m.bh);
    expect(qm.Wh).not.toEqual(m.Wh);
    expect(qm.Wy).not.toEqual(m.Wy);
    expect(qm.Wh).toEqual(orig.cQuantizeLinear(m.Wh, 64, true));
    const mx = Math.max(...Array.from(m.Wh, Math.abs));
    expect(orig.cPerLayerAlpha(m.Wh)).toBe(f32(255 / f32(mx)));
    expect(() => orig.cPerLayerAlpha(new Float32Array(4))).toThrow(/all weights are 0/);
  });
});

describe('the public record read for notebook 05', () => {
  it('every file is a public file of inimino/hutter, listed once; byte_weight_test*.c is not among them', () => {
    const refs = orig.PUBLIC_RECORD.map((f) => f.ref);
    for (const r of refs) expect(() => originalFile(r)).not.toThrow();
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.some((r) => r.includes('byte_weight_test'))).toBe(false);
    for (const f of orig.PUBLIC_RECORD) expect(f.settles.trim().length).toBeGreaterThan(10);
  });

  it('every differing claim consults the exporter and the evaluator; files that bear on nothing are consulted by none', () => {
    for (const id of [orig.UM_RUNNER_CLAIM, ...orig.BYTE_WEIGHT_CLAIMS]) {
      const c = orig.consultedFor(id);
      expect(c).toContain('inimino/hutter@8ce5e5f:sat_sn_full.c');
      expect(c).toContain('inimino/hutter@23a9427:sat_train.c');
    }
    expect(orig.consultedFor(orig.UM_RUNNER_CLAIM)).toContain('inimino/hutter@8ce5e5f:sat_um_sn.c');
    expect(orig.consultedFor('sn.iso_wh')).not.toContain('inimino/hutter@8ce5e5f:sat_um_sn.c');
    const consulted = new Set(
      [orig.UM_RUNNER_CLAIM, ...orig.BYTE_WEIGHT_CLAIMS].flatMap(orig.consultedFor),
    );
    for (const f of orig.PUBLIC_RECORD.filter((g) => g.bearsOn.length === 0))
      expect(consulted.has(f.ref)).toBe(false);
    expect(orig.consultedFor('sn.nothing')).toEqual([]);
  });
});

describe('UM runner activations and floor', () => {
  const H = 8;
  const blank = () => ({
    Wx: new Float64Array(H * VOCAB),
    Wh: new Float64Array(H * H),
    bh: new Float64Array(H),
    Wy: new Float64Array(VOCAB * H),
    by: new Float64Array(VOCAB),
  });
  const text = new Uint8Array(6).fill(65);
  const g = Math.LN2;

  it('hard events make the more probable side of a binary ES certain', () => {
    const S = blank();
    S.Wx[0 * VOCAB + 65] = 0.1; // D = 0.1: soft P(h0+) ≈ 0.517, hard P(h0+) = 1
    S.Wy[65 * H + 0] = 3;
    S.Wy[66 * H + 0] = -2;
    const hard = fx.umRunnerBpc(H, S, text, {
      source: 'plus',
      biases: 'dropped',
      hiddenGain: g,
      outputGain: g,
      activation: 'hard',
    });
    expect(hard).toBeCloseTo(-Math.log2(8 / (8 + 255)), 9);
    const soft = fx.umRunnerBpc(H, S, text, {
      source: 'plus',
      biases: 'dropped',
      hiddenGain: g,
      outputGain: g,
    });
    expect(soft).toBeGreaterThan(hard);
  });

  it('the floor caps a position at −log2(floor); the general loop equals umEvaluate when no floor bites', () => {
    const S = blank();
    S.by[66] = 100; // P('A') = 1/(2^100 + 255)
    const capped = fx.umRunnerBpc(H, S, text, {
      source: 'contrast',
      biases: 'quantized',
      hiddenGain: g,
      outputGain: g,
      pFloor: 1e-8,
    });
    expect(capped).toBeCloseTo(-Math.log2(1e-8), 9);
    const open = fx.umRunnerBpc(H, S, text, {
      source: 'contrast',
      biases: 'quantized',
      hiddenGain: g,
      outputGain: g,
    });
    expect(open).toBeCloseTo(100, 6);
    const S2 = Object.fromEntries(
      TENSOR_NAMES.map((n) => [n, encodeStrengths(m[n], linearQuantizer(2, true), n)]),
    ) as ReturnType<typeof blank>;
    const viaUm = fx.umRunnerBpc(16, S2, bytes, {
      source: 'contrast',
      biases: 'quantized',
      hiddenGain: g,
      outputGain: g,
    });
    const viaLoop = fx.umRunnerBpc(16, S2, bytes, {
      source: 'contrast',
      biases: 'quantized',
      hiddenGain: g,
      outputGain: g,
      pFloor: 1e-300,
    });
    expect(viaLoop).toBeCloseTo(viaUm, 9);
    expect(() =>
      fx.umRunnerBpc(H, S, text, {
        source: 'plus',
        biases: 'dropped',
        hiddenGain: g,
        outputGain: g,
        pFloor: 1,
      }),
    ).toThrow(/pFloor/);
  });

  it('the candidates start with the public inventory and keep our earlier eq. 3 reading', () => {
    const c = fx.umRunnerCandidates(m, bytes);
    expect(c[0].candidate).toBe(fx.UM_RUNNER_ADOPTED);
    expect(c[0].value).toBe(
      fx.umRunnerBpc(16, orig.snFullStrengths(m), bytes, {
        source: 'plus',
        biases: 'dropped',
        hiddenGain: g,
        outputGain: g,
      }),
    );
    const earlier = c.find(
      (x) =>
        x.candidate.includes('eq. 3') && x.candidate.includes('bias patterns quantized; base-2'),
    )!;
    expect(earlier.value).toBe(
      umEvaluate(linearUm(m, linearQuantizer(2, true), 'quantized'), bytes).bpc,
    );
    expect(c.every((x) => Number.isFinite(x.value))).toBe(true);
  });
});

describe('public-record candidates of the byte-weight forensics', () => {
  it('score the adopted model by the public evaluator and remake the map in the public arithmetic', () => {
    const perturb = new Float64Array(16);
    const c = fx.isolationCandidates(m, bytes, ['Wh'], perturb);
    const ev = c.find((x) => x.candidate.includes('scored by the public evaluator'))!;
    const q = linearQuantizer(255 / Math.max(...Array.from(m.Wh, Math.abs)), true);
    expect(ev.value).toBe(
      orig.evalBpcOriginal({ ...m, Wh: decodeStrengths(encodeStrengths(m.Wh, q), q) }, bytes),
    );
    const ar = c.find((x) => x.candidate.includes("public programs' arithmetic"))!;
    expect(ar.value).toBe(
      orig.evalBpcOriginal(
        orig.cQuantizeModel(m, {
          Wh: { kind: 'linear', alpha: orig.cPerLayerAlpha(m.Wh), clip: true },
        }),
        bytes,
      ),
    );
    for (const cs of [
      fx.alphaCandidates(m, bytes, 128, true, perturb),
      fx.logScaleCandidates(m, bytes, 500, perturb),
    ]) {
      expect(cs.filter((x) => x.candidate.includes('public evaluator')).length).toBe(2);
    }
  });
});
