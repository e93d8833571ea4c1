/**
 * Notebook 05's fast paths give the bits of the plain ones: the byte quantizers' loops, the
 * float32 forward pass eight rows at a time, the remembered trajectories and bpc (lib/sn/memo.ts),
 * and the log-scale sweep on worker threads.
 */
import { describe, expect, it } from 'vitest';
import * as gap from '../lib/sn/gap.js';
import * as fx from '../lib/sn/forensics.js';
import * as orig from '../lib/sn/original.js';
import * as sn from '../lib/sn/um.js';
import { clearMemo, contentKey, modelBpc, runStates } from '../lib/sn/memo.js';
import { evaluate, run, scoreStates } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { loadModel, VOCAB, TENSOR_NAMES, type SatRnn } from '../lib/core/model.js';
import { HAVE_PUBLISHED, PUBLISHED, needsPublished, randomModel, TRAIN_TEXT } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const bytes = text.subarray(0, 300);
const m = randomModel(16, 21, 1.5);
const f32 = Math.fround;

/** Whether two typed arrays hold the same bytes. */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const view = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return a.constructor === b.constructor && view(a).equals(view(b));
}

/** The quantizers as they were written before: one strengthOf / magnitudeOf call per weight. */
function plainEncode(w: ArrayLike<number>, q: sn.Quantizer): Float64Array {
  return Float64Array.from({ length: w.length }, (_, k) => {
    const a = Math.abs(w[k]);
    const raw =
      q.kind === 'linear' ? q.alpha * a : (255 * Math.log1p(q.c * a)) / Math.log1p(q.c * q.wmax);
    const s = q.clip ? Math.min(Math.round(raw), 255) : Math.round(raw);
    return s === 0 ? 0 : Math.sign(w[k]) * s;
  });
}
function plainDecode(S: ArrayLike<number>, q: sn.Quantizer): Float32Array {
  const mag = (s: number) =>
    q.kind === 'linear' ? s / q.alpha : Math.expm1((s * Math.log1p(q.c * q.wmax)) / 255) / q.c;
  return Float32Array.from({ length: S.length }, (_, k) =>
    S[k] === 0 ? 0 : Math.sign(S[k]) * mag(Math.abs(S[k])),
  );
}

/** evaluateF32 as it was written before: one row at a time. */
function plainEvaluateF32(mm: SatRnn, b: Uint8Array): { bpc: number; h: Float32Array } {
  const H = mm.hidden,
    n = b.length;
  const h = new Float32Array(n * H);
  let prev = new Float32Array(H);
  const z = new Float64Array(VOCAB);
  let sum = 0;
  for (let t = 0; t < n; t++) {
    const cur = h.subarray(t * H, (t + 1) * H);
    for (let i = 0; i < H; i++) {
      let s = f32(mm.bh[i] + mm.Wx[i * VOCAB + b[t]]);
      for (let j = 0; j < H; j++) s = f32(s + f32(mm.Wh[i * H + j] * prev[j]));
      cur[i] = f32(Math.tanh(s));
    }
    prev = cur;
    if (t === n - 1) break;
    let mx = -Infinity;
    for (let o = 0; o < VOCAB; o++) {
      let s = mm.by[o];
      for (let j = 0; j < H; j++) s = f32(s + f32(mm.Wy[o * H + j] * cur[j]));
      z[o] = s;
      if (s > mx) mx = s;
    }
    let Z = 0;
    for (let o = 0; o < VOCAB; o++) Z += Math.exp(z[o] - mx);
    sum += -(z[b[t + 1]] - mx - Math.log(Z)) / Math.LN2;
  }
  return { bpc: sum / (n - 1), h };
}

describe('byte quantizers', () => {
  it('encode and decode give the bits of one strengthOf / magnitudeOf per weight', () => {
    for (const name of TENSOR_NAMES) {
      const w = m[name];
      for (const q of [
        sn.linearQuantizer(2, true),
        sn.linearQuantizer(300, true),
        sn.linearQuantizer(4096, false),
        sn.logQuantizer(1000, w),
        sn.logQuantizer(517, w, 3),
      ]) {
        const S = sn.encodeStrengths(w, q);
        expect(sameBits(S, plainEncode(w, q))).toBe(true);
        expect(sameBits(sn.decodeStrengths(S, q), plainDecode(S, q))).toBe(true);
        // strengths off the byte table (not integers, beyond 255) take magnitudeOf itself
        const odd = S.map((s) => s * 1.5);
        expect(sameBits(sn.decodeStrengths(odd, q), plainDecode(odd, q))).toBe(true);
        expect(
          sameBits(sn.quantizeModel(m, { [name]: q })[name], plainDecode(plainEncode(w, q), q)),
        ).toBe(true);
      }
    }
  });

  it('quantizeModel returns fresh arrays each call, and a tensor changed in place is quantized anew', () => {
    const q = sn.linearQuantizer(8, true);
    const a = sn.quantizeModel(m, { Wh: q });
    a.Wh[0] = 123;
    expect(sn.quantizeModel(m, { Wh: q }).Wh[0]).not.toBe(123);
    const w = m.Wh.slice();
    const before = sn.quantizeModel({ ...m, Wh: w }, { Wh: q }).Wh;
    w[3] = 1.75;
    expect(before[3]).not.toBe(1.75);
    expect(sn.quantizeModel({ ...m, Wh: w }, { Wh: q }).Wh[3]).toBe(1.75); // round(8 · 1.75)/8
  });
});

