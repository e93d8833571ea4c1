/**
 * Pattern chains (notebook 06): the counting model the SN Export Gap's taxonomy (seed 003 §7.3)
 * calls *pattern-chain*, as the public files of the original work (inimino/hutter) define it,
 * beside our earlier definition and beside the counting model that pattern-chains.tex describes.
 *
 * What the public record settles:
 * - `23a9427:sat_chains.c` (the experiment "Saturation + pattern chains") traces a chain from one
 *   input byte x_{t−d} through d recurrent links to the output x_{t+1}, and checks it against the
 *   dataset count of the n-gram x_{t−d} … x_t x_{t+1}: a chain stands for the d + 1 *consecutive*
 *   input events ending at the current byte. A chain may start at x_0.
 * - `f808449:pattern-prior.tex` calls the contiguous n-grams the pattern-chain UM's inventory
 *   ("orders 1–12 suffice to surpass the sat-rnn"), and it and `efbaac3:narrative.tex` give that
 *   inventory 6,180 patterns at order 12, with 0.067 bpc.
 * - `23a9427:sat_ngram_um.c`, the UM of the same experiment, gives the rule (`umRule`): the most
 *   specific context whose pattern with the target was counted, its dataset frequency.
 *
 * So a **pattern chain** of j events is the run x_{t−j+1} … x_t ending at the current input,
 * predicting x_{t+1} with strength count(chain, x_{t+1}) / count(chain); at order k the chains have
 * j = 1 … k events (j ≤ t + 1). There is no empty chain. The 6,180 patterns pin the order: they are
 * the distinct (chain, next byte) pairs of 1 … 12 events on the first 1024 bytes of enwik8
 * (`patternChainInventory`).
 *
 * `skipLinkFamily` is our definition from before these files were read (runs plus one skip link).
 * `offsetEntropy` and `greedyOffsets` are the UM of pattern-chains.tex (`74ddb51:um_learn.c`):
 * k context bytes at chosen offsets, its in-sample conditional entropy.
 */

import { countScore, umRule, type ContextFamily, type CountScore } from './models.js';

function checkOrder(order: number): void {
  if (!(Number.isInteger(order) && order >= 1 && order <= 64))
    throw new RangeError(`order: expected an integer from 1 to 64, got ${order}`);
}

/** The key of the run bytes[from … to − 1], in the key space of `ngramFamily` (so counts coincide). */
const runKey = (bytes: Uint8Array, from: number, to: number) =>
  'n' + String.fromCharCode(...bytes.subarray(from, to));

/**
 * Pattern chains of `order` (see the module comment): the runs of j input events ending at x_t,
 * j = min(order, t + 1) … 1, most events first. With `reachStart = false` a chain never includes
 * x_0 (j ≤ t), the lookup of sat_ngram_um.c, which skips the context that is the whole history.
 * The keys are those of `ngramFamily`: `patternChainFamily(k)` is `ngramFamily(k + 1)` without
 * its empty context.
 *
 * @example
 * patternChainFamily(2)(new TextEncoder().encode('wxyz'), 3); // → ['nyz', 'nz']
 */
export function patternChainFamily(order: number, reachStart = true): ContextFamily {
  checkOrder(order);
  return (bytes, t) => {
    const out: string[] = [];
    for (let j = Math.min(order, reachStart ? t + 1 : t); j >= 1; j--)
      out.push(runKey(bytes, t + 1 - j, t + 1));
    return out;
  };
}

/** The pattern-chain inventory of a text at one number of events. */
export interface ChainLevel {
  readonly events: number;
  /** Distinct chains of this many events. */
  readonly chains: number;
  /** Distinct (chain, next byte) pairs: the patterns. */
  readonly patterns: number;
}

/** The pattern-chain inventory of a text up to an order. */
export interface ChainInventory {
  readonly order: number;
  /** Distinct (chain, next byte) pairs of 1 … order events. */
  readonly patterns: number;
  /** Distinct chains of 1 … order events. */
  readonly chains: number;
  /** The same per number of events, 1 … order. */
  readonly levels: readonly ChainLevel[];
}

