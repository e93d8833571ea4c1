/**
 * Truncated backpropagation through time for one chunk of the sat-rnn (the reference kernel).
 *
 * Loss over a chunk of `len` positions starting at `start` (natural log):
 *   L = −Σ_{t=start}^{start+len−1} log softmax(by + Wy·h_t)[x_{t+1}]
 * The state entering the chunk, h0, is treated as a constant (that is the truncation).
 */
import { VOCAB } from './model.js';
import type { ChunkGradientKernel, Grads } from './types.js';

export type { ChunkGradientKernel, Grads } from './types.js';

/** Gradients with the model's shapes, in float64. */
export function zeroGrads(hidden: number): Grads {
  return {
    hidden,
    Wx: new Float64Array(hidden * VOCAB),
    Wh: new Float64Array(hidden * hidden),
    bh: new Float64Array(hidden),
    Wy: new Float64Array(VOCAB * hidden),
    by: new Float64Array(VOCAB),
  };
}

/** Gradient tensors in file order (Wx, Wh, bh, Wy, by). */
export function gradTensors(g: Grads): Float64Array[] {
  return [g.Wx, g.Wh, g.bh, g.Wy, g.by];
}

/** Reference kernel: plain loops, float64 activations. */
export const chunkGradient: ChunkGradientKernel = (m, bytes, start, len, h0, g, hEnd) => {
  const H = m.hidden;
  const { Wx, Wh, bh, Wy, by } = m;
  if (start < 0 || len < 1 || start + len >= bytes.length) {
    throw new RangeError(
      `chunk [${start}, ${start + len}) needs targets up to byte ${start + len}, data has ${bytes.length}`,
    );
  }
  // hs[(t+1)·H ..] = h_t for t = 0..len−1; hs[0..H) = h0.
  const hs = new Float64Array((len + 1) * H);
  hs.set(h0.subarray(0, H));
  const dlogits = new Float64Array(len * VOCAB);
  let loss = 0;
  for (let t = 0; t < len; t++) {
    const x = bytes[start + t];
    const y = bytes[start + t + 1];
    const prev = t * H;
    const cur = (t + 1) * H;
    for (let i = 0; i < H; i++) {
      let s = bh[i] + Wx[i * VOCAB + x];
      const row = i * H;
      for (let j = 0; j < H; j++) s += Wh[row + j] * hs[prev + j];
      hs[cur + i] = Math.tanh(s);
    }
    const d = dlogits.subarray(t * VOCAB, (t + 1) * VOCAB);
    let max = -Infinity;
    for (let o = 0; o < VOCAB; o++) {
      let s = by[o];
      const row = o * H;
      for (let j = 0; j < H; j++) s += Wy[row + j] * hs[cur + j];
      d[o] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let o = 0; o < VOCAB; o++) {
      d[o] = Math.exp(d[o] - max);
      z += d[o];
    }
    loss -= Math.log(d[y] / z);
    for (let o = 0; o < VOCAB; o++) d[o] /= z;
    d[y] -= 1; // dL/dlogits = softmax − onehot
  }
  const dh = new Float64Array(H);
  const dpre = new Float64Array(H);
  const dhNext = new Float64Array(H);
  for (let t = len - 1; t >= 0; t--) {
    const x = bytes[start + t];
    const prev = t * H;
    const cur = (t + 1) * H;
    dh.set(dhNext);
    for (let o = 0; o < VOCAB; o++) {
      const dl = dlogits[t * VOCAB + o];
      g.by[o] += dl;
      const row = o * H;
      for (let j = 0; j < H; j++) {
        g.Wy[row + j] += dl * hs[cur + j];
        dh[j] += dl * Wy[row + j];
      }
    }
    for (let i = 0; i < H; i++) {
      const hi = hs[cur + i];
      dpre[i] = dh[i] * (1 - hi * hi);
    }
    dhNext.fill(0);
    for (let i = 0; i < H; i++) {
      const dp = dpre[i];
      g.bh[i] += dp;
      g.Wx[i * VOCAB + x] += dp;
      const row = i * H;
      for (let j = 0; j < H; j++) {
        g.Wh[row + j] += dp * hs[prev + j];
        dhNext[j] += dp * Wh[row + j];
      }
    }
  }
  hEnd.set(hs.subarray(len * H, (len + 1) * H));
  return loss;
};
