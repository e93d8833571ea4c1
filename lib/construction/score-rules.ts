/**
 * How the original construction programs score (docs/original-work.md, "How the construction
 * programs score"; inimino/hutter@efbaac3:write_weights6.c, 8.c, 12.c). A construction's readout is *fitted* on positions
 * [16, n − 2), but every number the programs print scores the **constructed sat-rnn run as an
 * RNN**: the model is run from h(−1) = 0 over the whole text and −log2 p(x_{t+1}), with p floored
 * at 1e-30, is averaged over the positions of a rule:
 *
 *   all                t = 0 … n − 2 (the bpc protocol; the 16 warm-up positions included)
 *   range(start, end)  x_0 … x_{start−1} are read unscored, then t = start … end − 2 are scored
 *
 * Train half = range(0, ⌊n/2⌋), test half = range(⌊n/2⌋, n); t = ⌊n/2⌋ − 1 is scored by neither.
 * Every rule scores the same trajectory (the run from h = 0), so one pass of per-position bits
 * serves all of them.
 */
import type { SatRnn } from '../core/model.js';
import { run, scoreStates, type Score } from '../core/rnn.js';

/** Wy [256][H] and by [256] in any numeric array (a fitted `Readout` or a model's float32 tensors). */
export interface ReadoutLike {
  readonly Wy: ArrayLike<number>;
  readonly by: ArrayLike<number>;
}

/** Positions skipped at the start of a readout's fitting range (the 16-group register fills up). */
export const WARMUP = 16;

/** Probabilities below this are raised to it before the log (the original `P > 1e-30 ? P : 1e-30`). */
export const P_FLOOR = 1e-30;

/** The most bits one position can cost under the floor: −log2(1e-30) ≈ 99.66. */
export const MAX_BITS = -Math.log2(P_FLOOR);

/** Which positions of a run from h = 0 a score averages. */
export type ScoreRule =
  | { readonly kind: 'all' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number };

/** Every position t = 0 … n − 2. */
export const ALL: ScoreRule = { kind: 'all' };

/** x_0 … x_{start−1} read unscored, t = start … end − 2 scored. */
export function range(start: number, end: number): ScoreRule {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end - 2 >= start)) {
    throw new RangeError(
      `range(${start}, ${end}): expected integers with 0 ≤ start ≤ end − 2 (at least one scored position)`,
    );
  }
  return { kind: 'range', start, end };
}

/** A half-open interval [from, to) of positions t (each predicting x_{t+1}). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/**
 * The positions t a rule scores on a text of n bytes, as [from, to).
 *
 * @example
 * scoredSpan(ALL, 1024); // → { from: 0, to: 1023 }
 * scoredSpan(halves(1024).test, 1024); // → { from: 512, to: 1023 }
 */
export function scoredSpan(rule: ScoreRule, n: number): Span {
  if (!(Number.isInteger(n) && n >= 2))
    throw new RangeError(`n: a text of ${n} bytes has no position to score`);
  if (rule.kind === 'all') return { from: 0, to: n - 1 };
  if (rule.end > n)
    throw new RangeError(`range(${rule.start}, ${rule.end}): ends beyond the text's ${n} bytes`);
  return { from: rule.start, to: rule.end - 1 };
}

/** The original train/test halves of a text of n bytes: range(0, ⌊n/2⌋) and range(⌊n/2⌋, n). */
export function halves(n: number): { readonly train: ScoreRule; readonly test: ScoreRule } {
  const m = Math.floor(n / 2);
  return { train: range(0, m), test: range(m, n) };
}

/**
 * A readout's fitting positions on the first `end` bytes of a text: [16, end − 2), the original's
 * `for (t = 16; t < T − 1; t++)` with T = end − 1 states.
 *
 * @example
 * fitSpan(1024); // → { from: 16, to: 1022 }
 */
export function fitSpan(end: number): Span {
  if (!(Number.isInteger(end) && end - 2 > WARMUP))
    throw new RangeError(
      `end: a text of ${end} bytes leaves no fitting position after the ${WARMUP}-step warm-up`,
    );
  return { from: WARMUP, to: end - 2 };
}

/** Mean of per-position bits over [from, to) (bits[k] belongs to position k; `positionBits` floors them). */
export function meanBits(bits: Float64Array, span: Span): number {
  if (!(span.from >= 0 && span.to <= bits.length && span.to > span.from)) {
    throw new RangeError(
      `span [${span.from}, ${span.to}): outside the ${bits.length} scored positions`,
    );
  }
  let sum = 0;
  for (let t = span.from; t < span.to; t++) sum += bits[t];
  return sum / (span.to - span.from);
}

/**
 * Per-position bits −log2 p(x_{t+1}) of a readout on a run's states, for every t = 0 … n − 2
 * (floored as the original: at most MAX_BITS). `states` [n][H] must be the run from h(−1) = 0.
 */
export function positionBits(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  r: ReadoutLike,
): Float64Array {
  const bits = scoreStates(r.Wy, r.by, hidden, states, bytes).bits;
  for (let t = 0; t < bits.length; t++) if (bits[t] > MAX_BITS) bits[t] = MAX_BITS;
  return bits;
}

/** bpc of a readout on a run's states (from h = 0) under a rule. */
export function ruleBpc(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  r: ReadoutLike,
  rule: ScoreRule,
): number {
  return meanBits(positionBits(states, hidden, bytes, r), scoredSpan(rule, bytes.length));
}

/** Score a constructed model under a rule: run it from h(−1) = 0 over `bytes`, average the rule's positions. */
export function scoreConstructed(m: SatRnn, bytes: Uint8Array, rule: ScoreRule): Score {
  const span = scoredSpan(rule, bytes.length);
  const bits = positionBits(run(m, bytes).h, m.hidden, bytes, m).subarray(span.from, span.to);
  return { bpc: meanBits(bits, { from: 0, to: bits.length }), positions: bits.length, bits };
}
