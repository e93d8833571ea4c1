/**
 * How much is luck (notebook 07): the headline measurements of notebooks 00–05 that depend on a
 * trained model, computed on one model and text by the same lib functions those notebooks call,
 * so that they can be repeated on every run of a model zoo (lib/core/zoo.ts) and on other texts.
 *
 * Per model (`modelHeadlines`):
 * - bpc (00 `satrnn.bpc`): the bpc protocol (h = 0, all n − 1 positions);
 * - §2 correlations (01 `wp.*`): Pearson r of each data-derived estimator against the trained matrix;
 * - §3 substitution rows (02 `sub.*`) that need no readout fit, scored as the original programs
 *   score them (h = 0, all positions, p ≥ 1e-30), and their Δ from the trained model;
 * - SN export (05): the UM runner at α = 2 (`sn.um_runner_alpha2`), the Table 4 no-clip α sweep
 *   (`sn.alpha4096_noclip` and the best α of Table 4) as gaps above the float model;
 * - the trained model's bpc on the test half under the original programs' rule (03 `sr.trained_test`),
 *   the other side of "construction beats the trained model".
 * Per text (`constructionHeadlines`, model-independent): the closed-form constructions of §4/§5 on
 * the shift-register carrier under the original protocol (03 `sr.analytic_all`, 04 `cont.pi`).
 */
import { type SatRnn } from '../core/model.js';
import { evaluate, run } from '../core/rnn.js';
import {
  agreement,
  meanAbsFinite,
  pearsonPer,
  rankAmong,
  spread,
  zScore,
  type Spread,
} from '../math/stats.js';
import {
  booleanInfluenceWh,
  hebbianWh,
  pmiWx,
  signConditionedWx,
  signCorrelationWh,
  signLogOddsBh,
  signSplitWy,
} from './estimators.js';
import { hebbianConstruction, withBlend, withTensor } from './substitution.js';
import { ALL, halves, scoreConstructed } from '../construction/score-rules.js';
import { HASHES } from '../construction/hash.js';
import { carrierJob, fitConstruction } from '../construction/fits.js';
import { alphaSweep } from '../sn/gap.js';
import { parallelMap, type ParallelOptions } from '../core/parallel.js';
import { linearQuantizer, linearUm, umEvaluate } from '../sn/um.js';

/** A headline measurement: the claim of notebooks 00–05 it repeats, and how to read it. */
export interface Headline {
  /** Claim id in notebooks 00–05 (`luck.<id>.mean` / `.sd` in notebook 07). */
  readonly id: string;
  readonly family: 'bpc' | 'correlation' | 'substitution' | 'sn-export' | 'construction';
  readonly description: string;
  readonly unit: string;
  /** The seed's value of the same quantity, or null. */
  readonly paper: number | null;
}

