/**
 * The redux of a trained sat-rnn (inimino/hutter@86fbef8:q5_redux.c, "Q5: The Sat-RNN Redux"): which
 * parameters of a trained model its pruning rule keeps, as a `ParamMask` the scaffolding experiment
 * can train from random initialisation (lib/construction/scaffold.ts).
 *
 * The rule, in our words:
 *
 * 1. **Rank the hidden units by readout knockout.** For each unit j, zero column j of W_y (the unit
 *    still runs in the dynamics but no longer reaches the logits) and measure the bpc protocol on the
 *    text; the unit's importance is that bpc minus the intact model's bpc. Units are ranked by
 *    importance, largest first (exact ties: lower index first).
 * 2. **Keep the readout of the top k units only**: their W_y columns (256 entries each).
 * 3. **Keep the recurrent weights of large magnitude**: W_h[i][j] with |W_h[i][j]| ≥ θ (the program
 *    zeroes the entries below θ).
 * 4. **Keep every W_x entry** ("for dynamics") and both biases b_h, b_y.
 *
 * Its parameter count is therefore 256·H + #{|W_h| ≥ θ} + H + 256·k + 256, whatever the model: at
 * least 33,152 + 256·k for H = 128, since all 32,768 input weights are kept.
 *
 * Two settings of (k, θ) appear in the public record: the one q5_redux.c hard-codes for the count it
 * prints (k = 15, θ = 2.0), and the "best redux" of inimino/hutter@86fbef8:synthesis.tex (top 20
 * neurons, W_h pruned at 3.0), the configuration the seed's "26k-parameter redux" names.
 */
import { VOCAB, cloneModel, type SatRnn } from '../core/model.js';
import { evaluate } from '../core/rnn.js';
import type { ParamMask } from './scaffold.js';

/** A setting of the redux rule: how many units keep their readout, and the |W_h| threshold. */
export interface ReduxRule {
  /** Units whose W_y column is kept (the top k by readout knockout). */
  readonly neurons: number;
  /** W_h entries with |w| ≥ this are kept. */
  readonly whThreshold: number;
}

/**
 * The two settings of the public record.
 *
 * - `printed`: the configuration q5_redux.c hard-codes for the parameter count it prints (k = 15, θ = 2.0).
 * - `synthesis`: the best redux of synthesis.tex's minimal-model table (top 20 neurons, W_h pruned
 *   at 3.0; "Inference needs ~26,000 (the redux)"), the redux the scaffolding experiment trains.
 *
 * @example
 * REDUX_RULES.synthesis; // → { neurons: 20, whThreshold: 3 }
 */
export const REDUX_RULES = {
  printed: { neurons: 15, whThreshold: 2.0 },
  synthesis: { neurons: 20, whThreshold: 3.0 },
} as const satisfies Record<string, ReduxRule>;

/** Readout-knockout importance of every hidden unit on a text. */
export interface Knockout {
  /** The intact model's bpc (bpc protocol) on the text. */
  readonly baseline: number;
  /** importance[j] = bpc with W_y column j zeroed − baseline, [H]. */
  readonly importance: Float64Array;
  /** All units, most important first (exact ties: lower index first). */
  readonly ranking: readonly number[];
}

/**
 * Rank the hidden units by readout knockout: the bpc cost, on `bytes`, of zeroing each unit's W_y
 * column (the unit keeps running in the dynamics). H + 1 evaluations of the bpc protocol.
 */
export function readoutKnockout(m: SatRnn, bytes: Uint8Array): Knockout {
  const H = m.hidden;
  const baseline = evaluate(m, bytes).bpc;
  const importance = new Float64Array(H);
  const probe = cloneModel(m);
  for (let j = 0; j < H; j++) {
    for (let o = 0; o < VOCAB; o++) probe.Wy[o * H + j] = 0;
    importance[j] = evaluate(probe, bytes).bpc - baseline;
    for (let o = 0; o < VOCAB; o++) probe.Wy[o * H + j] = m.Wy[o * H + j];
  }
  return { baseline, importance, ranking: rankByImportance(importance) };
}

/**
 * Unit indices by importance, largest first; exact ties keep the lower index first.
 *
 * @example
 * rankByImportance([0.1, 0.3, 0.1, 0.2]); // → [1, 3, 0, 2]
 */
export function rankByImportance(importance: ArrayLike<number>): number[] {
  const idx = Array.from({ length: importance.length }, (_, j) => j);
  for (const j of idx)
    if (Number.isNaN(importance[j])) throw new RangeError(`importance[${j}] is NaN`);
  return idx.sort((a, b) => importance[b] - importance[a] || a - b);
}

/** Number of W_h entries with |w| ≥ θ (the ones the redux keeps). */
export function whKept(m: SatRnn, whThreshold: number): number {
  let kept = 0;
  for (const w of m.Wh) if (Math.abs(w) >= whThreshold) kept++;
  return kept;
}

/**
 * The |W_h| threshold that keeps the `entries` largest-magnitude entries of W_h (more on ties at
 * the threshold): the θ at which this model keeps as many recurrent weights as another model kept
 * at its own θ.
 *
 * @example
 * whThresholdForCount({ ...zeroModel(2), Wh: Float32Array.of(0.5, -2, 1, 0.25) }, 2); // → 1
 */
