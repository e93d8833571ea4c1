/**
 * Ready-made tasks for `parallelMap` (lib/fast/parallel.ts): each is a plain function of
 * structured-clone-safe input, exported so a worker can import it by name.
 */
import type { SatRnn } from '../lib/core/model.js';
import { evaluate } from '../lib/core/rnn.js';
import { parallelMap, type ParallelOptions } from '../lib/core/parallel.js';
import { loadBytes, marginalBias } from '../lib/core/data.js';
import {
  fitReadout,
  readoutBpc,
  readoutProblem,
  zeroReadout,
  SCHEDULES,
  type Arithmetic,
} from '../lib/construction/readout.js';
import { HASHES } from '../lib/construction/hash.js';
import { carrierStates } from '../lib/construction/shift-register.js';
import { fitSpan } from '../lib/construction/score-rules.js';
import { ruleScores } from '../lib/construction/fits.js';
import { TRAIN_TEXT } from './helpers.js';

/** Input of `bpcTask`: a model (its typed arrays) and the bytes to score. */
export interface BpcInput {
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
}

/** bpc of one model under the bpc protocol. */
export function bpcTask(input: BpcInput): number {
  return evaluate(input.model, input.bytes).bpc;
}

/** bpc of many models on the same bytes, evaluated in parallel (one worker per core). */
export function parallelBpc(
  models: readonly SatRnn[],
  bytes: Uint8Array,
  opts: ParallelOptions = {},
): Promise<number[]> {
  return parallelMap<BpcInput, number>(
    new URL(import.meta.url),
    'bpcTask',
    models.map((model) => ({ model, bytes })),
    opts,
  );
}

/**
 * bpc on the fitting positions and `all` score of the mixed-hash carrier's SGD-from-zero readout,
 * fitted in one arithmetic.
 */
export function carrierFitTask(arithmetic: Arithmetic): { fit: number; all: number } {
  const text = loadBytes(TRAIN_TEXT);
  const states = carrierStates({ hash: HASHES.mixed, groups: 16, bits: 8 }, text);
  const span = fitSpan(text.length);
  const p = readoutProblem(states, 128, text, span.from, span.to);
  const init = zeroReadout(p, marginalBias(text));
  const r = fitReadout(p, init, { ...SCHEDULES.fromZero, arithmetic });
  return { fit: readoutBpc(p, r), all: ruleScores(states, 128, text, r, span).all };
}

/**
 * `carrierFitTask` in both arithmetics on worker threads (test files stay responsive to vitest
 * while the 1000-epoch fits run, and the two share the cores).
 */
export function carrierFits(): Promise<{ fit: number; all: number }[]> {
  return parallelMap<Arithmetic, { fit: number; all: number }>(
    new URL(import.meta.url),
    'carrierFitTask',
    ['float64', 'float32'],
  );
}
