/**
 * The shift-register carrier (docs/original-work.md "Shift register and analytic readout"; seed 000 §4): a sat-rnn whose dynamics are written down
 * instead of trained. H = G·B hidden units in G groups of B neurons; neuron g·B + j.
 *
 *   group 0      Wx[j][x] = inputWeight · hash(x, j)               (the current byte, B signs)
 *   group g ≥ 1  Wh[g·B + j][(g−1)·B + j] = carryWeight            (copy group g−1, one step later)
 *   bh = 0,  by[o] = log((count_o + 0.5) / (n + 128)),  Wy = 0 (a readout is fitted separately)
 *
 * After g steps, sign(h_{g·B+j}(t)) = hash(x_{t−g}, j): the state holds the last G bytes.
 * Also the analytic readout by skip-bigram log-ratios.
 */
import { checkBits, type ByteHash } from './hash.js';
import { VOCAB, zeroModel, type SatRnn } from '../core/model.js';
import { marginalBias } from '../core/data.js';
import { run } from '../core/rnn.js';
import type { Readout, ReadoutProblem } from './readout.js';
import { scaleSweep, type ScaleSweep } from './pinv.js';

/** Shape and weights of a carrier. */
export interface CarrierSpec {
  readonly hash: ByteHash;
  /** Number of groups G (offsets 0..G−1). */
  readonly groups: number;
  /** Bits per group B. */
  readonly bits: number;
  /** |Wx| of group 0 (default 10). */
  readonly inputWeight?: number;
  /** Weight of the group-to-group copy (default 5). */
  readonly carryWeight?: number;
}

function checkSpec(s: CarrierSpec): void {
  if (!(Number.isInteger(s.groups) && s.groups >= 1))
    throw new RangeError(`groups: expected a positive integer, got ${s.groups}`);
  checkBits(s.hash, s.bits);
}

/**
 * Build the carrier model; `bytes` gives the counts for by (log of add-½ smoothed frequencies).
 */
export function buildShiftRegister(s: CarrierSpec, bytes: Uint8Array): SatRnn {
  checkSpec(s);
  const { groups: G, bits: B } = s;
  const H = G * B;
  const m = zeroModel(H);
  const win = s.inputWeight ?? 10,
    carry = s.carryWeight ?? 5;
  for (let j = 0; j < B; j++)
    for (let x = 0; x < VOCAB; x++) m.Wx[j * VOCAB + x] = win * s.hash.sign(x, j);
  for (let g = 1; g < G; g++)
    for (let j = 0; j < B; j++) m.Wh[(g * B + j) * H + (g - 1) * B + j] = carry;
  m.by.set(marginalBias(bytes));
  return m;
}

/** Result of the encoding check. */
export interface EncodingCheck {
  /** Number of (t, g, j) sign comparisons made. */
  readonly checked: number;
  readonly correct: number;
  readonly accuracy: number;
}

/**
 * Check sign(h_{g·B+j}(t)) = hash(x_{t−g}, j) for every t ≥ g, every group g and bit j, on the
 * tanh trajectory `states` ([n][G·B]) of the carrier over `bytes`.
 */
export function encodingAccuracy(
  s: CarrierSpec,
  states: Float64Array,
  bytes: Uint8Array,
): EncodingCheck {
  checkSpec(s);
  const { groups: G, bits: B } = s;
  const H = G * B;
  if (states.length !== bytes.length * H)
    throw new RangeError(`states: ${states.length} values, expected ${bytes.length} × ${H}`);
  let checked = 0,
    correct = 0;
  for (let t = 0; t < bytes.length; t++) {
    for (let g = 0; g <= Math.min(t, G - 1); g++) {
      for (let j = 0; j < B; j++) {
        checked++;
        if ((states[t * H + g * B + j] >= 0 ? 1 : -1) === s.hash.sign(bytes[t - g], j)) correct++;
      }
    }
  }
  return { checked, correct, accuracy: correct / checked };
}

/** Run the carrier over `bytes` and return its tanh states [n][G·B]. */
export function carrierStates(s: CarrierSpec, bytes: Uint8Array): Float64Array {
  return run(buildShiftRegister(s, bytes), bytes).h;
}

/**
 * Skip-bigram log-ratio directions, before scaling: for group g and bit j, over the problem's
 * positions t ≥ g with src = x_{t−g}, dst = x_{t+1}, split by S± = {x : hash(x, j) = ±1}:
 *   D[o][g·B+j] = log P_α(o | src ∈ S+) − log P_α(o | src ∈ S−),  P_α = (c + α)/(N + 256α).
 */
