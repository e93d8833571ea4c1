/**
 * Notebook 05-sn-export-gap: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 *
 * Every cause here is the one for the published model: the notebook records the claims that depend
 * on the trained model through `report.modelCause`, which gives another model its training as the
 * cause instead.
 */
import type { Cause, Tolerance } from '../ledger.js';
import type { NotebookSheets, SheetClaim } from '../sheets.js';
import { consultedFor } from '../../sn/original.js';

/** Half a unit in the last digit the paper prints: three decimals for most bpc, two for 7.96 and the statistics. */
const PRINTED3: Tolerance = { abs: 0.0005 };
const PRINTED2: Tolerance = { abs: 0.005 };
const WHY3_STABLE =
  'half a unit in the third decimal the paper prints; on the published model this entry is not ' +
  'chaotic (float32 arithmetic and a 1e-12 start move it by less than 1e-4, see its forensics ' +
  'table), so the rounding of the printed value is the only slack';
const WHY3_CHAOTIC =
  'half a unit in the third decimal the paper prints; on the published model this entry is ' +
  'chaotic at rounding level (float32 arithmetic moves it by hundredths to tenths of a bit, see ' +
  'its forensics table), so any wider band would pass a different computation by luck';
const WHY_COUNT = 'a count of integer strengths: ';

/** The cause of a claim that reproduces on the published model (on another model: its training). */
const reproduces = (what: string): Cause => ({
  kind: 'unexplained',
  because: `${what} reproduces on the published model, so a miss on it would be unexplained`,
});

/**
 * What the public files of inimino/hutter (section 0) fix for a byte-weight claim, and the
 * public-record candidates' values (`{{evaluator}}`, `{{arithmetic}}`) to `digits` decimals.
 */
const publicSettles = (open: string, digits = 3) =>
  'the public files fix the float32 forward pass, the evaluator (sat_train.c eval_bpc, p ≥ 1e-8) ' +
  `and the rounding idiom (int)(x + 0.5f) but not ${open} (the public evaluator gives ` +
  `{{evaluator:${digits}}}, the map in the public arithmetic {{arithmetic:${digits}}})`;

const NOT_PUBLIC = 'byte_weight_test*.c is in no commit of inimino/hutter; ';

/**
 * The cause of a chaotic entry nobody can land without the original program: the float32
 * candidate shows the chaos (`{{adopted}}` → `{{float32}}`), `{{landing}}` says that no candidate
 * lands (or that only rounding-level variants do, by chance); `consulted` is the public record's
 * list for the claim (lib/sn/original.ts).
 */
const chaoticCause = (id: string, what: string, reading: string, open: string): Cause => ({
  kind: 'program-not-public',
  consulted: consultedFor(id),
  because:
    NOT_PUBLIC +
    `${publicSettles(open)}; ${what} is chaotic at rounding level (float32 instead of float64 ` +
    'arithmetic moves it from {{adopted:3}} to {{float32:3}} bpc) and {{landing}}, so only the ' +
    `program's exact arithmetic could repeat its draw; we read ${reading}`,
});

/** Table 2: the adopted reading of "its own α", and what the public record leaves open. */
const ISO_READING =
  'per-layer α = 255/max|W| on the listed matrices, s = round(α|w|), biases float, D/α before ' +
  'tanh and output';
const ISO_OPEN = 'which α each layer gets, its clip or the biases';

const iso = (label: string, paper: number, toleranceWhy: string, cause: Cause): SheetClaim => ({
  description: `layer isolation, per-layer α = 255/max|W|: ${label}`,
  paper,
  unit: 'bpc',
  tolerance: PRINTED3,
  toleranceWhy,
  cause,
});

