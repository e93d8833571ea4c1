import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sn from '../lib/sn/um.js';
import {
  exportPatterns,
  formatInventory,
  parseInventory,
  strengthsFromPatterns,
  writeInventory,
  countPatterns,
} from '../lib/sn/export.js';
import { loadModel, TENSOR_NAMES, type SatRnn } from '../lib/core/model.js';
import { loadBytes } from '../lib/core/data.js';
import { evaluate, run } from '../lib/core/rnn.js';
import { HAVE_PUBLISHED, PUBLISHED, needsPublished, randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT);

describe('binary-ES softmax', () => {
  it('2σ(2x) − 1 equals tanh(x), and the matching support reproduces tanh(pre)', () => {
    for (let x = -12; x <= 12; x += 0.37) {
      expect(2 * sn.sigmoid(2 * x) - 1).toBeCloseTo(Math.tanh(x), 14);
      expect(sn.binaryEsActivation(sn.matchingSupport(x))).toBeCloseTo(Math.tanh(x), 14);
    }
    expect(sn.matchingSupport(1)).toBeCloseTo(2.885, 3);
    expect(sn.sigmoid(-800)).toBe(0); // no overflow on large negative inputs
    expect(sn.sigmoid(800)).toBe(1);
  });

  it('a base-2 binary ES gives P(h+) = 2^A+ / (2^A+ + 2^A−)', () => {
    const Ap = 3.5,
      Am = 1.25;
    const P = 2 ** Ap / (2 ** Ap + 2 ** Am);
    expect(sn.binaryEsActivation(Ap - Am)).toBeCloseTo(2 * P - 1, 14);
  });
});

function checkDoubledE(m: SatRnn): void {
  const ref = evaluate(m, bytes);
  const um = sn.umEvaluate(sn.doubledE(m), bytes);
  expect(Math.abs(um.bpc - ref.bpc)).toBeLessThan(1e-9);
  const h = run(m, bytes).h;
  let d = 0;
  for (let k = 0; k < h.length; k++) d = Math.max(d, Math.abs(h[k] - um.trajectory.h[k]));
  expect(d).toBeLessThan(1e-9);
}

describe('doubled-E export', () => {
  // A non-chaotic random model: in a chaotic one (e.g. scale 0.5) the last-bit difference between
  // 2σ(2x) − 1 and tanh(x) grows along the 1024 steps, which is the dynamics, not the export.
  it('scores the same bpc as the RNN on the data (random model)', () =>
    checkDoubledE(randomModel(128, 5, 0.2)));
  it.runIf(HAVE_PUBLISHED)(
    needsPublished('scores the same bpc as the RNN on the data (published model)'),
    () => checkDoubledE(loadModel(PUBLISHED)),
  );
});

