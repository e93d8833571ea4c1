/**
 * Counting models (notebook 06): predicting x_{t+1} from counts of what followed the same
 * context elsewhere, the end point of both seeds ("The mantissa was the ladder. The result is
 * counting."; seed 003 §7.3: ngram-um and pattern-chain).
 *
 * A *context family* lists, for a position t, the contexts that predict x_{t+1}, most specific
 * first. Counts map a context to the bytes that followed it. Here `ngramFamily(order)`: the
 * suffixes x_{t−L+1} … x_t for L = order − 1 … 0 (L ≤ t + 1); the pattern-chain families are in
 * chains.ts.
 *
 * Three rules turn counts into a prediction:
 * - `umRule`: the original n-gram UM (sat_ngram_um.c) — the first context in which the *target*
 *   has a non-zero count gives p = count(target | ctx)/total(ctx), else 1/256. Choosing the context
 *   by looking at the target means these numbers are not a distribution (`umMass` sums them).
 * - `ppmcRule`: PPM-C with exclusions — the longest context seen predicts c with count/(total +
 *   types), escapes with types/(total + types) to the next context, symbols already offered
 *   excluded; after the last context, uniform over the bytes not yet offered. A distribution.
 * - `knRule` (n-grams only): interpolated Kneser–Ney with discount 0.75 — the longest context's
 *   raw counts, every shorter one's continuation counts (distinct left extensions), interpolated
 *   down to the uniform 1/256. A distribution.
 *
 * Three protocols: in-sample (counts from the whole text, predicting the text: as the original and
 * as the sat-rnn scored on its training text), adaptive (counts only from x_0 … x_t when predicting
 * x_{t+1}: a real code length) and held out (counts from the training text, predicting another).
 */

/** Contexts predicting x_{t+1}, most specific first; each a key into the counts. */
export type ContextFamily = (bytes: Uint8Array, t: number) => string[];

const key = (tag: string, bytes: Uint8Array, from: number, to: number) =>
  tag + String.fromCharCode(...bytes.subarray(from, to));

function checkOrder(order: number): void {
  if (!(Number.isInteger(order) && order >= 1 && order <= 64))
    throw new RangeError(`order: expected an integer from 1 to 64, got ${order}`);
}

/**
 * n-gram contexts of `order`: the L bytes ending at t, L = min(order − 1, t + 1) … 0. With
 * `originalStart` the longest is min(order − 1, t), as sat_ngram_um.c *looks them up*
 * (`if (ctx_len > t) continue`: the context x_0 … x_t is never used), while it *counts* every
 * length up to t + 1 (use the family without the flag for counting; see `originalUm`).
 */
export function ngramFamily(order: number, originalStart = false): ContextFamily {
  checkOrder(order);
  return (bytes, t) => {
    const out: string[] = [];
    for (let L = Math.min(order - 1, originalStart ? t : t + 1); L >= 0; L--)
      out.push(key('n', bytes, t + 1 - L, t + 1));
    return out;
  };
}

/** What followed one context: count per byte, their total and the bytes seen (in first-seen order). */
interface Node {
  readonly counts: Uint32Array;
  total: number;
  readonly symbols: number[];
}

function newNode(): Node {
  return { counts: new Uint32Array(256), total: 0, symbols: [] };
}

function addTo(node: Node, c: number): void {
  if (node.counts[c]++ === 0) node.symbols.push(c);
  node.total++;
}

/** Counts of what followed each context of a family; `add(bytes, t)` counts position t. */
export class ContextCounts {
  private readonly table = new Map<string, Node>();
  /** Continuation counts for Kneser–Ney: context → how many distinct left extensions preceded each byte. */
  private readonly cont = new Map<string, Node>();

  constructor(readonly family: ContextFamily) {}

  /** Count position t: every context of the family at t, followed by x_{t+1}. */
  add(bytes: Uint8Array, t: number): void {
    const next = bytes[t + 1];
    for (const k of this.family(bytes, t)) {
      let node = this.table.get(k);
      if (!node) this.table.set(k, (node = newNode()));
      const first = node.counts[next] === 0;
      addTo(node, next);
      // A new n-gram (w ctx, next) is one more distinct left extension of (ctx, next).
      if (first && k.length > 1 && k[0] === 'n') {
        const shorter = 'n' + k.slice(2);
        let cn = this.cont.get(shorter);
        if (!cn) this.cont.set(shorter, (cn = newNode()));
        addTo(cn, next);
      }
    }
  }

