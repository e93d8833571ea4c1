/**
 * The original sat-rnn training recipe (docs/original-work.md "The training recipe"; inimino/hutter@23a9427:sat_train.c), ported faithfully, plus an Adam option.
 *
 * init   C srand(seed); per hidden row i: Wx[i][0..255] then Wh[i][0..H−1]; then Wy[o][0..H−1]
 *        for o = 0..255; each value ((float)rand()/RAND_MAX − 0.5f)/128; biases 0.
 * epoch  h = 0; walk the data in non-overlapping chunks of 50 positions (h carries across chunks);
 *        per chunk: summed gradient → global L2 clip at 5.0 → one update.
 * lr     lr(e) = max(lrMax · ½(1 + cos(π e / epochs)), lrMin), e counted from 1.
 * keep   the parameters after the epoch whose train-pass bpc improved the best by more than 1e-4.
 */
import { GlibcRand } from './glibc-rand.js';
import { VOCAB, cloneModel, copyModelInto, tensors, zeroModel, type SatRnn } from './model.js';
import { gradTensors, zeroGrads, type ChunkGradientKernel } from './bptt.js';
import type { AdamConstants, ParamMask } from './types.js';
import { fastChunkGradient } from '../fast/bptt.js';
import { chunkGradientFor } from './kernel.js';
import { fastTrainSession } from '../fast/train.js';

/** The original initialisation from glibc `srand(seed)`. */
export function initModel(seed = 42, hidden = 128): SatRnn {
  const m = zeroModel(hidden);
  const rng = new GlibcRand(seed);
  for (let i = 0; i < hidden; i++) {
    for (let x = 0; x < VOCAB; x++) m.Wx[i * VOCAB + x] = rng.nextCenteredFloat(128);
    for (let j = 0; j < hidden; j++) m.Wh[i * hidden + j] = rng.nextCenteredFloat(128);
  }
  for (let k = 0; k < VOCAB * hidden; k++) m.Wy[k] = rng.nextCenteredFloat(128);
  return m;
}

export type Optimizer = 'sgd' | 'adam';

/** The Adam constants of the `adam` optimizer. */
export const ADAM: AdamConstants = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * Zero the entries of Wx, Wh and Wy where `mask` is 0: the weights of a model, or a chunk's
 * gradient (then the masked weights keep their value under SGD and Adam alike).
 */
export function zeroMasked(
  t: Record<'Wx' | 'Wh' | 'Wy', Float32Array | Float64Array>,
  mask: ParamMask,
): void {
  for (const k of ['Wx', 'Wh', 'Wy'] as const) {
    const w = t[k],
      keep = mask[k];
    for (let i = 0; i < w.length; i++) if (!keep[i]) w[i] = 0;
  }
}

export interface TrainOptions {
  epochs?: number;
  /** Chunk length for truncated BPTT. */
  chunk?: number;
  /** Global L2 norm clip over all gradients. */
  clip?: number;
  optimizer?: Optimizer;
  /** Peak learning rate (default 0.01 for SGD, 0.002 for Adam). */
  lrMax?: number;
  lrMin?: number;
  seed?: number;
  hidden?: number;
  /** Start from this model instead of the seeded initialisation (it is not modified). */
  init?: SatRnn;
  /**
   * The chunk-gradient kernel: by default `chunkGradientFor(hidden)` (lib/core/kernel.ts), the fast
   * float32 `fastChunkGradient` when the hidden size allows; pass `chunkGradient` (lib/core/bptt.ts)
   * for the float64 reference. With the fast kernel the whole chunk step (gradient, mask, clip,
   * update) runs fused in wasm (lib/fast/train.ts), the parameters held in float32.
   */
  kernel?: ChunkGradientKernel;
  /**
   * Train a sparse model: the weights where the mask is 0 are set to 0 at the start and their
   * gradient is zeroed after every chunk gradient (before the clip), so they stay exactly 0.
   */
  mask?: ParamMask;
  /** Called after every epoch; return `false` to stop early. */
  onEpoch?: (e: EpochReport) => boolean | void;
}

export interface EpochReport {
  epoch: number;
  lr: number;
  /** bpc accumulated during the epoch's training pass (weights changing chunk by chunk). */
  trainBpc: number;
  bestBpc: number;
  /** Positions processed per second of wall time during this epoch. */
  positionsPerSec: number;
}

export interface TrainResult {
  /** The kept (best train-pass) model. */
  best: SatRnn;
  bestBpc: number;
  bestEpoch: number;
  /** The parameters after the last epoch run. */
  last: SatRnn;
  log: EpochReport[];
  seconds: number;
}

/** Cosine learning rate of the recipe; epoch counted from 1. */
export function cosineLr(epoch: number, epochs: number, lrMax: number, lrMin: number): number {
  return Math.max(lrMax * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)), lrMin);
}

