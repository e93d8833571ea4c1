/**
 * Training a sparse sat-rnn: a fixed 0/1 mask on the weight matrices, enforced by zeroing the
 * masked weights at the start and the masked gradient entries after every chunk gradient. With
 * plain SGD the masked weights then stay exactly 0. Used through `train()` (lib/core/train.ts) by
 * passing `init: applyMask(initModel(…), mask)` and `kernel: maskedKernel(kernel, mask)`.
 *
 * The sparse architecture of the scaffolding experiment is `randomMask`: every entry of Wx, Wh
 * and Wy is kept independently with probability `density` (seeded glibc rand); bh and by are dense.
 */
import { GlibcRand, RAND_MAX } from '../core/glibc-rand.js';
import { cloneModel, type SatRnn, VOCAB } from '../core/model.js';
import type { ChunkGradientKernel } from '../core/bptt.js';

/** Which weights are trainable: 1 = kept, 0 = fixed at zero. Biases are always kept. */
export interface ParamMask {
  readonly hidden: number;
  /** [H][256] */
  readonly Wx: Uint8Array;
  /** [H][H] */
  readonly Wh: Uint8Array;
  /** [256][H] */
  readonly Wy: Uint8Array;
}

/** Bernoulli(density) mask over Wx, Wh and Wy from glibc `srand(seed)` (in that order). */
export function randomMask(hidden: number, density: number, seed: number): ParamMask {
  if (!(Number.isInteger(hidden) && hidden >= 1)) throw new RangeError(`hidden: expected a positive integer, got ${hidden}`);
  if (!(density > 0 && density <= 1)) throw new RangeError(`density: expected a number in (0, 1], got ${density}`);
  const rng = new GlibcRand(seed);
  const draw = (n: number) => Uint8Array.from({ length: n }, () => (rng.next() / RAND_MAX < density ? 1 : 0));
  return { hidden, Wx: draw(hidden * VOCAB), Wh: draw(hidden * hidden), Wy: draw(VOCAB * hidden) };
}

/** Density for which a random mask has `target` trainable parameters in expectation (biases included). */
export function densityForCount(hidden: number, target: number): number {
  const weights = 2 * hidden * VOCAB + hidden * hidden, biases = hidden + VOCAB;
  if (!(target > biases && target <= weights + biases)) throw new RangeError(`target: expected a count in (${biases}, ${weights + biases}], got ${target}`);
  return (target - biases) / weights;
}

/** Trainable parameters under the mask (kept weights plus the dense biases). */
export function maskCount(mask: ParamMask): number {
  const ones = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  return ones(mask.Wx) + ones(mask.Wh) + ones(mask.Wy) + mask.hidden + VOCAB;
}

function checkHidden(mask: ParamMask, hidden: number): void {
  if (mask.hidden !== hidden) throw new RangeError(`mask: built for hidden=${mask.hidden}, model has hidden=${hidden}`);
}

/** A copy of `m` with the masked weights set to zero. */
export function applyMask(m: SatRnn, mask: ParamMask): SatRnn {
  checkHidden(mask, m.hidden);
  const out = cloneModel(m);
  for (const k of ['Wx', 'Wh', 'Wy'] as const) {
    const w = out[k], keep = mask[k];
    for (let i = 0; i < w.length; i++) if (!keep[i]) w[i] = 0;
  }
  return out;
}

/** A chunk-gradient kernel that runs `base` and then zeroes the masked gradient entries. */
export function maskedKernel(base: ChunkGradientKernel, mask: ParamMask): ChunkGradientKernel {
  return (m, bytes, start, len, h0, g, hEnd) => {
    checkHidden(mask, m.hidden);
    const loss = base(m, bytes, start, len, h0, g, hEnd);
    for (const k of ['Wx', 'Wh', 'Wy'] as const) {
      const d = g[k], keep = mask[k];
      for (let i = 0; i < d.length; i++) if (!keep[i]) d[i] = 0;
    }
    return loss;
  };
}
