import { describe, expect, it } from 'vitest';
import { inv, multiply, transpose, add, identity, matrix, type Matrix } from 'mathjs';
import { HASHES, distinctPatterns, mixedHash } from '../lib/construction/hash.js';
import {
  analyticReadout,
  buildShiftRegister,
  carrierStates,
  encodingAccuracy,
  grid,
  logRatioDirections,
  type CarrierSpec,
} from '../lib/construction/shift-register.js';
import { piReadout, ridgeSolve, scaleSweep } from '../lib/construction/pinv.js';
import { newtonDirection, newtonReadout } from '../lib/construction/newton.js';
import { memoryCurve } from '../lib/construction/memory.js';
import { maskCount, randomMask } from '../lib/construction/scaffold.js';
import {
  fitReadout,
  logMarginal,
  readoutBpc,
  readoutLossGrad,
  readoutProblem,
  zeroReadout,
  SCHEDULES,
} from '../lib/construction/readout.js';
import { chunkGradient } from '../lib/core/bptt.js';
import { logSoftmaxAt, readout, run } from '../lib/core/rnn.js';
import { P_FLOOR } from '../lib/construction/score-rules.js';
import { train } from '../lib/core/train.js';
import { loadBytes } from '../lib/core/data.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';
import { TRAIN_TEXT, randomModel } from './helpers.js';

const text = loadBytes(TRAIN_TEXT);
const carrier = (hash: CarrierSpec['hash'], bits: number, groups = 16): CarrierSpec => ({
  hash,
  groups,
  bits,
});

/** A small readout problem on seeded random ±1-ish features. */
function smallProblem(H: number, n: number, seed: number) {
  const r = new GlibcRand(seed);
  const states = Float64Array.from({ length: n * H }, () => Math.tanh(4 * r.nextCenteredFloat(1)));
  const bytes = Uint8Array.from({ length: n }, () => 97 + (r.next() % 6));
  return readoutProblem(states, H, bytes);
}

describe('byte hashes', () => {
  it('the mixed hash gives 2, 4, 8, 16, 32, 62, 110, 170 distinct patterns with 1..8 bits', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((b) => distinctPatterns(HASHES.mixed, b))).toEqual([
      2, 4, 8, 16, 32, 62, 110, 170,
    ]);
  });

  it('bit extraction separates all 256 bytes and 16 mixed bits give 253 patterns', () => {
    expect(distinctPatterns(HASHES.bits, 8)).toBe(256);
    expect(distinctPatterns(HASHES.mixed, 16)).toBe(253);
  });

  it('the mixed hash is a ±1 function using wrapping uint32 arithmetic', () => {
    // x = 0, j = 0: mix(0) = 0 → h = 0 → even → −1; j large must not overflow into floats.
    expect(mixedHash(0, 0)).toBe(-1);
    for (const j of [0, 1, 15, 1000, 2 ** 20])
      for (const x of [0, 1, 127, 255]) expect([-1, 1]).toContain(mixedHash(x, j));
  });

  it('rejects bit counts a hash does not define', () => {
    expect(() => distinctPatterns(HASHES.bits, 9)).toThrow(/bits/);
    expect(() => distinctPatterns(HASHES.semantic, 0)).toThrow(/bits/);
  });
});

