/**
 * The scaffolding experiment's architectures: the redux of a trained model (the pruning rule of
 * inimino/hutter@86fbef8:q5_redux.c, lib/construction/redux.ts) and the training readings of
 * lib/construction/scaffold.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REDUX_RULES,
  inputOnlyFloor,
  rankByImportance,
  readoutKnockout,
  redux,
  reduxMaskFor,
  reduxParameterCount,
  whKept,
  whThresholdForCount,
} from '../lib/construction/redux.js';
import {
  SCAFFOLD_READINGS,
  maskCount,
  randomMask,
  trainScaffold,
  trainScaffolds,
  type ParamMask,
} from '../lib/construction/scaffold.js';
import {
  cloneModel,
  loadModel,
  parameterCount,
  zeroModel,
  VOCAB,
  type SatRnn,
} from '../lib/core/model.js';
import { evaluate } from '../lib/core/rnn.js';
import { train } from '../lib/core/train.js';
import { chunkGradient } from '../lib/core/bptt.js';
import { loadBytes } from '../lib/core/data.js';
import { HAVE_PUBLISHED, PUBLISHED, TRAIN_TEXT, needsPublished, randomModel } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const ones = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
/**
 * The bpc protocol as the original programs compute it: float32 state (every sum and tanh rounded
 * to float32), float64 readout and softmax, p floored at 1e-30 (a test oracle for the float64 lib).
 */
function bpcFloat32State(m: SatRnn, bytes: Uint8Array): number {
  const H = m.hidden,
    f = Math.fround;
  let h = new Float32Array(H),
    next = new Float32Array(H);
  const logits = new Float64Array(VOCAB);
  let bits = 0;
  for (let t = 0; t < bytes.length - 1; t++) {
    for (let i = 0; i < H; i++) {
      let z = f(m.bh[i] + m.Wx[i * VOCAB + bytes[t]]);
      for (let j = 0; j < H; j++) z = f(z + f(m.Wh[i * H + j] * h[j]));
      next[i] = f(Math.tanh(z));
    }
    [h, next] = [next, h];
    let max = -Infinity;
    for (let o = 0; o < VOCAB; o++) {
      let s = m.by[o];
      for (let j = 0; j < H; j++) s += m.Wy[o * H + j] * h[j];
      logits[o] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let o = 0; o < VOCAB; o++) z += Math.exp(logits[o] - max);
    const p = Math.exp(logits[bytes[t + 1]] - max) / z;
    bits -= Math.log2(p > 1e-30 ? p : 1e-30);
  }
  return bits / (bytes.length - 1);
}

/** The units whose W_y column the mask keeps, and whether every column is all kept or all dropped. */
function keptColumns(mask: ParamMask): { units: number[]; whole: boolean } {
  const H = mask.hidden,
    units: number[] = [];
  let whole = true;
  for (let j = 0; j < H; j++) {
    let c = 0;
    for (let o = 0; o < VOCAB; o++) c += mask.Wy[o * H + j];
    if (c === VOCAB) units.push(j);
    else if (c !== 0) whole = false;
  }
  return { units, whole };
}

