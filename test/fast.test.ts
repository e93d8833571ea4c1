import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  chunkGradient,
  gradTensors,
  zeroGrads,
  type ChunkGradientKernel,
} from '../lib/core/bptt.js';
import { fastChunkGradient } from '../lib/fast/bptt.js';
import { chunkGradientFor } from '../lib/core/kernel.js';
import { fastEvaluate, fastRun, fastScoreStates } from '../lib/fast/rnn.js';
import { fastReadoutLossGrad, kernelExp64 } from '../lib/fast/readout.js';
import { fastCholeskySolve } from '../lib/fast/linalg.js';
import { cholesky, choleskySolve } from '../lib/math/linalg.js';
import { scaleSweepNats } from '../lib/construction/pinv.js';
import { carrierStates, logRatioDirections } from '../lib/construction/shift-register.js';
import { HASHES } from '../lib/construction/hash.js';
import { parallelMap } from '../lib/core/parallel.js';
import {
  times,
  timesTransposed,
  transposeTimes,
  weightedGramSession,
  weightedGramSession32,
} from '../lib/fast/gram.js';
import { Arena, newInstance } from '../lib/fast/wasm.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';
import { parallelBpc } from './parallel-tasks.js';
import { ridgeSolve } from '../lib/construction/pinv.js';
import { compileKernels, moduleText } from '../asm/build.js';
import { loadModel, tensors, TENSOR_NAMES, type SatRnn } from '../lib/core/model.js';
import { loadBytes, marginalBias } from '../lib/core/data.js';
import { evaluate, readout, run, scoreStates } from '../lib/core/rnn.js';
import { readoutLossGrad, readoutProblem } from '../lib/construction/readout.js';
import { initModel, train } from '../lib/core/train.js';
import { randomMask } from '../lib/construction/scaffold.js';
import {
  HAVE_PUBLISHED,
  PUBLISHED,
  needsPublished,
  ROOT,
  TRAIN_TEXT,
  randomModel,
} from './helpers.js';

const bytes = loadBytes(TRAIN_TEXT);

/** Largest |a − b| relative to the largest |a|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    s = 0;
  for (let k = 0; k < a.length; k++) {
    d = Math.max(d, Math.abs(a[k] - b[k]));
    s = Math.max(s, Math.abs(a[k]));
  }
  return d / s;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
  return d;
}

/**
 * A 128-unit model in the regime of a trained sat-rnn: strong input weights saturate the units,
 * recurrent weights are large but contracting (spectral radius ≈ 0.9), so rounding differences
 * die out instead of growing chaotically as they would in a random strong network.
 */
const strong = randomModel(128, 7, 1);
strong.Wx.forEach((v, k) => {
  strong.Wx[k] = 6 * v;
});
strong.Wh.forEach((v, k) => {
  strong.Wh[k] = 0.25 * v;
});
strong.Wy.forEach((v, k) => {
  strong.Wy[k] = 4 * v;
});