export function whThresholdForCount(m: SatRnn, entries: number): number {
  if (!(Number.isInteger(entries) && entries >= 1 && entries <= m.Wh.length))
    throw new RangeError(`entries: expected an integer in [1, ${m.Wh.length}], got ${entries}`);
  const mags = Float64Array.from(m.Wh, Math.abs).sort();
  return mags[mags.length - entries];
}

/**
 * The redux's parameter count as q5_redux.c counts it: all of W_x, the kept W_h entries, b_h, k
 * W_y columns and b_y.
 *
 * @example
 * reduxParameterCount(128, 15, 0); // → 36992
 */
export function reduxParameterCount(hidden: number, neurons: number, whEntries: number): number {
  return hidden * VOCAB + whEntries + hidden + neurons * VOCAB + VOCAB;
}

function checkRule(rule: ReduxRule, hidden: number): void {
  if (!(Number.isInteger(rule.neurons) && rule.neurons >= 0 && rule.neurons <= hidden)) {
    throw new RangeError(`neurons: expected an integer in [0, ${hidden}], got ${rule.neurons}`);
  }
  if (!(rule.whThreshold >= 0 && Number.isFinite(rule.whThreshold)))
    throw new RangeError(`whThreshold: expected a finite number ≥ 0, got ${rule.whThreshold}`);
}

/**
 * The redux mask of model `m` for a ranking of its units (from `readoutKnockout`): W_x all kept,
 * W_h kept where |w| ≥ θ, W_y columns of the first `rule.neurons` units of `ranking` kept.
 * Biases are always kept (`ParamMask`).
 */
export function reduxMaskFor(m: SatRnn, ranking: readonly number[], rule: ReduxRule): ParamMask {
  const H = m.hidden;
  checkRule(rule, H);
  if (
    ranking.length !== H ||
    new Set(ranking).size !== H ||
    ranking.some((j) => !(Number.isInteger(j) && j >= 0 && j < H))
  ) {
    throw new RangeError(`ranking: expected a permutation of the ${H} unit indices`);
  }
  const Wx = new Uint8Array(H * VOCAB).fill(1);
  const Wh = Uint8Array.from(m.Wh, (w) => (Math.abs(w) >= rule.whThreshold ? 1 : 0));
  const Wy = new Uint8Array(VOCAB * H);
  for (const j of ranking.slice(0, rule.neurons)) for (let o = 0; o < VOCAB; o++) Wy[o * H + j] = 1;
  return { hidden: H, Wx, Wh, Wy };
}

/** A redux of a trained model on a text: the rule, the units kept, its mask and count. */
export interface Redux {
  readonly rule: ReduxRule;
  readonly knockout: Knockout;
  /** The units whose W_y column is kept, ascending. */
  readonly neurons: readonly number[];
  /** W_h entries kept (|w| ≥ θ). */
  readonly whEntries: number;
  readonly mask: ParamMask;
  /** Trainable parameters under the mask (= `reduxParameterCount`). */
  readonly count: number;
}

/**
 * The redux of `m` on `bytes` under `rule` (knockout ranking computed here unless given, e.g. to
 * share it between rules).
 */
export function redux(
  m: SatRnn,
  bytes: Uint8Array,
  rule: ReduxRule,
  knockout: Knockout = readoutKnockout(m, bytes),
): Redux {
  const mask = reduxMaskFor(m, knockout.ranking, rule);
  const whEntries = whKept(m, rule.whThreshold);
  return {
    rule,
    knockout,
    mask,
    whEntries,
    neurons: knockout.ranking.slice(0, rule.neurons).sort((a, b) => a - b),
    count: reduxParameterCount(m.hidden, rule.neurons, whEntries),
  };
}

/**
 * The lowest bpc any predictor of x_{t+1} from x_t alone reaches on `bytes`, in-sample: the
 * empirical conditional entropy H(X_{t+1} | X_t) over t = 0 … n − 2, in bits. A redux that keeps
 * no recurrent weight has h_t = tanh(b_h + W_x[:, x_t]), a function of x_t, so this bounds it.
 *
 * @example
 * inputOnlyFloor(new TextEncoder().encode('abab')); // → 0
 * inputOnlyFloor(new TextEncoder().encode('aab')); // → 1
 */
export function inputOnlyFloor(bytes: Uint8Array): number {
  if (bytes.length < 2)
    throw new RangeError(`data: ${bytes.length} bytes, need at least 2 to score a position`);
  const pair = new Float64Array(VOCAB * VOCAB),
    ctx = new Float64Array(VOCAB);
  for (let t = 0; t + 1 < bytes.length; t++) {
    pair[bytes[t] * VOCAB + bytes[t + 1]]++;
    ctx[bytes[t]]++;
  }
  let bits = 0;
  for (let k = 0; k < pair.length; k++)
    if (pair[k] > 0) bits -= pair[k] * Math.log2(pair[k] / ctx[Math.floor(k / VOCAB)]);
  return bits / (bytes.length - 1);
}
