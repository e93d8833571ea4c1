/**
 * The SN export of the sat-rnn (seed 003, "The SN Export Gap"): binary-ES softmax, the UM forward
 * pass over signed pattern strengths, the exact doubled-E float export, and the byte-strength
 * quantizers (linear with or without the [0, 255] clip, log-scale eq. 5).
 *
 * Binary ES. Hidden neuron j is the event space {h_j+, h_j−} with base-2 accumulators A_j±:
 *   P(h_j+) = 2^{A+} / (2^{A+} + 2^{A−}) = σ(D_j · ln 2),   D_j = A_j+ − A_j−,   h_j = 2P(h_j+) − 1.
 * Since tanh(x) = 2σ(2x) − 1, the UM hidden unit equals the RNN unit exactly when
 *   D_j = 2 · pre_j / ln 2   (the matching condition, eq. 2).
 *
 * Wiring (sign-wired patterns). Every weight w becomes patterns of strength s ≥ 0 whose wiring
 * carries sign(w); we store the pair as one signed strength S = sign(w) · s.
 *  - Hidden → hidden (Wh[j][k]): a mirrored pair. w > 0: h_k+ → h_j+ and h_k− → h_j−; w < 0
 *    (cross-wired): h_k+ → h_j− and h_k− → h_j+. With source activations P(h_k±) the pair adds
 *    s·(P(h_k+) − P(h_k−)) · sign(w) = S · h_k to D_j (eq. 3).
 *  - Input → hidden (Wx[j][x]): input byte x is one event (activation 1 when x_t = x, else 0);
 *    w > 0: x → h_j+, w < 0: x → h_j−. Adds S to D_j when x_t = x.
 *  - Bias (bh[j], by[o]): the constant source event "bias" (activation 1), b > 0: bias → h_j+,
 *    b < 0: bias → h_j−; for outputs, bias → o. Adds S.
 *  - Hidden → output (Wy[o][k]): w > 0: h_k+ → o, w < 0: h_k− → o. Only the binary-ES output
 *    propagates, as its contrast P(h_k+) − P(h_k−) = h_k (the paper's eq. 3 source activation), so
 *    the pattern adds S · h_k to the output accumulator A_o.
 * Layer nonlinearities of a UM with gains (g_h, g_y):
 *   D_j(t) = Sbh_j + Sx[j][x_t] + Σ_k Sh[j][k] h_k(t−1),   h_j(t) = 2σ(g_h · D_j(t)) − 1,
 *   A_o(t) = Sby_o + Σ_k Sy[o][k] h_k(t),                   P(o) = exp(g_y A_o) / Σ exp(g_y A_o').
 * Base-2 log support (the SN reading of strengths) is g_h = g_y = ln 2. Temperature compensation
 * for a linear map with factor α (divide the accumulated support by α before tanh / softmax) is
 * g_h = 2/α, g_y = 1/α, which makes the UM the RNN with dequantized weights S/α.
 */
import { VOCAB, tensorSizes, TENSOR_NAMES, type SatRnn, type TensorName } from '../core/model.js';
import { Memo, contentKey } from './memo.js';
import { scoreStates, type Score } from '../core/rnn.js';

/** Largest byte strength. */
export const MAX_STRENGTH = 255;

/** σ(x) = 1 / (1 + e^{−x}). */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Binary-ES activation h = 2·P(h+) − 1 with P(h+) = σ(gain · D); base-2 support is gain = ln 2. */
export function binaryEsActivation(D: number, gain: number = Math.LN2): number {
  return 2 * sigmoid(gain * D) - 1;
}

/** The matching condition: the accumulator difference D = 2·pre/ln 2 that reproduces tanh(pre). */
export function matchingSupport(pre: number): number {
  return (2 * pre) / Math.LN2;
}

/** A UM network: signed pattern strengths S = sign(w)·s per tensor (shapes as in SatRnn) and gains. */
export interface UmNet {
  readonly hidden: number;
  readonly Sx: Float64Array;
  readonly Sh: Float64Array;
  readonly Sbh: Float64Array;
  readonly Sy: Float64Array;
  readonly Sby: Float64Array;
  /** g_h: P(h+) = σ(g_h · D). */
  readonly hiddenGain: number;
  /** g_y: P(o) ∝ exp(g_y · A_o). */
  readonly outputGain: number;
}

