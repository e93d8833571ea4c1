/**
 * The fast chunk-gradient kernel: the lib/bptt.ts `ChunkGradientKernel` contract computed by the
 * WebAssembly SIMD kernel `chunkGrad32` (float32 activations and accumulation).
 *
 * Per chunk of L positions the readout work is batched into GEMMs (logits [L][256], dWy, and
 * dL/dh from the readout); only the recurrence Wh·h and Whᵀ·dpre stay sequential, and dWh is one
 * GEMM after the backward sweep. Gradients agree with the float64 reference to float32 precision.
 */
import { VOCAB, type SatRnn } from '../model.js';
import { chunkGradient, type ChunkGradientKernel } from '../bptt.js';
import { Arena, kernels, simdHidden } from './wasm.js';

/** Fast kernel with the reference contract; hidden sizes that are not a multiple of 8 use the reference. */
export const fastChunkGradient: ChunkGradientKernel = (m, bytes, start, len, h0, g, hEnd) => {
  const H = m.hidden;
  if (!simdHidden(H)) return chunkGradient(m, bytes, start, len, h0, g, hEnd);
  if (start < 0 || len < 1 || start + len >= bytes.length) {
    throw new RangeError(`chunk [${start}, ${start + len}) needs targets up to byte ${start + len}, data has ${bytes.length}`);
  }
  const k = kernels();
  const a = new Arena(k);
  const F = 4;
  const px = a.alloc(len + 1);
  const pwx = a.alloc(H * VOCAB * F), pwxT = a.alloc(VOCAB * H * F), pwh = a.alloc(H * H * F), pbh = a.alloc(H * F);
  const pwy = a.alloc(VOCAB * H * F), pby = a.alloc(VOCAB * F);
  const pwhT = a.alloc(H * H * F), pwyT = a.alloc(H * VOCAB * F);
  const phs = a.alloc((len + 1) * H * F), pz = a.alloc(len * VOCAB * F);
  const pdh = a.alloc(len * H * F), pdpre = a.alloc(len * H * F), pdhNext = a.alloc(H * F);
  const pgWh = a.alloc(H * H * F), pgWy = a.alloc(VOCAB * H * F), pgby = a.alloc(VOCAB * F);
  a.u8(px, len + 1).set(bytes.subarray(start, start + len + 1));
  loadModelInto(a, m, pwx, pwh, pbh, pwy, pby);
  k.transpose32(pwx, H, VOCAB, pwxT);
  const hs = a.f32(phs, (len + 1) * H);
  hs.set(h0.subarray(0, H));
  const loss = k.chunkGrad32(H, len, px, pwxT, pwh, pbh, pwy, pby, pwhT, pwyT, phs, pz, pdh, pdpre, pdhNext, pgWh, pgWy, pgby);
  addInto(g.Wh, a.f32(pgWh, H * H));
  addInto(g.Wy, a.f32(pgWy, VOCAB * H));
  addInto(g.by, a.f32(pgby, VOCAB));
  const dpre = a.f32(pdpre, len * H);
  for (let t = 0; t < len; t++) {
    const x = bytes[start + t];
    for (let i = 0; i < H; i++) {
      const d = dpre[t * H + i];
      g.Wx[i * VOCAB + x] += d;
      g.bh[i] += d;
    }
  }
  hEnd.set(hs.subarray(len * H, (len + 1) * H));
  return loss;
};

/** Copy the model's float32 tensors into kernel memory at the given pointers (Wx as [H][256]). */
export function loadModelInto(a: Arena, m: SatRnn, pwx: number, pwh: number, pbh: number, pwy: number, pby: number): void {
  const H = m.hidden;
  a.f32(pwx, H * VOCAB).set(m.Wx);
  a.f32(pwh, H * H).set(m.Wh);
  a.f32(pbh, H).set(m.bh);
  a.f32(pwy, VOCAB * H).set(m.Wy);
  a.f32(pby, VOCAB).set(m.by);
}

function addInto(dst: Float64Array, src: Float32Array): void {
  for (let k = 0; k < dst.length; k++) dst[k] += src[k];
}
