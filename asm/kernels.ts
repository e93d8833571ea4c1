/**
 * WebAssembly SIMD kernels for the sat-rnn (AssemblyScript, compiled by `npm run build:wasm`
 * into lib/fast/kernels-wasm.ts). Everything works on raw pointers into linear memory laid out
 * by lib/fast/wasm.ts; matrices are row-major. V = 256 (bytes), H = hidden size (H % 8 == 0).
 *
 * Training (f32): chunkGrad32 — forward, softmax, batched GEMMs for the readout terms, the
 *   sequential recurrent backward, and dWh as one GEMM after it.
 * Evaluation and readout fitting (f64): run64, score64, readoutGrad64. These do every float64
 *   operation of the lib/rnn.ts and lib/readout.ts reference loops in the same order (SIMD lanes
 *   are independent outputs, sums run in the reference's index order, no fused multiply-add) and
 *   call the host's Math.tanh/exp/log, so their results are bit-identical to the reference.
 * Readout fitting at the original programs' arithmetic (f32): readoutGrad32, descend32. Features,
 *   weights, logits, probabilities and the gradient sums are float32 (the C programs' `float`), four
 *   lanes per vector, with exp4/log4 below instead of host calls; the loss is summed in float64
 *   (their `double total_loss`). Tested against the float64 reference within a stated tolerance.
 */

/** The host's (JavaScript's) Math functions, for bit-identical float64 results. */
@external("env", "tanh") declare function hostTanh(x: f64): f64;
@external("env", "exp") declare function hostExp(x: f64): f64;
@external("env", "log") declare function hostLog(x: f64): f64;

const V: i32 = 256;
const LN2: f64 = 0.6931471805599453;

/** First free byte after the static data: the JS side lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

// ---- element-type helpers (T is f32 or f64; one v128 holds 16 / sizeof<T>() lanes) ----

// @ts-ignore: decorator
@inline function splat<T>(x: T): v128 {
  if (sizeof<T>() == 4) return f32x4.splat(<f32>x);
  return f64x2.splat(<f64>x);
}

// @ts-ignore: decorator
@inline function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.add(acc, f32x4.mul(a, b));
  return f64x2.add(acc, f64x2.mul(a, b));
}

/**
 * C[M][N] (+)= A·B. A(i, k) = a[i·sai + k·sak] (so both A and Aᵀ layouts work), B is [K][N],
 * C is [M][N]; N must be a multiple of two vectors (8 f32 or 4 f64). `accumulate` adds into C.
 * Register tile: 4 rows × 2 vectors, B strip reused across row blocks.
 */
function gemm<T>(M: i32, N: i32, K: i32, a: usize, sai: i32, sak: i32, b: usize, c: usize, accumulate: bool, lower: bool = false): void {
  const S = <usize>sizeof<T>();
  const W = 32 / <i32>sizeof<T>(); // columns per tile (two vectors)
  const rowB = <usize>N * S;
  const zero = i64x2.splat(0);
  for (let n = 0; n < N; n += W) {
    const bn = b + <usize>n * S;
    // `lower`: only the row blocks that reach the lower triangle (i + 3 ≥ n) of this column strip.
    let i = lower ? n - n % 4 : 0;
    for (; i + 4 <= M; i += 4) {
      const c0 = c + (<usize>i * N + n) * S;
      const c1 = c0 + rowB, c2 = c1 + rowB, c3 = c2 + rowB;
      let x00 = zero, x01 = zero, x10 = zero, x11 = zero, x20 = zero, x21 = zero, x30 = zero, x31 = zero;
      if (accumulate) {
        x00 = v128.load(c0); x01 = v128.load(c0, 16); x10 = v128.load(c1); x11 = v128.load(c1, 16);
        x20 = v128.load(c2); x21 = v128.load(c2, 16); x30 = v128.load(c3); x31 = v128.load(c3, 16);
      }
      let pa = a + <usize>(i * sai) * S;
      const da = <usize>sai * S, dk = <usize>sak * S;
      let pb = bn;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        const a0 = splat<T>(load<T>(pa)), a1 = splat<T>(load<T>(pa + da));
        const a2 = splat<T>(load<T>(pa + 2 * da)), a3 = splat<T>(load<T>(pa + 3 * da));
        x00 = madd<T>(x00, a0, b0); x01 = madd<T>(x01, a0, b1);
        x10 = madd<T>(x10, a1, b0); x11 = madd<T>(x11, a1, b1);
        x20 = madd<T>(x20, a2, b0); x21 = madd<T>(x21, a2, b1);
        x30 = madd<T>(x30, a3, b0); x31 = madd<T>(x31, a3, b1);
        pa += dk;
        pb += rowB;
      }
      v128.store(c0, x00); v128.store(c0, x01, 16); v128.store(c1, x10); v128.store(c1, x11, 16);
      v128.store(c2, x20); v128.store(c2, x21, 16); v128.store(c3, x30); v128.store(c3, x31, 16);
    }
    for (; i < M; i++) {
      const c0 = c + (<usize>i * N + n) * S;
      let x0 = zero, x1 = zero;
      if (accumulate) { x0 = v128.load(c0); x1 = v128.load(c0, 16); }
      let pa = a + <usize>(i * sai) * S;
      const dk = <usize>sak * S;
      let pb = bn;
      for (let k = 0; k < K; k++) {
        const a0 = splat<T>(load<T>(pa));
        x0 = madd<T>(x0, a0, v128.load(pb)); x1 = madd<T>(x1, a0, v128.load(pb, 16));
        pa += dk;
        pb += rowB;
      }
      v128.store(c0, x0); v128.store(c0, x1, 16);
    }
  }
}

/**
 * out[N] (+)= v[K] · B[K][N] (a vector times a matrix), N a multiple of 8 vectors' lanes.
 * Eight accumulators per column strip: the sequential recurrent step of forward and backward.
 */
function vecmat<T>(N: i32, K: i32, v: usize, b: usize, out: usize, accumulate: bool): void {
  const S = <usize>sizeof<T>();
  const W = 128 / <i32>sizeof<T>(); // columns per strip (eight vectors)
  const rowB = <usize>N * S;
  const zero = i64x2.splat(0);
  for (let n = 0; n < N; n += W) {
    const o = out + <usize>n * S;
    let x0 = zero, x1 = zero, x2 = zero, x3 = zero, x4 = zero, x5 = zero, x6 = zero, x7 = zero;
    if (accumulate) {
      x0 = v128.load(o); x1 = v128.load(o, 16); x2 = v128.load(o, 32); x3 = v128.load(o, 48);
      x4 = v128.load(o, 64); x5 = v128.load(o, 80); x6 = v128.load(o, 96); x7 = v128.load(o, 112);
    }
    let pb = b + <usize>n * S;
    for (let k = 0; k < K; k++) {
      const s = splat<T>(load<T>(v + <usize>k * S));
      x0 = madd<T>(x0, s, v128.load(pb)); x1 = madd<T>(x1, s, v128.load(pb, 16));
      x2 = madd<T>(x2, s, v128.load(pb, 32)); x3 = madd<T>(x3, s, v128.load(pb, 48));
      x4 = madd<T>(x4, s, v128.load(pb, 64)); x5 = madd<T>(x5, s, v128.load(pb, 80));
      x6 = madd<T>(x6, s, v128.load(pb, 96)); x7 = madd<T>(x7, s, v128.load(pb, 112));
      pb += rowB;
    }
    v128.store(o, x0); v128.store(o, x1, 16); v128.store(o, x2, 32); v128.store(o, x3, 48);
    v128.store(o, x4, 64); v128.store(o, x5, 80); v128.store(o, x6, 96); v128.store(o, x7, 112);
  }
}

