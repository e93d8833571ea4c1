/**
 * Fast readout fitting in two arithmetics.
 *
 * Float64 (`fastReadoutLossGrad`): `readoutLossGrad` of lib/construction/readout.ts (mean
 * cross-entropy of a readout on fixed features and its gradient) in WebAssembly SIMD. Per block of
 * 64 positions the logits are one GEMM (states · Wyᵀ) and the gradient one more (dlogitsᵀ ·
 * states); operation order and Math functions are the reference's, so the results are
 * bit-identical.
 *
 * Float32 (`readoutSession32`): the original programs' arithmetic (C `float` states, readout,
 * logits and gradient sums; `double` loss), four lanes per vector and the kernels' own exp/log
 * (asm/kernels.ts readoutGrad32). A session keeps the states and the readout in a kernel instance
 * of its own, so a descent copies the 1006×128 states in once instead of once per epoch, and
 * updates the readout where it lies. Not bit-identical to anything: tested against the float64
 * reference within stated tolerances (test/readout32.test.ts).
 */
import { VOCAB } from '../core/model.js';
import type { Readout, ReadoutProblem } from '../core/types.js';
import { Arena, kernels, newInstance, simdHidden } from './wasm.js';
import { timesTransposed } from './gram.js';

const F = 8;
/** Positions per block of the readout kernels (ROWS of asm/kernels.ts). */
const ROWS = 64;

/** Same contract as `readoutLossGrad`: returns the mean loss (nats); gWy [256][H] and gby [256] are overwritten. */
export function fastReadoutLossGrad(
  p: ReadoutProblem,
  r: Readout,
  gWy: Float64Array,
  gby: Float64Array,
): number {
  const H = p.hidden;
  if (!simdHidden(H))
    throw new RangeError(
      `fast kernels need hidden % 8 == 0, got ${H}; use lib/construction/readout.ts`,
    );
  const n = p.bytes.length;
  const k = kernels();
  const a = new Arena(k);
  const px = a.alloc(n),
    hs = a.alloc(n * H * F);
  const pwy = a.alloc(VOCAB * H * F),
    wyT = a.alloc(VOCAB * H * F),
    pby = a.alloc(VOCAB * F);
  const pz = a.alloc(64 * VOCAB * F),
    pgWy = a.alloc(VOCAB * H * F),
    pgby = a.alloc(VOCAB * F);
  a.u8(px, n).set(p.bytes);
  a.f64(hs, n * H).set(p.states);
  a.f64(pwy, VOCAB * H).set(r.Wy);
  a.f64(pby, VOCAB).set(r.by);
  k.transpose64(pwy, VOCAB, H, wyT);
  const loss = k.readoutGrad64(H, p.from, p.to, px, hs, wyT, pby, pz, pgWy, pgby);
  gWy.set(a.f64(pgWy, VOCAB * H));
  gby.set(a.f64(pgby, VOCAB));
  return loss;
}

/** A readout descending in float32 on one problem (see the module comment). */
export interface ReadoutSession32 {
  /**
   * Mean cross-entropy (nats) of the current readout over the problem's positions, summed in
   * float64; computes the gradient that `descend` and `gradient` use.
   */
  lossGrad(): number;
  /**
   * One update along the last `lossGrad`: Wy −= f32(lr/N)·ΣgWy, and by too when `fitBias`, in
   * float32, as the programs' `sc = lr / N; Wy[o][j] -= sc * dWy[o][j]` (lr per mean gradient).
   */
  descend(lr: number, fitBias: boolean): void;
  /** The last `lossGrad`'s gradient of the mean loss, widened: overwrites gWy [256][H], gby [256]. */
  gradient(gWy: Float64Array, gby: Float64Array): void;
  /** The current readout, widened to float64: Wy [256][H], by [256]. */
  readout(): Readout;
}

