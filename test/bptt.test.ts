import { describe, expect, it } from 'vitest';
import { chunkGradient, gradTensors, zeroGrads } from '../lib/core/bptt.js';
import { tensors, TENSOR_NAMES, type SatRnn } from '../lib/core/model.js';
import { loadBytes } from '../lib/core/data.js';
import { randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT);

/** Chunk loss (nats) from a nonzero entry state, by the same kernel (the forward part is tested elsewhere). */
function loss(m: SatRnn, start: number, len: number, h0: Float64Array): number {
  return chunkGradient(m, bytes, start, len, h0, zeroGrads(m.hidden), new Float64Array(m.hidden));
}

describe('truncated BPTT', () => {
  it('matches central finite differences on every tensor', () => {
    const H = 6;
    const m = randomModel(H, 9, 1.2);
    const h0 = Float64Array.from({ length: H }, (_, i) => Math.sin(i + 1) * 0.7);
    const start = 100,
      len = 12;
    const g = zeroGrads(H);
    chunkGradient(m, bytes, start, len, h0, g, new Float64Array(H));
    const ts = tensors(m);
    const gs = gradTensors(g);
    let checked = 0;
    ts.forEach((t, ti) => {
      // Every entry of the small tensors; the Wx/Wy entries that the chunk's bytes touch, plus a stride.
      for (let k = 0; k < t.length; k++) {
        if (gs[ti][k] === 0 && k % 97 !== 0) continue;
        const w = t[k];
        t[k] = w + 1e-2;
        const up = t[k];
        const lp = loss(m, start, len, h0);
        t[k] = w - 1e-2;
        const dn = t[k];
        const lm = loss(m, start, len, h0);
        t[k] = w;
        const fd = (lp - lm) / (up - dn); // float32 steps are not exactly ±1e-2
        expect(Math.abs(fd - gs[ti][k]), `${TENSOR_NAMES[ti]}[${k}]`).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(fd)),
        );
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(200);
  });

  it('ignores the gradient through h0 (truncation) and returns the state after the chunk', () => {
    const m = randomModel(4, 2, 1);
    const hEnd = new Float64Array(4);
    chunkGradient(m, bytes, 0, 5, new Float64Array(4), zeroGrads(4), hEnd);
    const hEnd2 = new Float64Array(4);
    chunkGradient(m, bytes, 5, 5, hEnd, zeroGrads(4), hEnd2);
    const whole = new Float64Array(4);
    chunkGradient(m, bytes, 0, 10, new Float64Array(4), zeroGrads(4), whole);
    expect(Array.from(hEnd2)).toEqual(Array.from(whole));
  });

  it('rejects a chunk that runs past the data', () => {
    const m = randomModel(4, 2, 1);
    expect(() =>
      chunkGradient(m, bytes, 1000, 50, new Float64Array(4), zeroGrads(4), new Float64Array(4)),
    ).toThrow(/chunk/);
  });
});