/** dst[C][R] = src[R][C]ᵀ for float32 with R, C multiples of 4, in 4×4 SIMD blocks. */
function transposeF32(src: usize, R: i32, C: i32, dst: usize): void {
  const rs = <usize>C * 4, ds = <usize>R * 4;
  for (let r = 0; r < R; r += 4) {
    for (let c = 0; c < C; c += 4) {
      const p = src + <usize>r * rs + <usize>c * 4;
      const r0 = v128.load(p), r1 = v128.load(p + rs), r2 = v128.load(p + 2 * rs), r3 = v128.load(p + 3 * rs);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const q = dst + <usize>c * ds + <usize>r * 4;
      v128.store(q, v128.shuffle<i64>(t0, t2, 0, 2));
      v128.store(q + ds, v128.shuffle<i64>(t0, t2, 1, 3));
      v128.store(q + 2 * ds, v128.shuffle<i64>(t1, t3, 0, 2));
      v128.store(q + 3 * ds, v128.shuffle<i64>(t1, t3, 1, 3));
    }
  }
}

/** dst[C][R] = src[R][C]ᵀ. */
function transpose<T>(src: usize, R: i32, C: i32, dst: usize): void {
  const S = <usize>sizeof<T>();
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) store<T>(dst + (<usize>c * R + r) * S, load<T>(src + (<usize>r * C + c) * S));
  }
}

/**
 * e^x for four float32 lanes (Cephes expf: range reduction by ln 2 in two parts, degree-7
 * polynomial, scale by 2^n through the exponent bits), inputs clamped to [−87.3, 88.3]. Measured
 * (test/readout32.test.ts, 2^18 points): within 0.99 ulp of Math.exp (relative 8.3e-8) on
 * [−87.3, 88.3], the final rounding to float32 included; exactly 1 at 0.
 */
// @ts-ignore: decorator
@inline function exp4(v: v128): v128 {
  const x0 = f32x4.min(f32x4.max(v, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const n = f32x4.nearest(f32x4.mul(x0, f32x4.splat(1.44269504088896341)));
  let x = f32x4.sub(x0, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, x), x), x), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/**
 * ln x for four float32 lanes, x positive and normal (Cephes logf): x = m·2^e with m in
 * [√½, √2), ln m = f − f²/2 + f³·P(f) for f = m − 1 (degree-8 P), plus e·ln 2 split in two parts
 * so the sum keeps its low bits. Measured (test/readout32.test.ts, 2^18 points): within 0.80 ulp of
 * Math.log (relative 8.0e-8) on [1e-30, 1e30] and on the row sums [1, 256] it sees; exactly 0 at 1.
 */
// @ts-ignore: decorator
@inline function log4(v: v128): v128 {
  const bits = v128.and(v, i32x4.splat(0x007fffff));
  // m in [0.5, 1) with e the matching exponent; below √½ move one octave: m → 2m, e → e − 1.
  let e = i32x4.sub(i32x4.shr_u(v, 23), i32x4.splat(126));
  const m = v128.or(bits, i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, low); // true lanes are −1
  const x = f32x4.sub(f32x4.add(m, v128.and(m, low)), f32x4.splat(1));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, x), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(x, y), f32x4.mul(ef, f32x4.splat(0.693359375)));
}

/** tanh for four float32 lanes: sign(x)·(1 − e^{−2|x|}) / (1 + e^{−2|x|}); absolute error < 1e-7. */
// @ts-ignore: decorator
@inline function tanh4(v: v128): v128 {
  const t = exp4(f32x4.mul(f32x4.abs(v), f32x4.splat(-2)));
  const one = f32x4.splat(1);
  const r = f32x4.div(f32x4.sub(one, t), f32x4.add(one, t));
  return v128.or(r, v128.and(v, i32x4.splat(0x80000000))); // copy the sign of x
}

/**
 * Float32 version of softmaxRow (below) with vector exp: z[V] += by, then softmax − onehot(y);
 * returns −ln p(y) in float64.
 */
function softmaxRow32(z: usize, by: usize, y: i32): f64 {
  let vmax = f32x4.splat(-Infinity);
  for (let o = 0; o < V; o += 4) {
    const off = <usize>o * 4;
    const s = f32x4.add(v128.load(z + off), v128.load(by + off));
    v128.store(z + off, s);
    vmax = f32x4.max(vmax, s);
  }
  const top = f32x4.splat(max<f32>(max<f32>(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
    max<f32>(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3))));
  let vsum = f32x4.splat(0);
  for (let o = 0; o < V; o += 4) {
    const off = <usize>o * 4;
    const e = exp4(f32x4.sub(v128.load(z + off), top));
    v128.store(z + off, e);
    vsum = f32x4.add(vsum, e);
  }
  const sum = <f64>f32x4.extract_lane(vsum, 0) + <f64>f32x4.extract_lane(vsum, 1) +
    <f64>f32x4.extract_lane(vsum, 2) + <f64>f32x4.extract_lane(vsum, 3);
  const py = z + <usize>y * 4;
  const ey = <f64>load<f32>(py);
  const inv = f32x4.splat(<f32>(1 / sum));
  for (let o = 0; o < V; o += 4) {
    const off = <usize>o * 4;
    v128.store(z + off, f32x4.mul(v128.load(z + off), inv));
  }
  store<f32>(py, load<f32>(py) - 1);
  return Math.log(sum) - Math.log(ey);
}

/** z[r][:] = by for rows r < m of z [m][V] (logit accumulators start at the bias, as in the reference). */
function fillBias(z: usize, m: i32, by: usize): void {
  for (let r = 0; r < m; r++) memory.copy(z + <usize>r * V * 8, by, <usize>V * 8);
}

/** Largest of z[V] (compared as the reference does). */
function rowMax(z: usize): f64 {
  let max = -Infinity;
  for (let o = 0; o < V; o++) {
    const v = load<f64>(z + <usize>o * 8);
    if (v > max) max = v;
  }
  return max;
}

/**
 * Logits z[V] → (softmax − onehot(y)) / n in place, as readoutLossGrad computes it; returns
 * ln(e_y / Σe) (the caller subtracts it from the loss).
 */
