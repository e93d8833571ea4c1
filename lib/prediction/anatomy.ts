/**
 * What the sat-rnn is made of: its parameter inventory, its training text and how saturated its
 * hidden state is (notebook 00).
 *
 *   h_t = tanh(bh + Wx[:, x_t] + Wh·h_{t−1}),  logits_t = by + Wy·h_t
 */
import {
  TENSOR_NAMES,
  VOCAB,
  parameterCount,
  tensorSizes,
  type SatRnn,
  type TensorName,
} from '../core/model.js';
import { byteCounts } from '../core/data.js';

/** One line of the parameter inventory. */
export interface InventoryRow {
  readonly matrix: TensorName | 'total';
  /** Shape as rows × columns. */
  readonly dims: string;
  readonly parameters: number;
  /** Share of all parameters, in [0, 1]. */
  readonly share: number;
  /** Where it enters the forward pass. */
  readonly term: string;
  readonly role: string;
}

const ROLES: Record<TensorName, { term: string; role: string }> = {
  Wx: { term: 'Wx[:, x_t]', role: 'input encoding: column x embeds byte x' },
  Wh: { term: 'Wh·h_{t−1}', role: 'recurrent dynamics: Wh[i][j] feeds h_j(t−1) into h_i(t)' },
  bh: { term: 'bh', role: 'hidden bias' },
  Wy: { term: 'Wy·h_t', role: 'output readout: row o scores byte o' },
  by: { term: 'by', role: 'output bias (byte prior)' },
};

/** Parameter count per tensor for hidden size H, in file order, plus a total row. */
export function parameterInventory(hidden: number): InventoryRow[] {
  const sizes = tensorSizes(hidden);
  const total = parameterCount(hidden);
  const dims: Record<TensorName, string> = {
    Wx: `${hidden} × ${VOCAB}`,
    Wh: `${hidden} × ${hidden}`,
    bh: `${hidden}`,
    Wy: `${VOCAB} × ${hidden}`,
    by: `${VOCAB}`,
  };
  const rows: InventoryRow[] = TENSOR_NAMES.map((name) => ({
    matrix: name,
    dims: dims[name],
    parameters: sizes[name],
    share: sizes[name] / total,
    ...ROLES[name],
  }));
  rows.push({ matrix: 'total', dims: '', parameters: total, share: 1, term: '', role: '' });
  return rows;
}

/** A readable label for a byte: printable ASCII as itself, others by name or hex. */
export function byteLabel(x: number): string {
  if (!Number.isInteger(x) || x < 0 || x > 255)
    throw new RangeError(`byteLabel: expected a byte 0..255, got ${x}`);
  const named: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r', 32: 'space' };
  if (x in named) return named[x];
  if (x > 32 && x < 127) return String.fromCharCode(x);
  return `0x${x.toString(16).padStart(2, '0')}`;
}

/** Byte frequencies of a text, most frequent first (ties by byte value). */
export interface ByteFrequency {
  readonly byte: number;
  readonly label: string;
  readonly count: number;
  /** count / n */
  readonly fraction: number;
}

/** Every byte value that occurs in `bytes`, most frequent first. */
export function byteFrequencies(bytes: Uint8Array): ByteFrequency[] {
  const c = byteCounts(bytes);
  const out: ByteFrequency[] = [];
  for (let x = 0; x < VOCAB; x++)
    if (c[x] > 0)
      out.push({ byte: x, label: byteLabel(x), count: c[x], fraction: c[x] / bytes.length });
  return out.sort((a, b) => b.count - a.count || a.byte - b.byte);
}

/** Empirical entropy of the byte distribution in bits (the bpc of the best order-0 model). */
export function unigramEntropyBits(bytes: Uint8Array): number {
  if (bytes.length === 0) throw new RangeError('unigramEntropyBits: empty text');
  const c = byteCounts(bytes);
  let e = 0;
  for (let x = 0; x < VOCAB; x++)
    if (c[x] > 0) {
      const p = c[x] / bytes.length;
      e -= p * Math.log2(p);
    }
  return e;
}

/** Fraction of values with |v| > threshold (e.g. hidden states with |h| > 0.99). */
export function fractionAbove(values: ArrayLike<number>, threshold: number): number {
  if (values.length === 0) throw new RangeError('fractionAbove: no values');
  if (!(threshold >= 0))
    throw new RangeError(`fractionAbove: threshold must be ≥ 0, got ${threshold}`);
  let k = 0;
  for (let t = 0; t < values.length; t++) if (Math.abs(values[t]) > threshold) k++;
  return k / values.length;
}

/** Per-neuron saturation: fraction of positions with |h_j(t)| > threshold, [H]. `h` is [n][H]. */
export function neuronSaturation(h: Float64Array, hidden: number, threshold: number): Float64Array {
  const n = h.length / hidden;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(
      `neuronSaturation: ${h.length} values is not a whole number of ${hidden}-unit states`,
    );
  const out = new Float64Array(hidden);
  for (let t = 0; t < n; t++)
    for (let j = 0; j < hidden; j++) if (Math.abs(h[t * hidden + j]) > threshold) out[j]++;
  for (let j = 0; j < hidden; j++) out[j] /= n;
  return out;
}

/** Summary statistics of one parameter tensor. */
export interface TensorStats {
  readonly matrix: TensorName;
  readonly mean: number;
  readonly std: number;
  readonly minimum: number;
  readonly maximum: number;
  /** max |w| */
  readonly maxAbs: number;
  /** Fraction of entries with |w| ≥ 3. */
  readonly large: number;
}

/** Mean, standard deviation, range and share of |w| ≥ 3 per tensor. */
export function tensorStats(m: SatRnn): TensorStats[] {
  return TENSOR_NAMES.map((name) => {
    const t = m[name];
    let s = 0,
      s2 = 0,
      lo = Infinity,
      hi = -Infinity,
      big = 0;
    for (let k = 0; k < t.length; k++) {
      const v = t[k];
      s += v;
      s2 += v * v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (Math.abs(v) >= 3) big++;
    }
    const mean = s / t.length;
    return {
      matrix: name,
      mean,
      std: Math.sqrt(Math.max(0, s2 / t.length - mean * mean)),
      minimum: lo,
      maximum: hi,
      maxAbs: Math.max(-lo, hi),
      large: big / t.length,
    };
  });
}