describe('shift-register carrier', () => {
  it('encodes hash(x_{t−g}) in group g with 100% accuracy on the training text, for every carrier', () => {
    for (const spec of [
      carrier(HASHES.mixed, 8),
      carrier(HASHES.bits, 8),
      carrier(HASHES.semantic, 8),
      carrier(HASHES.mixed, 16),
      carrier(HASHES.hybrid, 16),
    ]) {
      const check = encodingAccuracy(spec, carrierStates(spec, text), text);
      expect(check.checked).toBe(spec.bits * (16 * text.length - (15 * 16) / 2));
      expect(check.accuracy).toBe(1);
    }
  });

  it('an accuracy check detects a broken carrier', () => {
    const spec = carrier(HASHES.mixed, 8);
    const m = buildShiftRegister(spec, text);
    m.Wh[(3 * 8 + 2) * 128 + 2 * 8 + 2] = -5; // group 3 bit 2 copies the negated sign
    const bad = encodingAccuracy(spec, run(m, text).h, text);
    // exactly bit 2 of groups 3..15 is flipped: 13 of the 128 bits at every t ≥ 15
    expect(bad.correct).toBeLessThan(bad.checked);
    expect(bad.accuracy).toBeGreaterThan(1 - 13 / 128 - 0.01);
  });

  it('builds by from add-½ smoothed counts and the log-ratio directions from counts', () => {
    const bytes = new TextEncoder().encode('abababababbbab');
    const spec = carrier(HASHES.mixed, 2, 2);
    const m = buildShiftRegister(spec, bytes);
    expect(m.by[98]).toBeCloseTo(Math.log((8 + 0.5) / (14 + 128)), 6);
    const p = readoutProblem(carrierStates(spec, bytes), 4, bytes);
    const D = logRatioDirections(spec, p, 1);
    // group 1, bit 0: src = x_{t−1}, dst = x_{t+1}, t = 1..12
    const plus = new Float64Array(256),
      minus = new Float64Array(256);
    let np = 0,
      nm = 0;
    for (let t = 1; t < 13; t++) {
      if (mixedHash(bytes[t - 1], 0) > 0) {
        plus[bytes[t + 1]]++;
        np++;
      } else {
        minus[bytes[t + 1]]++;
        nm++;
      }
    }
    const want = Math.log((plus[97] + 1) / (np + 256)) - Math.log((minus[97] + 1) / (nm + 256));
    expect(D[97 * 4 + 2]).toBeCloseTo(want, 12);
  });

  it('the analytic readout beats the marginal and picks a grid point', () => {
    const spec = carrier(HASHES.mixed, 8);
    const p = readoutProblem(carrierStates(spec, text), 128, text, 16, text.length - 2);
    const a = analyticReadout(spec, p, { alphas: [1, 2], scales: grid(0.05, 0.3, 0.05) });
    const marginalOnly = readoutBpc(p, zeroReadout(p));
    expect(a.bpc).toBeLessThan(marginalOnly - 1);
    expect([1, 2]).toContain(a.alpha);
    expect(a.bpc).toBeCloseTo(readoutBpc(p, a), 10);
  });
});