/** Strengths per tensor; each has the shape of the corresponding SatRnn tensor. */
export type Strengths = Record<TensorName, Float64Array>;

/** Build a UM network from signed strengths, checking shapes, finiteness and gains. */
export function umNet(hidden: number, S: Strengths, hiddenGain: number, outputGain: number): UmNet {
  const sizes = tensorSizes(hidden);
  for (const name of TENSOR_NAMES) {
    if (S[name].length !== sizes[name])
      throw new RangeError(
        `strengths ${name}: ${S[name].length} values, expected ${sizes[name]} for hidden=${hidden}`,
      );
    const t = S[name];
    for (let k = 0; k < t.length; k++)
      if (!Number.isFinite(t[k]))
        throw new RangeError(`strengths ${name}[${k}] is ${t[k]}; strengths must be finite`);
  }
  for (const [label, g] of [
    ['hiddenGain', hiddenGain],
    ['outputGain', outputGain],
  ] as const) {
    if (!(g > 0) || !Number.isFinite(g))
      throw new RangeError(`${label}: expected a finite positive number, got ${g}`);
  }
  return { hidden, Sx: S.Wx, Sh: S.Wh, Sbh: S.bh, Sy: S.Wy, Sby: S.by, hiddenGain, outputGain };
}

/**
 * The doubled-E float export: hidden-target strengths S = 2w/ln 2 (so D = 2·pre/ln 2), output
 * strengths S = w/ln 2 (so ln 2 · A_o = logit_o), base-2 gains. Isomorphic to the RNN.
 */
export function doubledE(m: SatRnn): UmNet {
  const toHidden = 2 / Math.LN2,
    toOutput = 1 / Math.LN2;
  const scale = (w: Float32Array, f: number) => Float64Array.from(w, (v) => v * f);
  return umNet(
    m.hidden,
    {
      Wx: scale(m.Wx, toHidden),
      Wh: scale(m.Wh, toHidden),
      bh: scale(m.bh, toHidden),
      Wy: scale(m.Wy, toOutput),
      by: scale(m.by, toOutput),
    },
    Math.LN2,
    Math.LN2,
  );
}

/** UM trajectory: D_j(t) and h_j(t) = 2σ(g_h D_j(t)) − 1, both [n][H]. */
export interface UmTrajectory {
  readonly n: number;
  readonly hidden: number;
  readonly h: Float64Array;
  readonly D: Float64Array;
}

/** The UM forward pass over `bytes` from h_{−1} = 0 (see the module comment for the formulas). */
export function umRun(net: UmNet, bytes: Uint8Array): UmTrajectory {
  const H = net.hidden,
    n = bytes.length;
  const h = new Float64Array(n * H),
    D = new Float64Array(n * H);
  let prev = new Float64Array(H);
  for (let t = 0; t < n; t++) {
    const x = bytes[t];
    const cur = h.subarray(t * H, (t + 1) * H),
      d = D.subarray(t * H, (t + 1) * H);
    for (let j = 0; j < H; j++) d[j] = net.Sbh[j] + net.Sx[j * VOCAB + x];
    addMatVec(net.Sh, H, H, prev, d);
    for (let j = 0; j < H; j++) cur[j] = binaryEsActivation(d[j], net.hiddenGain);
    prev = cur;
  }
  return { n, hidden: H, h, D };
}

/**
 * out[r] += Σ_j W[r][j]·v[j] for the rows of W ([rows][cols]), added one term at a time in order
 * of j as the plain loop does; eight rows side by side (independent chains the CPU overlaps), so
 * the same operations on the same values: the same bits, several times faster.
 */