describe('fast chunk-gradient kernel (wasm f32x4) against the float64 reference', () => {
  const cases: Array<[string, SatRnn, number, number]> = [
    ['seeded init, first full chunk', initModel(42), 0, 50],
    ['saturating weights, full chunk', strong, 350, 50],
    ['saturating weights, the short last chunk', strong, 1000, 23],
    ['saturating weights, one position', strong, 17, 1],
  ];
  for (const [name, m, start, len] of cases) {
    it(`agrees on loss, every gradient tensor and the end state: ${name}`, () => {
      const h0 = Float64Array.from({ length: 128 }, (_, i) => Math.tanh(Math.sin(i + 1) * 2));
      const gr = zeroGrads(128),
        gf = zeroGrads(128);
      const er = new Float64Array(128),
        ef = new Float64Array(128);
      const lr = chunkGradient(m, bytes, start, len, h0, gr, er);
      const lf = fastChunkGradient(m, bytes, start, len, h0, gf, ef);
      expect(Math.abs(lf - lr) / lr).toBeLessThan(1e-5);
      gradTensors(gr).forEach((t, i) => {
        expect(relErr(t, gradTensors(gf)[i]), TENSOR_NAMES[i]).toBeLessThan(1e-4);
      });
      expect(maxAbsDiff(er, ef)).toBeLessThan(1e-5);
    });
  }

  it('adds into the gradient (the contract) rather than overwriting it', () => {
    const h0 = new Float64Array(128);
    const once = zeroGrads(128),
      twice = zeroGrads(128);
    fastChunkGradient(strong, bytes, 200, 50, h0, once, new Float64Array(128));
    fastChunkGradient(strong, bytes, 200, 50, h0, twice, new Float64Array(128));
    fastChunkGradient(strong, bytes, 200, 50, h0, twice, new Float64Array(128));
    gradTensors(once).forEach((t, i) =>
      expect(
        relErr(
          t.map((v) => 2 * v),
          gradTensors(twice)[i],
        ),
      ).toBeLessThan(1e-12),
    );
  });

  it('is chosen only for hidden sizes that are a multiple of 8: chunkGradientFor gives the reference otherwise', () => {
    const m = randomModel(12, 3, 1);
    expect(chunkGradientFor(12)).toBe(chunkGradient);
    expect(chunkGradientFor(128)).toBe(fastChunkGradient);
    expect(chunkGradientFor(128, 'reference')).toBe(chunkGradient);
    expect(() =>
      fastChunkGradient(
        m,
        bytes,
        40,
        30,
        new Float64Array(12),
        zeroGrads(12),
        new Float64Array(12),
      ),
    ).toThrow(/hidden 12 is not a multiple of 8/);
  });

  it('rejects a chunk without a target for its last position', () => {
    expect(() =>
      fastChunkGradient(
        strong,
        bytes,
        1000,
        24,
        new Float64Array(128),
        zeroGrads(128),
        new Float64Array(128),
      ),
    ).toThrow(/targets up to byte 1024/);
  });
});

