/**
 * Types shared across the library, the fast kernels included: the kernels take plain typed arrays
 * and these shapes, and never import the modules that call them (lib/README.md, "Layout").
 */
import type { SatRnn } from './model.js';

/** Hidden-state trajectory of a run: row t holds the state after reading x_t. */
export interface Trajectory {
  readonly n: number;
  readonly hidden: number;
  /** h(t), [n][H]. */
  readonly h: Float64Array;
  /** Pre-activation bh + Wx[:, x_t] + Wh·h(t−1), [n][H]. */
  readonly pre: Float64Array;
}

export interface RunOptions {
  /** Boolean (sign) dynamics: h = sign(pre) ∈ {−1, +1} (sign(0) = +1) instead of tanh. */
  sign?: boolean;
  /** Reset the state to 0 before positions that are multiples of this (0 = never). */
  resetEvery?: number;
  /** Initial state h(−1), default zeros. */
  h0?: Float64Array;
  /** 'fast' (default; used when the hidden size is a multiple of 8) or 'reference' (the loops here). */
  kernel?: Kernel;
}

/** Which implementation computes: the WebAssembly kernels (bit-identical) or the plain loops. */
export type Kernel = 'fast' | 'reference';

/** Per-position scores of a run. */
export interface Score {
  /** Mean bits per scored position. */
  readonly bpc: number;
  /** Number of scored positions. */
  readonly positions: number;
  /** −log2 p(x_{t+1}) for each scored t (index 0 is position `from`). */
  readonly bits: Float64Array;
}

/** Fixed features and the positions they are scored on. */
export interface ReadoutProblem {
  /** h(t), [n][H] (row t = state after reading x_t). */
  readonly states: Float64Array;
  readonly hidden: number;
  readonly bytes: Uint8Array;
  /** First scored position (inclusive). */
  readonly from: number;
  /** Last scored position (exclusive); at most bytes.length − 1. */
  readonly to: number;
}

/** A readout: Wy [256][H] and by [256]. */
export interface Readout {
  readonly Wy: Float64Array;
  readonly by: Float64Array;
}

/** Gradients of every tensor, float64, shapes as the model's. */
export interface Grads {
  readonly hidden: number;
  readonly Wx: Float64Array;
  readonly Wh: Float64Array;
  readonly bh: Float64Array;
  readonly Wy: Float64Array;
  readonly by: Float64Array;
}

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

/** Adam's moment decays and the ε of its denominator. */
export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/**
 * A chunk-gradient kernel: adds dL/dθ for the chunk into `g`, writes the state after the chunk's
 * last position into `hEnd` ([H]), and returns L (nats). Fast kernels implement the same contract.
 */
export type ChunkGradientKernel = (
  m: SatRnn,
  bytes: Uint8Array,
  start: number,
  len: number,
  h0: Float64Array,
  g: Grads,
  hEnd: Float64Array,
) => number;

/** A rule tried to explain a paper number, and the value it gives (the forensics of lib/sn and lib/notebook's `candidateRows`). */
export interface Candidate {
  readonly candidate: string;
  readonly value: number;
}
