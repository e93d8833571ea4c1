/**
 * Fast readout fitting: `readoutLossGrad` of lib/construction/readout.ts (mean cross-entropy of a readout on
 * fixed features and its gradient) in float64 WebAssembly SIMD. Per block of 64 positions the
 * logits are one GEMM (states · Wyᵀ) and the gradient one more (dlogitsᵀ · states); operation
 * order and Math functions are the reference's, so the results are bit-identical.
 */
import { VOCAB } from '../core/model.js';
import type { Readout, ReadoutProblem } from '../core/types.js';
import { Arena, kernels, simdHidden } from './wasm.js';

const F = 8;

/** Same contract as `readoutLossGrad`: returns the mean loss (nats); gWy [256][H] and gby [256] are overwritten. */
export function fastReadoutLossGrad(
  p: ReadoutProblem,
  r: Readout,
  gWy: Float64Array,
  gby: Float64Array,
): number {
  const H = p.hidden;
  if (!simdHidden(H))
    throw new RangeError(
      `fast kernels need hidden % 8 == 0, got ${H}; use lib/construction/readout.ts`,
    );
  const n = p.bytes.length;
  const k = kernels();
  const a = new Arena(k);
  const px = a.alloc(n),
    hs = a.alloc(n * H * F);
  const pwy = a.alloc(VOCAB * H * F),
    wyT = a.alloc(VOCAB * H * F),
    pby = a.alloc(VOCAB * F);
  const pz = a.alloc(64 * VOCAB * F),
    pgWy = a.alloc(VOCAB * H * F),
    pgby = a.alloc(VOCAB * F);
  a.u8(px, n).set(p.bytes);
  a.f64(hs, n * H).set(p.states);
  a.f64(pwy, VOCAB * H).set(r.Wy);
  a.f64(pby, VOCAB).set(r.by);
  k.transpose64(pwy, VOCAB, H, wyT);
  const loss = k.readoutGrad64(H, p.from, p.to, px, hs, wyT, pby, pz, pgWy, pgby);
  gWy.set(a.f64(pgWy, VOCAB * H));
  gby.set(a.f64(pgby, VOCAB));
  return loss;
}