/**
 * The patterns a pattern-chain UM of `order` counts on `bytes`: every chain of j = 1 … order
 * events ending at x_t (j ≤ t + 1) with the byte x_{t+1} that followed it, t = 0 … n − 2, distinct.
 *
 * @example
 * // 'abab': chains a, b, ab, ba, each always followed by the same byte
 * patternChainInventory(new TextEncoder().encode('abab'), 2).patterns; // → 4
 */
export function patternChainInventory(bytes: Uint8Array, order: number): ChainInventory {
  checkOrder(order);
  const levels: ChainLevel[] = [];
  for (let j = 1; j <= order; j++) {
    const chains = new Set<string>(),
      patterns = new Set<string>();
    for (let t = j - 1; t < bytes.length - 1; t++) {
      const chain = String.fromCharCode(...bytes.subarray(t + 1 - j, t + 1));
      chains.add(chain);
      patterns.add(chain + String.fromCharCode(bytes[t + 1]));
    }
    levels.push({ events: j, chains: chains.size, patterns: patterns.size });
  }
  return {
    order,
    levels,
    patterns: levels.reduce((s, l) => s + l.patterns, 0),
    chains: levels.reduce((s, l) => s + l.chains, 0),
  };
}

/**
 * The pattern-chain UM of `order` on its own text: chains counted over the whole text, each
 * position predicted by the UM rule (the most specific chain whose pattern with the target was
 * counted; in-sample that is always the longest chain). bpc over t = 0 … n − 2. With
 * `reachStart = false` the lookup never uses a chain that includes x_0 (sat_ngram_um.c's lookup).
 *
 * @example
 * // 'abcabd' at order 2: 'ab' was followed by 'c' once and 'd' once (1 bit at t = 1 and t = 4), every other chain by one byte
 * patternChainUm(new TextEncoder().encode('abcabd'), 2).bpc; // → 0.4
 */
export function patternChainUm(text: Uint8Array, order: number, reachStart = true): CountScore {
  // Counted with every chain (as sat_ngram_um.c counts every context); only the lookup may stop short of x_0.
  return countScore(
    text,
    patternChainFamily(order),
    umRule,
    'in-sample',
    undefined,
    patternChainFamily(order, reachStart),
  );
}

/**
 * Our earlier definition of pattern chains (before the public files above were read), kept to
 * compare: an input event is a byte x_{t−d}; a chain is a run x_t ← … ← x_{t−j+1} of j ≥ 1
 * events, optionally extended by one *skip link* to a single older event x_{t−d} across a gap
 * (j < d ≤ order − 2). Chains are ordered by specificity: more events first; among equal
 * numbers, the unbroken run first, then skip links from the nearest to the farthest; the empty
 * chain (the byte marginal) last. Runs are at most order − 1 events long, as the contexts of
 * `ngramFamily(order)`; with no skip links it is that family. In-sample under the UM rule the
 * longest run always contains the target, so the skip links are never consulted and this family
 * at order k + 1 scores exactly `patternChainFamily(k)`.
 *
 * @example
 * skipLinkFamily(4)(new TextEncoder().encode('wxyz'), 3); // → ['c3:xyz', 'c2:yz', 's1:2:xz', 'c1:z', 'c0:']
 */
export function skipLinkFamily(order: number): ContextFamily {
  checkOrder(order);
  return (bytes, t) => {
    const levels: string[][] = [];
    const maxD = Math.min(order - 2, t);
    for (let j = Math.min(order - 1, t + 1); j >= 1; j--) {
      // j events in a run; with a skip link, j + 1 events
      const run = String.fromCharCode(...bytes.subarray(t + 1 - j, t + 1));
      (levels[j] ??= []).unshift(`c${j}:` + run); // the unbroken run first among j events
      for (let d = j + 1; d <= maxD; d++)
        (levels[j + 1] ??= []).push(`s${j}:${d}:` + String.fromCharCode(bytes[t - d]) + run);
    }
    const out: string[] = [];
    for (let m = levels.length - 1; m >= 1; m--) if (levels[m]) out.push(...levels[m]);
    out.push('c0:');
    return out;
  };
}

