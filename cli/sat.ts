/**
 * `npm run sat -- <command>`: evaluate, train and inspect sat-rnn model files.
 */
import { parseArgs } from 'node:util';
import { loadModel, saveModel, parameterCount, tensors, TENSOR_NAMES, writeFileAtomic } from '../lib/model.js';
import { loadBytes, sha256 } from '../lib/data.js';
import { evaluate } from '../lib/rnn.js';
import { train, type EpochReport, type Optimizer } from '../lib/train.js';
import { chunkGradient } from '../lib/bptt.js';
import { spectralRadius } from '../lib/linalg.js';

const DEFAULT_DATA = 'data/enwik_1024.txt';

const USAGE = `usage: npm run sat -- <command> [options]

commands:
  eval  --model <file> [--data <file>] [--json] [--kernel fast|reference]
        bpc of the model on the data (h0 = 0, all n-1 positions scored)
  train [--epochs N] [--optimizer sgd|adam] [--seed S] [--data <file>] [--log <csv>] [--kernel fast|reference] --out <file>
        train with the original recipe (Ctrl-C stops early and saves the best model so far)
  info  --model <file>
        shapes, weight statistics and Wh's spectral radius

data defaults to ${DEFAULT_DATA}; --kernel fast (default: WebAssembly SIMD) or reference (plain TypeScript)`;

class UsageError extends Error {}

function kernelOption(v: string | undefined): 'fast' | 'reference' {
  if (v === undefined || v === 'fast' || v === 'reference') return v ?? 'fast';
  throw new UsageError(`--kernel: expected fast or reference, got '${v}'`);
}

function intOption(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name}: expected a non-negative integer, got '${v}'`);
  return n;
}

function cmdEval(args: string[]): void {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' }, kernel: { type: 'string' } } });
  if (!values.model) throw new UsageError('eval: --model <file> is required');
  const kernel = kernelOption(values.kernel);
  const dataPath = values.data ?? DEFAULT_DATA;
  const m = loadModel(values.model, null);
  const bytes = loadBytes(dataPath);
  const s = evaluate(m, bytes, { kernel });
  if (values.json) {
    console.log(JSON.stringify({ model: values.model, data: dataPath, data_sha256: sha256(bytes), bpc: s.bpc, positions: s.positions, hidden: m.hidden }));
  } else {
    console.log(`${values.model} on ${dataPath}: ${s.bpc.toFixed(4)} bpc over ${s.positions} positions`);
  }
}

function cmdTrain(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      epochs: { type: 'string' }, optimizer: { type: 'string' }, seed: { type: 'string' },
      data: { type: 'string' }, out: { type: 'string' }, log: { type: 'string' }, every: { type: 'string' },
      kernel: { type: 'string' },
    },
  });
  if (!values.out) throw new UsageError('train: --out <file> is required');
  const optimizer = (values.optimizer ?? 'sgd') as Optimizer;
  if (optimizer !== 'sgd' && optimizer !== 'adam') throw new UsageError(`--optimizer: expected sgd or adam, got '${values.optimizer}'`);
  const epochs = intOption('epochs', values.epochs, 4000);
  const kernel = kernelOption(values.kernel);
  if (epochs < 1) throw new UsageError('--epochs: expected at least 1');
  const seed = intOption('seed', values.seed, 42);
  const every = Math.max(1, intOption('every', values.every, 50));
  const dataPath = values.data ?? DEFAULT_DATA;
  const bytes = loadBytes(dataPath);
  const logPath = values.log ?? values.out.replace(/\.bin$/, '') + '.train.csv';
  let stop = false;
  process.on('SIGINT', () => {
    if (stop) process.exit(130);
    stop = true;
    console.error('\nstopping after this epoch (Ctrl-C again to abort without saving)');
  });
  console.log(`training ${optimizer}, ${epochs} epochs, seed ${seed}, on ${dataPath} (${bytes.length} bytes)`);
  const r = train(bytes, {
    epochs, optimizer, seed, kernel: kernel === 'reference' ? chunkGradient : undefined,
    onEpoch: (e: EpochReport) => {
      if (e.epoch === 1 || e.epoch % every === 0 || e.epoch === epochs || stop) {
        console.log(`epoch ${e.epoch}/${epochs}  lr ${e.lr.toExponential(3)}  train-pass bpc ${e.trainBpc.toFixed(4)}  best ${e.bestBpc.toFixed(4)}  ${Math.round(e.positionsPerSec)} pos/s`);
      }
      return !stop;
    },
  });
  saveModel(values.out, r.best);
  const csv = ['epoch,lr,train_bpc', ...r.log.map((e) => `${e.epoch},${e.lr},${e.trainBpc}`)].join('\n') + '\n';
  writeFileAtomic(logPath, csv);
  const evalBpc = evaluate(r.best, bytes, { kernel }).bpc;
  const positions = r.log.length * (bytes.length - 1);
  console.log(`kept epoch ${r.bestEpoch} (train-pass ${r.bestBpc.toFixed(4)} bpc); evaluated ${evalBpc.toFixed(4)} bpc`);
  console.log(`${r.log.length} epochs in ${r.seconds.toFixed(1)} s = ${Math.round(positions / r.seconds)} positions/s`);
  console.log(`saved ${values.out} and ${logPath}`);
}

function cmdInfo(args: string[]): void {
  const { values } = parseArgs({ args, options: { model: { type: 'string' } } });
  if (!values.model) throw new UsageError('info: --model <file> is required');
  const m = loadModel(values.model, null);
  const H = m.hidden;
  const shapes: Record<string, string> = { Wx: `${H}x256`, Wh: `${H}x${H}`, bh: `${H}`, Wy: `256x${H}`, by: '256' };
  console.log(`${values.model}: hidden ${H}, ${parameterCount(H)} parameters`);
  console.log('tensor  shape      mean       std        min        max        max|w|');
  tensors(m).forEach((t, k) => {
    let s = 0, s2 = 0, min = Infinity, max = -Infinity;
    for (const v of t) { s += v; s2 += v * v; if (v < min) min = v; if (v > max) max = v; }
    const mean = s / t.length;
    const std = Math.sqrt(Math.max(0, s2 / t.length - mean * mean));
    const f = (v: number) => v.toFixed(5).padStart(10);
    console.log(`${TENSOR_NAMES[k].padEnd(7)} ${shapes[TENSOR_NAMES[k]].padEnd(9)} ${f(mean)} ${f(std)} ${f(min)} ${f(max)} ${f(Math.max(-min, max))}`);
  });
  console.log(`spectral radius of Wh: ${spectralRadius(Float64Array.from(m.Wh), H).toFixed(4)}`);
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'eval') cmdEval(rest);
    else if (cmd === 'train') cmdTrain(rest);
    else if (cmd === 'info') cmdInfo(rest);
    else if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command '${cmd}'`);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`sat: ${(e as Error).message}`);
    if (usage) console.error(USAGE);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