/** The headline measurements per model, in table order. */
export const HEADLINES: readonly Headline[] = [
  {
    id: 'satrnn.bpc',
    family: 'bpc',
    description: 'bpc of the trained model (h0 = 0, all n − 1 positions)',
    unit: 'bpc',
    paper: 0.079,
  },
  {
    id: 'wp.wh_hebbian_r',
    family: 'correlation',
    description: 'r, Hebbian covariance vs trained Wh',
    unit: 'r',
    paper: 0.4,
  },
  {
    id: 'wp.wh_signcorr_r',
    family: 'correlation',
    description: 'r, sign correlation vs trained Wh',
    unit: 'r',
    paper: 0.44,
  },
  {
    id: 'wp.wh_influence_r',
    family: 'correlation',
    description: 'r, Boolean influence vs trained Wh',
    unit: 'r',
    paper: 0.56,
  },
  {
    id: 'wp.wy_signsplit_r',
    family: 'correlation',
    description: 'r, sign-split log-prob vs trained Wy',
    unit: 'r',
    paper: 0.54,
  },
  {
    id: 'wp.wx_signcond_r',
    family: 'correlation',
    description: 'r, sign-conditioned vs trained Wx',
    unit: 'r',
    paper: 0.25,
  },
  {
    id: 'wp.wx_pmi_r',
    family: 'correlation',
    description: 'r, PMI-based vs trained Wx (original selection)',
    unit: 'r',
    paper: 0.31,
  },
  {
    id: 'wp.bh_logodds_r',
    family: 'correlation',
    description: 'r, sign log-odds vs trained bh',
    unit: 'r',
    paper: 0.58,
  },
  {
    id: 'wp.wy_neuron_mean_abs_r',
    family: 'correlation',
    description: 'mean per-neuron |r|, sign-split Wy columns',
    unit: '|r|',
    paper: 0.675,
  },
  {
    id: 'wp.wx_neuron_mean_abs_r',
    family: 'correlation',
    description: 'mean per-neuron |r|, sign-conditioned Wx rows',
    unit: '|r|',
    paper: 0.283,
  },
  {
    id: 'sub.wy_blend50.delta',
    family: 'substitution',
    description: 'Δ bpc, 50% Hebbian Wy blend minus trained',
    unit: 'Δ bpc',
    paper: 4.307 - 4.965,
  },
  {
    id: 'sub.bh_hebbian.delta',
    family: 'substitution',
    description: 'Δ bpc, trained + Hebbian bh minus trained',
    unit: 'Δ bpc',
    paper: 4.954 - 4.965,
  },
  {
    id: 'sub.wh_blend80.delta',
    family: 'substitution',
    description: 'Δ bpc, 80/20 trained/Hebbian Wh minus trained',
    unit: 'Δ bpc',
    paper: 4.919 - 4.965,
  },
  {
    id: 'sub.wh_replace.delta',
    family: 'substitution',
    description: 'Δ bpc, Hebbian Wh replacing the trained one, minus trained',
    unit: 'Δ bpc',
    paper: 5.219 - 4.965,
  },
  {
    id: 'sub.wx_replace.delta',
    family: 'substitution',
    description: 'Δ bpc, Hebbian Wx replacing the trained one, minus trained',
    unit: 'Δ bpc',
    paper: 5.46 - 4.965,
  },
  {
    id: 'sub.hebbian_all',
    family: 'substitution',
    description: 'bpc, Hebbian estimates of all matrices (from the trained run)',
    unit: 'bpc',
    paper: 6.954,
  },
  {
    id: 'sn.um_runner_alpha2.gap',
    family: 'sn-export',
    description: 'UM runner at α = 2 (bias patterns quantized) minus the float model',
    unit: 'Δ bpc',
    paper: null,
  },
  {
    id: 'sn.alpha4096_noclip.gap',
    family: 'sn-export',
    description: 'α = 4096 without clip (weights quantized) minus the float model',
    unit: 'Δ bpc',
    paper: null,
  },
  {
    id: 'sn.best_alpha.gap',
    family: 'sn-export',
    description: 'the best α of Table 4 (128, 256, 1024, 4096; no clip) minus the float model',
    unit: 'Δ bpc',
    paper: null,
  },
  {
    id: 'sn.best_alpha',
    family: 'sn-export',
    description: 'the α of Table 4 with the smallest gap',
    unit: 'α',
    paper: null,
  },
  {
    id: 'sr.trained_test',
    family: 'construction',
    description: 'trained model on the test half, original rule (range(n/2, n))',
    unit: 'bpc',
    paper: 5.08,
  },
];

/** The α values of the seed's Table 4 (no clip). */
export const TABLE4_ALPHAS: readonly number[] = [128, 256, 1024, 4096];

/** One model's headline values, by `Headline.id`. */
export type HeadlineValues = Readonly<Record<string, number>>;