/** The UM of pattern-chains.tex on k context bytes at fixed offsets, in-sample. */
export interface OffsetEntropy {
  /** Distances back from the predicted byte: offset 1 is the byte just before it. */
  readonly offsets: readonly number[];
  /** H(Y | X@offsets) in bits: the mean of −log2 count(ctx, y)/count(ctx) over the positions. */
  readonly bpc: number;
  /** Distinct (context, y) pairs. */
  readonly patterns: number;
  /** Distinct contexts. */
  readonly contexts: number;
  /** Positions predicted: y = x_t for t = max(offsets) … n − 1. */
  readonly positions: number;
}

/**
 * The in-sample conditional entropy of a byte given the bytes at `offsets` before it, as
 * pattern-chains.tex computes it (the UM P(y | x_1 … x_k) = count(x_1 … x_k, y)/count(x_1 … x_k),
 * counted and scored over the same positions): y = x_t and context x_{t−d} for each offset d,
 * for every t from the largest offset to n − 1.
 *
 * @example
 * // 'aab' with offset 1: 'a' was followed once by 'a' and once by 'b'
 * offsetEntropy(new TextEncoder().encode('aab'), [1]).bpc; // → 1
 */
export function offsetEntropy(bytes: Uint8Array, offsets: readonly number[]): OffsetEntropy {
  if (offsets.length === 0 || offsets.some((d) => !(Number.isInteger(d) && d >= 1)))
    throw new RangeError(`offsets: expected integers ≥ 1, got [${offsets.join(', ')}]`);
  const maxOff = Math.max(...offsets);
  if (maxOff >= bytes.length)
    throw new RangeError(
      `offsets: the largest, ${maxOff}, leaves no position in ${bytes.length} bytes`,
    );
  const table = new Map<string, { total: number; next: Map<number, number> }>();
  for (let t = maxOff; t < bytes.length; t++) {
    const k = String.fromCharCode(...offsets.map((d) => bytes[t - d]));
    let e = table.get(k);
    if (!e) table.set(k, (e = { total: 0, next: new Map() }));
    e.total++;
    e.next.set(bytes[t], (e.next.get(bytes[t]) ?? 0) + 1);
  }
  const positions = bytes.length - maxOff;
  let bits = 0,
    patterns = 0;
  for (const e of table.values()) {
    for (const c of e.next.values()) {
      patterns++;
      bits -= c * Math.log2(c / e.total);
    }
  }
  return {
    offsets: [...offsets],
    bpc: bits / positions,
    patterns,
    contexts: table.size,
    positions,
  };
}

/**
 * Greedy offset selection as pattern-chains.tex describes it (and um_learn.c runs it): start from
 * offset 1, then add, one at a time, the offset of 1 … `maxOffset` not yet chosen that gives the
 * lowest `offsetEntropy`; among offsets within 1e−12 bits of the lowest, the smallest. Returns
 * every level, 1 … `levels` offsets.
 */
export function greedyOffsets(bytes: Uint8Array, levels: number, maxOffset = 50): OffsetEntropy[] {
  if (!(Number.isInteger(levels) && levels >= 1 && levels <= maxOffset))
    throw new RangeError(`levels: expected an integer from 1 to ${maxOffset}, got ${levels}`);
  const out = [offsetEntropy(bytes, [1])];
  while (out.length < levels) {
    const chosen = out[out.length - 1].offsets;
    let best: OffsetEntropy | null = null;
    for (let d = 1; d <= maxOffset; d++) {
      if (chosen.includes(d)) continue;
      const e = offsetEntropy(bytes, [...chosen, d]);
      if (best === null || e.bpc < best.bpc - 1e-12) best = e;
    }
    out.push(best!);
  }
  return out;
}
