/**
 * Byte hashes for the shift-register carrier (sections 4, 6 and 6b of the Weight Construction page):
 * each maps a byte x and a bit index j to a sign ±1. A carrier group of B neurons holds the B signs
 * (hash(x, 0..B−1)) of one byte, so the number of distinct B-bit patterns over the 256 bytes says
 * how many bytes the carrier can tell apart.
 *
 * - mixed:        the original "random mixed hash" of inimino/hutter@efbaac3:write_weights6.c
 *                 (uint32 wrapping arithmetic)
 *                   mix(h) = ((h >>> 4) ^ h) · 0x45d9f3b;  h = (h >>> 16) ^ h
 *                   hash(x, j): h = x; mix; h += j · 2654435761; mix; +1 if h is odd else −1
 * - bits:         bit extraction, +1 if bit j of x is set (only j < 8 exists)
 * - parity:       the hash of write_weights4.c / 5.c, which write_weights6.c calls degenerate (two patterns)
 * - semantic:     our eight hand-written character-class features (letter, upper case, digit, …)
 * - hybrid:       bits 0..7 semantic, bits 8..15 the mixed hash with j − 8
 * - humanClasses: the eight human-native byte classes of efbaac3:es-isomorphism.tex (es_iso.c), one
 *                 indicator feature per class
 * - humanHybrid:  bits 0..7 the human-native class indicators, bits 8..15 the mixed hash with j − 8
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

/**
 * A bit-extraction variant: unit j reads bit `order[j]` of x, its sign flipped where `flip[j]`.
 * Any of the 8!·2⁸ variants separates all 256 bytes; relabelling units or swapping S+ and S− of a
 * unit leaves the analytic and PI readouts' scores unchanged (the log-ratio and the state change
 * sign together), so "bit extraction" names one number whatever order and polarity a program used.
 *
 * @example
 * bitExtraction([7, 6, 5, 4, 3, 2, 1, 0], [true, false, false, false, false, false, false, false]).sign(128, 0); // → -1
 */
export function bitExtraction(order: readonly number[], flip: readonly boolean[]): ByteHash {
  const sorted = [...order].sort((a, b) => a - b);
  if (order.length !== 8 || sorted.some((b, k) => b !== k))
    throw new RangeError(`order: expected a permutation of 0..7, got [${order.join(', ')}]`);
  if (flip.length !== 8) throw new RangeError(`flip: expected 8 flags, got ${flip.length}`);
  return {
    name: `bit extraction (order ${order.join('')})`,
    maxBits: 8,
    sign: (x, j) => bitHash(x, order[j]) * (flip[j] ? -1 : 1),
  };
}

/**
 * The hash of inimino/hutter@efbaac3:write_weights4.c and write_weights5.c: the parity of
 * x·2654435761 + j·340573321 (uint32). Both multipliers are odd, so the parity is that of x + j:
 * every unit of a group reads bit 0 of x, the odd units with the opposite sign, and the group tells
 * only two kinds of byte apart (write_weights6.c's header: "only 2 distinct patterns").
 *
 * @example
 * [parityHash(0, 0), parityHash(1, 0), parityHash(0, 1)]; // → [-1, 1, 1]
 */
export function parityHash(x: number, j: number): number {
  return (x + j) & 1 ? 1 : -1;
}

