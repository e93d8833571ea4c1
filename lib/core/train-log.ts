/** The training log written by `npm run sat -- train --log <csv>`: columns epoch,lr,train_bpc. */
import { readFileSync } from 'node:fs';

export interface TrainLog {
  /** Epoch numbers (from 1), [E]. */
  readonly epoch: Float64Array;
  /** Learning rate of each epoch, [E]. */
  readonly lr: Float64Array;
  /** bpc accumulated during each epoch's training pass, [E]. */
  readonly trainBpc: Float64Array;
}

/** Parse a training log; errors name the file, the line and what was expected. */
export function parseTrainLog(text: string, label = 'training log'): TrainLog {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0 || lines[0].trim() !== 'epoch,lr,train_bpc') {
    throw new RangeError(
      `${label}: expected the header 'epoch,lr,train_bpc', got '${lines[0] ?? ''}'`,
    );
  }
  if (lines.length < 2) throw new RangeError(`${label}: no epochs after the header`);
  const n = lines.length - 1;
  const epoch = new Float64Array(n),
    lr = new Float64Array(n),
    trainBpc = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = lines[k + 1].split(',').map(Number);
    if (f.length !== 3 || f.some((v) => !Number.isFinite(v))) {
      throw new RangeError(
        `${label}: line ${k + 2}: expected three numbers epoch,lr,train_bpc, got '${lines[k + 1]}'`,
      );
    }
    if (k > 0 && f[0] <= epoch[k - 1])
      throw new RangeError(`${label}: line ${k + 2}: epoch ${f[0]} does not increase`);
    [epoch[k], lr[k], trainBpc[k]] = f;
  }
  return { epoch, lr, trainBpc };
}

/** Read and parse a training log file. */
export function loadTrainLog(path: string): TrainLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `training log ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  return parseTrainLog(text, `training log ${path}`);
}
