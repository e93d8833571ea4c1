/**
 * What the original work's public record says about the SN export, restated in this project's own
 * code (facts carry over, code does not) for notebook 05 ("The SN Export Gap", 2026-02-07).
 *
 * The programs that printed the paper's byte-weight numbers (byte_weight_test*.c) and its UM
 * runner are not in the companion repository inimino/hutter at any commit. What is public, and
 * bears on those numbers, is a set of neighbouring programs of the same days (`PUBLIC_RECORD`
 * lists every file read, what it settles and what it leaves open). From them this module takes
 * four rules:
 *
 * 1. The α = 2 export of the paper's "current mapping" (sat_sn_full.c at 8ce5e5f): strength
 *    s = (int)(2·|w| + 0.5) computed in C float, a pattern for every s ≥ 1 of Wx, Wh and Wy and none
 *    for the biases; a Wh pattern has the single source h_k+ (target h_j+ if w > 0, h_j− if w < 0);
 *    a Wy pattern has the source h_k+ if w > 0, h_k− if w < 0; every event has prior strength 0.
 *    `snFullStrengths`.
 * 2. The rounding idiom of every public strength export, (int)(x + 0.5) on a float x ≥ 0:
 *    truncation after adding a half in float32, which rounds a float32 value just below k + 1/2 up
 *    to k + 1 when the sum rounds to k + 1 (`cRound`), and its float32 rendering of the byte maps
 *    (`cQuantizeLinear`, `cQuantizeLog`).
 * 3. The bpc evaluator of the public tools of 2026-02-06 (eval_bpc of sat_train.c, the scoring
 *    loop of sat_chains.c): the float32 forward pass from h = 0 with tanhf, float32 logits and a
 *    float32 softmax, the probability of the next byte raised to 1e-8 when below it, −logf(p)
 *    summed in double over the n − 1 positions, divided by the float (n − 1)·logf(2)
 *    (`evalBpcOriginal`; tanhf, expf and logf taken as the float64 functions rounded to float32).
 * 4. The model file layout and forward pass order (Wx, Wh, bh, Wy, by as float32; pre = bh + Wx
 *    column, then Wh·h summed over j in order), which lib/core and `evaluateF32` already follow.
 */
import { VOCAB, TENSOR_NAMES, type SatRnn, type TensorName } from '../core/model.js';
import { MAX_STRENGTH, type Strengths } from './um.js';
import { Memo, contentKey } from './memo.js';

const f32 = Math.fround;

/**
 * The public programs' rounding of a strength, C `(int)(x + 0.5f)` for a float x ≥ 0: x is taken
 * as float32, the half is added in float32, and the sum is truncated.
 *
 * @example
 * cRound(2.5); // → 3
 * cRound(0.49999997); // → 1
 */
export function cRound(x: number): number {
  if (!(x >= 0) || !Number.isFinite(x))
    throw new RangeError(`cRound: expected a finite x ≥ 0, got ${x}`);
  return Math.trunc(f32(f32(x) + 0.5));
}

/** α of the public α = 2 export (sat_sn_full.c). */
export const SN_FULL_ALPHA = 2;

/**
 * The strength sat_sn_full.c gives a weight: (int)(2·|w| + 0.5) in float32 (2·|w| is exact in
 * float32). A weight is exported when its strength is ≥ 1.
 *
 * @example
 * snFullStrength(-0.74); // → 1
 * snFullStrength(0.2499999); // → 0
 */
export function snFullStrength(w: number): number {
  return cRound(f32(SN_FULL_ALPHA * Math.abs(f32(w))));
}

/**
 * The public α = 2 inventory as signed strengths S = sign(w)·s for Wx, Wh and Wy; the biases have
 * none (the public exporter writes no bias patterns), so bh and by are all 0.
 */