describe('float32 forward pass, eight rows at a time', () => {
  it('matVecF32 is the row loop of the public tools, for any number of rows', () => {
    for (const rows of [1, 7, 8, 13, 24]) {
      const cols = 11;
      const W = Float32Array.from({ length: rows * cols }, (_, k) => f32(Math.sin(k * 1.7) * 3));
      const v = Float32Array.from({ length: cols }, (_, j) => f32(Math.cos(j)));
      const out = Float32Array.from({ length: rows }, (_, r) => f32(r / 7));
      const want = out.map((s0, r) => {
        let s = s0;
        for (let j = 0; j < cols; j++) s = f32(s + f32(W[r * cols + j] * v[j]));
        return s;
      });
      orig.matVecF32(W, rows, cols, v, out);
      expect(sameBits(out, want)).toBe(true);
    }
  });

  it('evaluateF32 gives the bits of the one-row loop (hidden sizes 16 and 13)', () => {
    for (const mm of [m, randomModel(13, 5, 1.2)]) {
      const got = fx.evaluateF32(mm, bytes),
        want = plainEvaluateF32(mm, bytes);
      expect(Object.is(got.bpc, want.bpc)).toBe(true);
      expect(sameBits(got.h, want.h)).toBe(true);
    }
  });

  it.skipIf(!HAVE_PUBLISHED)(
    needsPublished('on the published model, evaluateF32 and the public evaluator keep their bits'),
    () => {
      const pm = loadModel(PUBLISHED);
      const qm = gap.logScaleModel(pm, 500);
      const got = fx.evaluateF32(qm, text),
        want = plainEvaluateF32(qm, text);
      expect(Object.is(got.bpc, want.bpc)).toBe(true);
      expect(sameBits(got.h, want.h)).toBe(true);
      // the public evaluator's values on the 1,024-byte text before the change
      expect(orig.evalBpcOriginal(pm, text)).toBe(0.07920050655934704);
      expect(orig.evalBpcOriginal(qm, text)).toBe(0.2254126501260878);
    },
  );
});

describe('remembered evaluations (lib/sn/memo.ts)', () => {
  it('modelBpc and runStates are evaluate and run, hit or miss', () => {
    clearMemo();
    const qm = sn.quantizeModel(m, { Wh: sn.linearQuantizer(4, true) });
    for (let pass = 0; pass < 2; pass++) {
      expect(Object.is(modelBpc(qm, bytes), evaluate(qm, bytes).bpc)).toBe(true);
      expect(sameBits(runStates(qm, bytes), run(qm, bytes).h)).toBe(true);
      const h0 = Float64Array.from({ length: 16 }, (_, j) => 1e-3 * Math.cos(j));
      expect(sameBits(runStates(qm, bytes, h0), run(qm, bytes, { h0 }).h)).toBe(true);
    }
  });

  it('a model with only Wy or by quantized is scored on the float trajectory with the same bits', () => {
    clearMemo();
    runStates(m, bytes); // the float trajectory, remembered
    for (const spec of [
      { Wy: sn.linearQuantizer(8, true) },
      { by: sn.linearQuantizer(2, false) },
    ]) {
      const qm = sn.quantizeModel(m, spec);
      expect(Object.is(modelBpc(qm, bytes), evaluate(qm, bytes).bpc)).toBe(true);
      const g = Math.LN2;
      const plain = scoreStates(
        Float64Array.from(qm.Wy, (w) => g * w),
        Float64Array.from(qm.by, (b) => g * b),
        16,
        run(qm, bytes).h,
        bytes,
        7,
      ).bpc;
      expect(Object.is(fx.scoreVariant(qm, bytes, { outputGain: g, from: 7 }), plain)).toBe(true);
    }
  });

  it('keys follow content, not identity: equal tensors share a key, a changed one does not', () => {
    const a = m.Wh.slice(),
      b = m.Wh.slice();
    expect(contentKey('k', a, 1)).toBe(contentKey('k', b, 1));
    b[5] += 1e-7;
    expect(contentKey('k', a, 1)).not.toBe(contentKey('k', b, 1));
    expect(contentKey('k', 0)).not.toBe(contentKey('k', -0));
    expect(contentKey('k', new Float32Array(2))).not.toBe(contentKey('k', new Float64Array(1)));
  });

  it('the sweeps and forensics give the bits of direct evaluation, remembered or not', () => {
    const direct = (qm: SatRnn) => evaluate(qm, bytes).bpc;
    for (const fresh of [true, false]) {
      if (fresh) clearMemo();
      const rows = gap.alphaSweep(m, bytes, [4, 300], false);
      for (const r of rows) {
        const q = sn.linearQuantizer(r.alpha, false);
        expect(r.bpc).toBe(direct(sn.quantizeModel(m, gap.specFor(gap.WEIGHT_MATRICES, q))));
        expect(r.bpcWithBiases).toBe(direct(sn.quantizeModel(m, gap.specFor(TENSOR_NAMES, q))));
      }
      const frames = gap.layerGapSweep(m, bytes, [4, 300]);
      for (const f of frames)
        gap.LAYER_GAP_SETS.forEach((s, i) =>
          expect(f.bpc[i]).toBe(
            direct(
              sn.quantizeModel(m, gap.specFor(s.tensors, sn.linearQuantizer(f.alpha, f.clip))),
            ),
          ),
        );
      const ref = run(m, bytes).h;
      const qm = gap.logScaleModel(m, 300);
      const [row] = gap.logScaleSweep(m, bytes, [300], { reference: ref, period: 20 });
      expect(row).toEqual({
        cWh: 300,
        bpc: direct(qm),
        resync: gap.resyncScore(qm, bytes, ref, 20).bpc,
      });
    }
  });
});