function addMatVec(
  W: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  out: Float64Array,
): void {
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    const r0 = r * cols,
      r1 = r0 + cols,
      r2 = r1 + cols,
      r3 = r2 + cols,
      r4 = r3 + cols,
      r5 = r4 + cols,
      r6 = r5 + cols,
      r7 = r6 + cols;
    let s0 = out[r],
      s1 = out[r + 1],
      s2 = out[r + 2],
      s3 = out[r + 3],
      s4 = out[r + 4],
      s5 = out[r + 5],
      s6 = out[r + 6],
      s7 = out[r + 7];
    for (let j = 0; j < cols; j++) {
      const x = v[j];
      s0 += W[r0 + j] * x;
      s1 += W[r1 + j] * x;
      s2 += W[r2 + j] * x;
      s3 += W[r3 + j] * x;
      s4 += W[r4 + j] * x;
      s5 += W[r5 + j] * x;
      s6 += W[r6 + j] * x;
      s7 += W[r7 + j] * x;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
    out[r + 4] = s4;
    out[r + 5] = s5;
    out[r + 6] = s6;
    out[r + 7] = s7;
  }
  for (; r < rows; r++) {
    const row = r * cols;
    let s = out[r];
    for (let j = 0; j < cols; j++) s += W[row + j] * v[j];
    out[r] = s;
  }
}

/** The bpc protocol on a UM: all n − 1 positions scored with P(o) ∝ exp(g_y A_o) (lib/rnn scoring). */
export function umEvaluate(
  net: UmNet,
  bytes: Uint8Array,
): Score & { readonly trajectory: UmTrajectory } {
  if (bytes.length < 2)
    throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  const trajectory = umRun(net, bytes);
  const g = net.outputGain;
  const Wy = net.Sy.map((v) => g * v),
    by = net.Sby.map((v) => g * v);
  return { ...scoreStates(Wy, by, net.hidden, trajectory.h, bytes), trajectory };
}

/**
 * A byte-strength mapping |w| → s ∈ ℕ and back (ŵ = sign(w) · decode(s)).
 *  - linear: s = round(α|w|), with `clip` s = min(s, 255); decode s/α.
 *  - log (eq. 5): s = round(255 · ln(1 + c|w|) / ln(1 + c·wmax)); decode (exp(s·L/255) − 1)/c with
 *    L = ln(1 + c·wmax). Always clipped at 255 (only weights above wmax would exceed it).
 * round() is half away from zero (C's round), applied to a non-negative number.
 */
export type Quantizer = LinearQuantizer | LogQuantizer;
export interface LinearQuantizer {
  readonly kind: 'linear';
  readonly alpha: number;
  readonly clip: boolean;
}
export interface LogQuantizer {
  readonly kind: 'log';
  readonly c: number;
  readonly wmax: number;
  readonly clip: boolean;
}

/** Linear quantizer; α must be finite and > 0. */
export function linearQuantizer(alpha: number, clip: boolean): LinearQuantizer {
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new RangeError(`alpha: expected a finite positive number, got ${alpha}`);
  return { kind: 'linear', alpha, clip };
}

/** Log-scale quantizer (eq. 5) with wmax = max|w| of `w` unless given; c and wmax must be > 0. */
export function logQuantizer(
  c: number,
  w: ArrayLike<number>,
  wmax: number = maxAbs(w, 'w'),
): LogQuantizer {
  if (!(c > 0) || !Number.isFinite(c))
    throw new RangeError(`c: expected a finite positive number, got ${c}`);
  if (!(wmax > 0) || !Number.isFinite(wmax))
    throw new RangeError(`wmax: expected a finite positive number, got ${wmax}`);
  return { kind: 'log', c, wmax, clip: true };
}

/** max|w|, rejecting non-finite entries (named by `label`). */
export function maxAbs(w: ArrayLike<number>, label: string): number {
  let m = 0;
  for (let k = 0; k < w.length; k++) {
    if (!Number.isFinite(w[k]))
      throw new RangeError(`${label}[${k}] is ${w[k]}; weights must be finite`);
    m = Math.max(m, Math.abs(w[k]));
  }
  return m;
}

/** Byte strength s ≥ 0 of one magnitude |w|. */
export function strengthOf(absW: number, q: Quantizer): number {
  return strengthFunction(q)(absW);
}

