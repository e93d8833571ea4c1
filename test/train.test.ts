import { describe, expect, it } from 'vitest';
import { chunks, cosineLr, initModel, train } from '../lib/core/train.js';
import { chunkGradient, gradTensors, zeroGrads } from '../lib/core/bptt.js';
import { cloneModel, tensors } from '../lib/core/model.js';
import { loadBytes } from '../lib/core/data.js';
import { evaluate } from '../lib/core/rnn.js';
import { TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT);

describe('the original recipe', () => {
  it('walks 1024 bytes in 21 non-overlapping chunks of 50, the last of 23', () => {
    const c = chunks(1024, 50);
    expect(c.length).toBe(21);
    expect(c[0]).toEqual([0, 50]);
    expect(c[20]).toEqual([1000, 23]);
    expect(c.reduce((a, [, l]) => a + l, 0)).toBe(1023);
  });

  it('uses lr(e) = max(0.01·½(1 + cos(πe/4000)), 1e-4) from epoch 1', () => {
    expect(cosineLr(1, 4000, 0.01, 1e-4)).toBeCloseTo(0.005 * (1 + Math.cos(Math.PI / 4000)), 15);
    expect(cosineLr(2000, 4000, 0.01, 1e-4)).toBeCloseTo(0.005, 15);
    expect(cosineLr(4000, 4000, 0.01, 1e-4)).toBe(1e-4);
  });

  it('initialises Wx row by row then Wh, then Wy, from srand(42), biases zero', () => {
    const m = initModel(42);
    expect(m.Wx[0]).toBe(-0x1ddba0e / 2 ** 33); // gcc: -0x1.ddba0ep-9;
    expect(m.bh.every((v) => v === 0) && m.by.every((v) => v === 0)).toBe(true);
    expect(Math.max(...m.Wh.map(Math.abs))).toBeLessThanOrEqual(0.5 / 128);
  });

  it('one epoch equals chunk-by-chunk SGD with the global norm clip at 5', () => {
    const data = bytes.subarray(0, 121); // chunks of 50, 50, 20
    const lr = cosineLr(1, 3, 0.01, 1e-4);
    const manual = initModel(42, 16);
    const h = new Float64Array(16),
      hNext = new Float64Array(16);
    let clipped = 0;
    for (const [start, len] of chunks(data.length, 50)) {
      const g = zeroGrads(16);
      chunkGradient(manual, data, start, len, h, g, hNext);
      h.set(hNext);
      const norm = Math.hypot(...gradTensors(g).flatMap((t) => Array.from(t)));
      const s = norm > 5 ? 5 / norm : 1;
      if (s < 1) clipped++;
      tensors(manual).forEach((w, i) => {
        const d = gradTensors(g)[i];
        for (let k = 0; k < w.length; k++) w[k] -= lr * s * d[k];
      });
    }
    const r = train(data, {
      epochs: 3,
      hidden: 16,
      kernel: chunkGradient,
      onEpoch: (e) => e.epoch < 1,
    });
    expect(clipped).toBeGreaterThan(0); // the check exercises the clip
    tensors(r.last).forEach((t, i) =>
      expect(Array.from(t)).toEqual(Array.from(tensors(manual)[i])),
    );
  });

  it('keeps the best train-pass model and lowers the loss', () => {
    const data = bytes.subarray(0, 300);
    const r = train(data, { epochs: 6, hidden: 16 });
    const trainBpcs = r.log.map((e) => e.trainBpc);
    expect(r.bestBpc).toBe(Math.min(...trainBpcs));
    expect(r.log[r.bestEpoch - 1].trainBpc).toBe(r.bestBpc);
    expect(evaluate(r.best, data).bpc).toBeLessThan(evaluate(initModel(42, 16), data).bpc);
  });

  it('Adam also trains, and the epoch callback can stop early', () => {
    const data = bytes.subarray(0, 200);
    const init = initModel(42, 16);
    const r = train(data, {
      epochs: 50,
      hidden: 16,
      optimizer: 'adam',
      init,
      onEpoch: (e) => e.epoch < 4,
    });
    expect(r.log.length).toBe(4);
    expect(r.bestBpc).toBeLessThan(r.log[0].trainBpc);
    expect(Array.from(init.Wh)).toEqual(Array.from(cloneModel(initModel(42, 16)).Wh)); // init untouched
  });

  it('rejects bad options by name', () => {
    expect(() => train(bytes, { epochs: 0 })).toThrow(/epochs/);
    expect(() => train(bytes, { chunk: 2.5 })).toThrow(/chunk/);
    expect(() => train(bytes, { optimizer: 'rmsprop' as 'sgd' })).toThrow(/optimizer/);
  });
});
