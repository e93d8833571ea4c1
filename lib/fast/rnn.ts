/**
 * Fast evaluation: the lib/core/rnn.ts forward pass and bpc protocol in float64 WebAssembly SIMD
 * (f64x2). Each SIMD lane is one output computed with the reference's operations in the
 * reference's order, and tanh/exp/log are the host's Math functions, so trajectories and scores
 * are bit-identical to lib/core/rnn.ts (tested, including on a chaotic network). Shapes as in
 * lib/core/rnn.ts: trajectories [n][H], Wy [256][H], by [256]. Hidden sizes must satisfy `simdHidden`.
 */
import { VOCAB, type SatRnn } from '../core/model.js';
import type { RunOptions, Score, Trajectory } from '../core/types.js';
import { Arena, kernels, simdHidden, type KernelExports } from './wasm.js';

const F = 8;

function checkHidden(hidden: number): void {
  if (!simdHidden(hidden))
    throw new RangeError(`fast kernels need hidden % 8 == 0, got ${hidden}; use lib/core/rnn.ts`);
}

/**
 * Positions per block: the kernels see one block of the text at a time (its bytes, states and
 * pre-activations), so kernel memory stays the same for any text length and the 32-bit wasm
 * pointers never wrap. The state carries from block to block, with the same operations as one
 * pass, so results stay bit-identical to the reference loops.
 */
export const BLOCK = 4096;

/** Kernel buffers for one block of the recurrence. */
interface RunBlocks {
  readonly px: number;
  readonly hs: number;
  readonly pre: number;
  readonly h0: number;
  readonly zero: number;
  readonly wx: number;
  readonly whT: number;
  readonly bh: number;
  /** Positions per block (a multiple of `resetEvery` when that is set). */
  readonly block: number;
}

/** Lay out the weights and one block's buffers. */
function runBuffers(k: KernelExports, a: Arena, m: SatRnn, opts: RunOptions): RunBlocks {
  const H = m.hidden;
  if (opts.h0 && opts.h0.length !== H)
    throw new RangeError(`h0: expected ${H} values, got ${opts.h0.length}`);
  const reset = opts.resetEvery ?? 0;
  const block = reset > 0 ? reset * Math.max(1, Math.floor(BLOCK / reset)) : BLOCK;
  const px = a.alloc(block + 1);
  const wx = a.alloc(H * VOCAB * F),
    wh = a.alloc(H * H * F),
    whT = a.alloc(H * H * F),
    bh = a.alloc(H * F);
  const h0 = a.alloc(H * F),
    zero = a.alloc(H * F);
  const hs = a.alloc(block * H * F),
    pre = a.alloc(block * H * F);
  a.f64(wx, H * VOCAB).set(m.Wx);
  a.f64(wh, H * H).set(m.Wh);
  a.f64(bh, H).set(m.bh);
  a.f64(zero, H).fill(0);
  k.transpose64(wh, H, H, whT);
  return { px, hs, pre, h0, zero, wx, whT, bh, block };
}

/**
 * Run the recurrence over `bytes` block by block; `visit(start, len)` sees each block while its
 * states (rows 0..len−1 at `b.hs`) and its bytes x_start … x_{start+len} (at `b.px`, the next
 * byte included when there is one) are in kernel memory.
 */
function runBlocks(
  k: KernelExports,
  a: Arena,
  b: RunBlocks,
  m: SatRnn,
  bytes: Uint8Array,
  opts: RunOptions,
  visit: (start: number, len: number) => void,
): void {
  const H = m.hidden,
    n = bytes.length,
    reset = opts.resetEvery ?? 0;
  const h0 = a.f64(b.h0, H);
  h0.set(opts.h0 ?? new Float64Array(H));
  for (let start = 0; start < n; start += b.block) {
    const len = Math.min(b.block, n - start);
    a.u8(b.px, len + 1).set(bytes.subarray(start, Math.min(n, start + len + 1)));
    // A block starts at a multiple of resetEvery, where the state is reset (never at t = 0).
    if (start > 0 && reset > 0) h0.fill(0);
    k.run64(H, len, b.px, b.wx, b.whT, b.bh, b.h0, b.zero, b.hs, b.pre, opts.sign ? 1 : 0, reset);
    visit(start, len);
    h0.set(a.f64(b.hs + (len - 1) * H * F, H));
  }
}

/** `run` of lib/core/rnn.ts (same options and result) in float64 SIMD. */
export function fastRun(m: SatRnn, bytes: Uint8Array, opts: RunOptions = {}): Trajectory {
  checkHidden(m.hidden);
  const k = kernels();
  const a = new Arena(k);
  const n = bytes.length,
    H = m.hidden;
  const b = runBuffers(k, a, m, opts);
  const h = new Float64Array(n * H),
    pre = new Float64Array(n * H);
  runBlocks(k, a, b, m, bytes, opts, (start, len) => {
    h.set(a.f64(b.hs, len * H), start * H);
    pre.set(a.f64(b.pre, len * H), start * H);
  });
  return { n, hidden: H, h, pre };
}

