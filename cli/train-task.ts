/**
 * The training run of `npm run sat -- train`, executed in a worker thread (lib/fast/parallel.ts) so
 * that the main thread stays free to answer signals while an epoch runs: the main thread raises
 * `stop[0]` and the run ends after its current epoch, returning the best model so far.
 */
import { writeSync } from 'node:fs';
import { train, type EpochReport, type Optimizer, type TrainResult } from '../lib/core/train.js';
import { chunkGradient } from '../lib/core/bptt.js';

export interface TrainTaskInput {
  readonly bytes: Uint8Array;
  readonly epochs: number;
  readonly optimizer: Optimizer;
  readonly seed: number;
  readonly kernel: 'fast' | 'reference';
  /** Print a progress line every this many epochs. */
  readonly every: number;
  /** Prefix of each progress line (e.g. `[seed 7] ` when runs share a console). */
  readonly label?: string;
  /** Int32Array view of a SharedArrayBuffer: 0 = go on, non-zero = stop after this epoch. */
  readonly stop: Int32Array;
}

export type TrainTaskResult = Omit<TrainResult, 'last'>;

/** Train with the original recipe until done or until `stop[0]` is raised; progress on stdout. */
export function trainTask(input: TrainTaskInput): TrainTaskResult {
  const { epochs, every, stop } = input;
  const r = train(input.bytes, {
    epochs,
    optimizer: input.optimizer,
    seed: input.seed,
    kernel: input.kernel === 'reference' ? chunkGradient : undefined,
    onEpoch: (e: EpochReport) => {
      const stopping = Atomics.load(stop, 0) !== 0;
      if (e.epoch === 1 || e.epoch % every === 0 || e.epoch === epochs || stopping) {
        // Straight to fd 1: a worker's console output is relayed asynchronously and can be cut off.
        writeSync(
          1,
          `${input.label ?? ''}epoch ${e.epoch}/${epochs}  lr ${e.lr.toExponential(3)}  train-pass bpc ${e.trainBpc.toFixed(4)}  best ${e.bestBpc.toFixed(4)}  ${Math.round(e.positionsPerSec)} pos/s\n`,
        );
      }
      return !stopping;
    },
  });
  return {
    best: r.best,
    bestBpc: r.bestBpc,
    bestEpoch: r.bestEpoch,
    log: r.log,
    seconds: r.seconds,
  };
}