describe('pseudo-inverse', () => {
  it('ridgeSolve agrees with mathjs on a random system', () => {
    const r = new GlibcRand(11);
    const n = 30,
      k = 7,
      m = 3,
      lambda = 0.37;
    const X = Float64Array.from({ length: n * k }, () => r.nextCenteredFloat(1));
    const Y = Float64Array.from({ length: n * m }, () => r.nextCenteredFloat(1));
    const W = ridgeSolve(X, n, k, Y, m, lambda);
    const rows = (a: Float64Array, c: number) =>
      Array.from({ length: a.length / c }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
    const Xm = matrix(rows(X, k)),
      Ym = matrix(rows(Y, m));
    const Xt = transpose(Xm);
    const A = add(multiply(Xt, Xm), multiply(identity(k), lambda)) as Matrix;
    const want = (multiply(inv(A), multiply(Xt, Ym) as Matrix) as Matrix).toArray() as number[][];
    want.forEach((row, i) => row.forEach((v, c) => expect(W[i * m + c]).toBeCloseTo(v, 10)));
  });

  it('rejects bad shapes and a negative ridge', () => {
    expect(() => ridgeSolve(new Float64Array(5), 2, 3, new Float64Array(2), 1, 0)).toThrow(/X/);
    expect(() => ridgeSolve(new Float64Array(6), 2, 3, new Float64Array(2), 1, -1)).toThrow(
      /lambda/,
    );
  });

  it('scaleSweep returns the bpc of the scaled readout and its minimum', () => {
    const p = smallProblem(6, 80, 3);
    const D = Float64Array.from({ length: 256 * 6 }, (_, i) => Math.sin(i));
    const by = logMarginal(p);
    const sw = scaleSweep(p, D, by, [0, 0.5, 1]);
    [0, 0.5, 1].forEach((s, k) =>
      expect(sw.curve[k]).toBeCloseTo(readoutBpc(p, { Wy: D.map((v) => v * s), by }), 10),
    );
    expect(sw.bpc).toBe(Math.min(...sw.curve));
  });

  it('scaleSweep is the plain readout and logSoftmaxAt per position, bit for bit in the reference kernel (also where it skips negligible terms), to float64 rounding in the fast one', () => {
    const p = smallProblem(8, 120, 5);
    const D = Float64Array.from({ length: 256 * 8 }, (_, i) => Math.sin(i * 1.7) * 3);
    const by = logMarginal(p),
      scales = [0, 0.5, 1, 5, 20, 60];
    const ref = scaleSweep(p, D, by, scales, 'reference'),
      fast = scaleSweep(p, D, by, scales);
    const z = new Float64Array(256),
      logits = new Float64Array(256),
      n = p.to - p.from;
    scales.forEach((s, k) => {
      let bits = 0;
      for (let t = p.from; t < p.to; t++) {
        readout(D, new Float64Array(256), 8, p.states, t * 8, z);
        for (let o = 0; o < 256; o++) logits[o] = by[o] + s * z[o];
        bits -= Math.max(logSoftmaxAt(logits, p.bytes[t + 1]), Math.log(P_FLOOR));
      }
      expect(Object.is(ref.curve[k], bits / n / Math.LN2)).toBe(true);
      // The fast sweep's softmax sums take the kernels' e^x (within 2 ulp of Math.exp) in another
      // order (test/fast.test.ts): measured at most 5.3e-15 bpc apart here; 1e-13 asserted.
      expect(Math.abs(fast.curve[k] - ref.curve[k])).toBeLessThan(1e-13);
    });
    expect(fast.scale).toBe(ref.scale);
  });

  it('PI improves on the marginal-only readout', () => {
    const p = smallProblem(8, 200, 4);
    expect(piReadout(p).bpc).toBeLessThan(readoutBpc(p, zeroReadout(p)));
  });
});

describe('readout optimisation', () => {
  it('readoutLossGrad matches central finite differences', () => {
    const p = smallProblem(5, 40, 9);
    const r0 = new GlibcRand(10);
    const Wy = Float64Array.from({ length: 256 * 5 }, () => r0.nextCenteredFloat(2));
    const by = Float64Array.from({ length: 256 }, () => r0.nextCenteredFloat(2));
    const gWy = new Float64Array(Wy.length),
      gby = new Float64Array(256);
    readoutLossGrad(p, { Wy, by }, gWy, gby);
    const eps = 1e-6,
      sw = new Float64Array(Wy.length),
      sb = new Float64Array(256);
    for (const k of [97 * 5, 98 * 5 + 3, 100 * 5 + 4, 3]) {
      const plus = Wy.slice();
      plus[k] += eps;
      const minus = Wy.slice();
      minus[k] -= eps;
      const fd =
        (readoutLossGrad(p, { Wy: plus, by }, sw, sb) -
          readoutLossGrad(p, { Wy: minus, by }, sw, sb)) /
        (2 * eps);
      expect(gWy[k]).toBeCloseTo(fd, 7);
    }
    for (const o of [97, 101, 7]) {
      const plus = by.slice();
      plus[o] += eps;
      const minus = by.slice();
      minus[o] -= eps;
      const fd =
        (readoutLossGrad(p, { Wy, by: plus }, sw, sb) -
          readoutLossGrad(p, { Wy, by: minus }, sw, sb)) /
        (2 * eps);
      expect(gby[o]).toBeCloseTo(fd, 7);
    }
  });

  it('decays the learning rate after the update of each 0-based epoch in decayAfter, as the original loops', () => {
    const p = smallProblem(4, 50, 13);
    const init = zeroReadout(p);
    // In float64, so that the loop below (float64 gradients) is the same arithmetic to the last bit;
    // the default float32 descent has the same schedule (test/readout32.test.ts).
    const schedule = {
      epochs: 4,
      lr: 0.5,
      decayAfter: [1],
      decay: 0.3,
      arithmetic: 'float64' as const,
    };
    const got = fitReadout(p, init, schedule);
    // by hand: epochs 0 and 1 at lr 0.5, epochs 2 and 3 at 0.15
    const Wy = init.Wy.slice(),
      by = init.by.slice();
    const gW = new Float64Array(Wy.length),
      gb = new Float64Array(256);
    for (const lr of [0.5, 0.5, 0.5 * 0.3, 0.5 * 0.3]) {
      readoutLossGrad(p, { Wy, by }, gW, gb);
      for (let k = 0; k < Wy.length; k++) Wy[k] -= lr * gW[k];
      for (let o = 0; o < 256; o++) by[o] -= lr * gb[o];
    }
    for (let k = 0; k < Wy.length; k++) expect(got.Wy[k]).toBeCloseTo(Wy[k], 13);
    for (let o = 0; o < 256; o++) expect(got.by[o]).toBeCloseTo(by[o], 13);
  });

  it('the fast probabilities (one wasm GEMM), Hessian blocks (one per output) and Cholesky solves (wasm) give the reference Newton direction, bit for bit', () => {
    const p = smallProblem(16, 90, 14);
    const r0 = new GlibcRand(15);
    const r = {
      Wy: Float64Array.from({ length: 256 * 16 }, () => r0.nextCenteredFloat(1)),
      by: zeroReadout(p).by,
    };
    const fast = newtonDirection(p, r, 1e-3, 'fast', 'float64'),
      ref = newtonDirection(p, r, 1e-3, 'reference');
    expect(Buffer.from(fast.Wy.buffer).equals(Buffer.from(ref.Wy.buffer))).toBe(true);
    expect(Buffer.from(fast.by.buffer).equals(Buffer.from(ref.by.buffer))).toBe(true);
    // Float32 blocks (the default arithmetic) tilt the direction by their rounding only: measured
    // 2e-7 of its largest entry here; 1e-5 asserted (a block summed wrongly is off by O(1)).
    const f32 = newtonDirection(p, r, 1e-3, 'fast', 'float32');
    const top = Math.max(...ref.Wy.map(Math.abs));
    const off = Math.max(...ref.Wy.map((v, k) => Math.abs(v - f32.Wy[k])));
    expect(off / top).toBeLessThan(1e-5);
    expect(off).toBeGreaterThan(0);
    expect(() => newtonDirection(p, r, 1e-3, 'reference', 'float32')).toThrow(/float32/);
  });

  it('damped block-diagonal Newton decreases the loss every step and beats 20 gradient steps', () => {
    const p = smallProblem(6, 120, 12);
    const init = zeroReadout(p);
    const res = newtonReadout(p, init, { iterations: 5 });
    expect(res.steps.length).toBe(5);
    let prev = res.loss0;
    for (const s of res.steps) {
      expect(s.loss).toBeLessThan(prev);
      prev = s.loss;
    }
    const gd = fitReadout(p, init, SCHEDULES.paperNewton20);
    expect(readoutBpc(p, res)).toBeLessThan(readoutBpc(p, gd));
  });
});

describe('memory depth', () => {
  it('a 4-group carrier reads back exactly the last 4 bytes of a random sequence', () => {
    // eight bytes with distinct 8-bit mixed-hash patterns, in a seeded random order
    const symbols: number[] = [];
    const seen = new Set<string>();
    for (let x = 97; symbols.length < 8; x++) {
      const key = Array.from({ length: 8 }, (_, j) => mixedHash(x, j)).join();
      if (!seen.has(key)) {
        seen.add(key);
        symbols.push(x);
      }
    }
    const r = new GlibcRand(5);
    const bytes = Uint8Array.from({ length: 600 }, () => symbols[r.next() % 8]);
    const spec = carrier(HASHES.mixed, 8, 4);
    const mc = memoryCurve(carrierStates(spec, bytes), 32, bytes, { maxDelay: 6 });
    for (let d = 0; d < 4; d++) expect(mc.accuracy[d]).toBe(1);
    for (let d = 4; d <= 6; d++) expect(mc.accuracy[d]).toBeLessThan(0.3);
    expect(mc.depth).toBe(4);
  });

  it('rejects a split that leaves no fitting positions', () => {
    const spec = carrier(HASHES.mixed, 8, 2);
    expect(() =>
      memoryCurve(carrierStates(spec, text), 16, text, { maxDelay: 10, split: 5 }),
    ).toThrow(/split/);
  });
});

describe('masked training', () => {
  it('keeps masked weights at zero and trains the others', () => {
    const bytes = text.subarray(0, 120);
    const mask = randomMask(8, 0.3, 1);
    const init = randomModel(8, 3, 0.2);
    const out = train(bytes, { epochs: 2, init, kernel: chunkGradient, mask, hidden: 8 }).last;
    let changed = 0;
    for (const k of ['Wx', 'Wh', 'Wy'] as const) {
      for (let i = 0; i < out[k].length; i++) {
        if (!mask[k][i]) expect(out[k][i]).toBe(0);
        else if (out[k][i] !== init[k][i]) changed++;
      }
    }
    expect(changed).toBeGreaterThan(0);
    expect(maskCount(mask)).toBeGreaterThan(8 + 256);
  });
});
