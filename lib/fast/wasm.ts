/**
 * The compiled WebAssembly kernels (asm/kernels.ts) and a bump allocator over their memory.
 *
 * Each call into a stateless kernel lays its buffers out from `heapBase()` of the shared instance
 * with an `Arena`, copies inputs in, runs, and copies results out; state that must live across
 * calls (a training session) gets an instance of its own. Typed-array views are
 * taken only after every allocation of a call (growing the memory detaches earlier views).
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** The kernels' exports (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  chunkGrad32(
    H: number,
    L: number,
    x: number,
    wxT: number,
    wh: number,
    bh: number,
    wy: number,
    by: number,
    whT: number,
    wyT: number,
    hs: number,
    z: number,
    dh: number,
    dpre: number,
    dhNext: number,
    gWh: number,
    gWy: number,
    gby: number,
  ): number;
  inputGrad32(H: number, L: number, x: number, dpre: number, gWxT: number, gbh: number): void;
  sgdStep32(
    H: number,
    L: number,
    x: number,
    lr: number,
    clip: number,
    wxT: number,
    wh: number,
    bh: number,
    wy: number,
    by: number,
    gWxT: number,
    gWh: number,
    gbh: number,
    gWy: number,
    gby: number,
  ): number;
  maskGrads32(p: number, mask: number, n: number): void;
  adamStep32(
    H: number,
    L: number,
    x: number,
    lr: number,
    clip: number,
    c1: number,
    c2: number,
    beta1: number,
    beta2: number,
    eps: number,
    wxT: number,
    wh: number,
    bh: number,
    wy: number,
    by: number,
    gWxT: number,
    gWh: number,
    gbh: number,
    gWy: number,
    gby: number,
    m1: number,
    m2: number,
  ): number;
  transpose32(src: number, R: number, C: number, dst: number): void;
  run64(
    H: number,
    n: number,
    x: number,
    wx: number,
    whT: number,
    bh: number,
    h0: number,
    zero: number,
    hs: number,
    pre: number,
    sign: number,
    resetEvery: number,
  ): void;
  score64(
    H: number,
    from: number,
    to: number,
    x: number,
    hs: number,
    wyT: number,
    by: number,
    z: number,
    bits: number,
  ): number;
  readoutGrad64(
    H: number,
    from: number,
    to: number,
    x: number,
    hs: number,
    wyT: number,
    by: number,
    z: number,
    gWy: number,
    gby: number,
  ): number;
  readoutGrad32(
    H: number,
    from: number,
    to: number,
    x: number,
    hs: number,
    wyT: number,
    by: number,
    z: number,
    gWyT: number,
    gby: number,
    rows: number,
  ): number;
  readoutGradSlices32(
    H: number,
    from: number,
    to: number,
    x: number,
    codes: number,
    vals: number,
    start: number,
    wyT: number,
    by: number,
    tables: number,
    resid: number,
    z: number,
    gWyT: number,
    gby: number,
    rows: number,
  ): number;
  descend32(w: number, g: number, n: number, s: number): void;
  weightedGramLower32(n: number, k: number, w: number, x: number, xw: number, g: number): void;
  exp32(x: number, n: number, out: number): void;
  log32(x: number, n: number, out: number): void;
  transpose64(src: number, R: number, C: number, dst: number): void;
  gemm64(
    M: number,
    N: number,
    K: number,
    a: number,
    sai: number,
    sak: number,
    b: number,
    c: number,
    accumulate: number,
  ): void;
  gemmLower64(
    N: number,
    K: number,
    a: number,
    sai: number,
    sak: number,
    b: number,
    c: number,
  ): void;
  choleskySolve64(n: number, a: number, b: number): number;
  exp64(x: number, n: number, out: number): void;
  logSoftmaxSweep64(
    n: number,
    U: number,
    z: number,
    by: number,
    counts: number,
    scales: number,
    K: number,
    ys: number,
    lnFloor: number,
    nats: number,
  ): void;
}

let compiled: WebAssembly.Module | null = null;
let shared: KernelExports | null = null;

/** A new instance with its own memory: for state that lives across calls (a training session). */
export function newInstance(): KernelExports {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  // Math.tanh/exp/log are the host's, so the float64 kernels round exactly as the reference loops.
  const env = { abort: wasmAbort, tanh: Math.tanh, exp: Math.exp, log: Math.log };
  return new WebAssembly.Instance(compiled, { env }).exports as unknown as KernelExports;
}

/** The instance shared by the stateless kernels (each call lays out its memory afresh). */
export function kernels(): KernelExports {
  shared ??= newInstance();
  return shared;
}

function wasmAbort(): never {
  throw new Error('wasm kernel aborted');
}

/** Hidden sizes the SIMD kernels handle (tiles are 8 float32 wide); others use the reference. */
export function simdHidden(hidden: number): boolean {
  return hidden % 8 === 0 && hidden > 0;
}

/** Bump allocator over the kernels' memory, 16-byte aligned; grows the memory on demand. */
export class Arena {
  private top: number;
  constructor(private readonly k: KernelExports = kernels()) {
    this.top = align(k.heapBase());
  }
  /** Reserve `bytes` and return the pointer. */
  alloc(bytes: number): number {
    const p = this.top;
    this.top = align(p + bytes);
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return p;
  }
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length);
  }
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, length);
  }
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, length);
  }
  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.k.memory.buffer, ptr, length);
  }
}

function align(p: number): number {
  return (p + 15) & ~15;
}