describe('the redux rule (q5_redux.c), by hand', () => {
  it('ranks by importance, largest first, exact ties by lower index', () => {
    expect(rankByImportance([0.1, 0.3, 0.1, 0.2])).toEqual([1, 3, 0, 2]);
    expect(rankByImportance([0, 0, 0])).toEqual([0, 1, 2]);
    expect(() => rankByImportance([0, NaN])).toThrow(/NaN/);
  });

  it('keeps all of W_x, W_h where |w| ≥ θ (θ itself kept), and the W_y columns of the first k ranked units', () => {
    const m = zeroModel(4);
    // Wh[i][j] at i·4 + j: 1.0 exactly (kept), −1.5 (kept), 0.999 (dropped), −0.5 (dropped), the rest 0.
    m.Wh.set([1.0, 0, 0.999, 0, 0, -1.5, 0, 0, 0, 0, 0, -0.5, 0, 0, 0, 0]);
    const mask = reduxMaskFor(m, [2, 0, 3, 1], { neurons: 2, whThreshold: 1.0 });
    expect(Array.from(mask.Wh)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ones(mask.Wx)).toBe(4 * VOCAB);
    expect(keptColumns(mask)).toEqual({ units: [0, 2], whole: true });
    // 4·256 input weights + 2 recurrent + 4 + 2·256 readout + 256.
    expect(maskCount(mask)).toBe(1024 + 2 + 4 + 512 + 256);
    expect(reduxParameterCount(4, 2, whKept(m, 1.0))).toBe(maskCount(mask));
  });

  it('refuses a ranking that is not a permutation and a rule outside the model', () => {
    const m = zeroModel(4);
    expect(() => reduxMaskFor(m, [0, 0, 1, 2], { neurons: 1, whThreshold: 1 })).toThrow(
      /permutation/,
    );
    expect(() => reduxMaskFor(m, [0, 1, 2, 3], { neurons: 5, whThreshold: 1 })).toThrow(/neurons/);
    expect(() => reduxMaskFor(m, [0, 1, 2, 3], { neurons: 1, whThreshold: -1 })).toThrow(
      /whThreshold/,
    );
  });

  it('counts every input weight, so no setting of the rule counts fewer than 33,152 parameters at H = 128', () => {
    expect(reduxParameterCount(128, 0, 0)).toBe(33152);
    expect(reduxParameterCount(128, REDUX_RULES.printed.neurons, 0)).toBe(36992);
    expect(reduxParameterCount(128, REDUX_RULES.synthesis.neurons, 0)).toBe(38272);
    expect(reduxParameterCount(128, 128, 128 * 128)).toBe(parameterCount(128));
  });

  it('the knockout importance of a unit is the bpc cost of zeroing its W_y column; a unit with no readout costs exactly 0', () => {
    const m = randomModel(8, 5, 0.8);
    for (let o = 0; o < VOCAB; o++) m.Wy[o * 8 + 3] = 0;
    const bytes = text.subarray(0, 200);
    const ko = readoutKnockout(m, bytes);
    expect(ko.baseline).toBe(evaluate(m, bytes).bpc);
    expect(ko.importance[3]).toBe(0);
    for (const j of [0, 5]) {
      const probe = cloneModel(m);
      for (let o = 0; o < VOCAB; o++) probe.Wy[o * 8 + j] = 0;
      expect(ko.importance[j]).toBeCloseTo(
        evaluate(probe, bytes, { kernel: 'reference' }).bpc - ko.baseline,
        12,
      );
    }
    for (let a = 1; a < 8; a++)
      expect(ko.importance[ko.ranking[a - 1]]).toBeGreaterThanOrEqual(ko.importance[ko.ranking[a]]);
    const r = redux(m, bytes, { neurons: 3, whThreshold: 0.3 }, ko);
    expect(r.neurons).toEqual([...ko.ranking.slice(0, 3)].sort((a, b) => a - b));
    expect(keptColumns(r.mask).units).toEqual(r.neurons);
    expect(r.count).toBe(maskCount(r.mask));
  });

  it('whThresholdForCount gives the θ that keeps that many of the largest |W_h|', () => {
    const m = randomModel(8, 7, 1);
    for (const k of [1, 10, 64]) expect(whKept(m, whThresholdForCount(m, k))).toBe(k);
    expect(() => whThresholdForCount(m, 0)).toThrow(/entries/);
  });
});

describe('the floor of a state from the current byte alone', () => {
  it('is the in-sample conditional entropy H(X_{t+1} | X_t)', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    expect(inputOnlyFloor(enc('abab'))).toBe(0);
    // a → a, a → b, b → a, a → a: after a, {a, a, b} (entropy of 2/3, 1/3), after b always a.
    const h = -(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3);
    expect(inputOnlyFloor(enc('aabaa'))).toBeCloseTo((3 * h) / 4, 12);
    expect(() => inputOnlyFloor(enc('a'))).toThrow(/at least 2/);
  });

  it('bounds every model without recurrence (W_h = 0), trained or not', () => {
    const bytes = text.subarray(0, 300);
    const floor = inputOnlyFloor(bytes);
    for (const seed of [1, 2]) {
      const m = randomModel(8, seed, 2);
      m.Wh.fill(0);
      expect(evaluate(m, bytes).bpc).toBeGreaterThanOrEqual(floor);
    }
    const mask = reduxMaskFor(randomModel(8, 3, 0.1), [0, 1, 2, 3, 4, 5, 6, 7], {
      neurons: 8,
      whThreshold: 10,
    });
    const r = trainScaffold(bytes, { mask, reading: SCAFFOLD_READINGS[2], epochs: 30 });
    expect(r.last.Wh.every((w) => w === 0)).toBe(true);
    expect(r.evalBpc).toBeGreaterThanOrEqual(floor);
  });
});

