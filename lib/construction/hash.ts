/**
 * Byte hashes for the shift-register carrier (docs/original-work.md "Shift register and analytic readout"; seed 000 §4 and §6b): each maps a byte x and
 * a bit index j to a sign ±1. A carrier group of B neurons holds the B signs (hash(x, 0..B−1)) of
 * one byte, so the number of distinct B-bit patterns over the 256 bytes says how many bytes the
 * carrier can tell apart.
 *
 * - mixed:    the original "random mixed hash" (uint32 wrapping arithmetic)
 *               mix(h) = ((h >>> 4) ^ h) · 0x45d9f3b;  h = (h >>> 16) ^ h
 *               hash(x, j): h = x; mix; h += j · 2654435761; mix; +1 if h is odd else −1
 * - bits:     bit extraction, +1 if bit j of x is set (only j < 8 exists)
 * - semantic: eight hand-written character-class features (letter, upper case, digit, …)
 * - hybrid:   bits 0..7 semantic, bits 8..15 the mixed hash with j − 8
 */

/** A named byte hash: `sign(x, j)` ∈ {−1, +1} for byte x ∈ [0, 256) and bit j ∈ [0, maxBits). */
export interface ByteHash {
  readonly name: string;
  /** Number of bits the hash defines (Infinity for the mixed hash). */
  readonly maxBits: number;
  readonly sign: (x: number, j: number) => number;
}

/** One round of the mixer, uint32 in and out. */
function mix(h: number): number {
  h = Math.imul((h >>> 4) ^ h, 0x45d9f3b) >>> 0;
  return ((h >>> 16) ^ h) >>> 0;
}

/**
 * The original random mixed hash: ±1 for byte x and bit j.
 *
 * @example
 * mixedHash(0, 0); // → -1
 */
export function mixedHash(x: number, j: number): number {
  let h = mix(x >>> 0);
  h = (h + Math.imul(j, 2654435761 | 0)) >>> 0;
  h = mix(h);
  return h & 1 ? 1 : -1;
}

/** Bit extraction: +1 if bit j of x is set, else −1. */
export function bitHash(x: number, j: number): number {
  return (x >> j) & 1 ? 1 : -1;
}

/** The eight semantic features, in bit order; each is a predicate on a byte. */
export const SEMANTIC_FEATURES: ReadonlyArray<{ readonly name: string; readonly test: (x: number) => boolean }> = [
  { name: 'letter', test: (x) => (x >= 65 && x <= 90) || (x >= 97 && x <= 122) },
  { name: 'upper case', test: (x) => x >= 65 && x <= 90 },
  { name: 'vowel', test: (x) => 'aeiouAEIOU'.includes(String.fromCharCode(x)) },
  { name: 'digit', test: (x) => x >= 48 && x <= 57 },
  { name: 'whitespace', test: (x) => x === 32 || x === 9 || x === 10 || x === 13 },
  { name: 'markup <>/="', test: (x) => '<>/="'.includes(String.fromCharCode(x)) },
  { name: 'other punctuation', test: (x) => x >= 33 && x <= 126 && !/[A-Za-z0-9<>/="]/.test(String.fromCharCode(x)) },
  { name: 'non-ASCII', test: (x) => x >= 128 },
];

/** Semantic features: +1 if byte x has feature j. */
export function semanticHash(x: number, j: number): number {
  return SEMANTIC_FEATURES[j].test(x) ? 1 : -1;
}

/** Hybrid: semantic features in bits 0..7, then the mixed hash (bit j − 8). */
export function hybridHash(x: number, j: number): number {
  return j < SEMANTIC_FEATURES.length ? semanticHash(x, j) : mixedHash(x, j - SEMANTIC_FEATURES.length);
}

export const HASHES = {
  mixed: { name: 'random mixed hash', maxBits: Infinity, sign: mixedHash },
  bits: { name: 'bit extraction', maxBits: 8, sign: bitHash },
  semantic: { name: 'semantic features', maxBits: SEMANTIC_FEATURES.length, sign: semanticHash },
  hybrid: { name: 'semantic + mixed hash', maxBits: Infinity, sign: hybridHash },
} as const satisfies Record<string, ByteHash>;

/** Check that `bits` is usable with hash `h`; throws naming the parameter. */
export function checkBits(h: ByteHash, bits: number): void {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= h.maxBits)) {
    throw new RangeError(`bits: expected an integer in [1, ${h.maxBits}] for the ${h.name}, got ${bits}`);
  }
}

/** The B-bit pattern of byte x as a string of '+'/'−' (a key for counting). */
export function pattern(h: ByteHash, x: number, bits: number): string {
  let s = '';
  for (let j = 0; j < bits; j++) s += h.sign(x, j) > 0 ? '+' : '-';
  return s;
}

