/**
 * `npm run bench [-- --runs N] [-- --suite]`: speed of the hot kernels, fast vs the plain
 * TypeScript reference measured in the same process, and the original recipe's trainer in C -O2
 * (bench/sat_train.c, compiled with gcc into a temp dir). Prints one JSON object.
 * Every figure is the median of N runs (default 5) after one warm-up run, in wall time and in
 * CPU time of this process (the CPU figures stay comparable when other jobs share the cores).
 * The full readout fit (1000 epochs) is timed over at most 2 runs after its warm-up (it takes
 * seconds in float64). --suite also times `npm run notebooks` cold (a fresh output folder) and
 * warm (nothing changed), with each run's stage breakdown, against 20 epochs of the C trainer's
 * CPU time (slow).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chunkGradient, type ChunkGradientKernel } from '../lib/core/bptt.js';
import { loadBytes } from '../lib/core/data.js';
import { fastChunkGradient } from '../lib/fast/bptt.js';
import { fastReadoutLossGrad } from '../lib/fast/readout.js';
import { loadModel, VOCAB, type SatRnn } from '../lib/core/model.js';
import { ridgeSolve } from '../lib/construction/pinv.js';
import {
  fitReadout,
  readoutBpc,
  readoutLossGrad,
  readoutProblem,
  zeroReadout,
  SCHEDULES,
  type Readout,
  type ReadoutProblem,
} from '../lib/construction/readout.js';
import { evaluate, run } from '../lib/core/rnn.js';
import { initModel, train } from '../lib/core/train.js';
import { TIMINGS_FILE, type RunTimings } from '../tools/run-timings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'data/enwik_1024.txt');
const TRAINED = join(ROOT, 'data/sat_model.bin');

/** Median wall and CPU milliseconds. */
interface Timing {
  wall: number;
  cpu: number;
}