export function snFullStrengths(m: SatRnn): Strengths {
  const enc = (w: Float32Array) =>
    Float64Array.from(w, (v) => {
      const s = snFullStrength(v);
      return s === 0 ? 0 : Math.sign(v) * s;
    });
  return {
    Wx: enc(m.Wx),
    Wh: enc(m.Wh),
    bh: new Float64Array(m.bh.length),
    Wy: enc(m.Wy),
    by: new Float64Array(m.by.length),
  };
}

/** Patterns per matrix of the public α = 2 inventory (one per weight with s ≥ 1) and their total. */
export function snFullCounts(m: SatRnn): { Wx: number; Wh: number; Wy: number; total: number } {
  const S = snFullStrengths(m);
  const c = (v: Float64Array) => v.reduce((a, s) => a + (s !== 0 ? 1 : 0), 0);
  const Wx = c(S.Wx),
    Wh = c(S.Wh),
    Wy = c(S.Wy);
  return { Wx, Wh, Wy, total: Wx + Wh + Wy };
}

/** Weights whose public strength differs from round(2|w|) (the float32 idiom against exact rounding). */
export function snFullRoundingDifferences(m: SatRnn): number {
  let k = 0;
  for (const name of ['Wx', 'Wh', 'Wy'] as const)
    for (const w of m[name]) if (snFullStrength(w) !== Math.round(2 * Math.abs(w))) k++;
  return k;
}

/** The probability floor of the public evaluators (p < 1e-8 counts as 1e-8), as a float32. */
export const ORIGINAL_P_FLOOR = f32(1e-8);

/**
 * W·v in C float32 for the rows of W ([rows][cols]): out[r] starts as given and becomes
 * f32(… f32(f32(out[r] + f32(W[r][0]·v[0])) + f32(W[r][1]·v[1])) … + f32(W[r][cols−1]·v[cols−1])),
 * the loop `for (j) s += W[r][j] * v[j]` of the public tools with float s. Eight rows are summed
 * side by side (independent chains the CPU overlaps); each row's operations and their order are
 * the loop's, so the results are its bits.
 */
export function matVecF32(
  W: Float32Array,
  rows: number,
  cols: number,
  v: Float32Array,
  out: Float32Array,
): void {
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    const r0 = r * cols,
      r1 = r0 + cols,
      r2 = r1 + cols,
      r3 = r2 + cols,
      r4 = r3 + cols,
      r5 = r4 + cols,
      r6 = r5 + cols,
      r7 = r6 + cols;
    let s0 = out[r],
      s1 = out[r + 1],
      s2 = out[r + 2],
      s3 = out[r + 3],
      s4 = out[r + 4],
      s5 = out[r + 5],
      s6 = out[r + 6],
      s7 = out[r + 7];
    for (let j = 0; j < cols; j++) {
      const x = v[j];
      s0 = f32(s0 + f32(W[r0 + j] * x));
      s1 = f32(s1 + f32(W[r1 + j] * x));
      s2 = f32(s2 + f32(W[r2 + j] * x));
      s3 = f32(s3 + f32(W[r3 + j] * x));
      s4 = f32(s4 + f32(W[r4 + j] * x));
      s5 = f32(s5 + f32(W[r5 + j] * x));
      s6 = f32(s6 + f32(W[r6 + j] * x));
      s7 = f32(s7 + f32(W[r7 + j] * x));
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
    out[r + 4] = s4;
    out[r + 5] = s5;
    out[r + 6] = s6;
    out[r + 7] = s7;
  }
  for (; r < rows; r++) {
    const row = r * cols;
    let s = out[r];
    for (let j = 0; j < cols; j++) s = f32(s + f32(W[row + j] * v[j]));
    out[r] = s;
  }
}

/** The float32 forward pass of a model over a text (`forwardF32`). */
export interface ForwardF32 {
  /** States h(t), [n][H]. */
  readonly h: Float32Array;
  /** Pre-activations, [n][H]. */
  readonly pre: Float32Array;
  /** logits(t) = by + Wy·h(t) for t = 0 … n − 2, [n − 1][256]. */
  readonly logits: Float32Array;
}