/**
 * The states' rows as sums of distinct slices: the H columns cut into Q = H / 8 slices of 8, each
 * slice's distinct float32 values over the rows [from, to) stored once. `codes` [to][Q] holds the
 * id of row t's slice q (−1 for an all-zero slice; rows before `from` are −1, never read); the ids
 * of slice q are [start[q], start[q + 1]) and `vals` [ids][8] their values.
 */
export interface StateSlices {
  readonly codes: Int32Array;
  readonly vals: Float32Array;
  readonly start: Int32Array;
}

/**
 * `StateSlices` of a problem's states when they pay: when the distinct slices (8 values each) and
 * the Q row additions per position cost at most half the dense H-long product, i.e.
 * 8·ids + N·Q ≤ N·H / 2. The shift-register carriers pass (a group is a function of one byte
 * back: a few ids per slice); a trained model's states do not (almost every slice is new), null.
 */
export function stateSlices(p: ReadoutProblem): StateSlices | null {
  const H = p.hidden,
    N = p.to - p.from;
  if (H % 8 !== 0) return null;
  const Q = H / 8;
  const f = new Float32Array(8),
    u = new Uint32Array(f.buffer);
  const ids = Array.from({ length: Q }, () => new Map<string, number>());
  const values: number[][] = Array.from({ length: Q }, () => []);
  const local = new Int32Array(p.to * Q).fill(-1);
  const budget = (N * H) / 2 - N * Q;
  let count = 0;
  for (let t = p.from; t < p.to; t++) {
    for (let q = 0; q < Q; q++) {
      f.set(p.states.subarray(t * H + q * 8, t * H + q * 8 + 8));
      if (u.every((v) => (v & 0x7fffffff) === 0)) continue; // ±0: adds nothing
      const key = u.join(',');
      let id = ids[q].get(key);
      if (id === undefined) {
        if (8 * ++count > budget) return null;
        id = ids[q].size;
        ids[q].set(key, id);
        values[q].push(...f);
      }
      local[t * Q + q] = id;
    }
  }
  const start = new Int32Array(Q + 1);
  for (let q = 0; q < Q; q++) start[q + 1] = start[q] + ids[q].size;
  const codes = local.map((id, i) => (id < 0 ? -1 : start[i % Q] + id));
  return { codes, vals: Float32Array.from(values.flat()), start };
}

/**
 * A float32 session on problem `p` from readout `init` (not modified): states [n][H] and the
 * readout are rounded to float32 once. Any hidden size (the GEMMs tile the 256 outputs, not H).
 * States that are sums of few distinct slices (`stateSlices`, the carriers) take the sliced kernel
 * (readoutGradSlices32) unless `dense` is set: the same float32 quantities, summed in another order.
 */