/** Median of `runs` timings of `fn` after one warm-up call. */
function measure(runs: number, fn: () => void): Timing {
  fn();
  const wall: number[] = [],
    cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage(),
      t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (v: number, digits = 3) => Number(v.toPrecision(digits + 2));

/** Milliseconds rounded, wall and CPU. */
const ms = (t: Timing) => ({ wall: round(t.wall), cpu: round(t.cpu) });

/** Positions per second (wall and CPU) of `epochs` epochs of the recipe from the seeded init. */
function trainerRate(
  bytes: Uint8Array,
  runs: number,
  epochs: number,
  kernel?: ChunkGradientKernel,
): Timing {
  const t = measure(runs, () => train(bytes, { epochs, kernel }));
  const positions = epochs * (bytes.length - 1);
  return { wall: positions / (t.wall / 1000), cpu: positions / (t.cpu / 1000) };
}

/** Compile bench/sat_train.c with gcc -O2 and run `epochs` epochs; null with a reason if gcc fails. */
function cTrainer(
  epochs: number,
): { rate: Timing; last_train_bpc: number; compiler: string } | { rate: null; reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sat-bench-'));
  try {
    const exe = join(dir, 'sat_train');
    execFileSync('gcc', ['-O2', '-o', exe, join(ROOT, 'bench/sat_train.c'), '-lm'], {
      stdio: 'pipe',
    });
    const out = JSON.parse(execFileSync(exe, [DATA, String(epochs)], { encoding: 'utf8' })) as {
      positions_per_sec: number;
      positions_per_cpu_sec: number;
      last_train_bpc: number;
    };
    const compiler = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    return {
      rate: { wall: out.positions_per_sec, cpu: out.positions_per_cpu_sec },
      last_train_bpc: out.last_train_bpc,
      compiler: `${compiler} -O2, ${epochs} epochs`,
    };
  } catch (e) {
    return {
      rate: null,
      reason: `gcc build or run failed: ${(e as Error).message.split('\n')[0]}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One full-batch gradient step of the readout (the update shared by both kernels). */
function wyEpoch(
  p: ReadoutProblem,
  r: Readout,
  gWy: Float64Array,
  gby: Float64Array,
  lossGrad: typeof readoutLossGrad,
): void {
  lossGrad(p, r, gWy, gby);
  for (let k = 0; k < r.Wy.length; k++) r.Wy[k] -= 0.5 * gWy[k];
  for (let o = 0; o < VOCAB; o++) r.by[o] -= 0.5 * gby[o];
}

/** The PI problem (docs/original-work.md "Readout fits"): sign features and residual one-hot targets over t ∈ [16, n−3]. */
function piProblem(
  states: Float64Array,
  H: number,
  bytes: Uint8Array,
): { X: Float64Array; Y: Float64Array; n: number } {
  const from = 16,
    to = bytes.length - 2,
    n = to - from;
  const X = new Float64Array(n * H),
    Y = new Float64Array(n * VOCAB);
  const marginal = new Float64Array(VOCAB);
  for (let t = from; t < to; t++) marginal[bytes[t + 1]] += 1 / n;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < H; i++) X[r * H + i] = states[(from + r) * H + i] >= 0 ? 1 : -1;
    for (let o = 0; o < VOCAB; o++) Y[r * VOCAB + o] = -marginal[o];
    Y[r * VOCAB + bytes[from + r + 2]] += 1;
  }
  return { X, Y, n };
}

/** Whole-run figures of one `npm run notebooks` and its stage breakdown (<out>/timings.json). */
function notebooksRun(out: string): { wall_s: number; timings: RunTimings } | { reason: string } {
  const t0 = performance.now();
  const r = spawnSync('npm', ['run', 'notebooks', '--', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    return {
      reason: `npm run notebooks exited ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`,
    };
  return {
    wall_s: round(wall),
    timings: JSON.parse(readFileSync(join(out, TIMINGS_FILE), 'utf8')) as RunTimings,
  };
}

/**
 * `npm run notebooks` into a fresh folder (cold), then again with nothing changed (warm: every
 * notebook cached), beside the yardstick of issue 19: the CPU time of 20 epochs of the C trainer,
 * from this bench's own C measurement.
 */
function suite(enabled: boolean, cCpuRate: number | null) {
  if (!enabled)
    return {
      reason: 'not run: pass --suite to time `npm run notebooks` (executes every notebook)',
    };
  const out = mkdtempSync(join(tmpdir(), 'sat-suite-'));
  try {
    const cold = notebooksRun(out);
    if ('reason' in cold) return { cold };
    const warm = notebooksRun(out);
    const yardstick = cCpuRate === null ? null : (20 * 1023) / cCpuRate;
    return {
      cold,
      warm,
      warm_over_cold: 'reason' in warm ? null : round(warm.wall_s / cold.wall_s),
      c_20_epochs_cpu_s: yardstick === null ? null : round(yardstick),
      cold_wall_over_c_20_epochs_cpu: yardstick === null ? null : round(cold.wall_s / yardstick),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const USAGE = `usage: npm run bench [-- --runs N] [-- --suite]

  --runs N   median of N timed runs after one warm-up (default 5; an integer from 1 to 1000)
  --suite    also time npm run notebooks, cold and warm, with the stage breakdown (slow)

Prints one JSON object: every kernel fast vs the plain TypeScript reference in the same process,
and the original recipe's trainer in C -O2 when gcc is present.`;

/** The options, checked before any timing starts; exits 2 with the usage on a bad one. */
function options(argv: string[]): { runs: number; suite: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { runs: { type: 'string' }, suite: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const runs =
    values.runs === undefined ? 5 : /^\d+$/.test(values.runs) ? Number(values.runs) : NaN;
  if (!(Number.isInteger(runs) && runs >= 1 && runs <= 1000)) {
    console.error(
      `bench: --runs: expected an integer from 1 to 1000, got '${values.runs}'\n\n${USAGE}`,
    );
    process.exit(2);
  }
  return { runs, suite: values.suite ?? false };
}

function main(): void {
  const values = options(process.argv.slice(2));
  const runs = values.runs;
  const bytes = loadBytes(DATA);
  const trained = existsSync(TRAINED);
  const m: SatRnn = trained ? loadModel(TRAINED) : initModel(42);
  const load = loadavg()[0];

  // Trainer inner loop (forward + BPTT + clip + SGD over 50-step chunks, 128 hidden).
  const ref = trainerRate(bytes, runs, 2, chunkGradient);
  const unfused: ChunkGradientKernel = (...a) => fastChunkGradient(...a);
  const kernelOnly = trainerRate(bytes, runs, 10, unfused);
  const fused = trainerRate(bytes, runs, 40);
  const cEpochs = 100;
  const c = cTrainer(cEpochs);
  const fastSameSchedule = train(bytes, { epochs: cEpochs }).log[cEpochs - 1].trainBpc;

  // Evaluation: one bpc pass over the 1024 bytes.
  const evalRef = measure(runs, () => evaluate(m, bytes, { kernel: 'reference' }));
  const evalFast = measure(runs, () => evaluate(m, bytes));
  const bpcDiff = Math.abs(
    evaluate(m, bytes).bpc - evaluate(m, bytes, { kernel: 'reference' }).bpc,
  );
  const runRef = measure(runs, () => run(m, bytes, { kernel: 'reference' }));
  const runFast = measure(runs, () => run(m, bytes));

  // Readout fitting on fixed features: one full-batch Wy/by gradient step.
  const states = run(m, bytes).h;
  const p = readoutProblem(states, m.hidden, bytes, 16, bytes.length - 2);
  const r0 = (): Readout => ({ Wy: Float64Array.from(m.Wy), by: Float64Array.from(m.by) });
  const gWy = new Float64Array(VOCAB * m.hidden),
    gby = new Float64Array(VOCAB);
  const rRef = r0(),
    rFast = r0();
  const wyRef = measure(runs, () => wyEpoch(p, rRef, gWy, gby, readoutLossGrad));
  const wyFast = measure(runs, () => wyEpoch(p, rFast, gWy, gby, fastReadoutLossGrad));

  // One full readout fit (SCHEDULES.fromZero, 1000 epochs from Wy = 0) in both arithmetics.
  const fitRuns = Math.min(runs, 2);
  const fitIn = (arithmetic: 'float64' | 'float32') =>
    fitReadout(p, zeroReadout(p), { ...SCHEDULES.fromZero, arithmetic });
  const fit64 = measure(fitRuns, () => fitIn('float64'));
  const fit32 = measure(fitRuns, () => fitIn('float32'));
  const fitBpc = {
    float64: readoutBpc(p, fitIn('float64')),
    float32: readoutBpc(p, fitIn('float32')),
  };

  // PI: ridge least squares, 128 sign features → 256 residual targets, λ = 0.01.
  const pi = piProblem(states, m.hidden, bytes);
  const piRef = measure(runs, () =>
    ridgeSolve(pi.X, pi.n, m.hidden, pi.Y, VOCAB, 0.01, 'reference'),
  );
  const piFast = measure(runs, () => ridgeSolve(pi.X, pi.n, m.hidden, pi.Y, VOCAB, 0.01, 'fast'));

  const cRate = c.rate;
  const perSec = (r: Timing) => ({ wall: round(r.wall), cpu: round(r.cpu) });
  const ratio = (a: Timing, b: Timing) => ({
    wall: round(a.wall / b.wall),
    cpu: round(a.cpu / b.cpu),
  });
  const recipe = (r: Timing) => ({
    wall: round((4000 * 1023) / r.wall),
    cpu: round((4000 * 1023) / r.cpu),
  });
  const out = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavg_1min_at_start: round(load, 2),
    },
    runs_per_figure: runs,
    model: trained ? 'data/sat_model.bin' : 'initModel(42) (data/sat_model.bin not found)',
    trainer: {
      what: 'original recipe inner loop: forward + BPTT over 50-step chunks + global-norm clip + SGD, 128 hidden, 1023 positions/epoch',
      positions_per_sec: {
        reference_ts: perSec(ref),
        fast_kernel_generic_update: perSec(kernelOnly),
        fast_fused_default: perSec(fused),
        c_O2: cRate === null ? null : perSec(cRate),
      },
      ratio_fast_vs_reference: ratio(fused, ref),
      ratio_fast_vs_c: cRate === null ? null : ratio(fused, cRate),
      ratio_c_vs_reference: cRate === null ? null : ratio(cRate, ref),
      recipe_4000_epochs_seconds: {
        reference_ts: recipe(ref),
        fast: recipe(fused),
        c_O2: cRate === null ? null : recipe(cRate),
      },
      c:
        'rate' in c && c.rate !== null
          ? { last_train_bpc: c.last_train_bpc, compiler: c.compiler }
          : c,
      fast_last_train_bpc_same_schedule: round(fastSameSchedule, 5),
    },
    evaluation: {
      what: 'one bpc pass (1023 scored positions)',
      ms: { reference_ts: ms(evalRef), fast: ms(evalFast) },
      ratio: ratio(evalRef, evalFast),
      bpc_abs_diff: bpcDiff,
    },
    run: {
      what: 'the float64 trajectory (h and pre) over the 1024 bytes',
      ms: { reference_ts: ms(runRef), fast: ms(runFast) },
      ratio: ratio(runRef, runFast),
    },
    wy_epoch: {
      what: `one full-batch Wy/by gradient step over ${p.to - p.from} positions, H=${m.hidden}`,
      ms: { reference_ts: ms(wyRef), fast: ms(wyFast) },
      ratio: ratio(wyRef, wyFast),
    },
    readout_fit: {
      what: `one full readout fit: SCHEDULES.fromZero (1000 epochs from Wy = 0) over ${p.to - p.from} positions, H=${m.hidden}, float64 (bit-identical to the TypeScript loop) vs float32 (the original programs' arithmetic); median of ${fitRuns}`,
      ms: { float64: ms(fit64), float32: ms(fit32) },
      ratio_float64_over_float32: ratio(fit64, fit32),
      bpc: { float64: round(fitBpc.float64, 7), float32: round(fitBpc.float32, 7) },
      bpc_abs_diff: Math.abs(fitBpc.float64 - fitBpc.float32),
    },
    pi_solve: {
      what: `ridge (HᵀH + 0.01 I) W = Hᵀ T, H: ${pi.n}×${m.hidden} signs, T: ${pi.n}×256`,
      ms: { reference_ts: ms(piRef), fast: ms(piFast) },
      ratio: ratio(piRef, piFast),
    },
    notebook_suite: suite(values.suite, cRate === null ? null : cRate.cpu),
  };
  console.log(JSON.stringify(out, null, 2));
}

main();