/** Float32 forward passes by model, text and start state, 24 MB of them (lib/sn/memo.ts). */
const FORWARDS = new Memo<ForwardF32>(
  24 * 2 ** 20,
  (f) => f.h.byteLength + f.pre.byteLength + f.logits.byteLength,
);

/**
 * The forward pass of the public tools (rule 4) in C float32 arithmetic: pre = bh + Wx[:, x_t],
 * then the Wh·h products added in order of j, h = tanhf(pre) (tanh rounded to float32), and the
 * logits by + Wy·h summed the same way, every operation rounded to float32; h(−1) = `h0` as
 * float32 (default 0). Remembered under the model, the text and h0, so a model that is scored
 * both by `evaluateF32` and by `evalBpcOriginal` runs once. Shared: do not modify.
 */
export function forwardF32(m: SatRnn, bytes: Uint8Array, h0?: ArrayLike<number>): ForwardF32 {
  const H = m.hidden,
    n = bytes.length;
  if (n < 2) throw new RangeError(`data: ${n} bytes, need at least 2 to score a position`);
  if (h0 && h0.length !== H) throw new RangeError(`h0: expected ${H} values, got ${h0.length}`);
  const start = new Float32Array(H);
  if (h0) for (let j = 0; j < H; j++) start[j] = h0[j];
  const key = contentKey('forwardF32', H, m.Wx, m.Wh, m.bh, m.Wy, m.by, bytes, start);
  return FORWARDS.get(key, () => {
    const { Wx, Wh, bh, Wy, by } = m;
    const h = new Float32Array(n * H),
      pre = new Float32Array(n * H),
      logits = new Float32Array((n - 1) * VOCAB);
    let prev = start;
    for (let t = 0; t < n; t++) {
      const x = bytes[t];
      const cur = h.subarray(t * H, (t + 1) * H),
        p = pre.subarray(t * H, (t + 1) * H);
      for (let i = 0; i < H; i++) p[i] = f32(bh[i] + Wx[i * VOCAB + x]);
      matVecF32(Wh, H, H, prev, p);
      for (let i = 0; i < H; i++) cur[i] = f32(Math.tanh(p[i]));
      prev = cur;
      if (t === n - 1) break;
      const z = logits.subarray(t * VOCAB, (t + 1) * VOCAB);
      for (let o = 0; o < VOCAB; o++) z[o] = f32(by[o]);
      matVecF32(Wy, VOCAB, H, cur, z);
    }
    return { h, pre, logits };
  });
}

/**
 * bpc of a model under the public evaluator (rule 3 of the module comment): float32 throughout,
 * h(−1) = 0, all n − 1 positions, p floored at 1e-8. Bits of one position are at most
 * −log2(1e-8) ≈ 26.6.
 */
export function evalBpcOriginal(m: SatRnn, bytes: Uint8Array): number {
  const n = bytes.length;
  const { logits } = forwardF32(m, bytes);
  const probs = new Float32Array(VOCAB);
  let total = 0;
  for (let t = 0; t < n - 1; t++) {
    const z = logits.subarray(t * VOCAB, (t + 1) * VOCAB);
    let mx = -Infinity;
    for (let o = 0; o < VOCAB; o++) if (z[o] > mx) mx = z[o];
    let sum = 0;
    for (let o = 0; o < VOCAB; o++) {
      probs[o] = f32(Math.exp(f32(z[o] - mx)));
      sum = f32(sum + probs[o]);
    }
    let p = f32(probs[bytes[t + 1]] / sum);
    if (p < ORIGINAL_P_FLOOR) p = ORIGINAL_P_FLOOR;
    total += -f32(Math.log(p));
  }
  return total / f32((n - 1) * f32(Math.LN2));
}

