/**
 * Fast evaluation: the lib/rnn.ts forward pass and bpc protocol in float64 WebAssembly SIMD
 * (f64x2). Each SIMD lane is one output computed with the reference's operations in the
 * reference's order, and tanh/exp/log are the host's Math functions, so trajectories and scores
 * are bit-identical to lib/rnn.ts (tested, including on a chaotic network). Shapes as in
 * lib/rnn.ts: trajectories [n][H], Wy [256][H], by [256]. Hidden sizes must satisfy `simdHidden`.
 */
import { VOCAB, type SatRnn } from '../model.js';
import type { RunOptions, Score, Trajectory } from '../rnn.js';
import { Arena, kernels, simdHidden, type KernelExports } from './wasm.js';

const F = 8;

function checkHidden(hidden: number): void {
  if (!simdHidden(hidden)) throw new RangeError(`fast kernels need hidden % 8 == 0, got ${hidden}; use lib/rnn.ts`);
}

/** Lay out and run the recurrence; returns pointers to the bytes, states and pre-activations. */
function runInto(k: KernelExports, a: Arena, m: SatRnn, bytes: Uint8Array, opts: RunOptions): { px: number; hs: number; pre: number } {
  const H = m.hidden;
  const n = bytes.length;
  if (opts.h0 && opts.h0.length !== H) throw new RangeError(`h0: expected ${H} values, got ${opts.h0.length}`);
  const px = a.alloc(n);
  const pwx = a.alloc(H * VOCAB * F), pwh = a.alloc(H * H * F), pwhT = a.alloc(H * H * F), pbh = a.alloc(H * F);
  const ph0 = a.alloc(H * F), pzero = a.alloc(H * F);
  const hs = a.alloc(n * H * F), pre = a.alloc(n * H * F);
  a.u8(px, n).set(bytes);
  a.f64(pwx, H * VOCAB).set(m.Wx);
  a.f64(pwh, H * H).set(m.Wh);
  a.f64(pbh, H).set(m.bh);
  a.f64(ph0, H).set(opts.h0 ?? new Float64Array(H));
  a.f64(pzero, H).fill(0);
  k.transpose64(pwh, H, H, pwhT);
  k.run64(H, n, px, pwx, pwhT, pbh, ph0, pzero, hs, pre, opts.sign ? 1 : 0, opts.resetEvery ?? 0);
  return { px, hs, pre };
}

/** `run` of lib/rnn.ts (same options and result) in float64 SIMD. */
export function fastRun(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): Trajectory {
  checkHidden(m.hidden);
  const k = kernels();
  const a = new Arena(k);
  const n = bytes.length, H = m.hidden;
  const { hs, pre } = runInto(k, a, m, bytes, opts);
  return { n, hidden: H, h: a.f64(hs, n * H).slice(), pre: a.f64(pre, n * H).slice() };
}

/** Copy a readout into kernel memory as Wyᵀ [H][256] and by [256]; returns the pointers. */
function readoutInto(k: KernelExports, a: Arena, Wy: ArrayLike<number>, by: ArrayLike<number>, hidden: number): { wyT: number; by: number } {
  if (Wy.length !== VOCAB * hidden || by.length !== VOCAB) {
    throw new RangeError(`readout: Wy has ${Wy.length} values and by ${by.length}, expected ${VOCAB}×${hidden} and ${VOCAB}`);
  }
  const pwy = a.alloc(VOCAB * hidden * F), wyT = a.alloc(VOCAB * hidden * F), pby = a.alloc(VOCAB * F);
  a.f64(pwy, VOCAB * hidden).set(Wy);
  a.f64(pby, VOCAB).set(by);
  k.transpose64(pwy, VOCAB, hidden, wyT);
  return { wyT, by: pby };
}

/** Score rows [from, to) of states already in kernel memory at `hs`. */
function scoreAt(k: KernelExports, a: Arena, hidden: number, hs: number, px: number, r: { wyT: number; by: number }, from: number, to: number): Score {
  const pz = a.alloc(64 * VOCAB * F), pbits = a.alloc((to - from) * F);
  const sum = k.score64(hidden, from, to, px, hs, r.wyT, r.by, pz, pbits);
  return { bpc: sum / (to - from), positions: to - from, bits: a.f64(pbits, to - from).slice() };
}

function checkRange(bytes: Uint8Array, from: number, to: number): void {
  if (from < 0 || to > bytes.length - 1 || to <= from) {
    throw new RangeError(`score range [${from}, ${to}) is empty or outside the ${bytes.length - 1} scorable positions`);
  }
}

/** `scoreStates` of lib/rnn.ts in float64 SIMD: states [n][H] from any run. */
export function fastScoreStates(
  Wy: ArrayLike<number>, by: ArrayLike<number>, hidden: number,
  states: Float64Array, bytes: Uint8Array, from = 0, to = bytes.length - 1,
): Score {
  checkHidden(hidden);
  checkRange(bytes, from, to);
  if (states.length < to * hidden) throw new RangeError(`states: ${states.length} values, need rows up to ${to - 1} of ${hidden}`);
  const k = kernels();
  const a = new Arena(k);
  const n = bytes.length;
  const px = a.alloc(n), hs = a.alloc(to * hidden * F);
  const r = readoutInto(k, a, Wy, by, hidden);
  a.u8(px, n).set(bytes);
  a.f64(hs, to * hidden).set(states.subarray(0, to * hidden));
  return scoreAt(k, a, hidden, hs, px, r, from, to);
}

/** `evaluate` of lib/rnn.ts (the bpc protocol) in float64 SIMD, without copying the trajectory out. */
export function fastEvaluate(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): Score {
  checkHidden(m.hidden);
  if (bytes.length < 2) throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  const k = kernels();
  const a = new Arena(k);
  const r = readoutInto(k, a, m.Wy, m.by, m.hidden);
  const { px, hs } = runInto(k, a, m, bytes, opts);
  return scoreAt(k, a, m.hidden, hs, px, r, 0, bytes.length - 1);
}
