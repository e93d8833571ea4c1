/**
 * The hidden state position by position, for figures that step through a run (one frame per
 * position): the signs of the H units after reading x_t, the byte read, and the readout's most
 * likely next bytes with their probabilities beside the byte that actually came.
 */
import { VOCAB } from './model.js';
import { readout } from './rnn.js';

/** One position t of a run. */
export interface StateFrame {
  readonly t: number;
  /** x_t, the byte just read. */
  readonly read: number;
  /** x_{t+1}, the byte the readout predicts (null at the last position). */
  readonly next: number | null;
  /** sign h_j(t) ∈ {−1, +1} (sign(0) = +1), [H]. */
  readonly signs: Int8Array;
  /** The `top` most likely next bytes, most likely first (ties by byte value). */
  readonly top: ReadonlyArray<{ readonly byte: number; readonly p: number }>;
  /** p(x_{t+1}) under the readout (null at the last position). */
  readonly pNext: number | null;
}

/**
 * Frames of the positions `positions` of a run: `states` [n][H] (row t = h(t) after reading
 * x_t), the readout (Wy [256][H], by [256]) and the `top` most likely next bytes.
 *
 * @example
 * // One unit, h = (0.5, −0.2); a readout whose logits favour byte 1 for h > 0 and byte 0 for h < 0.
 * const Wy = new Float64Array(256); Wy[1] = 4; Wy[0] = -4;
 * const f = stateFrames(Float64Array.from([0.5, -0.2]), 1, Uint8Array.from([7, 9]), { Wy, by: new Float64Array(256) }, [0, 1], 1);
 * [f[0].signs[0], f[0].top[0].byte, f[1].signs[0], f[1].top[0].byte, f[1].next]; // → [1, 1, -1, 0, null]
 */
export function stateFrames(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  r: { readonly Wy: ArrayLike<number>; readonly by: ArrayLike<number> },
  positions: readonly number[],
  top = 5,
): StateFrame[] {
  const n = bytes.length;
  if (states.length !== n * hidden)
    throw new RangeError(
      `states: ${states.length} values, expected ${n} positions × ${hidden} hidden`,
    );
  if (r.Wy.length !== VOCAB * hidden || r.by.length !== VOCAB)
    throw new RangeError(`readout: expected Wy [256][${hidden}] and by [256]`);
  if (!(Number.isInteger(top) && top >= 1 && top <= VOCAB))
    throw new RangeError(`top: expected an integer in [1, 256], got ${top}`);
  const logits = new Float64Array(VOCAB);
  return positions.map((t) => {
    if (!(Number.isInteger(t) && t >= 0 && t < n))
      throw new RangeError(`positions: ${t} is outside the text's 0..${n - 1}`);
    const signs = new Int8Array(hidden);
    for (let j = 0; j < hidden; j++) signs[j] = states[t * hidden + j] >= 0 ? 1 : -1;
    readout(r.Wy, r.by, hidden, states, t * hidden, logits);
    let max = -Infinity;
    for (const l of logits) max = Math.max(max, l);
    let z = 0;
    for (const l of logits) z += Math.exp(l - max);
    const p = (o: number) => Math.exp(logits[o] - max) / z;
    const order = Array.from({ length: VOCAB }, (_, o) => o).sort(
      (a, b) => logits[b] - logits[a] || a - b,
    );
    const next = t + 1 < n ? bytes[t + 1] : null;
    return {
      t,
      read: bytes[t],
      next,
      signs,
      top: order.slice(0, top).map((o) => ({ byte: o, p: p(o) })),
      pNext: next === null ? null : p(next),
    };
  });
}