export const SHEETS: NotebookSheets = {
  claims: {
    'sn.doubled_e_max_abs_diff': {
      description: 'doubled-E UM vs RNN: max per-position |Δ(−log2 p)|',
      paper: 0,
      unit: 'bits',
      tolerance: { abs: 1e-9 },
      toleranceWhy:
        'the paper states an exact match (0.000 %); float64 rounding of 2σ(2x) − 1 against ' +
        'tanh(x) is about 1e-16 per step, so 1e-9 bits admits rounding and nothing else',
    },
    'sn.dropped_alpha2': {
      description: 'share of Wx, Wh, Wy weights with round(2|w|) = 0',
      paper: 0.963,
      unit: 'fraction',
      tolerance: { abs: 0.0005 },
      toleranceWhy:
        'the paper prints 96.3 %, one decimal of a percent: half a unit is 0.0005 of the fraction',
      cause: reproduces('the α = 2 drop share'),
    },
    'sn.public_inventory_patterns': {
      description:
        'patterns of Wx, Wh and Wy in the public α = 2 export ' +
        '(sat_sn_full.c: s = (int)(2|w| + 0.5) ≥ 1 in float)',
      paper: 522 + 1006 + 1471,
      unit: 'patterns',
      tolerance: { abs: 0 },
      toleranceWhy:
        WHY_COUNT +
        "the paper's 522 Wx + 1,006 Wh + 1,471 Wy weight patterns, which the same rule on the " +
        'same weights gives exactly',
      cause: reproduces("the public exporter's pattern count"),
    },
    'sn.um_runner_alpha2': {
      description:
        'UM runner on the public α = 2 inventory (sat_sn_full.c: s = (int)(2|w| + 0.5), no bias ' +
        'patterns, Wh from h_k+, Wy from h_k± by sign), soft sources, base-2 support',
      paper: 7.96,
      unit: 'bpc',
      tolerance: PRINTED2,
      toleranceWhy:
        'half a unit in the second decimal the paper prints (7.96); the runner variants we tried ' +
        'lie tenths of a bit to bits apart, so a wider band would not tell them apart',
      cause: {
        kind: 'program-not-public',
        consulted: consultedFor('sn.um_runner_alpha2'),
        because:
          'no UM runner is in inimino/hutter (sat_um_sn.c exports and scores an n-gram UM from ' +
          "counts, not these patterns); the public exporter sat_sn_full.c fixes the current mapping's " +
          '{{patterns}} patterns (no bias patterns, one Wh pattern from h_k+, Wy from h_k+ or h_k− ' +
          'by sign), which we run, but not how the runner read them (soft or hard events, support ' +
          'base, a probability floor), and none of the {{readings}} readings lands (nearest ' +
          '{{nearest:2}} bpc: {{nearestReading}}); we read each source by its probability P(h+) or ' +
          'P(h−) and strengths as base-2 support',
      },
    },
    'sn.iso_wx': iso('Wx only', 0.125, WHY3_STABLE, reproduces('Wx-only isolation')),
    'sn.iso_wh': iso(
      'Wh only',
      0.803,
      WHY3_CHAOTIC,
      chaoticCause('sn.iso_wh', 'Wh-only isolation', ISO_READING, ISO_OPEN),
    ),
    'sn.iso_wy': iso('Wy only', 0.08, WHY3_STABLE, {
      kind: 'program-not-public',
      consulted: consultedFor('sn.iso_wy'),
      because:
        NOT_PUBLIC +
        `${publicSettles(ISO_OPEN, 5)}; our per-layer reading gives {{adopted:5}} (not chaotic: ` +
        'float32 arithmetic gives {{float32:5}}), just short of the 0.0795 that prints as 0.080, ' +
        `and {{crossing}}; we read ${ISO_READING}`,
    }),
    'sn.iso_wxwh': iso(
      'Wx + Wh',
      1.494,
      WHY3_CHAOTIC,
      chaoticCause('sn.iso_wxwh', 'Wx + Wh isolation', ISO_READING, ISO_OPEN),
    ),
    'sn.iso_all': iso(
      'All (Wx + Wh + Wy)',
      2.131,
      WHY3_CHAOTIC,
      chaoticCause('sn.iso_all', 'the all-layers isolation', ISO_READING, ISO_OPEN),
    ),
    'sn.alpha128_clip': {
      description: 'α = 128 clipped, weights quantized, biases float',
      paper: 1.553,
      unit: 'bpc',
      tolerance: PRINTED3,
      toleranceWhy: WHY3_CHAOTIC,
      cause: chaoticCause(
        'sn.alpha128_clip',
        'the α = 128 model',
        'α = 128 on Wx, Wh and Wy, s = min(round(α|w|), 255), biases float, D/α before tanh and ' +
          'output',
        'how the 8-bit map treats the clip, the biases and the output',
      ),
    },
    'sn.alpha4096_noclip.base2_output': {
      description:
        'α = 4096 without clip, weights quantized, biases float, D/α before tanh, output softmax ' +
        'in base 2: P(o) ∝ 2^(A_o/α)',
      paper: 0.16,
      unit: 'bpc',
      tolerance: PRINTED3,
      toleranceWhy: WHY3_STABLE,
      cause: reproduces('this reading of Table 4'),
    },
    'sn.alpha4096_noclip': {
      description: 'α = 4096 without clip, weights quantized, biases float',
      paper: 0.16,
      unit: 'bpc',
      tolerance: PRINTED3,
      toleranceWhy: WHY3_STABLE,
      cause: {
        kind: 'rule-differs',
        evidence: 'sn.alpha4096_noclip.base2_output',
        because:
          "the paper's α-sweep divides the support by α before tanh but keeps the output softmax " +
          'in base 2 (P(o) ∝ 2^(A_o/α), a temperature 1/ln 2 too soft), which costs even the ' +
          'unquantized model {{floatBase2:3}} bpc, while we compensate the output too, so its ' +
          '0.160 measures the output rule, not 12-bit quantization error (the same rule does not ' +
          "explain Table 4's α = 1024 row: {{alpha1024Base2:3}} against 0.522)",
      },
    },
    'sn.logscale_c500': {
      description: 'log-scale map, c_Wh = 500, c_Wx = c_Wy = 1000',
      paper: 0.093,
      unit: 'bpc',
      tolerance: PRINTED3,
      toleranceWhy: WHY3_CHAOTIC,
      cause: chaoticCause(
        'sn.logscale_c500',
        'the c_Wh = 500 log-scale model',
        'eq. 5 per layer with wmax = max|W| of that layer, c_Wx = c_Wy = 1000, the decoded ' +
          'weights in the RNN',
        'the log map of eq. 5 (its wmax, rounding and decoding)',
      ),
    },
    'sn.pre_rms': {
      description: 'RMS of pre-activations over the float trajectory',
      paper: 1.8,
      unit: 'pre units',
      tolerance: PRINTED2,
      toleranceWhy:
        'half a unit in the second decimal the paper prints (1.80); float32 arithmetic changes ' +
        'it by less than 1e-4',
      cause: reproduces('RMS(pre)'),
    },
    'sn.pre_max': {
      description: 'max |pre-activation| over the float trajectory',
      paper: 11.07,
      unit: 'pre units',
      tolerance: PRINTED2,
      toleranceWhy:
        'half a unit in the second decimal the paper prints (11.07); float32 arithmetic changes ' +
        'it by less than 1e-4',
      cause: reproduces('max |pre|'),
    },
    'sn.spectral_radius': {
      description: 'spectral radius of Wh (largest |eigenvalue|)',
      paper: null,
      unit: 'ratio',
    },
    'sn.lyapunov': {
      description:
        'largest Lyapunov exponent of the float model along the data (tangent map, 50-step warm-up)',
      paper: null,
      unit: 'nats/step',
    },
    'sn.resync50': {
      description:
        'α = 128 clipped model (all W), state re-synchronised to the float model every 50 steps',
      paper: null,
      unit: 'bpc',
    },
    'sn.pattern_count': {
      description: 'patterns in the full SN export (α = 2, s ≥ 1, with bias patterns)',
      paper: 3048,
      unit: 'patterns',
      tolerance: { abs: 0 },
      toleranceWhy: WHY_COUNT + 'the same rule on the same weights gives the same count exactly',
      cause: reproduces('the pattern count'),
    },
  },
  answers: {
    '05.predict-alpha': {
      asks: 'which clipped gap opens first as α rises, and how the unclipped Wh gap moves',
      worked:
        'Clipping caps a weight at $255/\\alpha$, so it first touches the matrix with the ' +
        'largest weights: max|W| is {{maxWx:3}} for $W_x$, {{maxWh:3}} for $W_h$ and ' +
        '{{maxWy:3}} for $W_y$, so clipping starts at α = 255/max|W| ≈ {{clipWx:0}}, ' +
        '{{clipWh:0}} and {{clipWy:0}}. The clipped bar that first rises more than 0.01 bpc ' +
        'above its unclipped one is **{{first}}** (at α ≈ {{firstAlpha:0}}). Without clip, the ' +
        '$W_h$-only bpc rises in {{rises}} of the {{steps}} half-octave steps from α = 128 to ' +
        '1024 ({{wh128:4}} → {{wh1024:4}} bpc): it **{{whMoves}}**. Sections 5 and 7 show why ' +
        'it can jump: the quantized recurrence is chaotic at rounding level.',
      check: {
        kind: 'choice',
        choices: ['Wx', 'Wh', 'Wy'],
        answer: '{{first}}',
        hint:
          'Compare the largest |weight| of each matrix (sn.maxAbs(model.Wx, "Wx") and so on): ' +
          'the clip 255/α reaches the largest one first; then check how much that matrix’s bar ' +
          'moves when it is clipped.',
      },
    },
    '05.ex1': {
      asks: 'the share of dropped weights at α = 4',
      worked:
        'At α = 4 a weight is dropped when round(4|w|) = 0, i.e. |w| < 0.125 (against 0.25 at ' +
        'α = 2). Of the {{weights}} weights of $W_x, W_h, W_y$, **{{share4:4}}** are dropped ' +
        '({{dropped4}} weights), against {{share2:4}} at α = 2. Per matrix: {{perMatrix}}. ' +
        'Doubling α halves the threshold; the share falls by {{fall:1}} percentage points.',
      check: {
        kind: 'number',
        answer: '{{share4}}',
        tolerance: 0.005,
        unit: 'fraction of the weights',
        hint:
          'Run gap.survivalRows(model, sn.linearQuantizer(4, true)) and divide the total row’s ' +
          'dropped count by its weights.',
        mistakes: [
          {
            answer: '{{share2}}',
            why: 'That is the share at α = 2; at α = 4 the threshold |w| < 1/(2α) is lower.',
          },
          {
            answer: '{{share4pct}}',
            why: 'That looks like a percentage; give the share as a fraction between 0 and 1.',
          },
        ],
      },
    },
    '05.ex2': {
      asks: 'the spread of resync25 bpc over the c_Wh sweep',
      worked:
        'Over the same every-5th $c_{W_h}$ of the dense sweep ({{points}} models), resync25 bpc ' +
        'has standard deviation **{{sd25:4}}**, against {{sd50:4}} for resync50 and ' +
        '{{sdFree:3}} free-running; its mean is {{mean25:4}} bpc (resync50: {{mean50:4}}, the ' +
        'float model {{float:4}}). Halving the period halves the steps over which rounding ' +
        'errors can grow; here the spread {{shrinks}}.',
      check: {
        kind: 'number',
        answer: '{{sd25}}',
        tolerance: 0.001,
        unit: 'bpc (standard deviation)',
        hint:
          'For each cWh of rs, score gap.resyncScore(gap.logScaleModel(model, cWh), bytes, ' +
          'float.h, 25) and take the standard deviation of the bpc (summary(…).sd).',
        mistakes: [
          {
            answer: '{{sd50}}',
            why: 'That is the spread of resync50; the exercise re-synchronises every 25 steps.',
          },
          {
            answer: '{{mean25}}',
            why: 'That is the mean resync25 bpc; the exercise asks for the spread.',
          },
        ],
      },
    },
    '05.ex3': {
      asks: 'is the Wy-only 8-bit export within 0.05 bpc of the float model?',
      worked:
        "Table 2's Wy-only row (per-layer α = 255/max|W_y| = {{alphaWy:1}}) scores {{wyBpc:4}} " +
        'bpc against the float model’s {{float:4}}: a gap of {{gapWy:4}} bpc, so **{{answer}}**. ' +
        'With α = 128 clipped on $W_y$ alone the gap is {{gap128:4}} bpc. $W_y$ is read once per ' +
        'position and not fed back, so its rounding errors do not compound along the text as ' +
        "$W_h$'s do.",
      check: {
        kind: 'choice',
        choices: ['yes', 'no'],
        answer: '{{answer}}',
        hint:
          "Read the Wy-only row of Table 2 under the chosen reading and subtract the float model's " +
          'bpc.',
      },
    },
  },
};