export function readoutSession32(
  p: ReadoutProblem,
  init: Readout,
  dense = false,
): ReadoutSession32 {
  const H = p.hidden,
    n = p.bytes.length,
    N = p.to - p.from;
  if (init.Wy.length !== VOCAB * H || init.by.length !== VOCAB)
    throw new RangeError(
      `readout: Wy ${init.Wy.length} and by ${init.by.length} values, expected ${VOCAB * H} and ${VOCAB}`,
    );
  const slices = dense ? null : stateSlices(p);
  const k = newInstance(); // its memory holds this session's readout between calls
  const a = new Arena(k);
  const px = a.alloc(n),
    wyT = a.alloc(H * VOCAB * 4),
    by = a.alloc(VOCAB * 4),
    z = a.alloc(ROWS * VOCAB * 4),
    gWyT = a.alloc(H * VOCAB * 4),
    gby = a.alloc(VOCAB * 4),
    rows = a.alloc(2 * ROWS * 4);
  let lossGrad: () => number;
  if (slices === null) {
    const hs = a.alloc(p.to * H * 4);
    a.f32(hs, p.to * H).set(p.states.subarray(0, p.to * H)); // rows ≥ to are never read
    lossGrad = () => k.readoutGrad32(H, p.from, p.to, px, hs, wyT, by, z, gWyT, gby, rows);
  } else {
    const ids = slices.start[H / 8];
    const codes = a.alloc(slices.codes.length * 4),
      vals = a.alloc(slices.vals.length * 4),
      start = a.alloc(slices.start.length * 4),
      tables = a.alloc(ids * VOCAB * 4),
      resid = a.alloc(ids * VOCAB * 4);
    a.i32(codes, slices.codes.length).set(slices.codes);
    a.f32(vals, slices.vals.length).set(slices.vals);
    a.i32(start, slices.start.length).set(slices.start);
    lossGrad = () =>
      k.readoutGradSlices32(
        H,
        p.from,
        p.to,
        px,
        codes,
        vals,
        start,
        wyT,
        by,
        tables,
        resid,
        z,
        gWyT,
        gby,
        rows,
      );
  }
  a.u8(px, n).set(p.bytes);
  const w = a.f32(wyT, H * VOCAB);
  for (let o = 0; o < VOCAB; o++) for (let j = 0; j < H; j++) w[j * VOCAB + o] = init.Wy[o * H + j];
  a.f32(by, VOCAB).set(init.by);
  return {
    lossGrad,
    descend: (lr, fitBias) => {
      const s = lr / N; // rounded to float32 at the call, as the programs' `float sc`
      k.descend32(wyT, gWyT, H * VOCAB, s);
      if (fitBias) k.descend32(by, gby, VOCAB, s);
    },
    gradient: (gWy, gb) => {
      const g = a.f32(gWyT, H * VOCAB);
      for (let o = 0; o < VOCAB; o++)
        for (let j = 0; j < H; j++) gWy[o * H + j] = g[j * VOCAB + o] / N;
      const b = a.f32(gby, VOCAB);
      for (let o = 0; o < VOCAB; o++) gb[o] = b[o] / N;
    },
    readout: () => {
      const Wy = new Float64Array(VOCAB * H),
        w = a.f32(wyT, H * VOCAB);
      for (let o = 0; o < VOCAB; o++) for (let j = 0; j < H; j++) Wy[o * H + j] = w[j * VOCAB + o];
      return { Wy, by: Float64Array.from(a.f32(by, VOCAB)) };
    },
  };
}

/**
 * Same contract as `readoutLossGrad` in float32 (a one-call session): returns the mean loss (nats);
 * gWy [256][H] and gby [256] are overwritten with the gradient of the mean loss.
 */
export function fastReadoutLossGrad32(
  p: ReadoutProblem,
  r: Readout,
  gWy: Float64Array,
  gby: Float64Array,
): number {
  const s = readoutSession32(p, r);
  const loss = s.lossGrad();
  s.gradient(gWy, gby);
  return loss;
}

/**
 * The kernels' float32 e^x and ln x (exp4 and log4 of asm/kernels.ts) over `x`, rounded to float32
 * first: for measuring their error against Math.exp and Math.log.
 */
export function kernelExpLog32(x: ArrayLike<number>): { exp: Float32Array; log: Float32Array } {
  const n = Math.ceil(x.length / 4) * 4;
  const k = kernels();
  const a = new Arena(k);
  const px = a.alloc(n * 4),
    pe = a.alloc(n * 4),
    pl = a.alloc(n * 4);
  a.f32(px, n).fill(1).set(Array.from(x));
  k.exp32(px, n, pe);
  k.log32(px, n, pl);
  return { exp: a.f32(pe, x.length).slice(), log: a.f32(pl, x.length).slice() };
}

/**
 * The distinct outputs of a readout (D [256][H], by [256]): outputs whose direction and bias are
 * equal to the bit have equal logits everywhere. `first[u]` is the first output of group u (in output
 * order), `count[u]` its size, `group[o]` the group of output o.
 */