describe('training with the fast kernel', () => {
  const epochs = 5;
  const reference = train(bytes, { epochs, kernel: chunkGradient });
  const fused = train(bytes, { epochs });

  it('the default (fused wasm SGD step) reaches the reference bpc after 5 epochs of the recipe', () => {
    expect(fused.log.length).toBe(epochs);
    fused.log.forEach((e, i) =>
      expect(Math.abs(e.trainBpc - reference.log[i].trainBpc)).toBeLessThan(1e-5),
    );
    expect(
      Math.abs(evaluate(fused.best, bytes).bpc - evaluate(reference.best, bytes).bpc),
    ).toBeLessThan(1e-5);
    tensors(fused.last).forEach((t, i) =>
      expect(maxAbsDiff(t, tensors(reference.last)[i]), TENSOR_NAMES[i]).toBeLessThan(1e-5),
    );
  });

  it('the fused step equals the generic update loop driven by the same fast kernel', () => {
    const unfused: ChunkGradientKernel = (...args) => fastChunkGradient(...args);
    const generic = train(bytes, { epochs: 2, kernel: unfused });
    const twoEpochs = train(bytes, { epochs: 2 });
    generic.log.forEach((e, i) =>
      expect(Math.abs(e.trainBpc - twoEpochs.log[i].trainBpc)).toBeLessThan(1e-9),
    );
    tensors(generic.last).forEach((t, i) =>
      expect(maxAbsDiff(t, tensors(twoEpochs.last)[i])).toBeLessThan(1e-7),
    );
  });

  // The fused steps differ from the generic loop only in two roundings: the clip norm's squares are
  // summed in another order (two float64 lanes), and the input-weight and hidden-bias gradients are
  // summed over the chunk in float32 (inputGrad32) where the generic loop adds the same float32
  // terms in float64. SGD moves each weight by lr·g, so these 1e-7-relative differences stay
  // below 1e-7 in every weight; Adam divides by √v, so a weight whose gradients are tiny and noisy
  // takes the relative difference into a step of size ~lr, hence 1e-6 (measured: 3e-8 after two
  // epochs, 8e-9 bpc).
  const mask = randomMask(128, 0.3, 3);
  const masked = (w: SatRnn) =>
    (['Wx', 'Wh', 'Wy'] as const).flatMap((k) => Array.from(w[k]).filter((_, i) => !mask[k][i]));

  it('the fused Adam step and the fused masked steps equal the generic loop driven by the same fast kernel; masked weights stay exactly 0', () => {
    const unfused: ChunkGradientKernel = (...args) => fastChunkGradient(...args);
    const cases = [
      { o: { optimizer: 'adam' as const }, bpc: 1e-7, weight: 1e-6 },
      { o: { mask }, bpc: 1e-9, weight: 1e-7 },
      { o: { optimizer: 'adam' as const, mask }, bpc: 1e-7, weight: 1e-6 },
    ];
    for (const { o, bpc, weight } of cases) {
      const generic = train(bytes, { epochs: 2, kernel: unfused, ...o });
      const fusedRun = train(bytes, { epochs: 2, ...o });
      fusedRun.log.forEach((e, i) =>
        expect(Math.abs(e.trainBpc - generic.log[i].trainBpc)).toBeLessThan(bpc),
      );
      tensors(fusedRun.last).forEach((t, i) =>
        expect(maxAbsDiff(t, tensors(generic.last)[i]), TENSOR_NAMES[i]).toBeLessThan(weight),
      );
      if (o.mask) expect(new Set(masked(fusedRun.last))).toEqual(new Set([0]));
    }
  });

  it('a masked fused run reaches the float64 reference within 1e-5 bpc per epoch, as the dense one', () => {
    const ref = train(bytes, { epochs: 3, kernel: chunkGradient, mask });
    const fusedRun = train(bytes, { epochs: 3, mask });
    fusedRun.log.forEach((e, i) =>
      expect(Math.abs(e.trainBpc - ref.log[i].trainBpc)).toBeLessThan(1e-5),
    );
    expect(new Set(masked(ref.last))).toEqual(new Set([0]));
  });
});

