/**
 * The one place that chooses between the fast WebAssembly kernels (lib/fast/, bit-identical for
 * float64 work) and the plain reference loops: the fast ones compute when they are asked for (the
 * default) and the hidden size has SIMD kernels (a multiple of 8).
 */
import { simdHidden } from '../fast/wasm.js';
import { fastChunkGradient } from '../fast/bptt.js';
import { chunkGradient } from './bptt.js';
import type { ChunkGradientKernel, Kernel } from './types.js';

/** Whether the fast kernels compute for this hidden size. */
export function useFast(hidden: number, kernel: Kernel = 'fast'): boolean {
  return kernel !== 'reference' && simdHidden(hidden);
}

/** The chunk-gradient kernel for a hidden size: the fast float32 one when it can, else the reference. */
export function chunkGradientFor(hidden: number, kernel: Kernel = 'fast'): ChunkGradientKernel {
  return useFast(hidden, kernel) ? fastChunkGradient : chunkGradient;
}