describe('sweeps on worker threads', () => {
  it('alphaSweepParallel and layerGapSweepParallel give the in-thread rows bit for bit', async () => {
    const alphas = [3, 40, 300];
    clearMemo();
    const rows = await gap.alphaSweepParallel(m, bytes, alphas, false, 2);
    const frames = await gap.layerGapSweepParallel(m, bytes, alphas, [true, false], 2);
    clearMemo();
    expect(rows).toEqual(gap.alphaSweep(m, bytes, alphas, false));
    expect(frames).toEqual(gap.layerGapSweep(m, bytes, alphas));
    clearMemo();
    const direct = (qm: SatRnn) => evaluate(qm, bytes).bpc;
    for (const r of rows)
      expect(
        Object.is(
          r.bpc,
          direct(
            sn.quantizeModel(
              m,
              gap.specFor(gap.WEIGHT_MATRICES, sn.linearQuantizer(r.alpha, false)),
            ),
          ),
        ),
      ).toBe(true);
  }, 60_000);

  it('logScaleResyncParallel gives resyncScore of each log-scale model, in order', async () => {
    const cs = [150, 220, 310, 333];
    const ref = run(m, bytes).h;
    const got = await gap.logScaleResyncParallel(m, bytes, cs, ref, 25, 2);
    expect(got).toEqual(
      cs.map((c) => gap.resyncScore(gap.logScaleModel(m, c), bytes, ref, 25).bpc),
    );
  }, 60_000);

  it('resyncPeriodsParallel gives resyncScore of each model at each period', async () => {
    const models = [
      m,
      gap.logScaleModel(m, 200),
      sn.quantizeModel(m, { Wh: sn.linearQuantizer(6, true) }),
    ];
    const periods = [1, 2, 7, 50, bytes.length];
    const ref = run(m, bytes).h;
    const got = await gap.resyncPeriodsParallel(models, bytes, ref, periods, 2);
    expect(got).toEqual(
      models.map((qm) => periods.map((p) => gap.resyncScore(qm, bytes, ref, p).bpc)),
    );
  }, 60_000);

  it('logScaleSweepParallel gives the in-thread rows bit for bit, in order, with progress up to the total', async () => {
    const cs = Array.from({ length: 37 }, (_, i) => 100 + 7 * i);
    const opts = { reference: run(m, bytes).h, resyncStride: 3, period: 25 };
    clearMemo();
    const inThread = gap.logScaleSweep(m, bytes, cs, opts);
    const seen: number[] = [];
    const onWorkers = await gap.logScaleSweepParallel(m, bytes, cs, {
      ...opts,
      workers: 2,
      progress: (done, total) => {
        expect(total).toBe(cs.length);
        seen.push(done);
      },
    });
    expect(onWorkers.length).toBe(cs.length);
    onWorkers.forEach((r, i) => {
      expect(r.cWh).toBe(inThread[i].cWh);
      expect(Object.is(r.bpc, inThread[i].bpc)).toBe(true);
      expect(Object.is(r.resync, inThread[i].resync)).toBe(true);
    });
    expect(onWorkers.filter((r) => r.resync !== null).length).toBe(13);
    expect(seen[seen.length - 1]).toBe(cs.length);
    await expect(gap.logScaleSweepParallel(m, bytes, cs, { resyncStride: 0 })).rejects.toThrow(
      /resyncStride/,
    );
  }, 60_000);
});