describe('fast evaluation (wasm f64x2): bit-identical to the reference', () => {
  /** A chaotic network: any rounding difference would grow to O(1) over the 1024 steps. */
  const chaotic = randomModel(128, 11, 0.6);

  it('gives exactly the reference bpc and bits under the bpc protocol, even for a chaotic network', () => {
    for (const m of [initModel(42), strong, chaotic]) {
      const ref = evaluate(m, bytes, { kernel: 'reference' });
      const fast = fastEvaluate(m, bytes);
      expect(fast.bpc).toBe(ref.bpc);
      expect(fast.positions).toBe(1023);
      expect(Array.from(fast.bits)).toEqual(Array.from(ref.bits));
      expect(evaluate(m, bytes).bpc).toBe(fast.bpc); // evaluate() defaults to the fast kernel
    }
  });

  it.runIf(HAVE_PUBLISHED)(
    needsPublished('scores the published model at 0.0792 bpc like the reference'),
    () => {
      const m = loadModel(PUBLISHED);
      const fast = fastEvaluate(m, bytes).bpc;
      expect(fast).toBe(evaluate(m, bytes, { kernel: 'reference' }).bpc);
      expect(fast).toBeCloseTo(0.0792, 4);
    },
  );

  it('runs the same trajectories with tanh, sign dynamics, resets and an initial state', () => {
    const h0 = Float64Array.from({ length: 128 }, (_, i) => (i % 3) - 1);
    for (const opts of [
      {},
      { sign: true },
      { resetEvery: 50, h0 },
      { sign: true, resetEvery: 7 },
    ]) {
      const r = run(chaotic, bytes, { ...opts, kernel: 'reference' }),
        f = fastRun(chaotic, bytes, opts);
      expect(Array.from(f.h)).toEqual(Array.from(r.h));
      expect(Array.from(f.pre)).toEqual(Array.from(r.pre));
      expect(run(chaotic, bytes, opts).h).toEqual(f.h); // run() defaults to the fast kernel
    }
    expect(run(randomModel(12, 1, 1), bytes).h).toEqual(
      run(randomModel(12, 1, 1), bytes, { kernel: 'reference' }).h,
    );
  });

  it('scores a sub-range of states with a float64 readout like scoreStates', () => {
    const states = run(strong, bytes).h;
    const Wy = Float64Array.from(strong.Wy, (v) => v * 0.3),
      by = Float64Array.from(strong.by);
    const r = scoreStates(Wy, by, 128, states, bytes, 16, 1021, 'reference');
    const f = fastScoreStates(Wy, by, 128, states, bytes, 16, 1021);
    expect(f.positions).toBe(r.positions);
    expect(f.bpc).toBe(r.bpc);
    expect(Array.from(f.bits)).toEqual(Array.from(r.bits));
    expect(scoreStates(Wy, by, 128, states.subarray(0, 1021 * 128), bytes, 16, 1021).bpc).toBe(
      r.bpc,
    ); // only rows < to are read
    expect(() => fastScoreStates(Wy, by, 128, states, bytes, 10, 1024)).toThrow(/score range/);
  });

  it('computes the readout loss and gradient like readoutLossGrad', () => {
    const p = readoutProblem(run(strong, bytes).h, 128, bytes, 16, 1021);
    const r = { Wy: Float64Array.from(strong.Wy), by: Float64Array.from(strong.by) };
    const g1 = new Float64Array(256 * 128),
      b1 = new Float64Array(256),
      g2 = new Float64Array(256 * 128),
      b2 = new Float64Array(256);
    const l1 = readoutLossGrad(p, r, g1, b1),
      l2 = fastReadoutLossGrad(p, r, g2, b2);
    expect(l2).toBe(l1);
    expect(Array.from(g2)).toEqual(Array.from(g1));
    expect(Array.from(b2)).toEqual(Array.from(b1));
  });
});

describe('fast ridge solve', () => {
  it('solves the PI normal equations exactly as ridgeSolve does', () => {
    const states = run(strong, bytes).h;
    const n = 1000,
      k = 128,
      m = 256;
    const X = Float64Array.from({ length: n * k }, (_, q) => (states[16 * k + q] >= 0 ? 1 : -1));
    const Y = new Float64Array(n * m);
    for (let t = 0; t < n; t++) {
      Y.fill(-1 / m, t * m, (t + 1) * m);
      Y[t * m + bytes[t + 17]] += 1;
    }
    const ref = ridgeSolve(X, n, k, Y, m, 0.01, 'reference');
    const fast = ridgeSolve(X, n, k, Y, m, 0.01, 'fast');
    expect(Array.from(fast)).toEqual(Array.from(ref));
    expect(() => ridgeSolve(X, n, k, Y.subarray(1), m, 0.01, 'fast')).toThrow(/Y:/);
  });
});