function softmaxGradRow(z: usize, y: i32, n: f64): f64 {
  const max = rowMax(z);
  let sum: f64 = 0;
  for (let o = 0; o < V; o++) {
    const p = z + <usize>o * 8;
    const e = hostExp(load<f64>(p) - max);
    store<f64>(p, e);
    sum += e;
  }
  const py = z + <usize>y * 8;
  const lp = hostLog(load<f64>(py) / sum);
  for (let o = 0; o < V; o++) {
    const p = z + <usize>o * 8;
    store<f64>(p, (load<f64>(p) / sum - (o == y ? 1.0 : 0.0)) / n);
  }
  return lp;
}

/**
 * Chunk gradient in float32 (the lib/bptt.ts contract, summed over the chunk).
 * x: the chunk's bytes x_0..x_L (L + 1 bytes, the last one is only a target).
 * wxT [V][H] (Wx transposed: row x is byte x's embedding), wh [H][H], bh [H], wy [V][H], by [V]:
 * parameters. Scratch/outputs:
 * whT [H][H], wyT [H][V]; hs [(L+1)][H] with hs[0] = h0 on entry (row t+1 = h_t on exit);
 * z [L][V] (dlogits on exit); dh [L][H]; dpre [L][H] (dL/dpre_t on exit, for dWx and dbh);
 * dhNext [H]; gWh [H][H], gWy [V][H], gby [V] (overwritten). Returns the loss in nats.
 */
export function chunkGrad32(
  H: i32, L: i32, x: usize,
  wxT: usize, wh: usize, bh: usize, wy: usize, by: usize,
  whT: usize, wyT: usize, hs: usize, z: usize, dh: usize, dpre: usize, dhNext: usize,
  gWh: usize, gWy: usize, gby: usize,
): f64 {
  const S: usize = 4;
  const rowH = <usize>H * S;
  transposeF32(wh, H, H, whT);
  transposeF32(wy, V, H, wyT);
  // Forward: the recurrence is sequential, the readout is one GEMM afterwards.
  for (let t = 0; t < L; t++) {
    const xt = <usize>load<u8>(x + <usize>t);
    const cur = hs + <usize>(t + 1) * rowH;
    const e = wxT + xt * rowH;
    for (let i = 0; i < H; i += 4) {
      const off = <usize>i * S;
      v128.store(cur + off, f32x4.add(v128.load(bh + off), v128.load(e + off)));
    }
    vecmat<f32>(H, H, cur - rowH, whT, cur, true);
    for (let i = 0; i < H; i += 4) {
      const p = cur + <usize>i * S;
      v128.store(p, tanh4(v128.load(p)));
    }
  }
  gemm<f32>(L, V, H, hs + rowH, H, 1, wyT, z, false);
  let loss: f64 = 0;
  for (let t = 0; t < L; t++) {
    loss += softmaxRow32(z + <usize>t * V * S, by, <i32>load<u8>(x + <usize>(t + 1)));
  }
  // Readout gradients and dL/dh from the readout, all positions at once.
  gemm<f32>(V, H, L, z, 1, V, hs + rowH, gWy, false);
  for (let o = 0; o < V; o++) {
    let s: f32 = 0;
    for (let t = 0; t < L; t++) s += load<f32>(z + (<usize>t * V + o) * S);
    store<f32>(gby + <usize>o * S, s);
  }
  gemm<f32>(L, H, V, z, V, 1, wy, dh, false);
  // Backward through the recurrence (sequential part only).
  for (let i = 0; i < H; i += 4) v128.store(dhNext + <usize>i * S, i64x2.splat(0));
  const one = f32x4.splat(1);
  for (let t = L - 1; t >= 0; t--) {
    const h = hs + <usize>(t + 1) * rowH;
    const d = dh + <usize>t * rowH;
    const dp = dpre + <usize>t * rowH;
    for (let i = 0; i < H; i += 4) {
      const off = <usize>i * S;
      const hv = v128.load(h + off);
      const g = f32x4.add(v128.load(d + off), v128.load(dhNext + off));
      v128.store(dp + off, f32x4.mul(g, f32x4.sub(one, f32x4.mul(hv, hv))));
    }
    if (t > 0) vecmat<f32>(H, H, dp, wh, dhNext, false);
  }
  gemm<f32>(H, H, L, dpre, 1, H, hs, gWh, false);
  return loss;
}

/** gWxT [V][H] += dpre[t] at row x_t for t < L (the input-weight gradient); gbh [H] = Σ_t dpre[t]. */
export function inputGrad32(H: i32, L: i32, x: usize, dpre: usize, gWxT: usize, gbh: usize): void {
  const S: usize = 4;
  const rowH = <usize>H * S;
  for (let i = 0; i < H; i += 4) v128.store(gbh + <usize>i * S, i64x2.splat(0));
  for (let t = 0; t < L; t++) {
    const d = dpre + <usize>t * rowH;
    const row = gWxT + <usize>load<u8>(x + <usize>t) * rowH;
    for (let i = 0; i < H; i += 4) {
      const off = <usize>i * S;
      const dv = v128.load(d + off);
      v128.store(row + off, f32x4.add(v128.load(row + off), dv));
      v128.store(gbh + off, f32x4.add(v128.load(gbh + off), dv));
    }
  }
}

/** Which bytes occur in the current chunk (scratch for sgdStep32). */
const SEEN = memory.data(V);

