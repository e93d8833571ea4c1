/**
 * Notebook 06-counting: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 */
import type { Cause } from '../ledger.js';
import type { NotebookSheets, SheetClaim } from '../sheets.js';

/** The orders the notebook may sweep (it sweeps 1 … 14; exercise 2 extends them to 20). */
const MAX_ORDER = 32;

/** The original n-gram UM rule by order: the taxonomy (seed 003 §7.3) prints order 11 only. */
const umClaims: Record<string, SheetClaim> = Object.fromEntries(
  Array.from({ length: MAX_ORDER }, (_, i) => i + 1).map((k) => [
    `count.ngram_um_o${k}`,
    k === 11
      ? {
          description: `original n-gram UM rule, order ${k}, in-sample`,
          paper: 0.081,
          unit: 'bpc',
          tolerance: { abs: 0.0005 },
          toleranceWhy:
            'three printed decimals (half a unit of the last); our originalUm lands on sat_ngram_um.c to four decimals',
        }
      : { description: `original n-gram UM rule, order ${k}, in-sample`, paper: null, unit: 'bpc' },
  ]),
);

/** The public files read for the pattern-chain claims (inimino/hutter, checked against lib/notebook/sources.ts). */
const CHAIN_FILES = [
  '23a9427:sat_chains.c',
  '23a9427:sat_ngram_um.c',
  'f808449:pattern-prior.tex',
  'f808449:skip_kgram.c',
  'efbaac3:narrative.tex',
  '74ddb51:pattern-chains.tex',
  '3104f4a:pattern-chains.tex',
  '74ddb51:um_learn.c',
  '74ddb51:factor_map.c',
  '74ddb51:factor_map2.c',
  '74ddb51:factor_map3.c',
  '74ddb51:factor_map4.c',
  '74ddb51:pattern_viewer.c',
  '74ddb51:reverse_iso.c',
  '74ddb51:reverse_iso2.c',
  '74ddb51:reproduce.sh',
].map((f) => `inimino/hutter@${f}`);

/**
 * Why the pattern chains' 0.067 differs: quotes the measured order-12 bpc (`x12`), its distance
 * outside half a unit of the printed digit (`outside`) and the readings that land (`landing`).
 */
const chainCause: Cause = {
  kind: 'program-not-public',
  consulted: CHAIN_FILES,
  because:
    "The public files settle what pattern chains are: sat_chains.c makes a chain the consecutive input events ending at the current byte, checked against that n-gram's count; " +
    "pattern-prior.tex calls the contiguous n-grams the pattern-chain UM's inventory, and it and narrative.tex give that inventory 6,180 patterns at order 12, the count chains of 1 … 12 events have here (count.pattern_chain_o12_patterns); " +
    'sat_ngram_um.c gives the UM rule. ' +
    'They do not hold the program that printed 0.067 (that of pattern-chain.pdf): the definition measures {{x12:5}} bpc, {{outside:5}} outside half a unit of the printed digit, ' +
    'and the readings tried that land within it are: {{landing}}. ' +
    'pattern-chains.tex (two versions, differing only in the reproduction commit they name) and its tools um_learn.c, factor_map*.c, pattern_viewer.c, reverse_iso*.c and reproduce.sh, like skip_kgram.c, ' +
    "work with bytes at chosen offsets (the UM's conditional entropy, the factor map, hidden states built from counts) and compute no pattern-chain bpc by order.",
};

/** The best in-sample bpc of each proper counting model of §4, by claim id. */
const BEST_IN_SAMPLE: ReadonlyArray<readonly [string, string]> = [
  ['count.ppmc_insample_best', 'PPM-C'],
  ['count.kn_insample_best', 'Kneser–Ney'],
  ['count.chain_ppmc_insample_best', 'pattern chain, PPM-C'],
];

const bestClaims: Record<string, SheetClaim> = Object.fromEntries(
  BEST_IN_SAMPLE.map(([id, model]) => [
    id,
    {
      description: `${model}, in-sample: best bpc over orders 1 … {{orders}} (order {{best}})`,
      paper: null,
      unit: 'bpc',
    },
  ]),
);