/**
 * `strengthOf` for one quantizer, with what depends on the quantizer alone (the log map's
 * ln(1 + c·wmax)) computed once: the same operations on the same values, so the same strengths.
 */
function strengthFunction(q: Quantizer): (absW: number) => number {
  const clip = q.clip;
  if (q.kind === 'linear') {
    const alpha = q.alpha;
    return (absW) => {
      const s = Math.round(alpha * absW);
      return clip ? Math.min(s, MAX_STRENGTH) : s;
    };
  }
  const c = q.c,
    L = Math.log1p(q.c * q.wmax);
  return (absW) => {
    const s = Math.round((MAX_STRENGTH * Math.log1p(c * absW)) / L);
    return clip ? Math.min(s, MAX_STRENGTH) : s;
  };
}

/** Magnitude a strength stands for: s/α (linear) or (exp(s·L/255) − 1)/c (log). */
export function magnitudeOf(s: number, q: Quantizer): number {
  return q.kind === 'linear'
    ? s / q.alpha
    : Math.expm1((s * Math.log1p(q.c * q.wmax)) / MAX_STRENGTH) / q.c;
}

/** Signed strengths S = sign(w) · s(|w|) of a tensor (s = 0 means the weight is dropped). */
export function encodeStrengths(w: ArrayLike<number>, q: Quantizer, label = 'w'): Float64Array {
  maxAbs(w, label);
  const strength = strengthFunction(q);
  const S = new Float64Array(w.length);
  for (let k = 0; k < w.length; k++) {
    const s = strength(Math.abs(w[k]));
    S[k] = s === 0 ? 0 : Math.sign(w[k]) * s;
  }
  return S;
}

/** Dequantized weights ŵ = sign(S) · magnitudeOf(|S|) (the temperature-compensated weights). */
export function decodeStrengths(S: ArrayLike<number>, q: Quantizer): Float32Array {
  // magnitudeOf of the byte strengths 0 … 255, each computed once (the log map's exp is the cost).
  const table = Float64Array.from({ length: MAX_STRENGTH + 1 }, (_, s) => magnitudeOf(s, q));
  const w = new Float32Array(S.length);
  for (let k = 0; k < S.length; k++) {
    const a = Math.abs(S[k]);
    const magnitude = Number.isInteger(a) && a <= MAX_STRENGTH ? table[a] : magnitudeOf(a, q);
    w[k] = S[k] === 0 ? 0 : Math.sign(S[k]) * magnitude;
  }
  return w;
}

/** Per-tensor quantizers; a tensor without one stays exact float. */
export type QuantSpec = Partial<Record<TensorName, Quantizer>>;

/**
 * The temperature-compensated quantized model: every tensor with a quantizer is replaced by its
 * dequantized weights (for linear maps, the UM with D divided by α before tanh, per layer).
 */
export function quantizeModel(m: SatRnn, spec: QuantSpec): SatRnn {
  const out = { hidden: m.hidden, Wx: m.Wx, Wh: m.Wh, bh: m.bh, Wy: m.Wy, by: m.by };
  for (const name of TENSOR_NAMES) {
    const q = spec[name];
    out[name] = q ? dequantized(m[name], q, name).slice() : m[name].slice();
  }
  return out;
}

/** Dequantized tensors by the content of the weights and the quantizer (lib/sn/memo.ts), 32 MB. */
const DEQUANTIZED = new Memo<Float32Array>(32 * 2 ** 20, (w) => w.byteLength);

/** decodeStrengths(encodeStrengths(w, q), q), remembered (a sweep quantizes the same tensor at the same map again and again). Shared: copy before use. */
function dequantized(w: Float32Array, q: Quantizer, label: TensorName): Float32Array {
  const params = q.kind === 'linear' ? [q.alpha, q.clip] : [q.c, q.wmax, q.clip];
  return DEQUANTIZED.get(contentKey('dequantized', w, q.kind, ...params), () =>
    decodeStrengths(encodeStrengths(w, q, label), q),
  );
}