/** The eight semantic features, in bit order; each is a predicate on a byte. */
export const SEMANTIC_FEATURES: ReadonlyArray<{
  readonly name: string;
  readonly test: (x: number) => boolean;
}> = [
  { name: 'letter', test: (x) => (x >= 65 && x <= 90) || (x >= 97 && x <= 122) },
  { name: 'upper case', test: (x) => x >= 65 && x <= 90 },
  { name: 'vowel', test: (x) => 'aeiouAEIOU'.includes(String.fromCharCode(x)) },
  { name: 'digit', test: (x) => x >= 48 && x <= 57 },
  { name: 'whitespace', test: (x) => x === 32 || x === 9 || x === 10 || x === 13 },
  { name: 'markup <>/="', test: (x) => '<>/="'.includes(String.fromCharCode(x)) },
  {
    name: 'other punctuation',
    test: (x) => x >= 33 && x <= 126 && !/[A-Za-z0-9<>/="]/.test(String.fromCharCode(x)),
  },
  { name: 'non-ASCII', test: (x) => x >= 128 },
];

/** Semantic features: +1 if byte x has feature j. */
export function semanticHash(x: number, j: number): number {
  return SEMANTIC_FEATURES[j].test(x) ? 1 : -1;
}

/** Hybrid: semantic features in bits 0..7, then the mixed hash (bit j − 8). */
export function hybridHash(x: number, j: number): number {
  return j < SEMANTIC_FEATURES.length
    ? semanticHash(x, j)
    : mixedHash(x, j - SEMANTIC_FEATURES.length);
}

const inSet = (chars: string) => {
  const set = new Set(Array.from(chars, (c) => c.charCodeAt(0)));
  return (x: number) => set.has(x);
};

/** The rules of the human-native classes, in order: a byte belongs to the first rule that accepts it. */
const HUMAN_CLASS_RULES: ReadonlyArray<readonly [string, (x: number) => boolean]> = [
  ['H0 lower case', (x) => x >= 97 && x <= 122],
  ['H1 upper case', (x) => x >= 65 && x <= 90],
  ['H2 digits', (x) => x >= 48 && x <= 57],
  ['H3 whitespace', inSet(' \n\t')],
  ['H4 XML markup', inSet('<>/&')],
  ['H5 punctuation', inSet('.,;:!?\'"-()[]')],
  ['H6 other printable', (x) => x >= 32 && x <= 126],
  ['H7 non-printable', () => true],
];

/**
 * The human-native class of byte x (0..7), the eight human-native byte classes of
 * inimino/hutter@efbaac3:es-isomorphism.tex (the partition es_iso.c compares with the SVD
 * partition): lower case a–z, upper case A–Z, digits 0–9, whitespace (space, newline, tab), XML
 * markup (< > / &), punctuation (. , ; : ! ? ' " - ( ) [ ]), other printable (the rest of 32..126)
 * and non-printable (the rest: controls and bytes ≥ 128), each byte in the first class that fits.
 *
 * @example
 * Array.from('aZ7 </.=', (c) => humanNativeClass(c.charCodeAt(0))).join(''); // → '01234456'
 */
export function humanNativeClass(x: number): number {
  return HUMAN_CLASS_RULES.findIndex(([, rule]) => rule(x));
}

const HUMAN_CLASS = Uint8Array.from({ length: 256 }, (_, x) => humanNativeClass(x));

/**
 * The eight human-native classes as byte features, one indicator per class (es-isomorphism.tex's
 * table gives them 26, 26, 10, 3, 4, 13, 15 and 159 bytes).
 */
export const HUMAN_NATIVE_CLASSES: readonly ByteFeature[] = HUMAN_CLASS_RULES.map(([name], j) => ({
  name,
  test: (x: number) => HUMAN_CLASS[x] === j,
}));

/** Human-native class indicators: +1 if byte x belongs to class j (one feature per class). */
export function humanClassHash(x: number, j: number): number {
  return HUMAN_CLASS[x] === j ? 1 : -1;
}

/** Hybrid of the human-native classes: the eight class indicators in bits 0..7, then the mixed hash (bit j − 8). */
export function humanHybridHash(x: number, j: number): number {
  return j < HUMAN_NATIVE_CLASSES.length
    ? humanClassHash(x, j)
    : mixedHash(x, j - HUMAN_NATIVE_CLASSES.length);
}

export const HASHES = {
  mixed: { name: 'random mixed hash', maxBits: Infinity, sign: mixedHash },
  bits: { name: 'bit extraction', maxBits: 8, sign: bitHash },
  parity: { name: 'write_weights4/5 parity hash', maxBits: Infinity, sign: parityHash },
  semantic: { name: 'semantic features', maxBits: SEMANTIC_FEATURES.length, sign: semanticHash },
  hybrid: { name: 'semantic + mixed hash', maxBits: Infinity, sign: hybridHash },
  humanClasses: {
    name: 'human-native classes',
    maxBits: HUMAN_NATIVE_CLASSES.length,
    sign: humanClassHash,
  },
  humanHybrid: {
    name: 'human-native classes + mixed hash',
    maxBits: Infinity,
    sign: humanHybridHash,
  },
} as const satisfies Record<string, ByteHash>;

/** Check that `bits` is usable with hash `h`; throws naming the parameter. */
export function checkBits(h: ByteHash, bits: number): void {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= h.maxBits)) {
    throw new RangeError(
      `bits: expected an integer in [1, ${h.maxBits}] for the ${h.name}, got ${bits}`,
    );
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
export function distinctPatterns(
  h: ByteHash,
  bits: number,
  bytes: Iterable<number> = Array.from({ length: 256 }, (_, x) => x),
): number {
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
export function featureSubsetCounts(
  pool: readonly ByteFeature[],
  size: number,
  hashBits: number,
  offsets: readonly number[],
): FeatureSubsetCount[] {
  if (!(Number.isInteger(size) && size >= 1 && size <= pool.length && size <= 30))
    throw new RangeError(
      `size: expected an integer in [1, ${Math.min(pool.length, 30)}], got ${size}`,
    );
  if (!(Number.isInteger(hashBits) && hashBits >= 0 && hashBits <= 20))
    throw new RangeError(`hashBits: expected an integer in [0, 20], got ${hashBits}`);
  const has = pool.map((f) => Uint8Array.from({ length: 256 }, (_, x) => (f.test(x) ? 1 : 0)));
  const hashKey = offsets.map((off) =>
    Uint32Array.from({ length: 256 }, (_, x) => {
      let k = 0;
      for (let b = 0; b < hashBits; b++) if (mixedHash(x, off + b) > 0) k |= 1 << b;
      return k;
    }),
  );
  // The bytes' classes after each pick, numbered densely (a byte's class splits by the next
  // feature), so a class number stays below 256 whatever the subset size. Counting distinct values
  // marks a table with a fresh stamp per count instead of clearing it.
  const classes = Array.from({ length: size + 1 }, () => new Int32Array(256));
  const nClasses = new Int32Array(size + 1);
  nClasses[0] = 1;
  const relabel = new Int32Array(512),
    relabelStamp = new Uint32Array(512);
  const wide = hashBits <= 12 ? new Uint32Array(256 << hashBits) : null;
  let stamp = 0;
  const split = (d: number, f: number): void => {
    stamp++;
    let next = 0;
    const from = classes[d],
      to = classes[d + 1],
      bit = has[f];
    for (let x = 0; x < 256; x++) {
      const raw = from[x] * 2 + bit[x];
      if (relabelStamp[raw] !== stamp) {
        relabelStamp[raw] = stamp;
        relabel[raw] = next++;
      }
      to[x] = relabel[raw];
    }
    nClasses[d + 1] = next;
  };
  const hybridCount = (cls: Int32Array, hk: Uint32Array): number => {
    if (wide === null) return new Set(Array.from(cls, (c, x) => c * 2 ** hashBits + hk[x])).size;
    stamp++;
    let n = 0;
    for (let x = 0; x < 256; x++) {
      const k = (cls[x] << hashBits) | hk[x];
      if (wide[k] !== stamp) {
        wide[k] = stamp;
        n++;
      }
    }
    return n;
  };
  const out: FeatureSubsetCount[] = [];
  const pick: number[] = [];
  const visit = (from: number): void => {
    const d = pick.length;
    if (d === size) {
      out.push({
        features: pick.map((f) => pool[f].name),
        distinct: nClasses[d],
        hybrid: hashKey.map((hk) => hybridCount(classes[d], hk)),
      });
      return;
    }
    for (let f = from; f <= pool.length - (size - d); f++) {
      pick.push(f);
      split(d, f);
      visit(f + 1);
      pick.pop();
    }
  };
  visit(0);
  return out;
}

/**
 * The features of `pools` in order, each byte set once (a feature that accepts exactly the bytes of
 * an earlier one is left out), so a subset search does not count one definition twice.
 *
 * @example
 * distinctFeatures([{ name: 'a', test: (x) => x < 9 }], [{ name: 'b', test: (x) => x <= 8 }]).length; // → 1
 */
export function distinctFeatures(...pools: ReadonlyArray<readonly ByteFeature[]>): ByteFeature[] {
  const seen = new Set<string>();
  return pools.flat().filter((f) => {
    const key = Array.from({ length: 256 }, (_, x) => (f.test(x) ? '1' : '0')).join('');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