export const SHEETS: NotebookSheets = {
  claims: {
    ...umClaims,
    'count.ngram_um_mass': {
      description:
        'original n-gram UM rule, order 11: mean over positions of its probabilities summed over the 256 bytes (1 for a distribution)',
      paper: null,
      unit: 'probability mass',
    },
    'count.pattern_chain_o12_patterns': {
      description:
        'distinct (chain, next byte) patterns of the pattern chains of 1 … 12 input events on the text (pattern-prior.tex and narrative.tex: the pattern-chain UM has 6,180 patterns at order 12)',
      paper: 6180,
      unit: 'patterns',
      tolerance: { abs: 0 },
      toleranceWhy: 'a count of patterns is exact',
    },
    'count.pattern_chain_o12': {
      description:
        'pattern chains (public definition: runs of 1 … 12 input events ending at the current byte), UM rule, order 12, in-sample',
      paper: 0.067,
      unit: 'bpc',
      tolerance: { abs: 0.0005 },
      toleranceWhy: 'three printed decimals: half a unit of the last',
      cause: chainCause,
    },
    // The cause on the published model; on another model the cell passes report.modelCause().
    'count.pattern_chain_beats_order': {
      description:
        "first order at which pattern chains (public definition, UM rule, in-sample) score below this run's sat-rnn on its training text ({{rnn:4}} bpc); 0 = none up to {{orders}}",
      paper: 10,
      unit: 'order',
      tolerance: { abs: 0 },
      toleranceWhy: 'an order is an integer',
      cause: chainCause,
    },
    'count.pattern_chain_o12_earlier': {
      description:
        'our earlier definition of pattern chains (runs of up to 11 events plus one skip link), UM rule, order 12, in-sample: the public definition at order 11, the skip links never consulted',
      paper: null,
      unit: 'bpc',
    },
    'count.ngram_um_beats_order': {
      description:
        "first order at which the original n-gram UM rule scores below this run's sat-rnn on its training text; 0 = none up to {{orders}}",
      paper: null,
      unit: 'order',
    },
    ...bestClaims,
    'count.kn_adaptive_best': {
      description:
        'Kneser–Ney, adaptive (a real code length) on the training text: best bpc (order {{best}})',
      paper: null,
      unit: 'bpc',
    },
    'count.kn_heldout_best': {
      description:
        'Kneser–Ney, counts of the training text, on the held-out text ({{heldout}}): best bpc (order {{best}})',
      paper: null,
      unit: 'bpc',
    },
  },
  answers: {
    '06.ex1': {
      asks: 'Kneser–Ney with discount 0.5: how the best bpc moves',
      worked:
        'With $D = 0.5$ instead of 0.75, Kneser–Ney takes less from every count it has seen and ' +
        'passes less mass down to the shorter contexts. In-sample, where every count includes the ' +
        'byte being predicted, that pays: the best bpc over orders 1 … {{orders}} goes ' +
        'from {{in75:4}} (order {{in75order}}) to **{{in50:4}}** (order {{in50order}}). ' +
        'On the held-out text: {{held}}. A count seen in the training text is a weaker promise ' +
        'about a new text, which is why the discount exists: the in-sample bpc rewards the smallest ' +
        'discount, and only a held-out text (or an adaptive code) can choose $D$.',
      check: {
        kind: 'number',
        answer: '{{in50}}',
        tolerance: 0.002,
        unit: 'bpc',
        hint: "Score the in-sample curves again with knRuleWith(0.5) in place of knRule and read the Kneser–Ney, in-sample row's best bpc in the beats table.",
        mistakes: [
          {
            answer: '{{in75}}',
            why: 'That is the best in-sample bpc with the default discount 0.75; rerun the curves with knRuleWith(0.5).',
          },
          {
            answer: '{{held50}}',
            why: 'That is the held-out best bpc; the check takes the in-sample one.',
          },
        ],
      },
    },
    '06.ex2': {
      asks: 'the order at which the original UM rule first stops improving',
      worked:
        'Over orders 1 … {{maxOrder}} the original UM rule first stops improving at order ' +
        '**{{stop}}**: order {{stopNext}} does not lower its {{stopBpc:5}} bpc ' +
        '(0 would mean that every order up to {{maxOrder}} improves on the one before). ' +
        'Its lowest bpc up to order {{maxOrder}} is {{minBpc:5}}, first reached at order ' +
        '{{minOrder}}. In-sample the rule always finds the position being predicted in its ' +
        'longest context, so one more byte of context lowers the bpc only where a context seen ' +
        'more than once is followed by different bytes that the longer context tells apart. ' +
        'Between the lengths of the text’s repeats the curve is flat; it falls again when the ' +
        'context reaches the length of a longer repeat. The curve measures the repeats of this ' +
        'text, not a limit of counting.',
      check: {
        kind: 'number',
        answer: '{{stop}}',
        tolerance: 0.5,
        unit: 'order',
        hint: 'Make ORDERS run to 20, rerun, and find in the ngram-um table the first order whose bpc the next order does not lower.',
        mistakes: [
          {
            answer: 14,
            why: 'Order 14 is where the notebook’s sweep ends, not where the curve first flattens: extend ORDERS to 20 and read the bpc column.',
          },
          {
            answer: '{{minOrder}}',
            why: 'That is the order of the lowest bpc up to 20; the curve first stops falling earlier, where two neighbouring orders score the same.',
          },
        ],
      },
    },
    '06.ex3': {
      asks: 'do skip links help an adaptive PPM-C code length at order 6?',
      worked:
        'Adaptive PPM-C at order 6 codes the training text in {{skip:4}} bpc with our earlier ' +
        'skip-link chains and in {{ngram:4}} bpc with the n-gram contexts, the same runs without ' +
        'skip links: the skip links {{verb}} the code by {{diff:4}} bpc, so the answer is ' +
        '**{{answer}}**. A skip-link context is more specific than the run it extends, so it has ' +
        'been seen less often so far, and in an adaptive code every context that was seen but ' +
        'does not offer the byte costs an escape. Skip links pay off only where an older byte ' +
        'tells apart what the run alone cannot, often enough to outweigh those escapes. Under the ' +
        'UM rule in-sample (§3) they are never consulted: the longest run already contains the answer.',
      check: {
        kind: 'choice',
        choices: ['yes', 'no'],
        answer: '{{answer}}',
        hint: "Score both with countScore(bytes, …, ppmcRule, 'adaptive') at order 6 and compare: the lower bpc is the shorter code.",
      },
    },
  },
};
