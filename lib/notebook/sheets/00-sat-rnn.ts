/**
 * Notebook 00-sat-rnn: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 */
import type { SheetClaim } from '../sheets.js';
import type { NotebookSheets } from '../sheets.js';

/** Seed 000 §1's parameter counts: claim id, what is counted, and the seed's number. */
const PARAMETER_ROWS: ReadonlyArray<readonly [string, string, number]> = [
  ['satrnn.params', 'trainable parameters', 82304],
  ['satrnn.params.wx', 'entries of Wx, input encoding', 32768],
  ['satrnn.params.wh', 'entries of Wh, recurrent dynamics', 16384],
  ['satrnn.params.wy', 'entries of Wy, output readout', 32768],
];

const parameterClaims: Record<string, SheetClaim> = Object.fromEntries(
  PARAMETER_ROWS.map(([id, what, paper]) => [
    id,
    {
      description: `${what} (seed 000 §1)`,
      paper,
      unit: 'parameters',
      tolerance: { abs: 0 },
      toleranceWhy: 'a parameter count is exact',
    },
  ]),
);

/** The public files of the original work read for the claim `train.steps` (inimino/hutter). */
const STEP_FILES = [
  '23a9427:sat_train.c',
  'efbaac3:cost_analysis.c',
  'efbaac3:cost.tex',
  '74ddb51:pattern-chains.tex',
  '3104f4a:pattern-chains.tex',
  '74ddb51:reverse_iso.c',
  '74ddb51:reverse_iso2.c',
  'efbaac3:narrative.tex',
  '86fbef8:synthesis.tex',
  '86fbef8:boolean-automaton.tex',
  '86fbef8:q1-sparsity.tex',
  '86fbef8:q234-results.tex',
  '86fbef8:q6-justifications.tex',
  '86fbef8:q5_redux.c',
  'f808449:pattern-prior.tex',
  'efbaac3:es-isomorphism.tex',
  'f36b42a:kn-scaling.tex',
].map((f) => `inimino/hutter@${f}`);

/** Why the seed's "~2 million gradient steps" is not our count: what each public file says. */
const STEPS_BECAUSE =
  'No public file says what the seed counts as a gradient step. sat_train.c makes one clipped ' +
  'SGD update per 50-byte chunk ({{perEpoch}} per epoch here) for an epoch count given on its ' +
  'command line; pattern-chains.tex (both versions) and reverse_iso.c and reverse_iso2.c name ' +
  '4000 epochs of SGD, which makes {{updates4000}} updates (the logged run: {{steps}} in ' +
  '{{epochs}} epochs); cost_analysis.c counts one training step per 50-byte BPTT segment, and ' +
  "sat_train.c calls a chunk's loss its step loss. narrative.tex gives the trained model " +
  '"~2×10^6" iterations without defining them (its other rows count epochs and Newton steps) ' +
  'and, with synthesis.tex, says BPTT-50 + Adam where sat_train.c has no Adam; cost.tex counts ' +
  'training work per timestep (N·E); boolean-automaton.tex, q1-sparsity.tex, q234-results.tex, ' +
  'q6-justifications.tex, q5_redux.c, pattern-prior.tex, es-isomorphism.tex and kn-scaling.tex ' +
  'do not count training steps. Of the definitions tried, {{landed}} lands near 2 million.';