/**
 * The uncompensated UM runner: strengths S = sign(w)·round(α|w|) on every tensor (biases too when
 * `biases` is 'quantized'; 'dropped' exports none), read as base-2 support (g_h = g_y = ln 2).
 */
export function linearUm(m: SatRnn, q: Quantizer, biases: 'quantized' | 'dropped'): UmNet {
  const enc = (name: TensorName) =>
    biases === 'dropped' && (name === 'bh' || name === 'by')
      ? new Float64Array(m[name].length)
      : encodeStrengths(m[name], q, name);
  return umNet(
    m.hidden,
    { Wx: enc('Wx'), Wh: enc('Wh'), bh: enc('bh'), Wy: enc('Wy'), by: enc('by') },
    Math.LN2,
    Math.LN2,
  );
}

/** Counts of a strength tensor: exported (|S| ≥ 1), dropped, largest strength. */
export interface StrengthStats {
  readonly total: number;
  readonly exported: number;
  readonly dropped: number;
  readonly droppedFraction: number;
  readonly maxStrength: number;
}

export function strengthStats(S: ArrayLike<number>): StrengthStats {
  let exported = 0,
    maxStrength = 0;
  for (let k = 0; k < S.length; k++) {
    const s = Math.abs(S[k]);
    if (s >= 1) exported++;
    maxStrength = Math.max(maxStrength, s);
  }
  const total = S.length;
  return {
    total,
    exported,
    dropped: total - exported,
    droppedFraction: (total - exported) / total,
    maxStrength,
  };
}

/** Magnitude bits needed for strengths up to `maxStrength`: log2(maxStrength + 1) (sign is in the wiring). */
export function bitsPerWeight(maxStrength: number): number {
  return Math.log2(maxStrength + 1);
}

/** Mean, RMS, standard deviation and max |·| over all entries (e.g. pre-activations, [n][H]). */
export function magnitudeStats(v: ArrayLike<number>): {
  mean: number;
  rms: number;
  std: number;
  maxAbs: number;
} {
  let s = 0,
    s2 = 0,
    mx = 0;
  for (let k = 0; k < v.length; k++) {
    s += v[k];
    s2 += v[k] * v[k];
    mx = Math.max(mx, Math.abs(v[k]));
  }
  const mean = s / v.length,
    ms = s2 / v.length;
  return { mean, rms: Math.sqrt(ms), std: Math.sqrt(ms - mean * mean), maxAbs: mx };
}

/**
 * Log-scale byte step at |w|: dw/ds = (1 + c|w|) · ln(1 + c·wmax) / (255·c), the weight change one
 * strength step stands for (the paper's δ; its inverse is the resolution ds/dw).
 */
export function logStep(absW: number, q: Quantizer): number {
  if (q.kind !== 'log') throw new RangeError(`q: logStep needs a log quantizer, got ${q.kind}`);
  return ((1 + q.c * absW) * Math.log1p(q.c * q.wmax)) / (MAX_STRENGTH * q.c);
}

/**
 * Measured single-step recurrent noise: the RMS over t ≥ 1 and i of Σ_j (Ŵh − Wh)[i][j] · h_j(t−1)
 * along the float trajectory `states` ([n][H]) — the pre-activation error that one step of the
 * quantized Wh adds to an exact state.
 */
export function recurrentNoiseRms(
  Wh: ArrayLike<number>,
  WhHat: ArrayLike<number>,
  hidden: number,
  states: Float64Array,
): number {
  const H = hidden,
    n = states.length / H;
  if (Wh.length !== H * H || WhHat.length !== H * H)
    throw new RangeError(`Wh, WhHat: expected ${H}×${H} values`);
  let s2 = 0;
  for (let t = 1; t < n; t++) {
    for (let i = 0; i < H; i++) {
      let e = 0;
      for (let j = 0; j < H; j++) e += (WhHat[i * H + j] - Wh[i * H + j]) * states[(t - 1) * H + j];
      s2 += e * e;
    }
  }
  return Math.sqrt(s2 / ((n - 1) * H));
}
