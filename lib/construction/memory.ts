/**
 * Memory depth: how far back the input byte can be read out of the hidden state.
 *
 * For each delay d a linear decoder reads x_{t−d} from the sign pattern of h(t):
 *   features φ(t) = (sign h(t), 1) ∈ {±1}^H × {1},  targets onehot(x_{t−d}),
 *   W = (ΦᵀΦ + λI)⁻¹ ΦᵀY fitted on positions t ∈ [max(from, d), split),
 *   decoded byte = argmax_x (φ(t)ᵀW)[x],  accuracy measured on held-out positions t ∈ [split, n).
 * Chance level is the accuracy of always answering the most frequent x_{t−d} of the fitting
 * positions. Memory depth is the number of consecutive delays d = 0, 1, … whose held-out accuracy
 * is at least `threshold`.
 */
import { VOCAB } from '../core/model.js';
import { ridgeSolve } from './pinv.js';
import { times } from '../fast/gram.js';

export interface MemoryOptions {
  /** Largest delay examined (default 24). */
  maxDelay?: number;
  /** First fitting position (default 0). */
  from?: number;
  /** First held-out position (default n/2). */
  split?: number;
  /** Ridge λ (default 0.01). */
  ridge?: number;
  /** Accuracy a delay must reach to count towards the depth (default 0.5). */
  threshold?: number;
}

export interface MemoryCurve {
  /** Delays 0..maxDelay. */
  readonly delays: number[];
  /** Held-out decoding accuracy at each delay. */
  readonly accuracy: Float64Array;
  /** Majority-answer accuracy at each delay (same held-out positions). */
  readonly chance: Float64Array;
  /** Consecutive delays from 0 with accuracy ≥ threshold. */
  readonly depth: number;
  readonly threshold: number;
}

/** Decode x_{t−d} from sign(h(t)) for d = 0..maxDelay; `states` is [n][H] for `bytes`. */
export function memoryCurve(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  opts: MemoryOptions = {},
): MemoryCurve {
  const n = bytes.length,
    H = hidden,
    K = H + 1;
  if (states.length !== n * H)
    throw new RangeError(`states: ${states.length} values, expected ${n} × ${H}`);
  const maxDelay = opts.maxDelay ?? 24,
    from = opts.from ?? 0,
    split = opts.split ?? Math.floor(n / 2);
  const ridge = opts.ridge ?? 0.01,
    threshold = opts.threshold ?? 0.5;
  if (!(Number.isInteger(maxDelay) && maxDelay >= 0))
    throw new RangeError(`maxDelay: expected a non-negative integer, got ${maxDelay}`);
  if (!(Number.isInteger(split) && split > from + maxDelay && split < n)) {
    throw new RangeError(
      `split: expected an integer in (${from + maxDelay}, ${n}) so every delay has fitting and held-out positions, got ${split}`,
    );
  }
  const phi = (t: number, out: Float64Array, off: number): void => {
    for (let j = 0; j < H; j++) out[off + j] = states[t * H + j] >= 0 ? 1 : -1;
    out[off + H] = 1;
  };
  const delays = Array.from({ length: maxDelay + 1 }, (_, d) => d);
  const accuracy = new Float64Array(delays.length),
    chance = new Float64Array(delays.length);
  for (const d of delays) {
    const t0 = Math.max(from, d),
      m = split - t0;
    const X = new Float64Array(m * K),
      Y = new Float64Array(m * VOCAB);
    const counts = new Float64Array(VOCAB);
    for (let r = 0; r < m; r++) {
      phi(t0 + r, X, r * K);
      const x = bytes[t0 + r - d];
      Y[r * VOCAB + x] = 1;
      counts[x]++;
    }
    const W = ridgeSolve(X, m, K, Y, VOCAB, ridge);
    let majority = 0;
    for (let x = 1; x < VOCAB; x++) if (counts[x] > counts[majority]) majority = x;
    // Scores of every held-out position at once: Φ_test·W, each Σ_j φ_j·W[j][x] in j order.
    const test = n - split;
    const Phi = new Float64Array(test * K);
    for (let r = 0; r < test; r++) phi(split + r, Phi, r * K);
    const scores = times(Phi, test, K, W, VOCAB);
    let hit = 0,
      base = 0;
    for (let r = 0; r < test; r++) {
      let best = 0;
      for (let x = 1; x < VOCAB; x++)
        if (scores[r * VOCAB + x] > scores[r * VOCAB + best]) best = x;
      if (best === bytes[split + r - d]) hit++;
      if (majority === bytes[split + r - d]) base++;
    }
    accuracy[d] = hit / (n - split);
    chance[d] = base / (n - split);
  }
  let depth = 0;
  while (depth < delays.length && accuracy[depth] >= threshold) depth++;
  return { delays, accuracy, chance, depth, threshold };
}