/**
 * A linear byte map in the public programs' arithmetic: α as float32, s = (int)(α·|w| + 0.5) in
 * float32 (`cRound`), capped at 255 when `clip`, and the weight the UM stands for, s/α, as float32.
 */
export function cQuantizeLinear(w: ArrayLike<number>, alpha: number, clip: boolean): Float32Array {
  const a = f32(alpha);
  if (!(a > 0) || !Number.isFinite(a))
    throw new RangeError(`alpha: expected a finite positive number, got ${alpha}`);
  return Float32Array.from({ length: w.length }, (_, k) => {
    let s = cRound(f32(a * Math.abs(f32(w[k]))));
    if (clip) s = Math.min(s, MAX_STRENGTH);
    return s === 0 ? 0 : f32((Math.sign(w[k]) * s) / a);
  });
}

/**
 * The paper's log-scale map (eq. 5) in the same float32 arithmetic: L = logf(1 + c·wmax),
 * s = min((int)(255·logf(1 + c|w|)/L + 0.5), 255), ŵ = sign(w)·(expf(s·L/255) − 1)/c. Eq. 5 itself
 * is the paper's; only its float32 rendering with the public rounding idiom is ours.
 */
export function cQuantizeLog(w: ArrayLike<number>, c: number, wmax: number): Float32Array {
  if (!(c > 0) || !(wmax > 0) || !Number.isFinite(c) || !Number.isFinite(wmax))
    throw new RangeError(`c, wmax: expected finite positive numbers, got ${c}, ${wmax}`);
  const cf = f32(c),
    L = f32(Math.log(f32(1 + f32(cf * f32(wmax)))));
  return Float32Array.from({ length: w.length }, (_, k) => {
    const ratio = f32(
      f32(MAX_STRENGTH * f32(Math.log(f32(1 + f32(cf * Math.abs(f32(w[k]))))))) / L,
    );
    const s = Math.min(cRound(ratio), MAX_STRENGTH);
    return s === 0
      ? 0
      : f32(Math.sign(w[k]) * f32(f32(Math.exp(f32(f32(s * L) / MAX_STRENGTH)) - 1) / cf));
  });
}

/** How one tensor is mapped in the public arithmetic: linear at α (clipped or not), or eq. 5 at c with wmax = max|W|. */
export type CMap =
  | { readonly kind: 'linear'; readonly alpha: number; readonly clip: boolean }
  | { readonly kind: 'log'; readonly c: number };

/** The model with each listed tensor replaced by its public-arithmetic byte map (others unchanged). */
export function cQuantizeModel(m: SatRnn, maps: Partial<Record<TensorName, CMap>>): SatRnn {
  const t = (name: TensorName): Float32Array => {
    const q = maps[name];
    if (q === undefined) return m[name].slice();
    if (q.kind === 'linear') return cQuantizeLinear(m[name], q.alpha, q.clip);
    let wmax = 0;
    for (const v of m[name]) wmax = Math.max(wmax, Math.abs(v));
    return cQuantizeLog(m[name], q.c, wmax);
  };
  const out = { hidden: m.hidden } as { -readonly [K in keyof SatRnn]: SatRnn[K] };
  for (const name of TENSOR_NAMES) out[name] = t(name);
  return out;
}

/** Per-layer α = 255/max|W| as a C program with float variables computes it: 255.0f / (float)max|W|. */
export function cPerLayerAlpha(w: ArrayLike<number>): number {
  let mx = 0;
  for (let k = 0; k < w.length; k++) mx = Math.max(mx, Math.abs(f32(w[k])));
  if (!(mx > 0)) throw new RangeError('cPerLayerAlpha: all weights are 0');
  return f32(MAX_STRENGTH / mx);
}

/** A public file of inimino/hutter read for notebook 05, and what it settles there. */
export interface PublicFile {
  /** `inimino/hutter@<commit>:<file>` (lib/notebook/sources.ts). */
  readonly ref: string;
  /** What the file is. */
  readonly what: string;
  /** The notebook-05 claim ids it bears on (empty: read, bears on none). */
  readonly bearsOn: readonly string[];
  /** What it settles for those claims, and what it leaves open. */
  readonly settles: string;
}

