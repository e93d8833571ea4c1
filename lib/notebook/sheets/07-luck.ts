/**
 * Notebook 07-luck: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 */
import { CONCLUSIONS, HEADLINES } from '../../prediction/luck.js';
import type { NotebookSheets, SheetClaim } from '../sheets.js';

/** Each headline's mean and sample sd over a zoo ({{n}} runs on {{text}}). */
const spreadClaims: Record<string, SheetClaim> = Object.fromEntries(
  HEADLINES.flatMap((h) =>
    (['mean', 'sample sd'] as const).map((stat) => [
      `luck.${h.id}.${stat === 'mean' ? 'mean' : 'sd'}`,
      {
        description: `${h.description}: ${stat} over the {{n}} zoo runs on {{text}}`,
        paper: null,
        unit: h.unit,
      },
    ]),
  ),
);

/** The share of runs on which each of the seeds' conclusions holds. */
const holdsClaims: Record<string, SheetClaim> = Object.fromEntries(
  CONCLUSIONS.map((c) => [
    `luck.holds.${c.id}`,
    {
      description: `share of all zoo runs (every text) on which "${c.statement}" holds`,
      paper: null,
      unit: 'fraction',
    },
  ]),
);

export const SHEETS: NotebookSheets = {
  claims: {
    'luck.runs': { description: 'runs of the zoo on {{text}}', paper: null, unit: 'runs' },
    ...spreadClaims,
    ...holdsClaims,
  },
  answers: {
    '07.ex1': {
      asks: "how many of the paper's values lie within one zoo sd",
      worked:
        'Of the {{total}} headlines with a paper value, **{{near1}}** lie within one zoo ' +
        "standard deviation of the zoo's mean ({{near1List}}), against {{near2}} within two. " +
        'Were the spread normal, about two runs in three would land within one standard ' +
        "deviation of the mean, so these are the paper's numbers a typical run of the recipe " +
        'prints; between one and two, an unusual but plausible run; beyond two, the number ' +
        'belongs to another model, text or rule. With {{runs}} runs the zoo’s standard deviation ' +
        'is itself uncertain, by about $1/\\sqrt{2(K-1)}$ = {{sdError:0}} % of its value, so a $z$ ' +
        'near the threshold can fall on either side of it with another zoo.',
      check: {
        kind: 'number',
        answer: '{{near1}}',
        tolerance: 0.5,
        unit: 'headlines',
        hint: "Change the 2 in the paper-vs-zoo cell's test of |z| to 1, rerun it, and count the headlines its last line lists as within.",
        mistakes: [
          {
            answer: '{{near2}}',
            why: 'That is the count within two standard deviations, the cell as it stands: change the 2 to 1.',
          },
        ],
      },
    },
    '07.ex2': {
      asks: 'how many conclusions change their fate with three runs per zoo',
      worked:
        'With the first three runs of each zoo, the fate on the paper’s text changes for ' +
        '**{{changed}}** of the {{total}} conclusions ({{changedList}}). With all {{runs}} runs, ' +
        '{{luckAll}} are luck there; a luck conclusion whose first three runs happen to agree ' +
        'reads as survives or fails. Fewer runs can only hide a disagreement between runs, never ' +
        'make one, so no conclusion goes the other way. With one run, the seeds’ situation, no ' +
        'conclusion can show luck at all: every fate is survives or fails, and which one is up ' +
        'to the run.',
      check: {
        kind: 'number',
        answer: '{{changed}}',
        tolerance: 0.5,
        unit: 'conclusions',
        hint: "Use perText[ti].slice(0, 3) in place of perText[ti] in the conclusions cell, rerun it, and compare its 'paper text' column with the one you had.",
        mistakes: [
          {
            answer: '{{luckAll}}',
            why: "That is how many conclusions are luck on the paper's text with all runs; only those whose first three runs agree change.",
          },
        ],
      },
    },
    '07.ex3': {
      asks: 'runs or texts: which moves the §2 correlations more?',
      worked:
        'For **{{textWins}}** of the {{total}} §2 correlations the means of the {{texts}} texts ' +
        "spread wider (sample sd of the means) than the runs on the paper's text (their sample " +
        'sd): {{textList}}. For the others the training run moves the correlation more than the ' +
        'text does. Each text’s mean is itself a mean of $k$ runs, so about $s/\\sqrt{k}$ of ' +
        'run noise is in the spread of the means too; a spread of the means well above the ' +
        'runs’ sd belongs to the text. A correlation printed from one model on one text ' +
        'carries both.',
      check: {
        kind: 'number',
        answer: '{{textWins}}',
        tolerance: 0.5,
        unit: 'headlines',
        hint: "In the per-text cell, add for each correlation headline the sample sd of the texts' means (spread from sat-rnn/lib/math/stats) beside the sd over the paper text's runs, and count where it is larger.",
        mistakes: [
          {
            answer: '{{runWins}}',
            why: 'That counts the headlines where the runs spread wider; the question asks where the texts do.',
          },
        ],
      },
    },
  },
};