/** Σ g² over n float32 values (n % 4 == 0), accumulated in float64. */
function sumSquares(g: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  for (let k = 0; k < n; k += 4) {
    const v = v128.load(g + <usize>k * 4);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** w[k] = f32(w[k] − s·g[k]) computed in float64, as the reference update does (n % 4 == 0). */
function descend(w: usize, g: usize, n: i32, s: f64): void {
  const sv = f64x2.splat(s);
  for (let k = 0; k < n; k += 4) {
    const off = <usize>k * 4;
    const wv = v128.load(w + off), gv = v128.load(g + off);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(wv), f64x2.mul(sv, f64x2.promote_low_f32x4(gv)));
    const wh = v128.shuffle<f32>(wv, wv, 2, 3, 0, 1), gh = v128.shuffle<f32>(gv, gv, 2, 3, 0, 1);
    const hi = f64x2.sub(f64x2.promote_low_f32x4(wh), f64x2.mul(sv, f64x2.promote_low_f32x4(gh)));
    v128.store(w + off, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
}

/**
 * The recipe's update after a chunk: clip the gradient to global L2 norm `clip`, then
 * θ −= lr·scale·g for every parameter (the input-weight rows of bytes x_0..x_{L−1} only, the
 * others have zero gradient) and zero those gWxT rows for the next chunk. Returns the norm.
 */
export function sgdStep32(
  H: i32, L: i32, x: usize, lr: f64, clip: f64,
  wxT: usize, wh: usize, bh: usize, wy: usize, by: usize,
  gWxT: usize, gWh: usize, gbh: usize, gWy: usize, gby: usize,
): f64 {
  const rowH = <usize>H * 4;
  const norm = chunkGradNorm(H, L, x, gWxT, gWh, gbh, gWy, gby);
  const s = lr * (norm > clip ? clip / norm : 1);
  descend(wh, gWh, H * H, s);
  descend(bh, gbh, H, s);
  descend(wy, gWy, V * H, s);
  descend(by, gby, V, s);
  for (let xt: usize = 0; xt < <usize>V; xt++) {
    if (load<u8>(SEEN + xt) != 0) {
      descend(wxT + xt * rowH, gWxT + xt * rowH, H, s);
      memory.fill(gWxT + xt * rowH, 0, rowH);
    }
  }
  return norm;
}

/** dst[C][R] = src[R][C]ᵀ in float32 (Wx [H][V] ↔ Wxᵀ [V][H]). */
export function transpose32(src: usize, R: i32, C: i32, dst: usize): void {
  transposeF32(src, R, C, dst);
}

/**
 * Run the recurrence in float64 over n bytes. wx [H][V], whT [H][H] (Whᵀ), bh [H]; h0 [H];
 * zero [H] of zeros; outputs hs [n][H] and pre [n][H]. sign: h = sign(pre) (sign(0) = +1);
 * resetEvery > 0: the state is reset to 0 before positions t > 0 that are multiples of it.
 */
export function run64(
  H: i32, n: i32, x: usize, wx: usize, whT: usize, bh: usize, h0: usize, zero: usize,
  hs: usize, pre: usize, sign: bool, resetEvery: i32,
): void {
  const S: usize = 8;
  const rowH = <usize>H * S;
  let prev = h0;
  for (let t = 0; t < n; t++) {
    if (resetEvery > 0 && t > 0 && t % resetEvery == 0) prev = zero;
    const xt = <usize>load<u8>(x + <usize>t);
    const p = pre + <usize>t * rowH;
    const h = hs + <usize>t * rowH;
    for (let i = 0; i < H; i++) {
      store<f64>(p + <usize>i * S, load<f64>(bh + <usize>i * S) + load<f64>(wx + (<usize>i * V + xt) * S));
    }
    vecmat<f64>(H, H, prev, whT, p, true);
    for (let i = 0; i < H; i++) {
      const v = load<f64>(p + <usize>i * S);
      store<f64>(h + <usize>i * S, sign ? (v >= 0 ? 1.0 : -1.0) : hostTanh(v));
    }
    prev = h;
  }
}

/** Rows per block of the readout passes (logits block [ROWS][V] stays in cache). */
const ROWS: i32 = 64;

/**
 * Score positions t in [from, to) in float64: bits[t − from] = −log2 p(x_{t+1}) under
 * softmax(by + Wy·h_t). hs [n][H]; wyT [H][V]; by [V]; z: scratch [ROWS][V]. Returns Σ bits.
 */
export function score64(H: i32, from: i32, to: i32, x: usize, hs: usize, wyT: usize, by: usize, z: usize, bits: usize): f64 {
  const S: usize = 8;
  let total: f64 = 0;
  for (let t0 = from; t0 < to; t0 += ROWS) {
    const m = min(ROWS, to - t0);
    fillBias(z, m, by);
    gemm<f64>(m, V, H, hs + <usize>t0 * H * S, H, 1, wyT, z, true);
    for (let r = 0; r < m; r++) { // logSoftmaxAt of lib/rnn.ts, operation for operation
      const t = t0 + r;
      const row = z + <usize>r * V * S;
      const max = rowMax(row);
      let sum: f64 = 0;
      for (let o = 0; o < V; o++) sum += hostExp(load<f64>(row + <usize>o * S) - max);
      const y = <usize>load<u8>(x + <usize>(t + 1));
      const b = -(load<f64>(row + y * S) - max - hostLog(sum)) / LN2;
      store<f64>(bits + <usize>(t - from) * S, b);
      total += b;
    }
  }
  return total;
}

/**
 * Mean cross-entropy (nats) of a readout over positions [from, to) and its gradient, float64:
 * gWy [V][H] and gby [V] are overwritten. hs [n][H]; wyT [H][V]; by [V]; z: scratch [ROWS][V].
 */
export function readoutGrad64(H: i32, from: i32, to: i32, x: usize, hs: usize, wyT: usize, by: usize, z: usize, gWy: usize, gby: usize): f64 {
  const S: usize = 8;
  const n = <f64>(to - from);
  let loss: f64 = 0;
  for (let o = 0; o < V; o++) store<f64>(gby + <usize>o * S, 0);
  for (let t0 = from; t0 < to; t0 += ROWS) {
    const m = min(ROWS, to - t0);
    const h = hs + <usize>t0 * H * S;
    fillBias(z, m, by);
    gemm<f64>(m, V, H, h, H, 1, wyT, z, true);
    for (let r = 0; r < m; r++) {
      const row = z + <usize>r * V * S;
      loss -= softmaxGradRow(row, <i32>load<u8>(x + <usize>(t0 + r + 1)), n);
      for (let o = 0; o < V; o += 2) {
        const p = gby + <usize>o * S;
        v128.store(p, f64x2.add(v128.load(p), v128.load(row + <usize>o * S)));
      }
    }
    gemm<f64>(V, H, m, z, 1, V, h, gWy, t0 > from);
  }
  return loss / n;
}

/** dst[C][R] = src[R][C]ᵀ in float64 (Wy → Wyᵀ, Wh → Whᵀ before the float64 passes). */
export function transpose64(src: usize, R: i32, C: i32, dst: usize): void {
  transpose<f64>(src, R, C, dst);
}

/**
 * C[M][N] (+)= A·B in float64 with A(i, k) = a[i·sai + k·sak], B [K][N], C [M][N]; N % 4 == 0.
 * (Gram matrices XᵀX and XᵀY of the ridge solves.)
 */
export function gemm64(M: i32, N: i32, K: i32, a: usize, sai: i32, sak: i32, b: usize, c: usize, accumulate: bool): void {
  gemm<f64>(M, N, K, a, sai, sak, b, c, accumulate);
}

/**
 * The lower triangle (and the diagonal tiles) of C[N][N] = A·B in float64, A(i, k) = a[i·sai + k·sak],
 * B [K][N], N % 4 == 0: every entry C[i][j], j ≤ i, is summed exactly as `gemm64` sums it, in about
 * half the work; the tiles above the diagonal ones are left as they were. (Symmetric Gram matrices
 * whose Cholesky factorization reads the lower triangle only.)
 */
export function gemmLower64(N: i32, K: i32, a: usize, sai: i32, sak: i32, b: usize, c: usize): void {
  gemm<f64>(N, N, K, a, sai, sak, b, c, false, true);
}

/** out[k] = e^{x[k]} (exp4) for n float32 values, n % 4 == 0: exposes the approximation to tests. */
export function exp32(x: usize, n: i32, out: usize): void {
  for (let k = 0; k < n; k += 4) v128.store(out + <usize>k * 4, exp4(v128.load(x + <usize>k * 4)));
}

/** out[k] = ln x[k] (log4) for n positive float32 values, n % 4 == 0: exposes the approximation to tests. */
export function log32(x: usize, n: i32, out: usize): void {
  for (let k = 0; k < n; k += 4) v128.store(out + <usize>k * 4, log4(v128.load(x + <usize>k * 4)));
}

/**
 * One row of readoutGrad32: logits z[V] → softmax − onehot(y) in place (float32); stores the
 * row's Σ e^{z − max} at `sum` and z_y − max at `zy` (−ln p(y) = ln sum − zy).
 */
function softmaxGradRow32(z: usize, y: i32, sum: usize, zy: usize): void {
  let vmax = f32x4.splat(-Infinity);
  for (let o = 0; o < V; o += 4) vmax = f32x4.max(vmax, v128.load(z + <usize>o * 4));
  const top = max<f32>(max<f32>(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
    max<f32>(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
  const py = z + <usize>y * 4;
  store<f32>(zy, load<f32>(py) - top); // from the logit: e_y itself may be clamped or tiny
  const vtop = f32x4.splat(top);
  let vsum = f32x4.splat(0);
  for (let o = 0; o < V; o += 4) {
    const p = z + <usize>o * 4;
    const e = exp4(f32x4.sub(v128.load(p), vtop));
    v128.store(p, e);
    vsum = f32x4.add(vsum, e);
  }
  const s = (f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1)) +
    (f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3));
  store<f32>(sum, s);
  const inv = f32x4.splat(<f32>1 / s);
  for (let o = 0; o < V; o += 4) {
    const p = z + <usize>o * 4;
    v128.store(p, f32x4.mul(v128.load(p), inv));
  }
  store<f32>(py, load<f32>(py) - 1);
}

/**
 * `loss` plus −ln p(y) = ln Σe − (z_y − max) of a block's m rows (their row sums at `sums`, their
 * z_y − max at `zys`), in row order, four rows per log4; lanes past the block's end are not added.
 */
function addBlockLoss(loss: f64, sums: usize, zys: usize, m: i32): f64 {
  for (let r = 0; r < m; r += 4) {
    const l = log4(v128.load(sums + <usize>r * 4));
    const q = zys + <usize>r * 4;
    loss += <f64>f32x4.extract_lane(l, 0) - <f64>load<f32>(q);
    if (r + 1 < m) loss += <f64>f32x4.extract_lane(l, 1) - <f64>load<f32>(q, 4);
    if (r + 2 < m) loss += <f64>f32x4.extract_lane(l, 2) - <f64>load<f32>(q, 8);
    if (r + 3 < m) loss += <f64>f32x4.extract_lane(l, 3) - <f64>load<f32>(q, 12);
  }
  return loss;
}

/**
 * Cross-entropy of a readout over positions [from, to) and its gradient in float32 (the original
 * programs' optimize_wy): returns the mean loss in nats, summed in float64; gWyT [H][V] and gby [V]
 * are overwritten with the *summed* gradient Σ_t (p_t − onehot(x_{t+1}))·h_tᵀ (the C programs' dWy,
 * transposed), so the caller scales by lr/N as they do. hs [n][H] float32 states; wyT [H][V] (Wyᵀ,
 * the layout both GEMMs read and descend32 updates); by [V]; z: scratch [ROWS][V]; rows: scratch
 * [2·ROWS] (per-row sums and z_y − max). Any H ≥ 1.
 */
export function readoutGrad32(
  H: i32, from: i32, to: i32, x: usize, hs: usize, wyT: usize, by: usize, z: usize,
  gWyT: usize, gby: usize, rows: usize,
): f64 {
  const S: usize = 4;
  const sums = rows, zys = rows + <usize>ROWS * S;
  let loss: f64 = 0;
  memory.fill(gby, 0, <usize>V * S);
  for (let t0 = from; t0 < to; t0 += ROWS) {
    const m = min(ROWS, to - t0);
    const h = hs + <usize>t0 * H * S;
    for (let r = 0; r < m; r++) memory.copy(z + <usize>r * V * S, by, <usize>V * S);
    gemm<f32>(m, V, H, h, H, 1, wyT, z, true);
    for (let r = 0; r < m; r++) {
      const row = z + <usize>r * V * S;
      softmaxGradRow32(row, <i32>load<u8>(x + <usize>(t0 + r + 1)), sums + <usize>r * S, zys + <usize>r * S);
      for (let o = 0; o < V; o += 4) {
        const p = gby + <usize>o * S;
        v128.store(p, f32x4.add(v128.load(p), v128.load(row + <usize>o * S)));
      }
    }
    loss = addBlockLoss(loss, sums, zys, m);
    // gWyT[j][o] (+)= Σ_r h[r][j]·z[r][o]: A(j, r) = h[r·H + j].
    gemm<f32>(H, V, m, h, 1, H, z, gWyT, t0 > from);
  }
  return loss / <f64>(to - from);
}

/** w[k] −= s·g[k] in float32 for n values, n % 4 == 0 (the programs' `Wy[o][j] -= sc * dWy[o][j]`). */
export function descend32(w: usize, g: usize, n: i32, s: f32): void {
  const sv = f32x4.splat(s);
  for (let k = 0; k < n; k += 4) {
    const off = <usize>k * 4;
    v128.store(w + off, f32x4.sub(v128.load(w + off), f32x4.mul(sv, v128.load(g + off))));
  }
}

/**
 * readoutGrad32 on states whose rows are sums of few distinct slices (the shift-register carriers:
 * group g of h_t is a function of x_{t−g}): the same mean loss and summed gradient, at a fraction
 * of the work. The H columns are cut into Q = H / 8 slices of 8; slice q of row t is the value
 * vals[codes[t·Q + q]] [8] (codes < 0: an all-zero slice), with the distinct values of slice q
 * stored at ids [start[q], start[q + 1]). Per call:
 *   tables[k][V] = vals[k] · Wyᵀ[8q .. 8q + 8)      (one GEMM per slice)
 *   z_t = by + Σ_q tables[codes[t·Q + q]]          (Q row adds instead of an H-long GEMM row)
 *   resid[k][V] = Σ_{t: codes[t·Q + q] = k} (p_t − onehot(x_{t+1}))
 *   gWyT[8q + j][o] = Σ_k vals[k][j] · resid[k][o] (one GEMM per slice)
 * Float32 like readoutGrad32, only the order of the sums differs (test/readout32.test.ts).
 */
export function readoutGradSlices32(
  H: i32, from: i32, to: i32, x: usize, codes: usize, vals: usize, start: usize,
  wyT: usize, by: usize, tables: usize, resid: usize, z: usize, gWyT: usize, gby: usize, rows: usize,
): f64 {
  const S: usize = 4;
  const Q = H / 8;
  const rowV = <usize>V * S;
  const sums = rows, zys = rows + <usize>ROWS * S;
  for (let q = 0; q < Q; q++) {
    const k0 = load<i32>(start + <usize>q * S), k1 = load<i32>(start + <usize>(q + 1) * S);
    if (k1 > k0)
      gemm<f32>(k1 - k0, V, 8, vals + <usize>k0 * 8 * S, 8, 1, wyT + <usize>q * 8 * rowV, tables + <usize>k0 * rowV, false);
  }
  const total = load<i32>(start + <usize>Q * S);
  memory.fill(resid, 0, <usize>total * rowV);
  memory.fill(gby, 0, rowV);
  let loss: f64 = 0;
  for (let t0 = from; t0 < to; t0 += ROWS) {
    const m = min(ROWS, to - t0);
    for (let r = 0; r < m; r++) {
      const row = z + <usize>r * rowV;
      const c = codes + <usize>(t0 + r) * Q * S;
      // 32 outputs at a time in eight registers: z[o..o+32) = by + Σ_q tables[k_q][o..o+32).
      for (let o: usize = 0; o < rowV; o += 128) {
        let z0 = v128.load(by + o), z1 = v128.load(by + o, 16), z2 = v128.load(by + o, 32), z3 = v128.load(by + o, 48);
        let z4 = v128.load(by + o, 64), z5 = v128.load(by + o, 80), z6 = v128.load(by + o, 96), z7 = v128.load(by + o, 112);
        for (let q = 0; q < Q; q++) {
          const k = load<i32>(c + <usize>q * S);
          if (k < 0) continue;
          const tk = tables + <usize>k * rowV + o;
          z0 = f32x4.add(z0, v128.load(tk)); z1 = f32x4.add(z1, v128.load(tk, 16));
          z2 = f32x4.add(z2, v128.load(tk, 32)); z3 = f32x4.add(z3, v128.load(tk, 48));
          z4 = f32x4.add(z4, v128.load(tk, 64)); z5 = f32x4.add(z5, v128.load(tk, 80));
          z6 = f32x4.add(z6, v128.load(tk, 96)); z7 = f32x4.add(z7, v128.load(tk, 112));
        }
        const zo = row + o;
        v128.store(zo, z0); v128.store(zo, z1, 16); v128.store(zo, z2, 32); v128.store(zo, z3, 48);
        v128.store(zo, z4, 64); v128.store(zo, z5, 80); v128.store(zo, z6, 96); v128.store(zo, z7, 112);
      }
      softmaxGradRow32(row, <i32>load<u8>(x + <usize>(t0 + r + 1)), sums + <usize>r * S, zys + <usize>r * S);
      for (let o: usize = 0; o < rowV; o += 16) v128.store(gby + o, f32x4.add(v128.load(gby + o), v128.load(row + o)));
      for (let o: usize = 0; o < rowV; o += 128) {
        const d = row + o;
        const d0 = v128.load(d), d1 = v128.load(d, 16), d2 = v128.load(d, 32), d3 = v128.load(d, 48);
        const d4 = v128.load(d, 64), d5 = v128.load(d, 80), d6 = v128.load(d, 96), d7 = v128.load(d, 112);
        for (let q = 0; q < Q; q++) {
          const k = load<i32>(c + <usize>q * S);
          if (k < 0) continue;
          const rk = resid + <usize>k * rowV + o;
          v128.store(rk, f32x4.add(v128.load(rk), d0)); v128.store(rk, f32x4.add(v128.load(rk, 16), d1), 16);
          v128.store(rk, f32x4.add(v128.load(rk, 32), d2), 32); v128.store(rk, f32x4.add(v128.load(rk, 48), d3), 48);
          v128.store(rk, f32x4.add(v128.load(rk, 64), d4), 64); v128.store(rk, f32x4.add(v128.load(rk, 80), d5), 80);
          v128.store(rk, f32x4.add(v128.load(rk, 96), d6), 96); v128.store(rk, f32x4.add(v128.load(rk, 112), d7), 112);
        }
      }
    }
    loss = addBlockLoss(loss, sums, zys, m);
  }
  for (let q = 0; q < Q; q++) {
    const k0 = load<i32>(start + <usize>q * S), k1 = load<i32>(start + <usize>(q + 1) * S);
    const g = gWyT + <usize>q * 8 * rowV;
    if (k1 > k0) gemm<f32>(8, V, k1 - k0, vals + <usize>k0 * 8 * S, 1, 8, resid + <usize>k0 * rowV, g, false);
    else memory.fill(g, 0, 8 * rowV);
  }
  return loss / <f64>(to - from);
}

/**
 * The lower triangle of the weighted Gram matrix G[k][k] = Σ_t w[t]·x(t)x(t)ᵀ in float32 over the
 * rows x [n][k] (k % 8 == 0): xw [n][k] (scratch) = w ⊙ x, then one lower GEMM xwᵀ·x into g.
 * The tiles above the diagonal ones are left as they were.
 */
export function weightedGramLower32(n: i32, k: i32, w: usize, x: usize, xw: usize, g: usize): void {
  const rowK = <usize>k * 4;
  for (let t = 0; t < n; t++) {
    const s = f32x4.splat(load<f32>(w + <usize>t * 4));
    const src = x + <usize>t * rowK, dst = xw + <usize>t * rowK;
    for (let j: usize = 0; j < rowK; j += 16) v128.store(dst + j, f32x4.mul(s, v128.load(src + j)));
  }
  gemm<f32>(k, k, n, xw, 1, k, x, g, false, true);
}

/**
 * The global L2 norm of one chunk's gradient, summed in float64: gWh, gbh, gWy, gby and the gWxT
 * rows of the bytes x_0..x_{L−1} (the other rows are zero), which it marks in SEEN.
 */
function chunkGradNorm(
  H: i32, L: i32, x: usize, gWxT: usize, gWh: usize, gbh: usize, gWy: usize, gby: usize,
): f64 {
  const rowH = <usize>H * 4;
  memory.fill(SEEN, 0, V);
  let sq = sumSquares(gWh, H * H) + sumSquares(gbh, H) + sumSquares(gWy, V * H) + sumSquares(gby, V);
  for (let t = 0; t < L; t++) {
    const xt = <usize>load<u8>(x + <usize>t);
    if (load<u8>(SEEN + xt) == 0) {
      store<u8>(SEEN + xt, 1);
      sq += sumSquares(gWxT + xt * rowH, H);
    }
  }
  return Math.sqrt(sq);
}

/**
 * p[k] &= mask[k] for n float32 values (n % 4 == 0): a mask lane is all ones (kept) or all zeros
 * (the entry becomes +0), so a kept gradient passes with its bits and a masked one is exactly 0.
 */
export function maskGrads32(p: usize, mask: usize, n: i32): void {
  for (let k = 0; k < n; k += 4) {
    const off = <usize>k * 4;
    v128.store(p + off, v128.and(v128.load(p + off), v128.load(mask + off)));
  }
}

/**
 * Adam on n float32 weights w (n % 2 == 0) with float64 moments a, b, every operation in float64
 * in the order of the reference update (lib/core/train.ts), then w rounded to float32:
 * g' = scale·g, a = β1·a + (1 − β1)·g', b = β2·b + (1 − β2)·g'·g', w −= lr·(a/c1) / (√(b/c2) + ε).
 */
function adamDescend(
  w: usize, g: usize, a: usize, b: usize, n: i32,
  scale: f64, lr: f64, c1: f64, c2: f64, beta1: f64, beta2: f64, eps: f64,
): void {
  const sv = f64x2.splat(scale), lv = f64x2.splat(lr), c1v = f64x2.splat(c1), c2v = f64x2.splat(c2);
  const b1 = f64x2.splat(beta1), b2 = f64x2.splat(beta2), ev = f64x2.splat(eps);
  const o1 = f64x2.splat(1 - beta1), o2 = f64x2.splat(1 - beta2);
  for (let k = 0; k < n; k += 2) {
    const pw = w + <usize>k * 4, pa = a + <usize>k * 8, pb = b + <usize>k * 8;
    const gk = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(g + <usize>k * 4)), sv);
    const av = f64x2.add(f64x2.mul(b1, v128.load(pa)), f64x2.mul(o1, gk));
    const bv = f64x2.add(f64x2.mul(b2, v128.load(pb)), f64x2.mul(f64x2.mul(o2, gk), gk));
    v128.store(pa, av);
    v128.store(pb, bv);
    const step = f64x2.div(f64x2.mul(lv, f64x2.div(av, c1v)), f64x2.add(f64x2.sqrt(f64x2.div(bv, c2v)), ev));
    const wv = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(pw)), step);
    v128.store64_lane(pw, f32x4.demote_f64x2_zero(wv), 0);
  }
}