  /** Count positions [from, to). */
  addRange(bytes: Uint8Array, from: number, to: number): this {
    for (let t = from; t < to; t++) this.add(bytes, t);
    return this;
  }

  get(k: string): Node | undefined {
    return this.table.get(k);
  }
  getCont(k: string): Node | undefined {
    return this.cont.get(k);
  }
}

/** Counts of the whole text (every position t = 0 … n − 2). */
export function countText(bytes: Uint8Array, family: ContextFamily): ContextCounts {
  return new ContextCounts(family).addRange(bytes, 0, bytes.length - 1);
}

/** A rule: the probability of byte `c` as x_{t+1} given the contexts at t and the counts. */
export type Rule = (counts: ContextCounts, contexts: readonly string[], c: number) => number;

/** The original n-gram UM rule (see the module comment). Not a distribution. */
export const umRule: Rule = (counts, contexts, c) => {
  for (const k of contexts) {
    const node = counts.get(k);
    if (node && node.total > 0 && node.counts[c] > 0) return node.counts[c] / node.total;
  }
  return 1 / 256;
};

/** PPM-C with exclusions (see the module comment). */
export const ppmcRule: Rule = (counts, contexts, c) => {
  const excluded = new Uint8Array(256);
  let nExcluded = 0,
    mass = 1;
  for (const k of contexts) {
    const node = counts.get(k);
    if (!node) continue;
    let total = 0,
      types = 0;
    for (const s of node.symbols)
      if (!excluded[s]) {
        total += node.counts[s];
        types++;
      }
    if (total === 0) continue;
    if (!excluded[c] && node.counts[c] > 0) return (mass * node.counts[c]) / (total + types);
    mass *= types / (total + types);
    for (const s of node.symbols)
      if (!excluded[s]) {
        excluded[s] = 1;
        nExcluded++;
      }
  }
  return mass / (256 - nExcluded);
};

/** Kneser–Ney discount. */
export const KN_DISCOUNT = 0.75;

/**
 * Interpolated Kneser–Ney over n-gram contexts with discount `discount` (0 < D ≤ 1; the family must
 * be `ngramFamily`): `knRuleWith(0.5)` is notebook 06's exercise 1.
 */
export function knRuleWith(discount: number): Rule {
  if (!(discount > 0 && discount <= 1))
    throw new RangeError(`discount: expected 0 < D ≤ 1, got ${discount}`);
  return (counts, contexts, c) => {
    let p = 1 / 256;
    for (let i = contexts.length - 1; i >= 0; i--) {
      const node = i === 0 ? counts.get(contexts[i]) : counts.getCont(contexts[i]);
      if (!node || node.total === 0) continue;
      p =
        Math.max(node.counts[c] - discount, 0) / node.total +
        ((discount * node.symbols.length) / node.total) * p;
    }
    return p;
  };
}

/** Interpolated Kneser–Ney over n-gram contexts (the family must be `ngramFamily`), D = KN_DISCOUNT. */
export const knRule: Rule = knRuleWith(KN_DISCOUNT);

/** Per-position bits of a prediction run and their mean. */
export interface CountScore {
  readonly bpc: number;
  /** −log2 p(x_{t+1}) for t = 0 … n − 2. */
  readonly bits: Float64Array;
}

function score(bytes: Uint8Array, prob: (t: number) => number): CountScore {
  const n = bytes.length;
  if (n < 2) throw new RangeError(`bytes: ${n} bytes, need at least 2 to score a position`);
  const bits = new Float64Array(n - 1);
  let sum = 0;
  for (let t = 0; t < n - 1; t++) {
    bits[t] = -Math.log2(prob(t));
    sum += bits[t];
  }
  return { bpc: sum / (n - 1), bits };
}

/** Which counts predict: the whole text (in-sample), the text so far (adaptive), or another text (held out). */
export type CountProtocol = 'in-sample' | 'adaptive' | 'heldout';

/**
 * Score `rule` with `family` on `text` under a protocol. In-sample counts all of `text`; adaptive
 * counts positions 0 … t − 1 before predicting x_{t+1} (so every count comes from x_0 … x_t);
 * held out counts all of `train` and predicts `text`.
 */