export const SHEETS: NotebookSheets = {
  claims: {
    'data.bytes': {
      description: 'length of the training text (seed 003: "1024 bytes of enwik8")',
      paper: 1024,
      unit: 'bytes',
      tolerance: { abs: 0 },
      toleranceWhy: 'a length in bytes is exact',
    },
    'data.distinct': {
      description: 'distinct byte values in the text',
      paper: null,
      unit: 'byte values',
    },
    ...parameterClaims,
    'train.replay': {
      description:
        'max |live − logged| training-pass bpc over the first 100 epochs ' +
        '(log: our run on data/enwik_1024.txt)',
      paper: null,
      unit: 'bpc',
    },
    'train.steps': {
      description:
        'gradient steps of the full run: logged epochs × 50-step chunks (seed 000: "~2 million")',
      paper: 2e6,
      unit: 'steps',
      tolerance: { rel: 0.25 },
      toleranceWhy: '"~2 million" has one significant digit: 1.5 to 2.5 million',
      cause: { kind: 'our-definition', consulted: STEP_FILES, because: STEPS_BECAUSE },
    },
    // The cell adds the cause, report.modelCause(): it depends on the model the run reads.
    'satrnn.bpc': {
      description: 'bpc of the model on the text (h0 = 0, all n−1 positions; seed 003)',
      paper: 0.079,
      unit: 'bpc',
      tolerance: { abs: 0.0005 },
      toleranceWhy: 'the paper prints three decimals (0.079): half a unit in the last place',
    },
    'loss.top5pct-share': {
      description: 'share of the total log-loss carried by the worst 5% of positions',
      paper: null,
      unit: 'fraction',
    },
    'satrnn.saturation': {
      description: 'fraction of hidden-state values with |h| > 0.99 over the run on the text',
      paper: null,
      unit: 'fraction',
    },
    'satrnn.wh-large': {
      description: 'entries of Wh with |w| ≥ 3 (seed 000 §2, from an unpublished model)',
      paper: 5887,
      unit: 'entries',
      tolerance: { abs: 0 },
      toleranceWhy: 'a count of entries is exact',
      cause: {
        kind: 'unpublished-input',
        because:
          "This model's largest |Wh| is {{maxAbs:3}}, so {{reach}}; the seed's 5,887 entries " +
          '({{share:0}}% of Wh) belong to an unpublished model (docs/original-work.md, ' +
          '"Numbers from an unpublished model or text").',
      },
    },
  },
  answers: {
    '00.predict-state': {
      asks: 'how many signs flip in one step, and how often the top guess is right',
      worked:
        'From $t = 12$ to $t = 13$ **{{flips}}** of the {{H}} signs flip. Over the {{steps}} ' +
        'steps of the figure a step flips {{meanFlips:1}} signs on average ({{meanShare:0}} % ' +
        'of the units, between {{minFlips}} and {{maxFlips}}): {{judgement}}.\n\n' +
        'Saturation does not make a state stable. A unit keeps its sign only while its ' +
        'pre-activation keeps its sign, and the pre-activation changes with every byte read ' +
        '(its $W_x[:, x_t]$ term); only {{saturated:1}} % of the state values have ' +
        '$|h| > 0.99$ (the histogram above). A saturated unit sits near $\\pm 1$, but the next ' +
        'byte can push it across to the other side.\n\n' +
        "The green bar is the readout's top guess at {{hitsOpening}} of the {{nOpening}} " +
        'positions inside the opening `{{opening}}`, and at {{hits}} of the {{nFrames}} ' +
        'positions of the figure. The model has read this very text 4000 times: at ' +
        '{{bpc:3}} bpc, the geometric mean of the probability it gives the byte that comes is ' +
        '$2^{-\\text{bpc}} = $ {{pNext:3}}.',
      check: {
        kind: 'number',
        answer: '{{flips}}',
        tolerance: 3,
        unit: 'signs',
        hint:
          'Count the cells whose colour changes between the frames t = 12 and t = 13, or ' +
          'compare stepped[12].signs with stepped[13].signs in a cell.',
        mistakes: [
          {
            answer: 5,
            why:
              'A handful would mean a stable state. Step from t = 12 to t = 13 and count the ' +
              'cells that change colour.',
          },
        ],
      },
    },
    '00.ex1': {
      asks: 'the training-pass bpc after 10 epochs',
      worked:
        'After 10 epochs the training-pass bpc is **{{bpc10:3}}** (the logged curve reads ' +
        '{{logged10:3}} at epoch 10; the live run reaches {{bpcLast:3}} after ' +
        '{{lastEpoch}} epochs). It falls fast from {{start:3}} at epoch 1 because the cosine ' +
        'schedule has barely begun to decay:\n\n' +
        '$$\\eta_{10} = 0.01 \\cdot \\tfrac12\\big(1 + \\cos(\\pi \\cdot 10 / 4000)\\big) = ' +
        '{{lr10:7}} .$$\n\n' +
        'Stopping early is not the same as a shorter schedule. `train(bytes, { epochs: 10 })` ' +
        'squeezes the whole cosine into 10 epochs: its learning rate is down to ' +
        '{{squeezedLr10:5}} at epoch 10, its steps shrink as they go, and it reaches only ' +
        '{{squeezed10:3}} bpc.',
      check: {
        kind: 'number',
        answer: '{{bpc10}}',
        tolerance: 0.05,
        unit: 'bpc',
        hint:
          'Read the live-training figure at epoch 10, or set LIVE_EPOCHS = 10 and read the ' +
          "cell's last line.",
        mistakes: [
          {
            answer: '{{bpcLast}}',
            why: 'That is the bpc at the last epoch of the full live run; stop it at epoch 10.',
          },
          {
            answer: '{{squeezed10}}',
            why:
              'That is what `epochs: 10` gives: it squeezes the whole learning-rate schedule ' +
              'into 10 epochs. Keep `epochs: 4000` and stop the run early instead.',
          },
          {
            answer: '{{start}}',
            why: "That is the first epoch's bpc; the curve keeps falling after it.",
          },
        ],
      },
    },
    '00.ex2': {
      asks: 'does the model score worse than uniform on its held-out text?',
      worked:
        'On the held-out text ({{label}}) the model scores **{{heldBpc:3}}** bpc, against ' +
        '{{trainBpc:3}} on the text it was trained on and exactly 8 for a uniform guess: the ' +
        'mean is {{verdict}} 8 bits. {{worse:0}} % of the held-out positions cost more than ' +
        '8 bits; the worst costs {{worst:1}} bits, a probability of $2^{-{{worst:1}}}$ for ' +
        'the byte that came.\n\n' +
        'A log-loss has no ceiling. A model that has memorised its training text is confident: ' +
        'where a new text goes the way the old one did it pays little, and where it goes ' +
        'elsewhere it pays $-\\log_2 p$ for a byte it gave almost no probability. Uniform ' +
        'guessing pays 8 bits everywhere and is never wrong by more.',
      check: {
        kind: 'choice',
        choices: ['yes', 'no'],
        answer: '{{answer}}',
        hint:
          'Score the held-out text with evaluate(model, report.heldout.bytes).bpc and compare ' +
          'it with 8.',
      },
    },
    '00.ex3': {
      asks: 'the fraction of state values above 0.999',
      worked:
        'The higher threshold asks for a larger pre-activation:\n\n' +
        '$$|h| > 0.999 \\iff |\\text{pre}| > \\operatorname{atanh}(0.999) = \\tfrac12 \\ln 1999 ' +
        '= {{pre999:2}} , \\qquad \\text{against } \\operatorname{atanh}(0.99) = {{pre99:2}} .$$\n\n' +
        'The fraction of state values above it falls from {{f99:4}} to **{{f999:4}}**: ' +
        '{{kept:0}} % of the values above 0.99 are also above 0.999, so a unit that saturates ' +
        'often goes well past the threshold. Per neuron, the most saturated one is above 0.999 ' +
        'at {{most999:3}} of the positions (above 0.99: {{most99:3}}), the median neuron at ' +
        '{{median999:3}} ({{median99:3}}); {{overHalf}} of the {{H}} neurons stay above 0.999 ' +
        'at more than half of the positions.',
      check: {
        kind: 'number',
        answer: '{{f999}}',
        tolerance: 0.005,
        unit: 'fraction',
        hint: 'Call fractionAbove(traj.h, 0.999): a fraction of all n × H state values.',
        mistakes: [
          {
            answer: '{{f99}}',
            why: 'That is the fraction above 0.99, before the threshold was raised.',
          },
          {
            answer: '{{keptFraction}}',
            why:
              'That is the share of the values above 0.99 that stay above 0.999; the question ' +
              'asks for a share of all state values.',
          },
        ],
      },
    },
    '00.ex4': {
      asks: 'the parameters of a sat-rnn with twice the hidden units',
      worked:
        'With $H$ hidden units the count is $H^2 + 513H + 256$ (§2): $H^2$ in $W_h$, $256H$ ' +
        'each in $W_x$ and $W_y$, $H$ in $b_h$ and 256 in $b_y$. For $H = {{H2}}$:\n\n' +
        '$${{H2}}^2 + 513 \\cdot {{H2}} + 256 = {{count2Text}}$$\n\n' +
        '(`parameterCount({{H2}})` gives **{{count2}}**), against {{countText}} for $H = {{H}}$. ' +
        'Doubling $H$ does not double the count: the linear part $513H$ doubles, $W_h$ ' +
        'quadruples, and the 256 output biases stay. $W_h$ holds {{whShare:0}} % of the ' +
        'parameters at $H = {{H}}$ and {{whShare2:0}} % at $H = {{H2}}$; it outgrows $W_x$ and ' +
        '$W_y$ together ($H^2 > 512H$) only beyond $H = 512$.',
      check: {
        kind: 'number',
        answer: '{{count2}}',
        tolerance: 0.5,
        unit: 'parameters',
        hint: 'Put H = {{H2}} into the formula of §2, term by term.',
        mistakes: [
          {
            answer: '{{double}}',
            why:
              'Doubling every matrix would be right if each grew in proportion to H; check ' +
              'the shape of W_h.',
          },
          {
            answer: '{{quadruple}}',
            why:
              'Only one matrix has H × H entries; W_x and W_y have 256 × H, and b_y does not ' +
              'depend on H.',
          },
        ],
      },
    },
  },
};