/**
 * The recipe's Adam update after a chunk (`train()`'s optimizer 'adam'): clip the gradient to
 * global L2 norm `clip`, then one Adam step on every parameter with bias corrections c1 = 1 − β1^t,
 * c2 = 1 − β2^t, and zero the gWxT rows of bytes x_0..x_{L−1} for the next chunk. The moments
 * m1, m2 are float64, laid out as the parameters wxT [V][H], wh [H][H], bh [H], wy [V][H], by [V]
 * one after the other. Returns the norm.
 */
export function adamStep32(
  H: i32, L: i32, x: usize, lr: f64, clip: f64, c1: f64, c2: f64, beta1: f64, beta2: f64, eps: f64,
  wxT: usize, wh: usize, bh: usize, wy: usize, by: usize,
  gWxT: usize, gWh: usize, gbh: usize, gWy: usize, gby: usize, m1: usize, m2: usize,
): f64 {
  const rowH = <usize>H * 4;
  const norm = chunkGradNorm(H, L, x, gWxT, gWh, gbh, gWy, gby);
  const s: f64 = norm > clip ? clip / norm : 1;
  const VH = V * H, HH = H * H;
  let o: usize = 0;
  adamDescend(wxT, gWxT, m1 + o, m2 + o, VH, s, lr, c1, c2, beta1, beta2, eps);
  o += <usize>VH * 8;
  adamDescend(wh, gWh, m1 + o, m2 + o, HH, s, lr, c1, c2, beta1, beta2, eps);
  o += <usize>HH * 8;
  adamDescend(bh, gbh, m1 + o, m2 + o, H, s, lr, c1, c2, beta1, beta2, eps);
  o += <usize>H * 8;
  adamDescend(wy, gWy, m1 + o, m2 + o, VH, s, lr, c1, c2, beta1, beta2, eps);
  o += <usize>VH * 8;
  adamDescend(by, gby, m1 + o, m2 + o, V, s, lr, c1, c2, beta1, beta2, eps);
  for (let xt: usize = 0; xt < <usize>V; xt++)
    if (load<u8>(SEEN + xt) != 0) memory.fill(gWxT + xt * rowH, 0, rowH);
  return norm;
}

