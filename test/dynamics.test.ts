import { describe, expect, it } from 'vitest';
import { lyapunov, lyapunovExponents, runResync, stateDistance } from '../lib/sn/dynamics.js';
import { zeroModel } from '../lib/core/model.js';
import { run } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { randomModel, TRAIN_TEXT } from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT).subarray(0, 200);

describe('Lyapunov exponents', () => {
  it('equal ln|a_i| for a diagonal linear regime (state stays at 0, tanh gain 1)', () => {
    const a = [0.5, -0.3, 0.2, 0.1];
    const m = zeroModel(4); // Wx = 0, bh = 0: h(t) = 0 for all t, J_t = Wh
    a.forEach((v, i) => {
      m.Wh[i * 4 + i] = v;
    });
    const r = lyapunov(m, bytes, { k: 4, warmup: 60 }); // warmup: the start vectors align with the axes
    const want = a.map((v) => Math.log(Math.abs(Math.fround(v)))).sort((x, y) => y - x);
    for (let i = 0; i < 4; i++) expect(r.exponents[i]).toBeCloseTo(want[i], 10);
    expect(r.growthFactors[0]).toBeCloseTo(0.5, 10);
    expect(r.steps).toBe(bytes.length - 60);
  });

  it('equal ln|a·(1 − h*²)| at a tanh fixed point with a bias', () => {
    const H = 3,
      a = 0.8,
      b = 0.6;
    const m = zeroModel(H);
    for (let i = 0; i < H; i++) {
      m.Wh[i * H + i] = a;
      m.bh[i] = b;
    }
    let hs = 0; // fixed point of h = tanh(b + a h)
    const af = m.Wh[0],
      bf = m.bh[0]; // the float32 values the model holds
    for (let it = 0; it < 1000; it++) hs = Math.tanh(bf + af * hs);
    const r = lyapunov(m, bytes, { k: 1, warmup: 150 });
    expect(r.exponents[0]).toBeCloseTo(Math.log(af * (1 - hs * hs)), 10);
  });

  it('finds a rotation-with-gain exponent from non-normal coupling (2×2 block)', () => {
    // Wh = g·R(θ) on a 2-D block: all directions grow by g, both exponents are ln g.
    const g = 0.9,
      th = 0.7;
    const m = zeroModel(2);
    m.Wh.set([g * Math.cos(th), -g * Math.sin(th), g * Math.sin(th), g * Math.cos(th)]);
    const r = lyapunov(m, bytes, { k: 2 });
    const gf = Math.hypot(m.Wh[0], m.Wh[2]);
    expect(r.exponents[0]).toBeCloseTo(Math.log(gf), 6);
    expect(r.exponents[1]).toBeCloseTo(Math.log(gf), 6);
  });

  it('rejects bad arguments with the parameter name', () => {
    const m = zeroModel(3);
    const h = run(m, bytes).h;
    expect(() => lyapunovExponents(m.Wh, 3, h, { k: 4 })).toThrow(/k:/);
    expect(() => lyapunovExponents(m.Wh.subarray(1), 3, h)).toThrow(/Wh:/);
    const bad = m.Wh.slice();
    bad[2] = NaN;
    expect(() => lyapunovExponents(bad, 3, h)).toThrow(/Wh\[2\]/);
    expect(() => lyapunovExponents(m.Wh, 3, h, { warmup: 1e6 })).toThrow(/warmup/);
  });
});

describe('re-synchronised runs', () => {
  const m = randomModel(8, 3, 1.5);
  const ref = run(m, bytes).h;

  it('reproduce the plain run when the reference is the model itself', () => {
    const r = runResync(m, bytes, ref, 50);
    expect(Array.from(r.h)).toEqual(Array.from(ref));
  });

  it('start every segment from the reference state', () => {
    const other = randomModel(8, 4, 1.5);
    const r = runResync(other, bytes, ref, 10);
    const free = run(other, bytes).h;
    const d = stateDistance(r.h, free, 8);
    expect(d[5]).toBe(0); // first segment: same as the free run
    // Step 10 reads x_10 from ref(9): recompute it by hand with a one-step run.
    const one = run(other, bytes.subarray(10, 11), { h0: ref.slice(9 * 8, 10 * 8) }).h;
    expect(Array.from(r.h.subarray(80, 88))).toEqual(Array.from(one));
    expect(d[10]).toBeGreaterThan(0);
  });

  it('rejects a bad period or reference size', () => {
    expect(() => runResync(m, bytes, ref, 0)).toThrow(/period/);
    expect(() => runResync(m, bytes, ref.subarray(8), 50)).toThrow(/reference/);
  });
});
