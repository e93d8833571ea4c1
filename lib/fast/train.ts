/**
 * A fused training session for the original recipe: the parameters live in a WebAssembly
 * instance of their own for the whole run, and each chunk is forward + BPTT (`chunkGrad32`),
 * input-weight gradient (`inputGrad32`), the mask on the weight gradients (`maskGrads32`, when
 * training a masked model) and global-norm clip + update (`sgdStep32`, or `adamStep32` with float64
 * moments) without leaving wasm. `train()` in lib/core/train.ts uses it with the fast kernel.
 */
import { VOCAB, type SatRnn } from '../core/model.js';
import type { AdamConstants, ParamMask } from '../core/types.js';
import { Arena, newInstance, simdHidden, type KernelExports } from './wasm.js';
import { chunkBuffers, chunkGradAt } from './bptt.js';

/** One recipe run held in wasm memory. */
export interface TrainSession {
  /**
   * One epoch: h = 0, then every chunk of the plan with an update at learning rate `lr`.
   * Copies the parameters after the epoch into `m` and returns the summed loss (nats).
   */
  epoch(lr: number, m: SatRnn): number;
}

/** The update of a session: clip norm, Adam's constants (absent: plain SGD) and a weight mask. */
export interface SessionRule {
  readonly clip: number;
  readonly adam?: AdamConstants;
  /** Gradient entries of weights where it is 0 are zeroed before the clip (weights stay as they start). */
  readonly mask?: ParamMask;
}

/**
 * Start a session from the parameters of `m` on `bytes`, walking `plan` ([start, length] chunks,
 * as `chunks()` in lib/core/train.ts makes) under `rule`; null when the hidden size has no SIMD
 * kernel (use the chunk kernel then). Adam's step count runs on across epochs, as in `train()`.
 */
export function fastTrainSession(
  m: SatRnn,
  bytes: Uint8Array,
  plan: ReadonlyArray<readonly [number, number]>,
  rule: SessionRule,
): TrainSession | null {
  const H = m.hidden;
  if (!simdHidden(H)) return null;
  if (rule.mask && rule.mask.hidden !== H)
    throw new RangeError(`mask: built for hidden=${rule.mask.hidden}, model has hidden=${H}`);
  const k: KernelExports = newInstance();
  const a = new Arena(k);
  const F = 4;
  const n = bytes.length;
  const L = plan.reduce((max, [, len]) => Math.max(max, len), 0); // no spread: a 10 MB text has 200k chunks
  const px = a.alloc(n);
  a.u8(px, n).set(bytes);
  const b = chunkBuffers(k, a, m, L);
  const pgWxT = a.alloc(VOCAB * H * F),
    pgbh = a.alloc(H * F);
  const masks = rule.mask ? maskBuffers(a, rule.mask) : null;
  const P = 2 * VOCAB * H + H * H + H + VOCAB;
  const [m1, m2] = rule.adam ? [a.alloc(P * 8), a.alloc(P * 8)] : [0, 0]; // zeroed by the new memory
  const h0 = a.f32(b.hs, H);
  let step = 0;
  const update = (len: number, x: number, lr: number): void => {
    if (masks) {
      k.maskGrads32(pgWxT, masks.wxT, VOCAB * H);
      k.maskGrads32(b.gWh, masks.wh, H * H);
      k.maskGrads32(b.gWy, masks.wy, VOCAB * H);
    }
    const params = [b.wxT, b.wh, b.bh, b.wy, b.by, pgWxT, b.gWh, pgbh, b.gWy, b.gby] as const;
    const adam = rule.adam;
    if (!adam) k.sgdStep32(H, len, x, lr, rule.clip, ...params);
    else {
      step++;
      const c1 = 1 - adam.beta1 ** step,
        c2 = 1 - adam.beta2 ** step;
      const { beta1, beta2, eps } = adam;
      k.adamStep32(H, len, x, lr, rule.clip, c1, c2, beta1, beta2, eps, ...params, m1, m2);
    }
  };
  return {
    epoch(lr: number, out: SatRnn): number {
      if (out.hidden !== H) throw new RangeError(`session: hidden ${H}, model has ${out.hidden}`);
      h0.fill(0);
      let loss = 0;
      for (const [start, len] of plan) {
        const x = px + start;
        loss += chunkGradAt(k, H, len, x, b);
        k.inputGrad32(H, len, x, b.dpre, pgWxT, pgbh);
        update(len, x, lr);
        h0.set(a.f32(b.hs + len * H * F, H)); // h after the chunk carries into the next one
      }
      k.transpose32(b.wxT, VOCAB, H, b.wx);
      out.Wx.set(a.f32(b.wx, H * VOCAB));
      out.Wh.set(a.f32(b.wh, H * H));
      out.bh.set(a.f32(b.bh, H));
      out.Wy.set(a.f32(b.wy, VOCAB * H));
      out.by.set(a.f32(b.by, VOCAB));
      return loss;
    },
  };
}

/**
 * The mask as lane masks of the gradients' layouts (all ones = kept, 0 = masked): Wx transposed
 * to [256][H] as gWxT, Wh [H][H], Wy [256][H].
 */
function maskBuffers(a: Arena, mask: ParamMask): { wxT: number; wh: number; wy: number } {
  const H = mask.hidden;
  const lanes = (src: ArrayLike<number>, at: (k: number) => number) => {
    const p = a.alloc(src.length * 4);
    const v = a.i32(p, src.length);
    for (let k = 0; k < src.length; k++) v[k] = src[at(k)] ? -1 : 0;
    return p;
  };
  return {
    wxT: lanes(mask.Wx, (k) => (k % H) * VOCAB + Math.floor(k / H)),
    wh: lanes(mask.Wh, (k) => k),
    wy: lanes(mask.Wy, (k) => k),
  };
}