/** Rows of U finished per pass of choleskySolve64 before they are subtracted from the later rows (fastest of 4, 8, 16). */
const PANEL: i32 = 8;

/**
 * In-place Cholesky factorization and solve in float64: a [n][n] symmetric positive definite (its
 * upper triangle is read; the lower one is scratch), b [n]. On return the upper triangle holds
 * U = Lᵀ (A = UᵀU) and b holds A⁻¹b. Returns −1, or the first pivot j that is not positive (its
 * value left at a[j][j]). Every entry sees the operations of lib/math/linalg.ts' `cholesky` and
 * `choleskySolve` in their order — a_ij minus l_ik·l_jk for k ascending, one rounded subtraction at
 * a time, then the division by l_jj — so both are bit-identical to them. The columns of L are the
 * rows of U, so the subtractions run along contiguous rows, two lanes at a time: panels of PANEL
 * rows are finished, then subtracted from every later row (right-looking, the same order per entry).
 */
export function choleskySolve64(n: i32, a: usize, b: usize): i32 {
  const S: usize = 8;
  const rowN = <usize>n * S;
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = min(j0 + PANEL, n);
    for (let j = j0; j < j1; j++) {
      const pj = a + <usize>j * rowN;
      const d = load<f64>(pj + <usize>j * S);
      if (!(d > 0)) return j;
      const u = Math.sqrt(d);
      store<f64>(pj + <usize>j * S, u);
      divideRow(pj, j + 1, n, u);
      for (let r = j + 1; r < j1; r++) subtractRows(a, rowN, r, 1, n, j, j + 1);
    }
    let r = j1;
    for (; r + 4 <= n; r += 4) subtractRows(a, rowN, r, 4, n, j0, j1);
    for (; r < n; r++) subtractRows(a, rowN, r, 1, n, j0, j1);
  }
  for (let i = 0; i < n; i++) { // forward: Lᵀ's rows are U's columns
    let s = load<f64>(b + <usize>i * S);
    for (let k = 0; k < i; k++) s -= load<f64>(a + <usize>k * rowN + <usize>i * S) * load<f64>(b + <usize>k * S);
    store<f64>(b + <usize>i * S, s / load<f64>(a + <usize>i * rowN + <usize>i * S));
  }
  for (let i = n - 1; i >= 0; i--) { // backward along U's rows
    const pi = a + <usize>i * rowN;
    let s = load<f64>(b + <usize>i * S);
    for (let k = i + 1; k < n; k++) s -= load<f64>(pi + <usize>k * S) * load<f64>(b + <usize>k * S);
    store<f64>(b + <usize>i * S, s / load<f64>(pi + <usize>i * S));
  }
  return -1;
}

