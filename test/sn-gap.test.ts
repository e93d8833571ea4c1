import { describe, expect, it } from 'vitest';
import * as gap from '../lib/sn/gap.js';
import { linearQuantizer, quantizeModel } from '../lib/sn/um.js';
import { evaluate, run } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT).subarray(0, 300);
const m = randomModel(16, 21, 1.5);

describe('SN-gap drivers', () => {
  it('resync with a period ≥ n is the free-running score of the reference kernel; resync to itself changes nothing', () => {
    const qm = quantizeModel(m, { Wh: linearQuantizer(4, true) });
    const ref = run(m, bytes).h;
    expect(gap.resyncScore(qm, bytes, ref, bytes.length).bpc).toBe(
      evaluate(qm, bytes, { kernel: 'reference' }).bpc,
    );
    expect(gap.resyncScore(m, bytes, ref, 50).bpc).toBe(
      evaluate(m, bytes, { kernel: 'reference' }).bpc,
    );
  });

  it('survival rows add up and the total covers the three weight matrices', () => {
    const rows = gap.survivalRows(m, linearQuantizer(2, true));
    const total = rows.find((r) => r.tensor === 'Wx+Wh+Wy')!;
    const w = rows.filter((r) => ['Wx', 'Wh', 'Wy'].includes(r.tensor));
    expect(total.weights).toBe(16 * 256 + 16 * 16 + 256 * 16);
    expect(total.dropped).toBe(w.reduce((a, r) => a + r.dropped, 0));
    for (const r of rows) expect(r.dropped + r.exported).toBe(r.weights);
  });

  it('layer isolation leaves the "None" row exact and quantizes only the listed tensors', () => {
    const rows = gap.layerIsolation(m, bytes, gap.ISOLATION_READINGS[0]);
    expect(rows[0]).toEqual({ layers: 'None (exact)', bpc: evaluate(m, bytes).bpc });
    const whOnly = quantizeModel(m, { Wh: gap.ISOLATION_READINGS[0].quantizerFor(m.Wh, 'Wh') });
    expect(rows.find((r) => r.layers === 'Wh only')!.bpc).toBe(evaluate(whOnly, bytes).bpc);
  });

  it('alpha sweep reports the largest strength and its bits', () => {
    const [r] = gap.alphaSweep(m, bytes, [10], false);
    let mx = 0;
    for (const t of [m.Wx, m.Wh, m.Wy])
      for (const v of t) mx = Math.max(mx, Math.round(10 * Math.abs(v)));
    expect(r.maxStrength).toBe(mx);
    expect(r.bits).toBeCloseTo(Math.log2(mx + 1), 12);
  });

  it('log sweep computes the resync column at the requested stride only', () => {
    const rows = gap.logScaleSweep(m, bytes, [100, 200, 300], {
      reference: run(m, bytes).h,
      resyncStride: 2,
    });
    expect(rows.map((r) => r.resync === null)).toEqual([false, true, false]);
    expect(() => gap.logScaleSweep(m, bytes, [100], { resyncStride: 0 })).toThrow(/resyncStride/);
  });
});
