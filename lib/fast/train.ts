/**
 * A fused SGD training session for the original recipe: the parameters live in a WebAssembly
 * instance of their own for the whole run, and each chunk is forward + BPTT (`chunkGrad32`),
 * input-weight gradient (`inputGrad32`) and global-norm clip + SGD step (`sgdStep32`) without
 * leaving wasm. `train()` in lib/train.ts uses it for the SGD optimizer with the fast kernel.
 */
import { VOCAB, type SatRnn } from '../model.js';
import { Arena, newInstance, simdHidden, type KernelExports } from './wasm.js';
import { loadModelInto } from './bptt.js';

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
 * as `chunks()` in lib/train.ts makes) with global clip norm `clip`; null when the hidden size
 * has no SIMD kernel (use the chunk kernel then).
 */
export function fastSgdSession(m: SatRnn, bytes: Uint8Array, plan: ReadonlyArray<readonly [number, number]>, clip: number): SgdSession | null {
  const H = m.hidden;
  if (!simdHidden(H)) return null;
  const k: KernelExports = newInstance();
  const a = new Arena(k);
  const F = 4;
  const n = bytes.length;
  const L = Math.max(...plan.map(([, len]) => len));
  const px = a.alloc(n);
  const pwx = a.alloc(H * VOCAB * F), pwxT = a.alloc(VOCAB * H * F), pwh = a.alloc(H * H * F), pbh = a.alloc(H * F);
  const pwy = a.alloc(VOCAB * H * F), pby = a.alloc(VOCAB * F);
  const pwhT = a.alloc(H * H * F), pwyT = a.alloc(H * VOCAB * F);
  const phs = a.alloc((L + 1) * H * F), pz = a.alloc(L * VOCAB * F);
  const pdh = a.alloc(L * H * F), pdpre = a.alloc(L * H * F), pdhNext = a.alloc(H * F);
  const pgWxT = a.alloc(VOCAB * H * F), pgWh = a.alloc(H * H * F), pgbh = a.alloc(H * F);
  const pgWy = a.alloc(VOCAB * H * F), pgby = a.alloc(VOCAB * F);
  a.u8(px, n).set(bytes);
  loadModelInto(a, m, pwx, pwh, pbh, pwy, pby);
  k.transpose32(pwx, H, VOCAB, pwxT);
  const h0 = a.f32(phs, H);
  return {
    epoch(lr: number, out: SatRnn): number {
      if (out.hidden !== H) throw new RangeError(`session: hidden ${H}, model has ${out.hidden}`);
      h0.fill(0);
      let loss = 0;
      for (const [start, len] of plan) {
        const x = px + start;
        loss += k.chunkGrad32(H, len, x, pwxT, pwh, pbh, pwy, pby, pwhT, pwyT, phs, pz, pdh, pdpre, pdhNext, pgWh, pgWy, pgby);
        k.inputGrad32(H, len, x, pdpre, pgWxT, pgbh);
        k.sgdStep32(H, len, x, lr, clip, pwxT, pwh, pbh, pwy, pby, pgWxT, pgWh, pgbh, pgWy, pgby);
        h0.set(a.f32(phs + len * H * F, H)); // h after the chunk carries into the next one
      }
      k.transpose32(pwxT, VOCAB, H, pwx);
      out.Wx.set(a.f32(pwx, H * VOCAB));
      out.Wh.set(a.f32(pwh, H * H));
      out.bh.set(a.f32(pbh, H));
      out.Wy.set(a.f32(pwy, VOCAB * H));
      out.by.set(a.f32(pby, VOCAB));
      return loss;
    },
  };
}
