/**
 * The sat-rnn parameters and the original `sat_model.bin` file layout.
 *
 * File: raw little-endian float32, no header, row-major, in this order:
 *   Wx[H][256], Wh[H][H], bh[H], Wy[256][H], by[256]
 * `Wh[i][j]` feeds h_j(t−1) into h_i(t). For H = 128 the file has 82,304 floats = 329,216 bytes.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.js';

/** Byte alphabet size: inputs and outputs are bytes. */
export const VOCAB = 256;
/** Hidden size of the published sat-rnn. */
export const HIDDEN = 128;

export interface SatRnn {
  /** Number of hidden units H. */
  readonly hidden: number;
  /** Input weights, [H][256]: column x is the embedding of byte x. */
  readonly Wx: Float32Array;
  /** Recurrent weights, [H][H]: Wh[i·H + j] feeds h_j(t−1) into h_i(t). */
  readonly Wh: Float32Array;
  /** Hidden bias, [H]. */
  readonly bh: Float32Array;
  /** Readout weights, [256][H]. */
  readonly Wy: Float32Array;
  /** Output bias, [256]. */
  readonly by: Float32Array;
}

/** Names of the parameter tensors in file order. */
export const TENSOR_NAMES = ['Wx', 'Wh', 'bh', 'Wy', 'by'] as const;
export type TensorName = (typeof TENSOR_NAMES)[number];

/**
 * Element count of each tensor for hidden size H, in file order.
 *
 * @example
 * tensorSizes(128); // → { Wx: 32768, Wh: 16384, bh: 128, Wy: 32768, by: 256 }
 */
export function tensorSizes(hidden: number): Record<TensorName, number> {
  return { Wx: hidden * VOCAB, Wh: hidden * hidden, bh: hidden, Wy: VOCAB * hidden, by: VOCAB };
}

/**
 * Total parameter count for hidden size H (82,304 for H = 128).
 *
 * @example
 * parameterCount(128); // → 82304
 * parameterCount(8); // → 4424
 */
export function parameterCount(hidden: number): number {
  const s = tensorSizes(hidden);
  return s.Wx + s.Wh + s.bh + s.Wy + s.by;
}

/** A zero-initialised model with H hidden units. */
export function zeroModel(hidden: number = HIDDEN): SatRnn {
  if (!Number.isInteger(hidden) || hidden < 1) {
    throw new RangeError(`hidden: expected a positive integer, got ${hidden}`);
  }
  const s = tensorSizes(hidden);
  return {
    hidden,
    Wx: new Float32Array(s.Wx),
    Wh: new Float32Array(s.Wh),
    bh: new Float32Array(s.bh),
    Wy: new Float32Array(s.Wy),
    by: new Float32Array(s.by),
  };
}

/** The parameter tensors in file order (views, not copies). */
export function tensors(m: SatRnn): Float32Array[] {
  return [m.Wx, m.Wh, m.bh, m.Wy, m.by];
}

/** A deep copy of a model. */
export function cloneModel(m: SatRnn): SatRnn {
  return {
    hidden: m.hidden,
    Wx: m.Wx.slice(),
    Wh: m.Wh.slice(),
    bh: m.bh.slice(),
    Wy: m.Wy.slice(),
    by: m.by.slice(),
  };
}

/** Copy every parameter of `src` into `dst` (same hidden size). */
export function copyModelInto(dst: SatRnn, src: SatRnn): void {
  if (dst.hidden !== src.hidden)
    throw new RangeError(`copyModelInto: hidden ${dst.hidden} != ${src.hidden}`);
  const d = tensors(dst);
  tensors(src).forEach((t, i) => d[i].set(t));
}

/**
 * Check a model's shapes and values; throws naming `label` (e.g. a file) and the offending tensor.
 */
export function validateModel(m: SatRnn, label = 'model'): void {
  const s = tensorSizes(m.hidden);
  for (const name of TENSOR_NAMES) {
    const t = m[name];
    if (t.length !== s[name]) {
      throw new RangeError(
        `${label}: ${name} has ${t.length} values, expected ${s[name]} for hidden=${m.hidden}`,
      );
    }
    for (let k = 0; k < t.length; k++) {
      if (!Number.isFinite(t[k])) {
        throw new RangeError(`${label}: ${name}[${k}] is ${t[k]}; every weight must be finite`);
      }
    }
  }
}

/** Hidden size whose file has `bytes` bytes, or null when no integer H fits. */
export function hiddenForFileSize(bytes: number): number | null {
  if (bytes % 4 !== 0) return null;
  const floats = bytes / 4;
  // floats = H² + 513·H + 256  →  H = (−513 + √(513² − 4·(256 − floats))) / 2
  const h = Math.round((-513 + Math.sqrt(513 * 513 + 4 * (floats - 256))) / 2);
  return h >= 1 && parameterCount(h) === floats ? h : null;
}

/** Parse a `sat_model.bin` image. `expectedHidden` defaults to 128; pass null to infer H from the size. */
export function decodeModel(
  buf: Uint8Array,
  label = 'model',
  expectedHidden: number | null = HIDDEN,
): SatRnn {
  const hidden = expectedHidden ?? hiddenForFileSize(buf.byteLength);
  if (hidden === null || buf.byteLength !== parameterCount(hidden) * 4) {
    const bytesFor = (h: number) =>
      `${(parameterCount(h) * 4).toLocaleString('en')} bytes for H = ${h}`;
    const want =
      expectedHidden === null
        ? `${bytesFor(HIDDEN)} (or 4·(H² + 513·H + 256) bytes for another hidden size H)`
        : `${bytesFor(expectedHidden)} (Wx, Wh, bh, Wy, by as float32)`;
    const what = buf.byteLength < parameterCount(hidden ?? HIDDEN) * 4 ? 'truncated' : 'wrong size';
    throw new RangeError(
      `${label}: ${what}: ${buf.byteLength.toLocaleString('en')} bytes, expected ${want}`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const m = zeroModel(hidden);
  let off = 0;
  for (const t of tensors(m)) {
    for (let k = 0; k < t.length; k++, off += 4) t[k] = view.getFloat32(off, true);
  }
  validateModel(m, label);
  return m;
}

/** Serialise to the `sat_model.bin` layout (little-endian float32). */
export function encodeModel(m: SatRnn): Uint8Array {
  validateModel(m);
  const out = new Uint8Array(parameterCount(m.hidden) * 4);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const t of tensors(m)) {
    for (let k = 0; k < t.length; k++, off += 4) view.setFloat32(off, t[k], true);
  }
  return out;
}

/** Load a model file; errors name the file and what was expected. */
export function loadModel(path: string, expectedHidden: number | null = HIDDEN): SatRnn {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(
      `model file ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  return decodeModel(buf, `model file ${path}`, expectedHidden);
}

/** Save a model in the original layout, atomically. */
export function saveModel(path: string, m: SatRnn): void {
  writeFileAtomic(path, encodeModel(m));
}
