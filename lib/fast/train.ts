/**
 * A fused SGD training session for the original recipe: the parameters live in a WebAssembly
 * instance of their own for the whole run, and each chunk is forward + BPTT (`chunkGrad32`),
 * input-weight gradient (`inputGrad32`) and global-norm clip + SGD step (`sgdStep32`) without
 * leaving wasm. `train()` in lib/core/train.ts uses it for the SGD optimizer with the fast kernel.
 */
import { VOCAB, type SatRnn } from '../core/model.js';
import { Arena, newInstance, simdHidden, type KernelExports } from './wasm.js';
import { chunkBuffers, chunkGradAt } from './bptt.js';

/** One recipe run held in wasm memory. */
export interface SgdSession {
  /**
   * One epoch: h = 0, then every chunk of the plan with an SGD step at learning rate `lr`.
   * Copies the parameters after the epoch into `m` and returns the summed loss (nats).
   */
  epoch(lr: number, m: SatRnn): number;
}

/**
 * Start a session from the parameters of `m` on `bytes`, walking `plan` ([start, length] chunks,
 * as `chunks()` in lib/core/train.ts makes) with global clip norm `clip`; null when the hidden size
 * has no SIMD kernel (use the chunk kernel then).
 */
export function fastSgdSession(
  m: SatRnn,
  bytes: Uint8Array,
  plan: ReadonlyArray<readonly [number, number]>,
  clip: number,
): SgdSession | null {
  const H = m.hidden;
  if (!simdHidden(H)) return null;
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
  const h0 = a.f32(b.hs, H);
  return {
    epoch(lr: number, out: SatRnn): number {
      if (out.hidden !== H) throw new RangeError(`session: hidden ${H}, model has ${out.hidden}`);
      h0.fill(0);
      let loss = 0;
      for (const [start, len] of plan) {
        const x = px + start;
        loss += chunkGradAt(k, H, len, x, b);
        k.inputGrad32(H, len, x, b.dpre, pgWxT, pgbh);
        k.sgdStep32(
          H,
          len,
          x,
          lr,
          clip,
          b.wxT,
          b.wh,
          b.bh,
          b.wy,
          b.by,
          pgWxT,
          b.gWh,
          pgbh,
          b.gWy,
          b.gby,
        );
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