function outputGroups(
  D: Float64Array,
  by: Float64Array,
  H: number,
): { first: number[]; count: number[]; group: Uint8Array } {
  const seen = new Map<string, number>(),
    first: number[] = [],
    count: number[] = [],
    group = new Uint8Array(VOCAB);
  for (let o = 0; o < VOCAB; o++) {
    const row = Buffer.from(D.buffer, D.byteOffset + o * H * F, H * F);
    const key = `${by[o]}:${row.toString('base64')}`;
    let u = seen.get(key);
    if (u === undefined) {
      u = first.length;
      seen.set(key, u);
      first.push(o);
      count.push(0);
    }
    count[u]++;
    group[o] = u;
  }
  return { first, count, group };
}

/**
 * A scale sweep's nats in float64 WebAssembly SIMD (`scaleSweepNats` of lib/construction/pinv.ts):
 * nats [K][n], nats[k·n + r] = −max(ln softmax(by + s_k·D·x_r)[y_r], lnFloor) for rows X [n][H],
 * D [256][H], by [256], scales [K] and targets y [n]. Equal outputs (`outputGroups`: the bytes a
 * text never shows have one direction and one bias) are computed once and counted as many times,
 * an exact saving (5× on the 1 KB text); the products are one GEMM (`timesTransposed`, the
 * reference's sums) and the logits the reference's to the bit. The softmax sums take the kernels'
 * own e^x (exp2d of asm/kernels.ts) in two lanes, so each value is the reference's to float64
 * rounding (test/fast.test.ts).
 */
export function fastScaleSweepNats(
  X: Float64Array,
  n: number,
  H: number,
  D: Float64Array,
  by: Float64Array,
  scales: readonly number[],
  y: Uint8Array,
  lnFloor: number,
): Float64Array {
  const K = scales.length;
  if (X.length !== n * H || D.length !== VOCAB * H || by.length !== VOCAB || y.length !== n)
    throw new RangeError(
      `fastScaleSweepNats: expected X ${n}×${H}, D ${VOCAB}×${H}, by [${VOCAB}] and y [${n}], got ${X.length}, ${D.length}, ${by.length} and ${y.length} values`,
    );
  const { first, count, group } = outputGroups(D, by, H);
  // U groups, padded to a multiple of 4 (the GEMM's) with copies of group 0 that count 0 times.
  const U = Math.ceil(first.length / 4) * 4;
  const Du = new Float64Array(U * H),
    bu = new Float64Array(U),
    cu = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    const o = first[u < first.length ? u : 0];
    Du.set(D.subarray(o * H, o * H + H), u * H);
    bu[u] = by[o];
    cu[u] = u < first.length ? count[u] : 0;
  }
  const Z = timesTransposed(X, n, H, Du, U);
  const k = kernels();
  const a = new Arena(k);
  const pz = a.alloc(Z.length * F),
    pb = a.alloc(U * F),
    pc = a.alloc(U * F),
    ps = a.alloc(K * F),
    py = a.alloc(n),
    pn = a.alloc(K * n * F);
  a.f64(pz, Z.length).set(Z);
  a.f64(pb, U).set(bu);
  a.f64(pc, U).set(cu);
  a.f64(ps, K).set(scales);
  a.u8(py, n).set(y.map((x) => group[x]));
  k.logSoftmaxSweep64(n, U, pz, pb, pc, ps, K, py, lnFloor, pn);
  return a.f64(pn, K * n).slice();
}

/** The kernels' float64 e^x (exp2d of asm/kernels.ts) over `x`: for measuring its error against Math.exp. */
export function kernelExp64(x: ArrayLike<number>): Float64Array {
  const n = Math.ceil(x.length / 2) * 2;
  const k = kernels();
  const a = new Arena(k);
  const px = a.alloc(n * F),
    pe = a.alloc(n * F);
  a.f64(px, n).fill(0).set(Array.from(x));
  k.exp64(px, n, pe);
  return a.f64(pe, x.length).slice();
}