/** Copy a readout into kernel memory as Wyᵀ [H][256] and by [256]; returns the pointers. */
function readoutInto(
  k: KernelExports,
  a: Arena,
  Wy: ArrayLike<number>,
  by: ArrayLike<number>,
  hidden: number,
): { wyT: number; by: number } {
  if (Wy.length !== VOCAB * hidden || by.length !== VOCAB) {
    throw new RangeError(
      `readout: Wy has ${Wy.length} values and by ${by.length}, expected ${VOCAB}×${hidden} and ${VOCAB}`,
    );
  }
  const pwy = a.alloc(VOCAB * hidden * F),
    wyT = a.alloc(VOCAB * hidden * F),
    pby = a.alloc(VOCAB * F);
  a.f64(pwy, VOCAB * hidden).set(Wy);
  a.f64(pby, VOCAB).set(by);
  k.transpose64(pwy, VOCAB, hidden, wyT);
  return { wyT, by: pby };
}

/**
 * Score rows [0, rows) of the block at `hs` (its bytes at `px`), adding each position's bits to
 * `sum` in order; `bits` (when given) receives them at `offset`. Returns the new sum.
 */
function scoreBlock(
  k: KernelExports,
  a: Arena,
  hidden: number,
  hs: number,
  px: number,
  r: { wyT: number; by: number },
  z: number,
  pbits: number,
  rows: number,
  sum: number,
  bits: Float64Array | null,
  offset: number,
): number {
  k.score64(hidden, 0, rows, px, hs, r.wyT, r.by, z, pbits);
  const b = a.f64(pbits, rows);
  for (let i = 0; i < rows; i++) sum += b[i]; // the reference's running sum, position by position
  bits?.set(b, offset);
  return sum;
}

function checkRange(bytes: Uint8Array, from: number, to: number): void {
  if (from < 0 || to > bytes.length - 1 || to <= from) {
    throw new RangeError(
      `score range [${from}, ${to}) is empty or outside the ${bytes.length - 1} scorable positions`,
    );
  }
}

/** `scoreStates` of lib/core/rnn.ts in float64 SIMD: states [n][H] from any run, scored block by block. */
export function fastScoreStates(
  Wy: ArrayLike<number>,
  by: ArrayLike<number>,
  hidden: number,
  states: Float64Array,
  bytes: Uint8Array,
  from = 0,
  to = bytes.length - 1,
): Score {
  checkHidden(hidden);
  checkRange(bytes, from, to);
  if (states.length < to * hidden)
    throw new RangeError(`states: ${states.length} values, need rows up to ${to - 1} of ${hidden}`);
  const k = kernels();
  const a = new Arena(k);
  const r = readoutInto(k, a, Wy, by, hidden);
  const px = a.alloc(BLOCK + 1),
    hs = a.alloc(BLOCK * hidden * F),
    z = a.alloc(64 * VOCAB * F),
    pbits = a.alloc(BLOCK * F);
  const bits = new Float64Array(to - from);
  let sum = 0;
  for (let start = from; start < to; start += BLOCK) {
    const rows = Math.min(BLOCK, to - start);
    a.u8(px, rows + 1).set(bytes.subarray(start, start + rows + 1));
    a.f64(hs, rows * hidden).set(states.subarray(start * hidden, (start + rows) * hidden));
    sum = scoreBlock(k, a, hidden, hs, px, r, z, pbits, rows, sum, bits, start - from);
  }
  return { bpc: sum / (to - from), positions: to - from, bits };
}

/**
 * `evaluate` of lib/core/rnn.ts (the bpc protocol) in float64 SIMD, run and scored block by block, so
 * kernel memory does not grow with the text. With `keepBits` false the per-position bits are not
 * kept (`bits` is empty) and the memory used is the same for any text length.
 */
export function fastEvaluate(
  m: SatRnn,
  bytes: Uint8Array,
  opts: RunOptions = {},
  keepBits = true,
): Score {
  checkHidden(m.hidden);
  if (bytes.length < 2)
    throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  const k = kernels();
  const a = new Arena(k);
  const r = readoutInto(k, a, m.Wy, m.by, m.hidden);
  const b = runBuffers(k, a, m, opts);
  const z = a.alloc(64 * VOCAB * F),
    pbits = a.alloc(b.block * F);
  const positions = bytes.length - 1;
  const bits = new Float64Array(keepBits ? positions : 0);
  let sum = 0;
  runBlocks(k, a, b, m, bytes, opts, (start, len) => {
    const rows = Math.min(len, positions - start); // the last position has no next byte
    if (rows > 0)
      sum = scoreBlock(
        k,
        a,
        m.hidden,
        b.hs,
        b.px,
        r,
        z,
        pbits,
        rows,
        sum,
        keepBits ? bits : null,
        start,
      );
  });
  return { bpc: sum / positions, positions, bits };
}