describe('weighted Gram matrices (the Newton blocks)', () => {
  const n = 203,
    k = 48;
  const r = new GlibcRand(21);
  const X = Float64Array.from(
    { length: n * k },
    () => (r.nextCenteredFloat(1) > 0 ? 1 : -1) * (0.5 + r.nextCenteredFloat(0.5)),
  );
  const w = Float64Array.from({ length: n }, () => Math.abs(r.nextCenteredFloat(0.25)));

  it('the lower-triangle GEMM sums every entry on and below the diagonal exactly as the full GEMM does', () => {
    const m = newInstance(),
      a = new Arena(m);
    const px = a.alloc(n * k * 8),
      pf = a.alloc(k * k * 8),
      pl = a.alloc(k * k * 8);
    a.f64(px, n * k).set(X);
    m.gemm64(k, k, n, px, 1, k, px, pf, 0);
    m.gemmLower64(k, n, px, 1, k, px, pl);
    const full = a.f64(pf, k * k),
      lower = a.f64(pl, k * k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j <= i; j++) expect(Object.is(lower[i * k + j], full[i * k + j])).toBe(true);
  });

  it('weightedGramSession is the plain loop Σ_t (w_t·x_ti)·x_tj in t order, bit for bit, mirrored', () => {
    const G = new Float64Array(k * k);
    weightedGramSession(X, n, k)(w, G);
    const ref = new Float64Array(k * k);
    for (let t = 0; t < n; t++)
      for (let i = 0; i < k; i++) {
        const a = w[t] * X[t * k + i];
        for (let j = 0; j <= i; j++) ref[i * k + j] += a * X[t * k + j];
      }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) ref[j * k + i] = ref[i * k + j];
    expect(Buffer.from(G.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
  });

  // Float32 sums of n products carry at most γ_n = n·u/(1 − n·u) of the sum of their magnitudes
  // (u = 2⁻²⁴; Higham, Accuracy and Stability of Numerical Algorithms, §3.1), plus the rounding of
  // x and w to float32 once (2u each per product): bound (n + 3)·u·Σ_t |w_t·x_ti·x_tj| per entry.
  it('weightedGramSession32 is within float32 rounding of the float64 Gram, and really float32', () => {
    const G64 = new Float64Array(k * k),
      G32 = new Float64Array(k * k);
    weightedGramSession(X, n, k)(w, G64);
    weightedGramSession32(X, n, k)(w, G32);
    const u = 2 ** -24;
    let differs = false;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let mag = 0;
        for (let t = 0; t < n; t++) mag += Math.abs(w[t] * X[t * k + i] * X[t * k + j]);
        expect(Math.abs(G32[i * k + j] - G64[i * k + j])).toBeLessThanOrEqual((n + 3) * u * mag);
        expect(G32[i * k + j]).toBe(G32[j * k + i]);
        differs ||= G32[i * k + j] !== G64[i * k + j];
      }
    expect(differs).toBe(true);
  });

  it('transposeTimes (Aᵀ·X), timesTransposed (X·Dᵀ) and times (X·B) are the plain loops, bit for bit', () => {
    const m = 16;
    const A = Float64Array.from({ length: n * m }, () => r.nextCenteredFloat(1));
    const ref = new Float64Array(m * k);
    for (let t = 0; t < n; t++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < k; j++) ref[i * k + j] += A[t * m + i] * X[t * k + j];
    expect(Buffer.from(transposeTimes(A, n, m, X, k).buffer).equals(Buffer.from(ref.buffer))).toBe(
      true,
    );
    const D = Float64Array.from({ length: m * k }, () => r.nextCenteredFloat(1));
    const Z = timesTransposed(X, n, k, D, m);
    for (let t = 0; t < n; t++)
      for (let i = 0; i < m; i++) {
        let z = 0;
        for (let j = 0; j < k; j++) z += X[t * k + j] * D[i * k + j];
        expect(Object.is(Z[t * m + i], z)).toBe(true);
      }
    // With a bias: each entry summed from bias[i], as `readout` forms logits by + Wy·h.
    const bias = Float64Array.from({ length: m }, () => r.nextCenteredFloat(4));
    const L = timesTransposed(X, n, k, D, m, bias),
      z = new Float64Array(m);
    for (let t = 0; t < n; t++) {
      readout(D, bias, k, X, t * k, z);
      for (let i = 0; i < m; i++) expect(Object.is(L[t * m + i], z[i])).toBe(true);
    }
    expect(() => timesTransposed(X, n, k, D, m, bias.subarray(1))).toThrow(/bias/);
    // times (X·B) with k + 1 = 49 columns: no multiple of 4 needed along the sums.
    const X1 = Float64Array.from({ length: n * (k + 1) }, () => r.nextCenteredFloat(1));
    const B = Float64Array.from({ length: (k + 1) * m }, () => r.nextCenteredFloat(1));
    const P = times(X1, n, k + 1, B, m);
    let mismatched = 0;
    for (let t = 0; t < n; t++)
      for (let i = 0; i < m; i++) {
        let z = 0;
        for (let j = 0; j <= k; j++) z += X1[t * (k + 1) + j] * B[j * m + i];
        if (!Object.is(P[t * m + i], z)) mismatched++;
      }
    expect(mismatched).toBe(0);
    expect(() => transposeTimes(A, n, m, X.subarray(1), k)).toThrow(/transposeTimes/);
    expect(() => times(X1, n, k + 1, B, m - 1)).toThrow(/times/);
  });
});