describe('byte-strength quantizers', () => {
  const w = Float32Array.from([0, 0.2, -0.26, 0.74, -1.5, 4.08, -3, 0.0049]);

  it('linear: s = round(α|w|), sign in the wiring, clip at 255 only when asked', () => {
    expect(Array.from(sn.encodeStrengths(w, sn.linearQuantizer(2, true)))).toEqual([
      0, 0, -1, 1, -3, 8, -6, 0,
    ]);
    expect(Array.from(sn.encodeStrengths(w, sn.linearQuantizer(100, true)))).toEqual([
      0, 20, -26, 74, -150, 255, -255, 0,
    ]);
    expect(Array.from(sn.encodeStrengths(w, sn.linearQuantizer(100, false)))).toEqual([
      0, 20, -26, 74, -150, 408, -300, 0,
    ]);
  });

  it('linear: decode is s/α, so the round trip errs by at most 1/(2α) when unclipped', () => {
    for (const alpha of [2, 62.5, 4096]) {
      const q = sn.linearQuantizer(alpha, false);
      const back = sn.decodeStrengths(sn.encodeStrengths(w, q), q);
      for (let k = 0; k < w.length; k++)
        expect(Math.abs(back[k] - w[k])).toBeLessThanOrEqual(0.5 / alpha + 1e-6);
    }
    const clipped = sn.decodeStrengths(
      sn.encodeStrengths(w, sn.linearQuantizer(100, true)),
      sn.linearQuantizer(100, true),
    );
    expect(clipped[5]).toBeCloseTo(2.55, 6);
    expect(clipped[6]).toBeCloseTo(-2.55, 6);
  });

  it("log scale (eq. 5): the paper's worked example and an exact round trip of the strengths", () => {
    const q = sn.logQuantizer(1000, [1.393]);
    expect(sn.strengthOf(0.08, q)).toBe(155);
    expect(sn.strengthOf(1.393, q)).toBe(255);
    expect(1 / sn.logStep(0.08, q)).toBeCloseTo(435, 0);
    for (let s = 0; s <= 255; s++) expect(sn.strengthOf(sn.magnitudeOf(s, q), q)).toBe(s);
  });

  it('rejects bad parameters by name', () => {
    expect(() => sn.linearQuantizer(0, true)).toThrow(/alpha/);
    expect(() => sn.linearQuantizer(NaN, true)).toThrow(/alpha/);
    expect(() => sn.logQuantizer(-1, w)).toThrow(/c:/);
    expect(() => sn.logQuantizer(10, [0, 0])).toThrow(/wmax/);
    expect(() => sn.encodeStrengths([1, NaN], sn.linearQuantizer(2, true), 'Wh')).toThrow(
      /Wh\[1\]/,
    );
    const S = () => ({
      Wx: new Float64Array(1024),
      Wh: new Float64Array(16),
      bh: new Float64Array(4),
      Wy: new Float64Array(1024),
      by: new Float64Array(256),
    });
    expect(() => sn.umNet(4, { ...S(), Wx: new Float64Array(3) }, 1, 1)).toThrow(/strengths Wx/);
    expect(() => sn.umNet(4, S(), 0, 1)).toThrow(/hiddenGain/);
    expect(() => sn.umNet(4, S(), 1, NaN)).toThrow(/outputGain/);
  });

  it('temperature compensation: the UM with gains 2/α, 1/α equals the dequantized RNN', () => {
    const m = randomModel(16, 7, 1.2);
    const q = sn.linearQuantizer(20, true);
    const S = Object.fromEntries(
      TENSOR_NAMES.map((n) => [n, sn.encodeStrengths(m[n], q)]),
    ) as sn.Strengths;
    const um = sn.umEvaluate(sn.umNet(16, S, 2 / 20, 1 / 20), bytes);
    const all = Object.fromEntries(TENSOR_NAMES.map((n) => [n, q]));
    expect(um.bpc).toBeCloseTo(evaluate(sn.quantizeModel(m, all), bytes).bpc, 6);
  });

  it('quantizeModel leaves unlisted tensors exact and does not modify the input', () => {
    const m = randomModel(8, 2, 1);
    const before = m.Wh.slice();
    const qm = sn.quantizeModel(m, { Wh: sn.linearQuantizer(2, true) });
    expect(Array.from(m.Wh)).toEqual(Array.from(before));
    expect(Array.from(qm.Wx)).toEqual(Array.from(m.Wx));
    expect(Array.from(qm.Wh).every((v) => Number.isInteger(v * 2))).toBe(true);
  });

  it('strength statistics count exported (s ≥ 1) and dropped weights', () => {
    const st = sn.strengthStats(sn.encodeStrengths(w, sn.linearQuantizer(2, true)));
    expect(st).toEqual({
      total: 8,
      exported: 5,
      dropped: 3,
      droppedFraction: 3 / 8,
      maxStrength: 8,
    });
    expect(sn.bitsPerWeight(255)).toBe(8);
  });
});

