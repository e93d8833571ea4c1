/**
 * Notebook 01-weight-prediction: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 */
import type { Cause } from '../ledger.js';
import type { SheetClaim } from '../sheets.js';
import type { NotebookSheets } from '../sheets.js';

/** r printed to two decimals (seed 000 §2). */
const R2 = {
  unit: 'r',
  tolerance: { abs: 0.005 },
  toleranceWhy: 'the seed prints r to two decimals: half a unit of the last digit',
} as const;

/** Mean per-neuron |r| printed to three decimals (seed 000 §2). */
const R3 = {
  unit: '|r|',
  tolerance: { abs: 0.0005 },
  toleranceWhy: 'the seed prints the mean |r| to three decimals: half a unit of the last digit',
} as const;

/**
 * The seed's correlations that the published model should reproduce: id, what is correlated,
 * the seed's value. The cell adds each one's cause, report.modelCause(): it depends on the model
 * the run reads.
 */
const MODEL_ROWS: ReadonlyArray<readonly [string, string, number, typeof R2 | typeof R3]> = [
  ['wp.wh_influence_r', 'r, Boolean influence vs trained Wh', 0.56, R2],
  ['wp.wy_signsplit_r', 'r, sign-split log-prob vs trained Wy', 0.54, R2],
  ['wp.wh_signcorr_r', 'r, sign correlation vs trained Wh', 0.44, R2],
  [
    'wp.wx_pmi_r',
    "r, PMI-based vs trained Wx, with the original program's output selection",
    0.31,
    R2,
  ],
  ['wp.wx_signcond_r', 'r, sign-conditioned vs trained Wx', 0.25, R2],
  ['wp.bh_logodds_r', 'r, sign log-odds vs trained bh', 0.58, R2],
  ['wp.wy_neuron_mean_abs_r', 'mean per-neuron |r|, sign-split Wy columns', 0.675, R3],
  ['wp.wx_neuron_mean_abs_r', 'mean per-neuron |r|, sign-conditioned Wx rows', 0.283, R3],
];

const modelClaims: Record<string, SheetClaim> = Object.fromEntries(
  MODEL_ROWS.map(([id, what, paper, digits]) => [
    id,
    { description: `${what} (seed 000 §2)`, paper, ...digits },
  ]),
);

/** Why the |w| ≥ 3.0 count (and the r on that subset) cannot reproduce. */
const BIG_CAUSE: Cause = {
  kind: 'unpublished-input',
  because:
    "This model's largest |Wh| is {{maxAbs:3}}, so {{reach}}; the seed's 5,887 entries of " +
    '|w| ≥ 3.0 (and the r measured on them) belong to an unpublished model ' +
    '(docs/original-work.md, "Numbers from an unpublished model or text").',
};

