/**
 * The fast chunk-gradient kernel: the lib/core/bptt.ts `ChunkGradientKernel` contract computed by the
 * WebAssembly SIMD kernel `chunkGrad32` (float32 activations and accumulation).
 *
 * Per chunk of L positions the readout work is batched into GEMMs (logits [L][256], dWy, and
 * dL/dh from the readout); only the recurrence Wh·h and Whᵀ·dpre stay sequential, and dWh is one
 * GEMM after the backward sweep. Gradients agree with the float64 reference to float32 precision.
 */
import { VOCAB, type SatRnn } from '../core/model.js';
import type { ChunkGradientKernel } from '../core/types.js';
import { Arena, kernels, simdHidden, type KernelExports } from './wasm.js';

/** Fast kernel with the reference contract, for hidden sizes that are a multiple of 8 (see `chunkGradientFor`). */
export const fastChunkGradient: ChunkGradientKernel = (m, bytes, start, len, h0, g, hEnd) => {
  const H = m.hidden;
  if (!simdHidden(H))
    throw new RangeError(
      `fastChunkGradient: hidden ${H} is not a multiple of 8; use chunkGradientFor(${H}) (lib/core/kernel.ts)`,
    );
  if (start < 0 || len < 1 || start + len >= bytes.length) {
    throw new RangeError(
      `chunk [${start}, ${start + len}) needs targets up to byte ${start + len}, data has ${bytes.length}`,
    );
  }
  const k = kernels();
  const a = new Arena(k);
  const px = a.alloc(len + 1);
  a.u8(px, len + 1).set(bytes.subarray(start, start + len + 1));
  const b = chunkBuffers(k, a, m, len);
  const hs = a.f32(b.hs, (len + 1) * H);
  hs.set(h0.subarray(0, H));
  const loss = chunkGradAt(k, H, len, px, b);
  addInto(g.Wh, a.f32(b.gWh, H * H));
  addInto(g.Wy, a.f32(b.gWy, VOCAB * H));
  addInto(g.by, a.f32(b.gby, VOCAB));
  const dpre = a.f32(b.dpre, len * H);
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

/**
 * Kernel-memory pointers (float32) of one chunk step for hidden H and chunks of up to L positions:
 * parameters (Wx [H][256] and its transpose, Wh, bh, Wy [256][H], by), the transposes the kernel
 * fills, states hs [L+1][H], logits z [L][256], backward scratch, and the Wh, Wy, by gradients.
 */
export interface ChunkBuffers {
  readonly wx: number;
  readonly wxT: number;
  readonly wh: number;
  readonly bh: number;
  readonly wy: number;
  readonly by: number;
  readonly whT: number;
  readonly wyT: number;
  readonly hs: number;
  readonly z: number;
  readonly dh: number;
  readonly dpre: number;
  readonly dhNext: number;
  readonly gWh: number;
  readonly gWy: number;
  readonly gby: number;
}

/** Allocate the chunk-step buffers in `a` for chunks of up to L positions and load `m` into them. */
export function chunkBuffers(k: KernelExports, a: Arena, m: SatRnn, L: number): ChunkBuffers {
  const H = m.hidden;
  const F = 4;
  const b: ChunkBuffers = {
    wx: a.alloc(H * VOCAB * F),
    wxT: a.alloc(VOCAB * H * F),
    wh: a.alloc(H * H * F),
    bh: a.alloc(H * F),
    wy: a.alloc(VOCAB * H * F),
    by: a.alloc(VOCAB * F),
    whT: a.alloc(H * H * F),
    wyT: a.alloc(H * VOCAB * F),
    hs: a.alloc((L + 1) * H * F),
    z: a.alloc(L * VOCAB * F),
    dh: a.alloc(L * H * F),
    dpre: a.alloc(L * H * F),
    dhNext: a.alloc(H * F),
    gWh: a.alloc(H * H * F),
    gWy: a.alloc(VOCAB * H * F),
    gby: a.alloc(VOCAB * F),
  };
  a.f32(b.wx, H * VOCAB).set(m.Wx);
  a.f32(b.wh, H * H).set(m.Wh);
  a.f32(b.bh, H).set(m.bh);
  a.f32(b.wy, VOCAB * H).set(m.Wy);
  a.f32(b.by, VOCAB).set(m.by);
  k.transpose32(b.wx, H, VOCAB, b.wxT);
  return b;
}

/** `chunkGrad32` over `len` positions whose bytes start at pointer `x`; returns the loss (nats). */
export function chunkGradAt(
  k: KernelExports,
  H: number,
  len: number,
  x: number,
  b: ChunkBuffers,
): number {
  return k.chunkGrad32(
    H,
    len,
    x,
    b.wxT,
    b.wh,
    b.bh,
    b.wy,
    b.by,
    b.whT,
    b.wyT,
    b.hs,
    b.z,
    b.dh,
    b.dpre,
    b.dhNext,
    b.gWh,
    b.gWy,
    b.gby,
  );
}

function addInto(dst: Float64Array, src: Float32Array): void {
  for (let k = 0; k < dst.length; k++) dst[k] += src[k];
}