/** p[c] = p[c] / u for c in [from, n) of a float64 row. */
function divideRow(p: usize, from: i32, n: i32, u: f64): void {
  const vu = f64x2.splat(u);
  let c = from;
  for (; c + 2 <= n; c += 2) {
    const q = p + <usize>c * 8;
    v128.store(q, f64x2.div(v128.load(q), vu));
  }
  if (c < n) store<f64>(p + <usize>c * 8, load<f64>(p + <usize>c * 8) / u);
}

/**
 * a[r][c] −= a[k][r]·a[k][c] for k in [k0, k1) in order, rows r in [r0, r0 + R) (R = 4 or 1),
 * columns c in [r0, n) (a 4-row tile also writes entries left of its lower rows' diagonals, in the
 * scratch triangle). Row stride rowN bytes.
 */
// @ts-ignore: decorator
@inline function subtractRows(a: usize, rowN: usize, r0: i32, R: i32, n: i32, k0: i32, k1: i32): void {
  const p0 = a + <usize>r0 * rowN;
  let c = r0;
  for (; c + 2 <= n; c += 2) {
    const off = <usize>c * 8;
    if (R == 4) {
      let x0 = v128.load(p0 + off), x1 = v128.load(p0 + rowN + off);
      let x2 = v128.load(p0 + 2 * rowN + off), x3 = v128.load(p0 + 3 * rowN + off);
      for (let k = k0; k < k1; k++) {
        const pk = a + <usize>k * rowN, ur = pk + <usize>r0 * 8;
        const bk = v128.load(pk + off);
        x0 = f64x2.sub(x0, f64x2.mul(v128.load64_splat(ur), bk));
        x1 = f64x2.sub(x1, f64x2.mul(v128.load64_splat(ur, 8), bk));
        x2 = f64x2.sub(x2, f64x2.mul(v128.load64_splat(ur, 16), bk));
        x3 = f64x2.sub(x3, f64x2.mul(v128.load64_splat(ur, 24), bk));
      }
      v128.store(p0 + off, x0); v128.store(p0 + rowN + off, x1);
      v128.store(p0 + 2 * rowN + off, x2); v128.store(p0 + 3 * rowN + off, x3);
    } else {
      let x0 = v128.load(p0 + off);
      for (let k = k0; k < k1; k++) {
        const pk = a + <usize>k * rowN;
        x0 = f64x2.sub(x0, f64x2.mul(v128.load64_splat(pk + <usize>r0 * 8), v128.load(pk + off)));
      }
      v128.store(p0 + off, x0);
    }
  }
  if (c < n) {
    const off = <usize>c * 8;
    for (let q = 0; q < R; q++) {
      const p = p0 + <usize>q * rowN + off;
      let s = load<f64>(p);
      for (let k = k0; k < k1; k++) {
        const pk = a + <usize>k * rowN;
        s -= load<f64>(pk + <usize>(r0 + q) * 8) * load<f64>(pk + off);
      }
      store<f64>(p, s);
    }
  }
}

