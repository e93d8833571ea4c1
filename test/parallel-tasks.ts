/**
 * Ready-made tasks for `parallelMap` (lib/fast/parallel.ts): each is a plain function of
 * structured-clone-safe input, exported so a worker can import it by name.
 */
import type { SatRnn } from '../lib/core/model.js';
import { evaluate } from '../lib/core/rnn.js';
import { parallelMap, type ParallelOptions } from '../lib/core/parallel.js';

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
