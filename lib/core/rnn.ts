/**
 * The sat-rnn forward pass and the bpc protocol.
 *
 *   h_t = tanh(bh + Wx[:, x_t] + Wh · h_{t−1}),  h_{−1} = 0
 *   logits_t = by + Wy · h_t,  softmax(logits_t) predicts x_{t+1}
 *
 * bpc protocol of every original tool: h starts at 0, all n − 1 positions are scored, no warm-up,
 * mean of −log2 p(x_{t+1}). The loops here are the readable reference (float64 state). By default
 * `run`, `scoreStates` and `evaluate` hand the work to lib/fast/rnn.ts, WebAssembly SIMD kernels
 * whose results are bit-identical to these loops; `kernel: 'reference'` runs the loops.
 */
import { VOCAB, type SatRnn } from './model.js';
import type { Kernel, RunOptions, Score, Trajectory } from './types.js';

export type { Kernel, RunOptions, Score, Trajectory } from './types.js';
import { fastEvaluate, fastRun, fastScoreStates } from '../fast/rnn.js';
import { useFast } from './kernel.js';

/** pre = bh + Wx[:, x] + Wh · hPrev, written into `pre` ([H]). */
export function preActivation(m: SatRnn, hPrev: Float64Array, x: number, pre: Float64Array): void {
  const H = m.hidden;
  const { Wx, Wh, bh } = m;
  for (let i = 0; i < H; i++) {
    let s = bh[i] + Wx[i * VOCAB + x];
    const row = i * H;
    for (let j = 0; j < H; j++) s += Wh[row + j] * hPrev[j];
    pre[i] = s;
  }
}

/** Run the recurrence over `bytes` and keep every state. */
export function run(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): Trajectory {
  const H = m.hidden;
  if (useFast(H, opts.kernel)) return fastRun(m, bytes, opts);
  const n = bytes.length;
  const h = new Float64Array(n * H);
  const pre = new Float64Array(n * H);
  const resetEvery = opts.resetEvery ?? 0;
  const zero = new Float64Array(H);
  if (opts.h0 && opts.h0.length !== H)
    throw new RangeError(`h0: expected ${H} values, got ${opts.h0.length}`);
  let prev = opts.h0 ?? zero;
  for (let t = 0; t < n; t++) {
    if (resetEvery > 0 && t > 0 && t % resetEvery === 0) prev = zero;
    const p = pre.subarray(t * H, (t + 1) * H);
    const cur = h.subarray(t * H, (t + 1) * H);
    preActivation(m, prev, bytes[t], p);
    if (opts.sign) for (let i = 0; i < H; i++) cur[i] = p[i] >= 0 ? 1 : -1;
    else for (let i = 0; i < H; i++) cur[i] = Math.tanh(p[i]);
    prev = cur;
  }
  return { n, hidden: H, h, pre };
}

/** logits = by + Wy · h, written into `out` ([256]). `Wy` is [256][H]. */
export function readout(
  Wy: ArrayLike<number>,
  by: ArrayLike<number>,
  hidden: number,
  h: ArrayLike<number>,
  hOff: number,
  out: Float64Array,
): void {
  for (let o = 0; o < VOCAB; o++) {
    let s = by[o];
    const row = o * hidden;
    for (let j = 0; j < hidden; j++) s += Wy[row + j] * h[hOff + j];
    out[o] = s;
  }
}

/** Natural-log probability of `target` under softmax(logits). */
export function logSoftmaxAt(logits: Float64Array, target: number): number {
  let max = -Infinity;
  for (let o = 0; o < logits.length; o++) if (logits[o] > max) max = logits[o];
  let z = 0;
  for (let o = 0; o < logits.length; o++) z += Math.exp(logits[o] - max);
  return logits[target] - max - Math.log(z);
}

/**
 * Score a hidden trajectory with a readout (Wy [256][H], by [256]): position t predicts x_{t+1},
 * for t in [from, to) (default: all n − 1 positions).
 */
export function scoreStates(
  Wy: ArrayLike<number>,
  by: ArrayLike<number>,
  hidden: number,
  states: Float64Array,
  bytes: Uint8Array,
  from = 0,
  to = bytes.length - 1,
  kernel: Kernel = 'fast',
): Score {
  if (from < 0 || to > bytes.length - 1 || to <= from) {
    throw new RangeError(
      `score range [${from}, ${to}) is empty or outside the ${bytes.length - 1} scorable positions`,
    );
  }
  if (useFast(hidden, kernel)) return fastScoreStates(Wy, by, hidden, states, bytes, from, to);
  const logits = new Float64Array(VOCAB);
  const bits = new Float64Array(to - from);
  let sum = 0;
  for (let t = from; t < to; t++) {
    readout(Wy, by, hidden, states, t * hidden, logits);
    const b = -logSoftmaxAt(logits, bytes[t + 1]) / Math.LN2;
    bits[t - from] = b;
    sum += b;
  }
  return { bpc: sum / (to - from), positions: to - from, bits };
}

/**
 * The bpc protocol: run from h = 0 and score every one of the n − 1 positions.
 *
 * @example
 * // A model with every weight 0 predicts uniformly: 8 bits for every byte.
 * evaluate(zeroModel(8), new Uint8Array([104, 105, 33])).bpc; // → 8
 */
export function evaluate(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): Score {
  if (bytes.length < 2)
    throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  if (useFast(m.hidden, opts.kernel)) return fastEvaluate(m, bytes, opts);
  const traj = run(m, bytes, opts);
  return scoreStates(m.Wy, m.by, m.hidden, traj.h, bytes, 0, bytes.length - 1, opts.kernel);
}

/**
 * Mean bits per position of the model on `bytes` (the bpc protocol), without keeping per-position
 * bits: with the fast kernels the memory used is the same for any text length.
 */
export function bpc(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): number {
  if (bytes.length < 2)
    throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  if (useFast(m.hidden, opts.kernel)) return fastEvaluate(m, bytes, opts, false).bpc;
  return evaluate(m, bytes, opts).bpc;
}