/**
 * e^x for two float64 lanes (Cephes exp: x = n·ln 2 + r with ln 2 in two parts, so n·C1 is exact
 * and |r| ≤ ½ln 2; e^r = 1 + 2r·P(r²) / (Q(r²) − r·P(r²)), a (2, 3) Padé form; scale by 2^n through
 * the exponent bits), inputs clamped to [−708, 709] so that every result is a normal number (below
 * −708, e^−708 ≈ 3.3e−308 stands for anything smaller). Measured (test/fast.test.ts, 2^18 points):
 * within 2 ulp of Math.exp (relative 3.1e−16) on [−708, 709]; exactly 1 at 0.
 */
// @ts-ignore: decorator
@inline function exp2d(v: v128): v128 {
  const x0 = f64x2.min(f64x2.max(v, f64x2.splat(-708)), f64x2.splat(709));
  const n = f64x2.nearest(f64x2.mul(x0, f64x2.splat(1.4426950408889634073599)));
  let x = f64x2.sub(x0, f64x2.mul(n, f64x2.splat(6.93145751953125e-1)));
  x = f64x2.sub(x, f64x2.mul(n, f64x2.splat(1.42860682030941723212e-6)));
  const xx = f64x2.mul(x, x);
  let p = f64x2.add(f64x2.mul(f64x2.splat(1.26177193074810590878e-4), xx), f64x2.splat(3.02994407707441961300e-2));
  p = f64x2.mul(x, f64x2.add(f64x2.mul(p, xx), f64x2.splat(9.99999999999999999910e-1)));
  let q = f64x2.add(f64x2.mul(f64x2.splat(3.00198505138664455042e-6), xx), f64x2.splat(2.52448340349684104192e-3));
  q = f64x2.add(f64x2.mul(q, xx), f64x2.splat(2.27265548208155028766e-1));
  q = f64x2.add(f64x2.mul(q, xx), f64x2.splat(2.00000000000000000009e0));
  const y = f64x2.add(f64x2.splat(1), f64x2.mul(f64x2.splat(2), f64x2.div(p, f64x2.sub(q, p))));
  const e = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n));
  return f64x2.mul(y, i64x2.shl(i64x2.add(e, i64x2.splat(1023)), 52));
}

/** out[k] = e^{x[k]} (exp2d) for n float64 values, n % 2 == 0: exposes the approximation to tests. */
export function exp64(x: usize, n: i32, out: usize): void {
  for (let k = 0; k < n; k += 2) v128.store(out + <usize>k * 8, exp2d(v128.load(x + <usize>k * 8)));
}

/** Terms e^d with d below this are left out of a softmax's sum (see logSoftmaxSweep64). */
const SKIP_BELOW: f64 = -50;

/**
 * The log-softmaxes of a scale sweep in float64 (`scaleSweepNats` of lib/construction/pinv.ts) over
 * the U distinct outputs of a readout (U even), output u standing for counts[u] outputs with the same
 * logits: for each position r < n and scale s_k (k < K), the logits l = by + s_k·z_r (z [n][U],
 * by [U], scales [K]; each l_u = by[u] + s_k·z[r][u] as the reference forms it) and
 *   nats[k·n + r] = −max(l_y − max l − ln Σ_u counts[u]·e^{l_u − max l}, lnFloor),  y = ys[r] (bytes).
 * The sum takes exp2d's values in two lanes (u even, u odd), added at the end, and leaves out the
 * pairs whose terms are both below e^−50: less than 256·e^−50 < 2^−64 in all, of a sum that holds
 * e^0 = 1 (far below its float64 rounding). The log is the host's.
 */
export function logSoftmaxSweep64(
  n: i32, U: i32, z: usize, by: usize, counts: usize, scales: usize, K: i32, ys: usize, lnFloor: f64, nats: usize,
): void {
  const S: usize = 8;
  const rowU = <usize>U * S;
  const skip = f64x2.splat(SKIP_BELOW);
  for (let r = 0; r < n; r++) {
    const zr = z + <usize>r * rowU;
    const y = <usize>load<u8>(ys + <usize>r) * S;
    for (let k = 0; k < K; k++) {
      const s = load<f64>(scales + <usize>k * S);
      const vs = f64x2.splat(s);
      let vmax = f64x2.splat(-Infinity);
      for (let u: usize = 0; u < rowU; u += 16)
        vmax = f64x2.max(vmax, f64x2.add(v128.load(by + u), f64x2.mul(vs, v128.load(zr + u))));
      const top = max<f64>(f64x2.extract_lane(vmax, 0), f64x2.extract_lane(vmax, 1));
      const vtop = f64x2.splat(top);
      let vsum = f64x2.splat(0);
      for (let u: usize = 0; u < rowU; u += 16) {
        const d = f64x2.sub(f64x2.add(v128.load(by + u), f64x2.mul(vs, v128.load(zr + u))), vtop);
        if (i64x2.all_true(f64x2.lt(d, skip))) continue;
        vsum = f64x2.add(vsum, f64x2.mul(v128.load(counts + u), exp2d(d)));
      }
      const sum = f64x2.extract_lane(vsum, 0) + f64x2.extract_lane(vsum, 1);
      const ly = load<f64>(by + y) + s * load<f64>(zr + y);
      store<f64>(nats + <usize>(k * n + r) * S, -max<f64>(ly - top - hostLog(sum), lnFloor));
    }
  }
}
