/** Tests of the notebook-00 library: inventory, byte statistics, saturation, histograms, training log. */
import { describe, expect, it } from 'vitest';
import {
  parameterInventory,
  byteLabel,
  byteFrequencies,
  unigramEntropyBits,
  fractionAbove,
  neuronSaturation,
  tensorStats,
} from '../lib/prediction/anatomy.js';
import { histogram, histogramOfRange, binCentres } from '../lib/math/histogram.js';
import { parseTrainLog } from '../lib/core/train-log.js';
import { zeroModel } from '../lib/core/model.js';
import { loadBytes } from '../lib/core/data.js';
import { TRAIN_TEXT } from './helpers.js';

describe('parameter inventory', () => {
  it('counts 82,304 parameters for H = 128, by matrix, in file order', () => {
    const rows = parameterInventory(128);
    expect(rows.map((r) => [r.matrix, r.dims, r.parameters])).toEqual([
      ['Wx', '128 × 256', 32768],
      ['Wh', '128 × 128', 16384],
      ['bh', '128', 128],
      ['Wy', '256 × 128', 32768],
      ['by', '256', 256],
      ['total', '', 82304],
    ]);
    expect(rows.slice(0, 5).reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
    expect(parameterInventory(3).at(-1)!.parameters).toBe(9 + 513 * 3 + 256);
  });
});

describe('byte statistics', () => {
  it('labels bytes readably', () => {
    expect([10, 32, 60, 0, 200].map(byteLabel)).toEqual(['\\n', 'space', '<', '0x00', '0xc8']);
    expect(() => byteLabel(256)).toThrow(/expected a byte/);
  });

  it('describes the training text: 52 distinct bytes, sorted by count', () => {
    const bytes = loadBytes(TRAIN_TEXT);
    const f = byteFrequencies(bytes);
    expect(f.length).toBe(52);
    expect(f.reduce((s, x) => s + x.count, 0)).toBe(1024);
    for (let k = 1; k < f.length; k++) expect(f[k - 1].count).toBeGreaterThanOrEqual(f[k].count);
  });

  it('computes the unigram entropy', () => {
    expect(unigramEntropyBits(new Uint8Array([1, 1, 1, 1]))).toBe(0);
    expect(unigramEntropyBits(new Uint8Array([0, 1, 2, 3]))).toBeCloseTo(2, 12);
    expect(unigramEntropyBits(new Uint8Array([0, 0, 0, 1]))).toBeCloseTo(
      -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)),
      12,
    );
  });
});

describe('saturation', () => {
  it('counts |v| strictly above the threshold', () => {
    expect(fractionAbove([0.5, -0.995, 0.99, 1], 0.99)).toBe(0.5);
    expect(() => fractionAbove([], 0.5)).toThrow(/no values/);
  });

  it('measures each neuron over positions', () => {
    // n = 2 positions, H = 3: neuron 0 always saturated, neuron 1 once, neuron 2 never.
    const h = Float64Array.from([1, -0.999, 0.1, -1, 0.2, 0.3]);
    expect(Array.from(neuronSaturation(h, 3, 0.99))).toEqual([1, 0.5, 0]);
    expect(() => neuronSaturation(new Float64Array(5), 3, 0.99)).toThrow(/whole number/);
  });

  it('summarises tensors', () => {
    const m = zeroModel(2);
    m.Wh.set([4, -1, 0, 1]);
    const wh = tensorStats(m)[1];
    expect(wh).toMatchObject({
      matrix: 'Wh',
      mean: 1,
      minimum: -1,
      maximum: 4,
      maxAbs: 4,
      large: 0.25,
    });
    expect(wh.std).toBeCloseTo(Math.sqrt((9 + 4 + 1 + 0) / 4), 12);
  });
});

describe('histograms', () => {
  it('bins values with a closed last bin and counts the outside', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 1.5, NaN], 2, 0, 1);
    expect(Array.from(h.edges)).toEqual([0, 0.5, 1]);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(h.outside).toBe(2);
    expect(Array.from(binCentres(h))).toEqual([0.25, 0.75]);
    expect(() => histogram([1], 0, 0, 1)).toThrow(/bins/);
    expect(() => histogram([1], 2, 1, 1)).toThrow(/min < max/);
  });

  it("uses the values' own range, widened when constant", () => {
    expect(Array.from(histogramOfRange([2, 4, 3], 2).counts)).toEqual([1, 2]);
    expect(Array.from(histogramOfRange([0, 0], 2).edges)).toEqual([-0.5, 0, 0.5]);
    expect(() => histogramOfRange([NaN], 2)).toThrow(/no finite values/);
  });
});

describe('training log', () => {
  it('parses epoch,lr,train_bpc', () => {
    const log = parseTrainLog('epoch,lr,train_bpc\n1,0.01,5.5\n2,0.009,5.0\n');
    expect(Array.from(log.epoch)).toEqual([1, 2]);
    expect(Array.from(log.trainBpc)).toEqual([5.5, 5.0]);
  });

  it('names the line and the problem', () => {
    expect(() => parseTrainLog('epoch,bpc\n1,2')).toThrow(
      /expected the header 'epoch,lr,train_bpc'/,
    );
    expect(() => parseTrainLog('epoch,lr,train_bpc\n')).toThrow(/no epochs/);
    expect(() => parseTrainLog('epoch,lr,train_bpc\n1,0.01,x', 'log.csv')).toThrow(
      /log.csv: line 2: expected three numbers/,
    );
    expect(() => parseTrainLog('epoch,lr,train_bpc\n2,0.01,1\n1,0.01,1')).toThrow(
      /line 3: epoch 1 does not increase/,
    );
  });
});