describe('Cholesky solves in wasm (the Newton blocks)', () => {
  /** A random symmetric positive-definite n×n matrix BBᵀ + 10⁻³I and a right-hand side. */
  function spd(n: number, seed: number): { A: Float64Array; b: Float64Array } {
    const r = new GlibcRand(seed);
    const B = Float64Array.from({ length: n * n }, () => r.nextCenteredFloat(1));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
        A[i * n + j] = s + (i === j ? 1e-3 : 0);
      }
    return { A, b: Float64Array.from({ length: n }, () => r.nextCenteredFloat(1)) };
  }

  it('fastCholeskySolve is choleskySolve(cholesky(A)), bit for bit, at every size around its panels and tiles', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 129]) {
      const { A, b } = spd(n, 40 + n);
      const ref = choleskySolve(cholesky(A.slice(), n), n, b.slice(), 1);
      const A0 = A.slice(),
        b0 = b.slice();
      const x = fastCholeskySolve(A, n, b);
      expect(Buffer.from(x.buffer).equals(Buffer.from(ref.buffer)), `n = ${n}`).toBe(true);
      expect(A).toEqual(A0); // inputs untouched
      expect(b).toEqual(b0);
    }
  });

  it('solves a known system exactly and refuses a matrix that is not positive definite as cholesky does', () => {
    // [[4, 2], [2, 3]]·[0.5, 0] = [2, 1]
    expect(
      Array.from(fastCholeskySolve(Float64Array.from([4, 2, 2, 3]), 2, Float64Array.from([2, 1]))),
    ).toEqual([0.5, 0]);
    const bad = Float64Array.from([1, 2, 2, 1]);
    expect(() => fastCholeskySolve(bad, 2, new Float64Array(2))).toThrow(
      /not positive definite \(pivot 1 is -3\)/,
    );
    expect(() => cholesky(bad.slice(), 2)).toThrow(/not positive definite \(pivot 1 is -3\)/);
    expect(() => fastCholeskySolve(bad, 2, new Float64Array(3))).toThrow(/fastCholeskySolve/);
  });
});