export function logRatioDirections(s: CarrierSpec, p: ReadoutProblem, alpha: number): Float64Array {
  checkSpec(s);
  if (!(alpha > 0)) throw new RangeError(`alpha: expected a positive smoothing, got ${alpha}`);
  const { groups: G, bits: B } = s;
  const H = G * B;
  if (p.hidden !== H)
    throw new RangeError(`problem has ${p.hidden} hidden units, the carrier has ${H}`);
  const D = new Float64Array(VOCAB * H);
  const plus = new Float64Array(VOCAB),
    minus = new Float64Array(VOCAB);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < B; j++) {
      plus.fill(0);
      minus.fill(0);
      let np = 0,
        nm = 0;
      for (let t = Math.max(p.from, g); t < p.to; t++) {
        const dst = p.bytes[t + 1];
        if (s.hash.sign(p.bytes[t - g], j) > 0) {
          plus[dst]++;
          np++;
        } else {
          minus[dst]++;
          nm++;
        }
      }
      const k = g * B + j;
      for (let o = 0; o < VOCAB; o++) {
        D[o * H + k] =
          Math.log((plus[o] + alpha) / (np + VOCAB * alpha)) -
          Math.log((minus[o] + alpha) / (nm + VOCAB * alpha));
      }
    }
  }
  return D;
}

/** The analytic readout and the grid point that chose it. */
export interface AnalyticReadout extends Readout {
  readonly alpha: number;
  readonly scale: number;
  /** bpc on the problem's positions. */
  readonly bpc: number;
}

/** inclusive grid start, start + step, …, stop (rounded to 1e-9 to keep decimals exact). */
export function grid(start: number, stop: number, step: number): number[] {
  if (!(step > 0 && stop >= start))
    throw new RangeError(
      `grid: expected step > 0 and stop ≥ start, got ${start}..${stop} step ${step}`,
    );
  const n = Math.round((stop - start) / step) + 1;
  return Array.from({ length: n }, (_, k) => Math.round((start + k * step) * 1e9) / 1e9);
}

/** The original (α, scale) grid: α 0.5..5 step 0.5, scale 0.05..3 step 0.05. */
export const ANALYTIC_GRID = { alphas: grid(0.5, 5, 0.5), scales: grid(0.05, 3, 0.05) } as const;

/**
 * Analytic Wy: Wy = scale · D(α) with D from the pairs of `stats`' positions, and `by` (default:
 * marginalBias of the whole text), with (α, scale) chosen on the grid by bpc on `select` (default:
 * `stats`), α-major and scale-minor, the first lowest bpc winning (the original's loop order and
 * strict `<`). The original accumulates the scale grid in float32 (`scale += 0.05`): the same 60
 * points, within 2·10⁻⁶ of the decimal ones used here.
 */
export function analyticReadout(
  s: CarrierSpec,
  stats: ReadoutProblem,
  opts: {
    alphas?: readonly number[];
    scales?: readonly number[];
    select?: ReadoutProblem;
    by?: ArrayLike<number>;
  } = {},
): AnalyticReadout {
  const by = Float64Array.from(opts.by ?? marginalBias(stats.bytes));
  let best: AnalyticReadout | null = null;
  for (const alpha of opts.alphas ?? ANALYTIC_GRID.alphas) {
    const D = logRatioDirections(s, stats, alpha);
    const sw: ScaleSweep = scaleSweep(
      opts.select ?? stats,
      D,
      by,
      opts.scales ?? ANALYTIC_GRID.scales,
    );
    if (!best || sw.bpc < best.bpc) {
      best = { Wy: D.map((v) => v * sw.scale), by, alpha, scale: sw.scale, bpc: sw.bpc };
    }
  }
  if (!best) throw new RangeError('alphas: expected at least one value');
  return best;
}

/**
 * The bytes the register holds after reading x_t: group g carries x_{t−g} (null while the
 * register is still filling, t < g), [G].
 *
 * @example
 * registerContents(3, Uint8Array.from([65, 66, 67]), 1); // → [66, 65, null]
 */
export function registerContents(groups: number, bytes: Uint8Array, t: number): (number | null)[] {
  if (!(Number.isInteger(groups) && groups >= 1))
    throw new RangeError(`groups: expected a positive integer, got ${groups}`);
  if (!(Number.isInteger(t) && t >= 0 && t < bytes.length))
    throw new RangeError(`t: ${t} is outside the text's 0..${bytes.length - 1}`);
  return Array.from({ length: groups }, (_, g) => (t - g >= 0 ? bytes[t - g] : null));
}