export function countScore(
  text: Uint8Array,
  family: ContextFamily,
  rule: Rule,
  protocol: CountProtocol,
  train?: Uint8Array,
  lookup: ContextFamily = family,
): CountScore {
  if (protocol === 'adaptive') {
    const counts = new ContextCounts(family);
    return score(text, (t) => {
      const p = rule(counts, lookup(text, t), text[t + 1]);
      counts.add(text, t);
      return p;
    });
  }
  if (protocol === 'heldout' && !train)
    throw new RangeError('train: the held-out protocol needs the training text');
  const counts = countText(protocol === 'heldout' ? train! : text, family);
  return score(text, (t) => rule(counts, lookup(text, t), text[t + 1]));
}

/**
 * `countScore` at several orders of one family at once, in order of `orders`: the same bits as
 * calling it per order, with the counting done once. `familyOf(k)` (the counts) and `lookupOf(k)`
 * (the contexts a prediction consults, default `familyOf`) must be nested families: a context
 * the order-k family gives at t is given at t by every higher order, and whether it is does not
 * depend on the order otherwise (`ngramFamily`, `patternChainFamily` and `skipLinkFamily` are: a
 * key of length L, or a skip of distance d, appears at t exactly when L and d fit t and the
 * order). Then every count, and Kneser–Ney's continuation counts, that order k would collect is
 * collected by the highest order's family, so one table serves every order. Adaptive: one pass,
 * each order predicting x_{t+1} from the counts of positions before t.
 */
export function countScores(
  text: Uint8Array,
  familyOf: (order: number) => ContextFamily,
  orders: readonly number[],
  rule: Rule,
  protocol: CountProtocol,
  train?: Uint8Array,
  lookupOf: (order: number) => ContextFamily = familyOf,
): CountScore[] {
  if (orders.length === 0) return [];
  const lookups = orders.map((k) => lookupOf(k));
  const family = familyOf(Math.max(...orders));
  if (protocol === 'heldout' && !train)
    throw new RangeError('train: the held-out protocol needs the training text');
  const n = text.length;
  if (n < 2) throw new RangeError(`bytes: ${n} bytes, need at least 2 to score a position`);
  const counts =
    protocol === 'adaptive'
      ? new ContextCounts(family)
      : countText(protocol === 'heldout' ? train! : text, family);
  const bits = orders.map(() => new Float64Array(n - 1));
  for (let t = 0; t < n - 1; t++) {
    lookups.forEach(
      (lookup, i) => (bits[i][t] = -Math.log2(rule(counts, lookup(text, t), text[t + 1]))),
    );
    if (protocol === 'adaptive') counts.add(text, t);
  }
  return bits.map((b) => {
    let sum = 0;
    for (let t = 0; t < n - 1; t++) sum += b[t];
    return { bpc: sum / (n - 1), bits: b };
  });
}

/**
 * The original n-gram UM of sat_ngram_um.c at `order`: counts of every context length up to t + 1
 * over the whole text, looked up from length min(order − 1, t) down, the UM rule; bpc over
 * t = 0 … n − 2.
 *
 * @example
 * // −log2 of 2/5, 1/2, 1, 1, 1/2 over the five positions of 'abcabd' (test/counting.test.ts)
 * originalUm(new TextEncoder().encode('abcabd'), 3).bpc; // → 0.66439
 */
export function originalUm(text: Uint8Array, order: number): CountScore {
  return countScore(
    text,
    ngramFamily(order),
    umRule,
    'in-sample',
    undefined,
    ngramFamily(order, true),
  );
}

/**
 * The probabilities a rule gives to all 256 bytes at each position (counts fixed), summed: 1 for
 * a distribution, more for the original UM rule. Returns the sums per position, t = 0 … n − 2.
 */
export function ruleMass(
  text: Uint8Array,
  counts: ContextCounts,
  rule: Rule,
  lookup: ContextFamily = counts.family,
): Float64Array {
  const mass = new Float64Array(text.length - 1);
  for (let t = 0; t < text.length - 1; t++) {
    const contexts = lookup(text, t);
    let s = 0;
    for (let c = 0; c < 256; c++) s += rule(counts, contexts, c);
    mass[t] = s;
  }
  return mass;
}