/**
 * Number of distinct B-bit patterns over the given bytes (default all 256).
 *
 * @example
 * distinctPatterns(HASHES.mixed, 8); // → 170
 * distinctPatterns(HASHES.bits, 8); // → 256
 */
export function distinctPatterns(h: ByteHash, bits: number, bytes: Iterable<number> = Array.from({ length: 256 }, (_, x) => x)): number {
  checkBits(h, bits);
  const seen = new Set<string>();
  for (const x of bytes) seen.add(pattern(h, x, bits));
  return seen.size;
}

/** A named byte predicate (a candidate semantic feature). */
export interface ByteFeature {
  readonly name: string;
  readonly test: (x: number) => boolean;
}

const chr = (x: number) => String.fromCharCode(x);

/**
 * A pool of plausible character-class features for the seed's unpublished "semantic features"
 * carrier (§6b): our eight (`SEMANTIC_FEATURES`) first, then C-library classes and finer splits
 * (C locale: bytes ≥ 128 belong to no class but `non-ASCII`).
 */
export const SEMANTIC_FEATURE_POOL: readonly ByteFeature[] = [
  ...SEMANTIC_FEATURES,
  { name: 'lower case', test: (x) => x >= 97 && x <= 122 },
  { name: 'space (32 only)', test: (x) => x === 32 },
  { name: 'newline', test: (x) => x === 10 },
  { name: 'angle bracket <>', test: (x) => x === 60 || x === 62 },
  { name: 'ispunct', test: (x) => x >= 33 && x <= 126 && !/[A-Za-z0-9]/.test(chr(x)) },
  { name: 'iscntrl', test: (x) => x < 32 || x === 127 },
  { name: 'isalnum', test: (x) => x < 128 && /[A-Za-z0-9]/.test(chr(x)) },
  { name: 'isprint', test: (x) => x >= 32 && x <= 126 },
];

/** One row of `featureSubsetCounts`: a subset of the pool and its distinct-pattern counts. */
export interface FeatureSubsetCount {
  readonly features: readonly string[];
  /** Distinct patterns of the features alone over the 256 bytes. */
  readonly distinct: number;
  /** Distinct patterns of the features followed by `hashBits` mixed-hash bits, one per hash offset. */
  readonly hybrid: readonly number[];
}

/**
 * For every `size`-subset of `pool` (in lexicographic index order), the number of distinct patterns
 * over the 256 bytes of the features alone, and of the features followed by the mixed-hash bits
 * mixedHash(x, offset + k), k < hashBits, for each offset (a hybrid carrier: offset 0 is our
 * `hybridHash`, 8 would continue the bit index after eight features).
 *
 * @example
 * featureSubsetCounts(SEMANTIC_FEATURE_POOL.slice(0, 8), 8, 8, [0])[0].hybrid[0]; // → 221
 */
export function featureSubsetCounts(pool: readonly ByteFeature[], size: number, hashBits: number, offsets: readonly number[]): FeatureSubsetCount[] {
  if (!(Number.isInteger(size) && size >= 1 && size <= pool.length && size <= 30)) throw new RangeError(`size: expected an integer in [1, ${Math.min(pool.length, 30)}], got ${size}`);
  if (!(Number.isInteger(hashBits) && hashBits >= 0 && hashBits <= 20)) throw new RangeError(`hashBits: expected an integer in [0, 20], got ${hashBits}`);
  const has = pool.map((f) => Array.from({ length: 256 }, (_, x) => f.test(x)));
  const hashKey = offsets.map((off) => Array.from({ length: 256 }, (_, x) => {
    let k = 0;
    for (let b = 0; b < hashBits; b++) if (mixedHash(x, off + b) > 0) k |= 1 << b;
    return k;
  }));
  const out: FeatureSubsetCount[] = [];
  const pick: number[] = [];
  const key = new Float64Array(256);
  const distinctOf = (k: (x: number) => number): number => {
    const seen = new Set<number>();
    for (let x = 0; x < 256; x++) seen.add(k(x));
    return seen.size;
  };
  const visit = (from: number): void => {
    if (pick.length === size) {
      for (let x = 0; x < 256; x++) {
        let k = 0;
        for (let b = 0; b < size; b++) if (has[pick[b]][x]) k += 2 ** b;
        key[x] = k;
      }
      const distinct = distinctOf((x) => key[x]);
      const hybrid = hashKey.map((hk) => distinctOf((x) => key[x] * 2 ** hashBits + hk[x]));
      out.push({ features: pick.map((f) => pool[f].name), distinct, hybrid });
      return;
    }
    for (let f = from; f <= pool.length - (size - pick.length); f++) { pick.push(f); visit(f + 1); pick.pop(); }
  };
  visit(0);
  return out;
}