/** The byte-weight claims of Tables 2, 3 and 5 (their programs, byte_weight_test*.c, are not public). */
export const BYTE_WEIGHT_CLAIMS = [
  'sn.iso_wh',
  'sn.iso_wy',
  'sn.iso_wxwh',
  'sn.iso_all',
  'sn.alpha128_clip',
  'sn.logscale_c500',
] as const;

/** The UM-runner claim (7.96 bpc). */
export const UM_RUNNER_CLAIM = 'sn.um_runner_alpha2';

const ALL_DIFFERING = [UM_RUNNER_CLAIM, ...BYTE_WEIGHT_CLAIMS];

/**
 * Every public file read for notebook 05's differing claims, in reading order. byte_weight_test*.c
 * and the UM runner are not among them: no commit of the repository holds them.
 */
export const PUBLIC_RECORD: readonly PublicFile[] = [
  {
    ref: 'inimino/hutter@8ce5e5f:sat_sn_full.c',
    what: "the α = 2 SN exporter of the paper's experiment (events.sn, patterns.sn); runs no UM",
    bearsOn: ALL_DIFFERING,
    settles:
      'the current mapping: s = (int)(2|w| + 0.5) in float, s ≥ 1 exported, no bias patterns, Wh patterns from h_k+ only, Wy patterns from h_k+ or h_k− by sign; the rounding idiom (int)(x + 0.5f). It leaves open how a runner reads the patterns (activation, support base) and every 8-bit map',
  },
  {
    ref: 'inimino/hutter@8ce5e5f:sat_um_sn.c',
    what: 'exports an n-gram UM (counts, strength (int)(log2 count + 0.5)) as SN patterns and prints its backoff bpc',
    bearsOn: [UM_RUNNER_CLAIM],
    settles:
      'it is not the UM runner of the RNN patterns: it never reads the model, and its bpc comes from n-gram counts',
  },
  {
    ref: 'inimino/hutter@8ce5e5f:sat_calibrate.c',
    what: 'compares n-gram UM strengths log2(count) with RNN chain strengths min 2|w| along the float32 forward pass',
    bearsOn: [UM_RUNNER_CLAIM],
    settles:
      'the doubled-E strength scale 2|w| (unrounded) and the float32 forward pass (bh + Wx, then Wh·h, tanhf); it scores no model and runs no UM',
  },
  {
    ref: 'inimino/hutter@23a9427:sat_chains.c',
    what: 'traces pattern chains through h+ events with strength 2|w| and scores the float model',
    bearsOn: ALL_DIFFERING,
    settles:
      'the scoring loop of the tools of those days: float32 softmax, p raised to 1e-8, −logf(p) summed and divided by (n − 1)·logf(2)',
  },
  {
    ref: 'inimino/hutter@23a9427:sat_train.c',
    what: 'trains the sat-rnn (BPTT-50, state carried across chunks) and evaluates it (eval_bpc)',
    bearsOn: ALL_DIFFERING,
    settles:
      'the model file layout and the evaluator eval_bpc (h = 0, float32 forward pass and softmax, p ≥ 1e-8, mean over n − 1 positions); not how a quantized model was built',
  },
  {
    ref: 'inimino/hutter@23a9427:sat_ngram_um.c',
    what: "the n-gram UM's backoff bpc by order (counts only)",
    bearsOn: [],
    settles: 'nothing for these claims: no RNN weights, no SN patterns',
  },
  {
    ref: 'inimino/hutter@f808449:pattern-prior.tex',
    what: "the next day's paper (pattern priors, skip-patterns, construction)",
    bearsOn: BYTE_WEIGHT_CLAIMS,
    settles:
      'SN strengths are integers in [0, 255], and the chaotic sensitivity of the export-gap analysis is put down to Wh (spectral norm 5.5) with tanh saturation; no byte-weight program or number',
  },
  {
    ref: 'inimino/hutter@3104f4a:pattern-chains.tex',
    what: 'the pattern-chains paper, which cites the export gap',
    bearsOn: BYTE_WEIGHT_CLAIMS,
    settles:
      'it attributes the export gap to chaotic amplification through Wh (Jacobian products growing with depth, rnn_trace.c); no byte-weight program or number',
  },
  {
    ref: 'inimino/hutter@74ddb51:rnn_trace.c',
    what: 'Jacobian chains diag(1 − h²)·Wh along the float32 trajectory',
    bearsOn: [],
    settles: 'nothing for these numbers: no quantization, no UM',
  },
  {
    ref: 'inimino/hutter@74ddb51:um_learn.c',
    what: 'UM learning by counting joint events at offsets 1 … 50',
    bearsOn: [],
    settles: 'nothing for these claims: no RNN weights',
  },
  {
    ref: 'inimino/hutter@74ddb51:reverse_iso.c',
    what: 'hash states from data, Wy fitted by gradient descent',
    bearsOn: [],
    settles: 'nothing for these claims: no export, no quantization',
  },
  {
    ref: 'inimino/hutter@74ddb51:reverse_iso2.c',
    what: 'UM conditional probabilities as states, Wy fitted',
    bearsOn: [],
    settles: 'nothing for these claims: no export, no quantization',
  },
  {
    ref: 'inimino/hutter@74ddb51:binary_states.c',
    what: 'sign(h) statistics of the float trajectory',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@74ddb51:trace_example.c',
    what: 'one prediction traced through Wx, Wh, Wy',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@74ddb51:pattern_viewer.c',
    what: 'HTML viewer of the factor map',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@efbaac3:es-isomorphism.tex',
    what: 'SVD sign partitions of skip-bigram tables against human byte classes',
    bearsOn: [],
    settles:
      'nothing for these claims: "event space" there is a byte partition, not the binary ES of the export',
  },
  {
    ref: 'inimino/hutter@efbaac3:es_iso.c',
    what: 'the program of es-isomorphism.tex',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@efbaac3:es_data_gen.c',
    what: 'JSON data for the event-space viewer (the same SVDs)',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@86fbef8:q1_boolean.c',
    what: 'the sign-only (Boolean) dynamics of the float model',
    bearsOn: [],
    settles: 'nothing for these claims: a Boolean reading of the float weights, no byte strengths',
  },
  {
    ref: 'inimino/hutter@86fbef8:q1_sparsity.c',
    what: 'backward attribution through the float model',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
  {
    ref: 'inimino/hutter@86fbef8:boolean-automaton.tex',
    what: 'the sign-only (Boolean) reading of a sat-rnn: margins, influence, the mantissa',
    bearsOn: [],
    settles: 'nothing for these claims: it quantizes states to signs, not weights to bytes',
  },
  {
    ref: 'inimino/hutter@efbaac3:write_weights.c',
    what: 'predicts trained weights from data statistics (PMI, sign-conditioned log-ratios, Boolean influence)',
    bearsOn: [],
    settles: 'nothing for these claims: float weights, no export',
  },
  {
    ref: 'inimino/hutter@efbaac3:narrative.tex',
    what: 'the 2026-02-11 summary of the whole arc',
    bearsOn: [],
    settles: 'nothing for these claims: it does not revisit the byte-weight export',
  },
  {
    ref: 'inimino/hutter@efbaac3:cost.tex',
    what: 'operation counts of construction against training',
    bearsOn: [],
    settles: 'nothing for these claims',
  },
];

/** The public files that bear on a claim (its `consulted`), in reading order. */
export function consultedFor(claimId: string): string[] {
  return PUBLIC_RECORD.filter((f) => f.bearsOn.includes(claimId)).map((f) => f.ref);
}