describe('the scale sweep in wasm', () => {
  /** Largest |got − Math.exp(x)| in ulps of Math.exp(x). */
  function maxUlps(xs: Float64Array, got: Float64Array): number {
    let worst = 0;
    xs.forEach((x, i) => {
      const e = Math.exp(x);
      worst = Math.max(worst, Math.abs(got[i] - e) / 2 ** (Math.floor(Math.log2(e)) - 52));
    });
    return worst;
  }

  it('exp2d is within 2 ulp of Math.exp on [−708, 709] (measured 2; Math.exp is itself within 1 of e^x), exactly 1 at 0', () => {
    for (const [a, b] of [
      [-708, 709],
      [-50, 0], // the softmax terms that are summed
      [-0.5, 0.5],
    ]) {
      const xs = Float64Array.from(
        { length: 1 << 18 },
        (_, i) => a + ((b - a) * i) / ((1 << 18) - 1),
      );
      expect(maxUlps(xs, kernelExp64(xs))).toBeLessThanOrEqual(2);
    }
    expect(kernelExp64([0])[0]).toBe(1); // the row's largest logit contributes exactly 1
    expect(Math.abs(kernelExp64([1])[0] - Math.E)).toBeLessThanOrEqual(2 * 2 ** -51);
  });

  // Per value: the same logits to the bit; the sums differ by exp2d's ≤ 2 ulp per term and their
  // order (two lanes, equal outputs multiplied by their count), a few 1e-16 of ln Σ, plus
  // cancellation in l_y − max − ln Σ for logits of up to ~70: measured 2.1e-14 nats on the 1 KB text;
  // 1e-12 asserted (a wrong term or a wrong target is off by far more).
  it('fastScaleSweepNats is the reference sweep to float64 rounding, with and without equal outputs', () => {
    const spec = { hash: HASHES.mixed, groups: 16, bits: 8 };
    const text = bytes.subarray(0, 400);
    const p = readoutProblem(carrierStates(spec, text), 128, text);
    const by = Float64Array.from(marginalBias(text));
    const r = new GlibcRand(31);
    const scales = [0.05, 0.5, 1, 3, 20, 50];
    const random = Float64Array.from({ length: 256 * 128 }, () => r.nextCenteredFloat(0.2));
    for (const D of [logRatioDirections(spec, p, 2), random]) {
      const ref = scaleSweepNats(p, D, by, scales, 'reference'),
        fast = scaleSweepNats(p, D, by, scales, 'fast');
      expect(maxAbsDiff(fast, ref)).toBeLessThan(1e-12);
      expect(maxAbsDiff(fast, ref)).toBeGreaterThan(0); // really the kernels' own sums
    }
    // A known value: D = 0 and a flat bias give every byte 1/256, ln 256 nats at every scale.
    const flat = scaleSweepNats(p, new Float64Array(256 * 128), new Float64Array(256), [1, 7]);
    for (const v of flat) expect(v).toBeCloseTo(Math.log(256), 14);
  });
});

describe('parallelMap over worker threads', () => {
  it('evaluates many models in parallel, in input order, with the same bpc as in-thread', async () => {
    const models = [1, 2, 3].map((seed) => randomModel(16, seed, 0.5));
    const got = await parallelBpc(models, bytes, { workers: 2 });
    expect(got).toEqual(models.map((m) => evaluate(m, bytes).bpc));
  }, 60_000);

  it('reports each result as it arrives: every input index once, done counting up to the total', async () => {
    const models = [1, 2, 3, 4].map((seed) => randomModel(8, seed, 0.5));
    const seen: [number, number, number][] = [];
    await parallelBpc(models, bytes, {
      workers: 2,
      onResult: (i, done, total) => {
        seen.push([i, done, total]);
      },
    });
    expect(seen.map(([i]) => i).sort()).toEqual([0, 1, 2, 3]);
    expect(seen.map(([, done, total]) => [done, total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  }, 60_000);

  it('rejects with the task error, and for a missing export', async () => {
    const tasks = new URL('./parallel-tasks.ts', import.meta.url);
    await expect(
      parallelMap(tasks, 'bpcTask', [{ model: randomModel(8, 1, 1), bytes: new Uint8Array(1) }]),
    ).rejects.toThrow(/inputs\[0\].*need at least 2/s);
    await expect(parallelMap(tasks, 'noSuchTask', [1])).rejects.toThrow(
      /no exported function noSuchTask/,
    );
    expect(await parallelMap(tasks, 'bpcTask', [])).toEqual([]);
  }, 60_000);
});

describe('the embedded wasm module', () => {
  it('is the build of asm/kernels.ts (run npm run build:wasm after editing it)', async () => {
    const committed = readFileSync(`${ROOT}lib/fast/kernels-wasm.ts`, 'utf8');
    expect(moduleText(await compileKernels())).toBe(committed);
  }, 60_000);
});
