/** Loading the byte texts the experiments run on, with clear errors. */
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** sha256 of the sat-rnn training text (first 1024 bytes of enwik8). */
export const ENWIK_1024_SHA256 = 'ef3e698d40b8b36d6d1776feccc25bab3d01de872a4fd8e56f5b929631568496';

/** The largest text read: 100,000,000 bytes, the whole of enwik8. */
export const MAX_TEXT_BYTES = 100_000_000;

/**
 * Read a text as raw bytes; at least `minBytes` (default 2: one scored position) are required.
 * Only regular files up to MAX_TEXT_BYTES are read (a device such as /dev/zero would never end).
 */
export function loadBytes(path: string, minBytes = 2): Uint8Array {
  let buf: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new RangeError(
        `data file ${path}: not a regular file; expected a text file of at most ${MAX_TEXT_BYTES.toLocaleString('en')} bytes`,
      );
    if (st.size > MAX_TEXT_BYTES)
      throw new RangeError(
        `data file ${path}: ${st.size.toLocaleString('en')} bytes, more than the limit of ${MAX_TEXT_BYTES.toLocaleString('en')} (the whole of enwik8)`,
      );
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new Error(
      `data file ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  if (buf.byteLength < minBytes) {
    throw new RangeError(
      `data file ${path}: ${buf.byteLength} bytes, expected at least ${minBytes}`,
    );
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Hex sha256 of a byte array or file contents. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Count of each byte value, [256]. */
export function byteCounts(bytes: Uint8Array): Float64Array {
  const c = new Float64Array(256);
  for (let t = 0; t < bytes.length; t++) c[bytes[t]]++;
  return c;
}

/**
 * Add-½ smoothed byte frequencies (count_o + 0.5)/(n + 128) over all n bytes of the text, [256]:
 * the constructions' marginal (the PI residual target subtracts it).
 *
 * @example
 * const p = smoothedMarginal(new Uint8Array([97, 97, 98]));
 * // byte 97 occurs twice in 3 bytes: (2 + 0.5) / (3 + 128)
 * p[97]; // → 0.0190840
 * p.reduce((a, b) => a + b, 0); // → 1.000000
 */
export function smoothedMarginal(bytes: Uint8Array): Float64Array {
  if (bytes.length === 0) throw new RangeError('bytes: empty text');
  return byteCounts(bytes).map((v) => (v + 0.5) / (bytes.length + 128));
}

/** by of the constructed models: log((count_o + 0.5)/(n + 128)) over all n bytes of the text, [256]. */
export function marginalBias(bytes: Uint8Array): Float32Array {
  return Float32Array.from(smoothedMarginal(bytes), Math.log);
}