describe.skipIf(!HAVE_PUBLISHED)(
  needsPublished('the redux of the published model on its text'),
  () => {
    let m: SatRnn, ko: ReturnType<typeof readoutKnockout>;
    beforeAll(() => {
      m = loadModel(PUBLISHED);
      ko = readoutKnockout(m, text);
    });

    it('keeps no recurrent weight: the largest |W_h| is below 1.5, so θ = 2.0 and θ = 3.0 keep nothing', () => {
      expect(Math.max(...Array.from(m.Wh, Math.abs))).toBeLessThan(1.5);
      expect(whKept(m, REDUX_RULES.printed.whThreshold)).toBe(0);
      expect(whKept(m, REDUX_RULES.synthesis.whThreshold)).toBe(0);
      expect(whKept(m, 1.0)).toBe(10);
    });

    it("counts 36,992 parameters under q5_redux.c's printed setting and 38,272 under synthesis.tex's (all of W_x, 15 or 20 readout columns)", () => {
      const printed = redux(m, text, REDUX_RULES.printed, ko),
        best = redux(m, text, REDUX_RULES.synthesis, ko);
      expect(printed.count).toBe(36992);
      expect(best.count).toBe(38272);
      expect(maskCount(best.mask)).toBe(38272);
      expect(ones(best.mask.Wh)).toBe(0);
      expect(keptColumns(best.mask)).toEqual({ units: [...best.neurons], whole: true });
      expect(best.neurons).toEqual([
        8, 15, 17, 20, 26, 50, 52, 53, 56, 59, 61, 68, 73, 76, 80, 90, 99, 101, 106, 113,
      ]);
      expect(printed.neurons.every((j) => best.neurons.includes(j))).toBe(true);
      expect(ko.ranking[0]).toBe(8);
    });

    it("its top-15 and top-20 cuts are the same under the original programs' float32 state (knockouts of the units ranked 12–23)", () => {
      const imp = (a: number) => ko.importance[ko.ranking[a]];
      expect(imp(14) - imp(15)).toBeGreaterThan(1e-4);
      expect(imp(19) - imp(20)).toBeGreaterThan(1e-4);
      const base32 = bpcFloat32State(m, text);
      expect(Math.abs(base32 - ko.baseline)).toBeLessThan(1e-4);
      const near = ko.ranking.slice(12, 24);
      const f32 = near.map((j) => {
        const probe = cloneModel(m);
        for (let o = 0; o < VOCAB; o++) probe.Wy[o * 128 + j] = 0;
        return bpcFloat32State(probe, text) - base32;
      });
      for (const k of [15, 20])
        expect(Math.min(...f32.slice(0, k - 12))).toBeGreaterThan(Math.max(...f32.slice(k - 12)));
    });

    it("the seed's 5,887 recurrent entries (|w| ≥ 3.0 on its model) are the published model's |w| ≥ 0.07 or so", () => {
      const theta = whThresholdForCount(m, 5887);
      expect(whKept(m, theta)).toBe(5887);
      expect(theta).toBeGreaterThan(0.05);
      expect(theta).toBeLessThan(0.1);
    });
  },
);