export const SHEETS: NotebookSheets = {
  claims: {
    'wp.wh_hebbian_r': {
      description: 'r, Hebbian covariance vs trained Wh, all 16,384 entries (seed 000 §2)',
      paper: 0.4,
      ...R2,
      cause: {
        kind: 'unpublished-input',
        because:
          'write_weights3.c computes our rule (r = {{r:3}} on this model), {{landed}}, and the ' +
          'program prints it beside the 5,887 entries of |w| ≥ 3.0 that only the unpublished ' +
          'model has.',
      },
    },
    'wp.wh_big_count': {
      description: 'Wh entries with |w| ≥ 3.0 (seed 000 §2)',
      paper: 5887,
      unit: 'entries',
      tolerance: { abs: 0 },
      toleranceWhy: 'a count of entries is exact',
      cause: BIG_CAUSE,
    },
    ...modelClaims,
    'wp.wh_big_r': {
      description: 'r, Hebbian covariance vs trained Wh on |w| ≥ 3.0 (seed 000 §2)',
      paper: 0.56,
      ...R2,
      cause: BIG_CAUSE,
    },
    'wp.wx_pmi_extremes_r': {
      description:
        'r, PMI-based vs trained Wx with the true 5 most promoted + 5 most demoted outputs ' +
        '(not in the paper)',
      paper: null,
      unit: 'r',
    },
  },
  answers: {
    '01.ex1': {
      asks: 'r of the Hebbian Wh estimate from the first 512 bytes',
      worked:
        'From the first 512 bytes the Hebbian estimate correlates **{{r512:3}}** with the ' +
        'trained $W_h$, against {{rAll:3}} from all {{n}} bytes: r {{direction}} by ' +
        '{{delta:3}}. The states are the same ones: a run from $h(-1) = 0$ over the first 512 ' +
        'bytes passes through exactly the first 512 states of the full run. What changes is ' +
        'the sample: {{pairs512}} pairs $(h(t), h(t+1))$ instead of {{pairsAll}}. Fewer pairs ' +
        'make each entry noisier, which pulls r down; but they also come from one stretch of ' +
        'the text, whose statistics may suit the trained weights better or worse than the ' +
        'whole. Either way the change is small next to the gap between r and 1: what limits r ' +
        'is not the number of samples but what the covariance mixes in (§1), everything else ' +
        'that drives both neurons.',
      check: {
        kind: 'number',
        answer: '{{r512}}',
        tolerance: 0.005,
        unit: 'r',
        hint:
          'Compute agreement(hebbianWh(run(model, b), b), model.Wh).r with ' +
          'b = bytes.subarray(0, 512); the forensics cell names this computation hebbianOn.',
        mistakes: [
          {
            answer: '{{rAll}}',
            why: 'That is r from the whole text, before the change.',
          },
        ],
      },
    },
    '01.ex2': {
      asks: 'r of the Boolean influence with 200 samples instead of 50',
      worked:
        'With 200 sample positions r = **{{r200:3}}**, against {{r50:3}} with 50: r ' +
        '{{direction}} by {{delta:3}}. Each entry of the estimate is a fraction of $N$ samples; ' +
        'its standard error is $\\sqrt{p(1-p)/N} \\le \\frac{1}{2\\sqrt N}$, at most ' +
        '{{se50:3}} for $N = 50$ and {{se200:3}} for $N = 200$. Noise that has nothing to do ' +
        'with the trained weights adds variance to the estimate but no covariance with them, ' +
        'so it pulls r towards 0; four times the samples halve that noise.\n\n' +
        'The cost in this run: {{ms50:0}} ms with 50 samples, {{ms200:0}} ms with 200. Each ' +
        'sample tests all {{entries}} entries once, while the sign correlation that gives the ' +
        'estimate its signs compares them at all {{T}} positions whatever $N$ is, so the ' +
        'samples are the smaller part of the work. The ' +
        "seed's r = {{paper:2}} comes from write_weights.c, which samples 50 positions, as " +
        'the claim of §3 does.',
      check: {
        kind: 'number',
        answer: '{{r200}}',
        tolerance: 0.005,
        unit: 'r',
        hint:
          'Call booleanInfluenceWh(model.Wh, traj, bytes, 200) and score it with ' +
          'agreement(…, model.Wh).r.',
        mistakes: [
          {
            answer: '{{r50}}',
            why: 'That is r with the original 50 samples.',
          },
        ],
      },
    },
    '01.ex3': {
      asks: 'sign correlation on the largest 5% of |Wh|: higher or lower r?',
      worked:
        'On the {{k}} entries of largest $|W_h|$ (5 %, $|w| \\ge$ {{minW:3}}) the sign ' +
        'correlation reaches r = **{{rTop:3}}**, against {{rAll:3}} on all {{entries}} ' +
        'entries: **{{answer}}**. Two effects add up. The large weights are the ones that ' +
        "decide a unit's next sign, so the sign statistics of the trajectory see them best. " +
        'And keeping only the extremes of the trained weights widens their spread against the ' +
        'noise of the estimate, which raises any correlation that is there. For comparison, ' +
        'the Hebbian covariance gives r = {{hebTop:3}} on the largest 5,887 entries (§1) and ' +
        '{{hebAll:3}} on all.',
      check: {
        kind: 'choice',
        choices: ['higher', 'lower'],
        answer: '{{answer}}',
        hint:
          'Select the entries with topAbs(model.Wh, {{k}}) and pass them as the third argument ' +
          'of agreement(whSign, model.Wh, idx).',
      },
    },
  },
};