describe('SN pattern inventory', () => {
  const m = randomModel(6, 11, 3);
  const q = sn.linearQuantizer(2, true);
  const S = Object.fromEntries(
    TENSOR_NAMES.map((n) => [n, sn.encodeStrengths(m[n], q)]),
  ) as sn.Strengths;

  it('parses back to the same strengths, through a file written atomically', () => {
    const patterns = exportPatterns(6, S);
    const dir = mkdtempSync(join(tmpdir(), 'sn-'));
    const path = join(dir, 'inv.txt');
    writeInventory(path, { hidden: 6, mapping: 'linear alpha=2 clip, s >= 1', patterns });
    const inv = parseInventory(readFileSync(path, 'utf8'));
    expect(inv.hidden).toBe(6);
    expect(inv.mapping).toBe('linear alpha=2 clip, s >= 1');
    const back = strengthsFromPatterns(6, inv.patterns);
    for (const n of TENSOR_NAMES) expect(Array.from(back[n]), n).toEqual(Array.from(S[n]));
    expect(countPatterns(inv.patterns).total).toBe(patterns.length);
  });

  it('round-trips float strengths exactly', () => {
    const F = sn.doubledE(m);
    const S2: sn.Strengths = { Wx: F.Sx, Wh: F.Sh, bh: F.Sbh, Wy: F.Sy, by: F.Sby };
    const inv = parseInventory(
      formatInventory({ hidden: 6, mapping: 'doubled-E', patterns: exportPatterns(6, S2) }),
    );
    const back = strengthsFromPatterns(6, inv.patterns);
    for (const n of TENSOR_NAMES)
      for (let k = 0; k < S2[n].length; k++) {
        expect(back[n][k]).toBe(Math.abs(S2[n][k]) >= 1 ? S2[n][k] : 0);
      }
  });

  it('writes the documented lines for each matrix', () => {
    const one: sn.Strengths = {
      Wx: new Float64Array(6 * 256),
      Wh: new Float64Array(36),
      bh: new Float64Array(6),
      Wy: new Float64Array(256 * 6),
      by: new Float64Array(256),
    };
    one.Wx[2 * 256 + 65] = -3;
    one.Wh[1 * 6 + 4] = -2;
    one.Wy[66 * 6 + 5] = -7;
    one.bh[0] = 1;
    one.by[10] = -1;
    const text = formatInventory({ hidden: 6, mapping: 'm', patterns: exportPatterns(6, one) });
    expect(text.split('\n').slice(3, 9)).toEqual([
      '# counts: Wx=1 Wh=1 bh=1 Wy=1 by=1 total=5',
      'i65 h2- 3',
      'h4+ h1- 2',
      'h5- o66 7',
      'bias h0+ 1',
      'bias- o10 1',
    ]);
  });

  it('rejects malformed inventories with the line number', () => {
    const good = formatInventory({ hidden: 6, mapping: 'm', patterns: exportPatterns(6, S) });
    expect(() => parseInventory(good.replace('# sn-patterns/1', '# other'))).toThrow(/first line/);
    expect(() => parseInventory(good + 'i3 o4 2\n')).toThrow(/no weight wires i3 to o4/);
    expect(() => parseInventory(good + 'i300 h1+ 2\n')).toThrow(/bad event "i300"/);
    expect(() => parseInventory(good + 'i3 h1+ 0.5\n')).toThrow(/strength/);
    expect(() => parseInventory(good + 'i3 h1+ 2\n')).toThrow(/header counts/);
  });
});

describe.runIf(HAVE_PUBLISHED)(
  needsPublished(
    'published model, alpha = 2 inventory (paper: 522 + 1006 + 1471 + 26 + 23 = 3048)',
  ),
  () => {
    it("exports the paper's per-matrix counts with s = round(2|w|) ≥ 1", () => {
      const m = loadModel(PUBLISHED);
      const q = sn.linearQuantizer(2, true);
      const S = Object.fromEntries(
        TENSOR_NAMES.map((n) => [n, sn.encodeStrengths(m[n], q)]),
      ) as sn.Strengths;
      expect(countPatterns(exportPatterns(128, S))).toEqual({
        Wx: 522,
        Wh: 1006,
        bh: 26,
        Wy: 1471,
        by: 23,
        total: 3048,
      });
    });
  },
);