describe('scaffold training readings', () => {
  const bytes = text.subarray(0, 150);
  const byKey = Object.fromEntries(SCAFFOLD_READINGS.map((r) => [r.key, r]));

  it("the dense run is the recipe's train() from srand(42)", () => {
    const a = trainScaffold(bytes, {
      mask: null,
      reading: byKey['sgd-cos50'],
      epochs: 3,
      hidden: 8,
    });
    const b = train(bytes, { epochs: 3, seed: 42, hidden: 8 });
    expect(a.evalBpc).toBe(evaluate(b.last, bytes).bpc);
    expect(a.parameters).toBe(parameterCount(8));
    expect(a.log.map((e) => e.lr)).toEqual(b.log.map((e) => e.lr));
  });

  it('a run asked for its epochs anneals to the floor at the last one; the epoch line of a long run stays near 0.01', () => {
    const short = trainScaffold(bytes, {
      mask: null,
      reading: byKey['sgd-cos50'],
      epochs: 3,
      hidden: 8,
    });
    const long = trainScaffold(bytes, {
      mask: null,
      reading: byKey['sgd-long'],
      epochs: 3,
      hidden: 8,
    });
    expect(short.log.length).toBe(3);
    expect(short.log[2].lr).toBe(1e-4);
    expect(long.log.length).toBe(3);
    for (const e of long.log) expect(e.lr).toBeGreaterThan(0.0099);
  });

  it('under SGD and Adam the masked weights stay exactly 0 and the kept ones train', () => {
    const mask = randomMask(8, 0.3, 3);
    for (const key of ['sgd-long', 'adam-cos50']) {
      const r = trainScaffold(bytes, { mask, reading: byKey[key], epochs: 2 });
      expect(r.parameters).toBe(maskCount(mask));
      let moved = 0;
      for (const k of ['Wx', 'Wh', 'Wy'] as const) {
        for (let i = 0; i < r.last[k].length; i++) {
          if (!mask[k][i]) expect(r.last[k][i]).toBe(0);
          else if (r.last[k][i] !== 0) moved++;
        }
      }
      expect(moved).toBeGreaterThan(0);
      expect(r.evalBpc).toBeLessThan(8.01);
    }
  });

  it('a masked run trains in the fused wasm step: a known value, within 1e-9 bpc of the float64 reference loop', () => {
    // Known values of the fused float32 step (lib/fast/train.ts); the float64 reference kernel and
    // update loop (`kernel: chunkGradient`) land 2e-11 and 1e-10 away after two epochs at H = 8.
    const mask = randomMask(8, 0.3, 3);
    const known = { 'sgd-long': 7.9236303454837795, 'adam-cos50': 7.992271146985258 };
    for (const [key, value] of Object.entries(known)) {
      const reading = byKey[key];
      const r = trainScaffold(bytes, { mask, reading, epochs: 2 });
      expect(r.evalBpc).toBe(value);
      const ref = train(bytes, {
        epochs: reading.scheduleEpochs ?? 2,
        optimizer: reading.optimizer,
        hidden: 8,
        mask,
        kernel: chunkGradient,
        onEpoch: (e) => e.epoch < 2,
      });
      expect(Math.abs(evaluate(ref.last, bytes).bpc - value)).toBeLessThan(1e-9);
    }
  });

  it('trainScaffolds on workers gives every run bit for bit as in this thread, in input order', async () => {
    const runs = [
      { mask: null, reading: byKey['sgd-cos50'], epochs: 2, hidden: 8 },
      { mask: randomMask(8, 0.3, 3), reading: byKey['adam-long'], epochs: 2 },
    ];
    const pooled = await trainScaffolds(bytes, runs, { workers: 2 });
    runs.forEach((o, i) => {
      const here = trainScaffold(bytes, o);
      expect(pooled[i].evalBpc).toBe(here.evalBpc);
      for (const k of ['Wx', 'Wh', 'Wy', 'bh', 'by'] as const)
        expect(Buffer.from(pooled[i].last[k].buffer).equals(Buffer.from(here.last[k].buffer))).toBe(
          true,
        );
    });
  }, 60_000);

  it('refuses more epochs than the schedule spans and a hidden size the mask does not have', () => {
    expect(() =>
      trainScaffold(bytes, {
        mask: null,
        reading: { ...byKey['sgd-long'], scheduleEpochs: 2 },
        epochs: 3,
        hidden: 8,
      }),
    ).toThrow(/epochs/);
    expect(() =>
      trainScaffold(bytes, {
        mask: randomMask(8, 0.5, 1),
        reading: byKey['sgd-cos50'],
        epochs: 1,
        hidden: 16,
      }),
    ).toThrow(/hidden/);
  });
});