/** Chunk start positions and lengths covering the n − 1 scorable positions. */
export function chunks(n: number, chunk: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let pos = 0; pos < n - 1; pos += chunk) out.push([pos, Math.min(chunk, n - 1 - pos)]);
  return out;
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`${name}: expected a positive integer, got ${v}`);
}

/** Train with the original recipe (or Adam). */
export function train(bytes: Uint8Array, opts: TrainOptions = {}): TrainResult {
  const epochs = opts.epochs ?? 4000;
  const chunkLen = opts.chunk ?? 50;
  const clip = opts.clip ?? 5.0;
  const optimizer = opts.optimizer ?? 'sgd';
  const lrMax = opts.lrMax ?? (optimizer === 'adam' ? 0.002 : 0.01);
  const lrMin = opts.lrMin ?? 1e-4;
  checkPositiveInt('epochs', epochs);
  checkPositiveInt('chunk', chunkLen);
  if (!(clip > 0)) throw new RangeError(`clip: expected a positive number, got ${clip}`);
  if (optimizer !== 'sgd' && optimizer !== 'adam')
    throw new RangeError(`optimizer: expected sgd or adam, got ${optimizer}`);
  if (bytes.length < 2) throw new RangeError(`data: ${bytes.length} bytes, need at least 2`);

  const m = opts.init ? cloneModel(opts.init) : initModel(opts.seed ?? 42, opts.hidden ?? 128);
  const H = m.hidden;
  const mask = opts.mask;
  if (mask && mask.hidden !== H)
    throw new RangeError(`mask: built for hidden=${mask.hidden}, model has hidden=${H}`);
  if (mask) zeroMasked(m, mask);
  const kernel = opts.kernel ?? chunkGradientFor(H);
  const best = cloneModel(m);
  const g = zeroGrads(H);
  const params = tensors(m);
  const grads = gradTensors(g);
  // Adam moments, one pair per tensor.
  const mom1 = optimizer === 'adam' ? params.map((p) => new Float64Array(p.length)) : [];
  const mom2 = optimizer === 'adam' ? params.map((p) => new Float64Array(p.length)) : [];
  const { beta1, beta2, eps } = ADAM;
  let adamStep = 0;

  const plan = chunks(bytes.length, chunkLen);
  const fused =
    kernel === fastChunkGradient
      ? fastTrainSession(m, bytes, plan, {
          clip,
          ...(optimizer === 'adam' && { adam: ADAM }),
          ...(mask && { mask }),
        })
      : null;
  const h = new Float64Array(H);
  const hNext = new Float64Array(H);
  let bestBpc = Infinity;
  let bestEpoch = 0;
  const log: EpochReport[] = [];
  const t0 = performance.now();

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const te = performance.now();
    const lr = cosineLr(epoch, epochs, lrMax, lrMin);
    h.fill(0);
    let loss = fused ? fused.epoch(lr, m) : 0;
    for (const [start, len] of fused ? [] : plan) {
      for (const t of grads) t.fill(0);
      loss += kernel(m, bytes, start, len, h, g, hNext);
      h.set(hNext);
      if (mask) zeroMasked(g, mask);
      let sq = 0;
      for (const t of grads) for (let k = 0; k < t.length; k++) sq += t[k] * t[k];
      const norm = Math.sqrt(sq);
      const scale = norm > clip ? clip / norm : 1;
      if (optimizer === 'sgd') {
        for (let p = 0; p < params.length; p++) {
          const w = params[p],
            d = grads[p],
            s = lr * scale;
          for (let k = 0; k < w.length; k++) w[k] -= s * d[k];
        }
      } else {
        adamStep++;
        const c1 = 1 - beta1 ** adamStep,
          c2 = 1 - beta2 ** adamStep;
        for (let p = 0; p < params.length; p++) {
          const w = params[p],
            d = grads[p],
            a = mom1[p],
            b = mom2[p];
          for (let k = 0; k < w.length; k++) {
            const gk = d[k] * scale;
            a[k] = beta1 * a[k] + (1 - beta1) * gk;
            b[k] = beta2 * b[k] + (1 - beta2) * gk * gk;
            w[k] -= (lr * (a[k] / c1)) / (Math.sqrt(b[k] / c2) + eps);
          }
        }
      }
    }
    const trainBpc = loss / (bytes.length - 1) / Math.LN2;
    if (trainBpc < bestBpc - 1e-4) {
      bestBpc = trainBpc;
      bestEpoch = epoch;
      copyModelInto(best, m);
    }
    const report: EpochReport = {
      epoch,
      lr,
      trainBpc,
      bestBpc,
      positionsPerSec: (bytes.length - 1) / ((performance.now() - te) / 1000),
    };
    log.push(report);
    if (opts.onEpoch?.(report) === false) break;
  }
  return { best, bestBpc, bestEpoch, last: m, log, seconds: (performance.now() - t0) / 1000 };
}