/** The headline measurements of one trained model on one text (see the module comment). */
export function modelHeadlines(model: SatRnn, bytes: Uint8Array): HeadlineValues {
  const H = model.hidden;
  const traj = run(model, bytes);
  const float = evaluate(model, bytes).bpc;
  const r = (est: ArrayLike<number>, trained: ArrayLike<number>) => agreement(est, trained).r;
  const wySplit = signSplitWy(traj, bytes),
    wxCond = signConditionedWx(traj, bytes);
  // Substitutions as notebook 02 builds them, scored by the original programs' rule.
  const score = (m: SatRnn) => scoreConstructed(m, bytes, ALL).bpc;
  const heb = hebbianConstruction(model, bytes).model;
  const trained = score(model);
  // SN export as notebook 05 measures it.
  const um2 = umEvaluate(linearUm(model, linearQuantizer(2, true), 'quantized'), bytes).bpc;
  const t4 = alphaSweep(model, bytes, TABLE4_ALPHAS, false);
  const best = t4.reduce((b, row) => (row.bpc < b.bpc ? row : b));
  return {
    'satrnn.bpc': float,
    'wp.wh_hebbian_r': r(hebbianWh(traj, bytes), model.Wh),
    'wp.wh_signcorr_r': r(signCorrelationWh(traj, bytes), model.Wh),
    'wp.wh_influence_r': r(booleanInfluenceWh(model.Wh, traj, bytes, 50), model.Wh),
    'wp.wy_signsplit_r': r(wySplit, model.Wy),
    'wp.wx_signcond_r': r(wxCond, model.Wx),
    'wp.wx_pmi_r': r(pmiWx(model.Wy, H, bytes, 5, 'original-loop'), model.Wx),
    'wp.bh_logodds_r': r(signLogOddsBh(traj, bytes), model.bh),
    'wp.wy_neuron_mean_abs_r': meanAbsFinite(pearsonPer(wySplit, model.Wy, 256, H, 'column')),
    'wp.wx_neuron_mean_abs_r': meanAbsFinite(pearsonPer(wxCond, model.Wx, H, 256, 'row')),
    'sub.wy_blend50.delta': score(withBlend(model, 'Wy', heb.Wy, 0.5)) - trained,
    'sub.bh_hebbian.delta': score(withTensor(model, 'bh', heb.bh)) - trained,
    'sub.wh_blend80.delta': score(withBlend(model, 'Wh', heb.Wh, 0.8)) - trained,
    'sub.wh_replace.delta': score(withTensor(model, 'Wh', heb.Wh)) - trained,
    'sub.wx_replace.delta': score(withTensor(model, 'Wx', heb.Wx)) - trained,
    'sub.hebbian_all': score(heb),
    'sn.um_runner_alpha2.gap': um2 - float,
    'sn.alpha4096_noclip.gap': t4[TABLE4_ALPHAS.indexOf(4096)].bpc - float,
    'sn.best_alpha.gap': best.bpc - float,
    'sn.best_alpha': best.alpha,
    'sr.trained_test': scoreConstructed(model, bytes, halves(bytes.length).test).bpc,
  };
}

/** The closed-form constructions of one text (model-independent): bpc under the all and test-half rules. */
export interface ConstructionValues {
  readonly analytic: { readonly all: number; readonly test: number };
  readonly pi: { readonly all: number; readonly test: number };
}

/** The carrier of notebooks 03 and 04: the mixed hash, 16 groups × 8 bits. */
const CARRIER = carrierJob({ hash: HASHES.mixed, groups: 16, bits: 8 });

/**
 * sr.analytic_all and cont.pi of one text, as notebooks 03 and 04 fit them (protocol `original`);
 * in a notebook run, the training text's fits are those notebooks' own (the run's shared fits).
 */
export function constructionHeadlines(bytes: Uint8Array): ConstructionValues {
  const fit = (method: 'analytic' | 'pi') => {
    const s = fitConstruction({ carrier: CARRIER, bytes, protocol: 'original', method }).scores;
    return { all: s.all, test: s.test };
  };
  return { analytic: fit('analytic'), pi: fit('pi') };
}

/** A headline's spread over a zoo, and where a reference model falls in it. */
export interface HeadlineSpread extends Spread {
  readonly id: string;
}

/**
 * The spread of one headline over a zoo's values ([runs] of HeadlineValues), over the runs where it
 * is defined (a correlation is NaN on a model whose matrix or estimate is constant): `n` says how
 * many; null when no run defines it.
 */
export function headlineSpread(
  values: readonly HeadlineValues[],
  id: string,
): HeadlineSpread | null {
  const xs = values.map((v) => v[id]).filter(Number.isFinite);
  return xs.length === 0 ? null : { id, ...spread(xs) };
}

/** Where a value falls in a zoo: z-score and rank (1 = smallest) among the zoo's defined values. */
export function placeIn(
  value: number,
  s: Spread,
  sample: readonly number[],
): { z: number; rank: number } {
  return { z: zScore(value, s), rank: rankAmong(value, sample.filter(Number.isFinite)) };
}

/** One model to measure on one text (crosses to a worker by structured clone). */
export interface HeadlineJob {
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
}

/** `modelHeadlines` as a `parallelMap` task. */
export function headlineTask(job: HeadlineJob): HeadlineValues {
  return modelHeadlines(job.model, job.bytes);
}

/** `constructionHeadlines` as a `parallelMap` task. */
export function constructionHeadlineTask(bytes: Uint8Array): ConstructionValues {
  return constructionHeadlines(bytes);
}

/** The headlines of many models on a worker pool (one worker per core by default); results in job order. */
export function measureModels(
  jobs: readonly HeadlineJob[],
  opts: ParallelOptions<HeadlineValues> = {},
): Promise<HeadlineValues[]> {
  return parallelMap<HeadlineJob, HeadlineValues>(
    new URL(import.meta.url),
    'headlineTask',
    jobs,
    opts,
  );
}

/** The constructions of many texts on a worker pool; results in text order. */
export function measureConstructions(texts: readonly Uint8Array[]): Promise<ConstructionValues[]> {
  return parallelMap<Uint8Array, ConstructionValues>(
    new URL(import.meta.url),
    'constructionHeadlineTask',
    texts,
  );
}

/** A directional conclusion of the seeds, tested on one model's headlines and its text's constructions. */
export interface Conclusion {
  readonly id: string;
  readonly statement: string;
  /** Whether the seed's own numbers say it holds, and which numbers. */
  readonly paperHolds: boolean;
  readonly paperBasis: string;
  readonly holds: (v: HeadlineValues, c: ConstructionValues) => boolean;
}

/** The seeds' conclusions that rest on a trained model (02 §3, 05 Tables 1/4, 03–04 §4/§5). */
export const CONCLUSIONS: readonly Conclusion[] = [
  {
    id: 'wy_blend50_improves',
    statement: 'blending Wy 50% with its Hebbian estimate improves the trained model',
    paperHolds: true,
    paperBasis: '4.307 < 4.965',
    holds: (v) => v['sub.wy_blend50.delta'] < 0,
  },
  {
    id: 'bh_hebbian_improves',
    statement: 'the Hebbian bh improves the trained model',
    paperHolds: true,
    paperBasis: '4.954 < 4.965',
    holds: (v) => v['sub.bh_hebbian.delta'] < 0,
  },
  {
    id: 'wh_blend80_improves',
    statement: 'blending Wh 80/20 with its Hebbian estimate improves the trained model',
    paperHolds: true,
    paperBasis: '4.919 < 4.965',
    holds: (v) => v['sub.wh_blend80.delta'] < 0,
  },
  {
    id: 'wh_replace_costs',
    statement: 'replacing Wh by its Hebbian estimate costs bits',
    paperHolds: true,
    paperBasis: '5.219 > 4.965',
    holds: (v) => v['sub.wh_replace.delta'] > 0,
  },
  {
    id: 'wx_replace_costs',
    statement: 'replacing Wx by its Hebbian estimate costs bits',
    paperHolds: true,
    paperBasis: '5.460 > 4.965',
    holds: (v) => v['sub.wx_replace.delta'] > 0,
  },
  {
    id: 'hebbian_all_worse',
    statement: 'the all-Hebbian model is worse than the trained model',
    paperHolds: true,
    paperBasis: '6.954 > 4.965',
    holds: (v) => v['sub.hebbian_all'] > v['satrnn.bpc'],
  },
  {
    id: 'alpha2_near_uniform',
    statement: 'the α = 2 export run as a UM is within 1 bit of uniform guessing (≥ 7 bpc)',
    paperHolds: true,
    paperBasis: '7.96 bpc',
    holds: (v) => v['satrnn.bpc'] + v['sn.um_runner_alpha2.gap'] >= 7,
  },
  {
    id: 'alpha4096_small_gap',
    statement: 'the no-clip export at α = 4096 loses less than 0.1 bpc',
    paperHolds: true,
    paperBasis: '0.160 − 0.079 = 0.081',
    holds: (v) => v['sn.alpha4096_noclip.gap'] < 0.1,
  },
  {
    id: 'best_alpha_4096',
    statement: "of Table 4's α, 4096 exports best",
    paperHolds: true,
    paperBasis: "0.160 is Table 4's smallest",
    holds: (v) => v['sn.best_alpha'] === 4096,
  },
  {
    id: 'pi_beats_trained_all',
    statement: 'the PI construction beats the trained model on the whole text',
    paperHolds: true,
    paperBasis: '1.557 < 4.965',
    holds: (v, c) => c.pi.all < v['satrnn.bpc'],
  },
  {
    id: 'pi_beats_trained_test',
    statement: 'the PI construction beats the trained model on the test half',
    paperHolds: true,
    paperBasis: 'trained 5.08 on the test half, above every construction listed',
    holds: (v, c) => c.pi.test < v['sr.trained_test'],
  },
];

/** How a conclusion fares over runs: `survives` (every run), `fails` (none) or `luck` (some). */
export function fate(holds: readonly boolean[]): 'survives' | 'fails' | 'luck' {
  const k = holds.filter(Boolean).length;
  return k === holds.length ? 'survives' : k === 0 ? 'fails' : 'luck';
}
