import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAVE_PUBLISHED, PUBLISHED, needsPublished, ROOT, TRAIN_TEXT } from './helpers.js';
import { encodeModel, loadModel } from '../lib/core/model.js';
import { ENWIK_1024_SHA256, loadBytes } from '../lib/core/data.js';
import { bpc } from '../lib/core/rnn.js';
import { readManifest } from '../lib/core/zoo.js';
import { train } from '../lib/core/train.js';
import {
  hasPublishedModel,
  installPublishedModel,
  PUBLISHED_MODEL,
  PUBLISHED_MODEL_SHA256,
} from '../lib/core/published-model.js';

/** The command `npm run sat` runs: node with tsx's loader on cli/sat.ts. */
const SAT = ['--import', 'tsx', `${ROOT}cli/sat.ts`];

function sat(...args: string[]) {
  const r = spawnSync(process.execPath, [...SAT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Start a long training; resolves once it has printed `epochs` progress lines. */
function startTraining(args: string[], epochs = 3) {
  const child = spawn(
    process.execPath,
    [...SAT, 'train', '--epochs', '100000', '--every', '1', ...args],
    { cwd: ROOT },
  );
  let out = '',
    err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; out: string; err: string }>((res) =>
    child.on('exit', (code) => res({ code, out, err })),
  );
  const started = new Promise<void>((res, rej) => {
    const poll = setInterval(() => {
      if ((out.match(/^epoch /gm) ?? []).length >= epochs) {
        clearInterval(poll);
        res();
      }
    }, 20);
    void exited.then((r) => {
      clearInterval(poll);
      rej(new Error(`training exited early (${r.code}): ${r.err}`));
    });
  });
  return { child, started, exited };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sat-cli-'));
}

describe('npm run sat', () => {
  it('rejects an unknown command and a missing --model with usage and exit 2', () => {
    const a = sat('frobnicate');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/unknown command 'frobnicate'/);
    expect(a.err).toMatch(/usage: npm run sat/);
    const b = sat('eval');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--model <file> is required/);
    expect(sat('train', '--epochs', 'x', '--out', '/tmp/x.bin').err).toMatch(
      /--epochs: expected an integer of at least 1, got 'x'/,
    );
  });

  it('refuses empty values, a seed glibc cannot take, and says that seeds 0 and 1 are the same stream', () => {
    for (const opt of ['--seed', '--epochs', '--data', '--out']) {
      const r = sat('train', '--out', '/tmp/never.bin', opt, '');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`${opt}: empty`));
    }
    const big = sat('train', '--seed', '1e20', '--out', '/tmp/never.bin');
    expect(big.code).toBe(2);
    expect(big.err).toMatch(
      /--seed: expected a non-negative integer from 0 to 4294967295, got '1e20'/,
    );
    expect(big.err).toMatch(/usage: npm run sat/);
    expect(sat('--help').out).toMatch(/seeds 0 and 1 give the same stream/);
  });

  it('checks every output path before any work: missing folder, unwritable folder, a directory, the data, the log', () => {
    const dir = tempDir();
    const data = join(dir, 'text.txt');
    copyFileSync(TRAIN_TEXT, data);
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'nodir', 'm.bin')], /--out .*nodir\/m.bin: folder .* does not exist/],
      [['--out', '/proc/m.bin'], /--out \/proc\/m.bin: not writable/],
      [['--out', dir], /--out .*: is a directory/],
      [['--out', data, '--data', data], /--out .*text.txt: is the training text \(--data\)/],
      [
        ['--out', join(dir, 'm.bin'), '--log', join(dir, 'm.bin')],
        /--log .*m.bin: is the model file \(--out\)/,
      ],
      [
        ['--out', join(dir, 'm.bin'), '--log', join(dir, 'nodir', 'log.csv')],
        /--log .*: folder .* does not exist/,
      ],
    ];
    for (const [args, want] of cases) {
      const t0 = Date.now();
      const r = sat('train', '--epochs', '100000', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.out).not.toMatch(/^epoch /m); // refused before the first epoch
      expect(Date.now() - t0).toBeLessThan(15_000);
    }
    expect(readFileSync(data)).toEqual(readFileSync(TRAIN_TEXT));
  });

  it('Ctrl-C (SIGINT) stops after the current epoch and saves the best model so far, exit 130', async () => {
    const dir = tempDir();
    const out = join(dir, 'm.bin');
    const run = startTraining(['--out', out]);
    await run.started;
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    const stopped = Number(/stopped by SIGINT after epoch (\d+) of 100000/.exec(r.out)?.[1]);
    const kept = Number(/kept epoch (\d+)/.exec(r.out)?.[1]);
    expect(stopped).toBeGreaterThanOrEqual(3);
    // The same run, stopped after the same epoch, keeps the same model bit for bit.
    const again = train(loadBytes(TRAIN_TEXT), {
      epochs: 100000,
      onEpoch: (e) => e.epoch < stopped,
    });
    expect(again.bestEpoch).toBe(kept);
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(encodeModel(again.best)))).toBe(true);
    expect(readFileSync(join(dir, 'm.train.csv'), 'utf8').trim().split('\n').length).toBe(
      stopped + 1,
    );
    expect(readdirSync(dir).sort()).toEqual(['m.bin', 'm.train.csv']); // no lock, no temp file left
  }, 60_000);

  it('SIGTERM does the same with exit 143', async () => {
    const dir = tempDir();
    const run = startTraining(['--out', join(dir, 'm.bin')]);
    await run.started;
    run.child.kill('SIGTERM');
    const r = await run.exited;
    expect(r.code).toBe(143);
    expect(r.out).toMatch(/stopped by SIGTERM/);
    expect(loadModel(join(dir, 'm.bin')).hidden).toBe(128);
  }, 60_000);

  it("killing the parent (as `kill <npm pid>` kills npm's shell) leaves no orphan: the trainer saves and exits", async () => {
    const dir = tempDir();
    const out = join(dir, 'm.bin');
    // `; true` keeps the shell as the trainer's parent instead of exec-ing it, as npm's shell does.
    const shell = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" ${SAT.join(' ')} train --epochs 100000 --every 1 --out "${out}"; true`,
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const alive = () => spawnSync('pgrep', ['-f', `train .*out ${out}`]).status === 0;
    const waitFor = async (cond: () => boolean, ms: number) => {
      for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50)))
        if (cond()) return true;
      return false;
    };
    expect(await waitFor(() => existsSync(`${out}.lock`), 20_000)).toBe(true); // training has started
    shell.kill('SIGKILL');
    expect(await waitFor(() => !alive(), 20_000)).toBe(true);
    expect(loadModel(out).hidden).toBe(128);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 60_000);

  it('a second training to the same --out fails fast, naming the running one', async () => {
    const dir = tempDir();
    const out = join(dir, 'm.bin');
    const first = startTraining(['--out', out], 1);
    await first.started;
    const second = sat('train', '--epochs', '1', '--out', out);
    expect(second.code).toBe(2);
    expect(second.err).toMatch(
      new RegExp(`m.bin is being written by another run \\(pid ${first.child.pid}`),
    );
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    // The lock went with the first run: a third run may write the file.
    expect(sat('train', '--epochs', '1', '--out', out).code).toBe(0);
  }, 60_000);

  it('removes a temporary file that a killed save left, and says so', () => {
    const dir = tempDir();
    const out = join(dir, 'm.bin');
    const stale = `${out}.999999999.1700000000000.tmp`; // no such process
    writeFileSync(stale, 'half a model');
    const r = sat('train', '--epochs', '1', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /removed .*m.bin.999999999.1700000000000.tmp, a temporary file an interrupted save left/,
    );
    expect(existsSync(stale)).toBe(false);
  });

  it('names a missing model file', () => {
    const r = sat('eval', '--model', 'nope.bin');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/model file nope.bin: cannot be read/);
  });

  it('trains, saves atomically with its log, and evaluates what it saved', () => {
    const dir = tempDir();
    const out = join(dir, 'm.bin');
    const t = sat('train', '--epochs', '2', '--out', out);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/positions\/s/);
    expect(loadModel(out).hidden).toBe(128);
    const log = readFileSync(join(dir, 'm.train.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('epoch,lr,train_bpc');
    expect(log.length).toBe(3);
    const e = JSON.parse(sat('eval', '--model', out, '--json').out);
    expect(e.positions).toBe(1023);
    expect(e.bpc).toBeGreaterThan(5);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });
});

describe.skipIf(!HAVE_PUBLISHED)(needsPublished('npm run sat on the published model'), () => {
  it('eval --json prints bpc 0.0792 ± 0.0005 and info prints shapes and the spectral radius', () => {
    const e = JSON.parse(sat('eval', '--model', PUBLISHED, '--json').out);
    expect(Math.abs(e.bpc - 0.0792)).toBeLessThan(0.0005);
    expect(e.positions).toBe(1023);
    const info = sat('info', '--model', PUBLISHED);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/82304 parameters/);
    expect(info.out).toMatch(/Wh\s+128x128/);
    expect(info.out).toMatch(/spectral radius of Wh: 2\.76/);
  });
});

describe('npm run bench', () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}bench/bench.ts`, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('prints its usage for --help and refuses a bad --runs at once, before timing anything', () => {
    const help = bench('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run bench/);
    const t0 = Date.now();
    const bad = bench('--runs', 'abc');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--runs: expected an integer from 1 to 1000, got 'abc'/);
    expect(bad.stdout).toBe('');
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('npm run sat -- zoo', () => {
  const seedModel = (seed: number, epochs: number) =>
    encodeModel(train(loadBytes(TRAIN_TEXT), { epochs, seed }).best);
  /** `sat` without blocking the event loop (a blocked vitest worker misses its RPC deadline). */
  const satAsync = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((res) => {
      const child = spawn(process.execPath, [...SAT, ...args], { cwd: ROOT });
      let out = '',
        err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('exit', (code) => res({ code, out, err }));
    });

  it('trains the seeds in parallel, saves each run with its log, and records them in zoo.json', async () => {
    const dir = join(tempDir(), 'zoo');
    const r = await satAsync(
      'zoo',
      '--seeds',
      '1..2,42',
      '--epochs',
      '20',
      '--every',
      '1',
      '--jobs',
      '2',
      '--out',
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/training 3 of 3 runs \(20 epochs each\) .*, 2 at a time/);
    // Two workers: the second seed trains before the first has finished.
    expect(r.out.indexOf('[seed 2] epoch 1/20')).toBeLessThan(r.out.indexOf('seed 1: kept'));
    const m = readManifest(dir)!;
    expect(m.recipe).toMatchObject({
      epochs: 20,
      optimizer: 'sgd',
      dataBytes: 1024,
      dataSha256: ENWIK_1024_SHA256,
    });
    expect(m.runs.map((x) => x.seed)).toEqual([1, 2, 42]);
    for (const run of m.runs) {
      expect(
        Buffer.from(readFileSync(join(dir, run.model))).equals(
          Buffer.from(seedModel(run.seed, 20)),
        ),
      ).toBe(true);
      expect(run.bpc).toBeCloseTo(bpc(loadModel(join(dir, run.model)), loadBytes(TRAIN_TEXT)), 12);
      expect(readFileSync(join(dir, run.log), 'utf8').trim().split('\n').length).toBe(21);
    }
    expect(readdirSync(dir).filter((f) => /lock|tmp/.test(f))).toEqual([]);
  }, 120_000);

  it('resumes: a finished run is not retrained; a zoo of another recipe is refused', async () => {
    const dir = join(tempDir(), 'zoo');
    expect((await satAsync('zoo', '--seeds', '1', '--epochs', '3', '--out', dir)).code).toBe(0);
    const first = readFileSync(join(dir, 'seed-001.bin'));
    const manifestBefore = readManifest(dir)!.runs[0];
    const r = await satAsync('zoo', '--seeds', '1..2', '--epochs', '3', '--out', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/seed 1: finished before .*not retrained/);
    expect(r.out).toMatch(/training 1 of 2 runs/);
    expect(readManifest(dir)!.runs.map((x) => x.seed)).toEqual([1, 2]);
    expect(readManifest(dir)!.runs[0]).toEqual(manifestBefore);
    expect(Buffer.from(readFileSync(join(dir, 'seed-001.bin'))).equals(first)).toBe(true);
    const other = await satAsync('zoo', '--seeds', '3', '--epochs', '4', '--out', dir);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/zoo\.json: a zoo of another recipe or text \(epochs 3 ≠ 4\)/);
  }, 120_000);

  it('refuses a bad --out or --seeds at once, before reading the text or training', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    for (const [args, msg] of [
      [
        ['--seeds', '1..3', '--out', join(dir, 'file')],
        /--out .*file: is a file; expected a folder/,
      ],
      [
        ['--seeds', '1..3', '--out', join(dir, 'no', 'such', 'zoo')],
        /--out .*: folder .*no\/such does not exist/,
      ],
      [['--seeds', '3..1', '--out', join(dir, 'z')], /range 3\.\.1 is empty/],
      [
        ['--seeds', '0,1', '--out', join(dir, 'z')],
        /seed 1 given twice \(glibc treats seed 0 as 1\)/,
      ],
      [['--out', join(dir, 'z')], /--seeds <list> is required/],
    ] as const) {
      const r = sat('zoo', ...args);
      expect(r.code, String(args)).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.out).not.toMatch(/epoch/);
    }
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('refuses bad Slurm options at once, naming the option, and submits nothing', () => {
    const dir = tempDir();
    const z = ['--seeds', '1..3', '--out', join(dir, 'z')];
    for (const [args, msg] of [
      [['--partition', 'p'], /--partition: an option of --slurm; add --slurm/],
      [['--sbatch=--mem=1G'], /--sbatch: an option of --slurm/],
      [['--slurm', '--status'], /--status: reports only; it does not go with --slurm/],
      [['--slurm', '--time', 'soon'], /--time: expected a Slurm time limit .*got 'soon'/],
      [['--slurm', '--partition', 'a b'], /--partition: expected a partition name .*got 'a b'/],
      [['--slurm', '--cpus-per-task', '0'], /--cpus-per-task: expected an integer from 1 to 1024/],
      [['--slurm', '--jobs', 'x'], /--jobs: expected an integer/],
      [
        ['--slurm', '--sbatch=--array=1-9'],
        /--sbatch --array=1-9: set by zoo --slurm \(the array is one task per seed/,
      ],
      [['--slurm', '--sbatch=-o x.log'], /--sbatch -o: set by zoo --slurm \(each task's log/],
    ] as const) {
      const r = sat('zoo', ...z, ...args);
      expect(r.code, String(args)).toBe(2);
      expect(r.err).toMatch(msg);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--slurm without Slurm installed says so, and leaves no script behind', () => {
    const dir = join(tempDir(), 'zoo');
    const r = spawnSync(
      process.execPath,
      [...SAT, 'zoo', '--seeds', '1..2', '--epochs', '3', '--out', dir, '--slurm'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sbatch: cannot run it \(ENOENT\); is Slurm's client installed/);
    expect(readdirSync(join(dir, 'slurm'))).toEqual([]);
  });

  it('Ctrl-C keeps the finished runs, discards the unfinished one and exits 130; a rerun resumes', async () => {
    const dir = join(tempDir(), 'zoo');
    const child = spawn(
      process.execPath,
      [
        ...SAT,
        'zoo',
        '--seeds',
        '1..40',
        '--epochs',
        '3',
        '--every',
        '1',
        '--jobs',
        '1',
        '--out',
        dir,
      ],
      { cwd: ROOT },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((res) => child.on('exit', res));
    await new Promise<void>((res) => {
      const poll = setInterval(() => {
        if (/seed 2: kept/.test(out)) {
          clearInterval(poll);
          res();
        }
      }, 20);
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const saved = Number(/stopped by SIGINT: (\d+) of 40 runs finished and saved/.exec(out)?.[1]);
    expect(saved).toBeGreaterThanOrEqual(2);
    const runs = readManifest(dir)!.runs;
    expect(runs.length).toBe(saved);
    for (const run of runs)
      expect(
        Buffer.from(readFileSync(join(dir, run.model))).equals(Buffer.from(seedModel(run.seed, 3))),
      ).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin')).length).toBe(saved);
    expect(readdirSync(dir).filter((f) => /lock|tmp/.test(f))).toEqual([]);
    const again = await satAsync(
      'zoo',
      '--seeds',
      `1..${saved + 1}`,
      '--epochs',
      '3',
      '--out',
      dir,
    );
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`training 1 of ${saved + 1} runs`));
  }, 120_000);
});

describe('npm run sat -- install-model', () => {
  const installed = join(ROOT, PUBLISHED_MODEL);
  const before = existsSync(installed) ? readFileSync(installed) : null;

  it('refuses a wrong, truncated or missing file with exit 2, naming the expected sha256, and writes nothing', () => {
    const dir = tempDir();
    const truncated = join(dir, 'sat_model.bin');
    writeFileSync(
      truncated,
      HAVE_PUBLISHED ? readFileSync(PUBLISHED).subarray(0, 100_000) : new Uint8Array(100_000),
    );
    for (const [source, what] of [
      [TRAIN_TEXT, /1,024 bytes \(expected 329,216\)/],
      [truncated, /100,000 bytes \(expected 329,216\)/],
      [dir, /100,000 bytes/],
    ] as const) {
      const r = sat('install-model', source);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`expected ${PUBLISHED_MODEL_SHA256}`);
      expect(r.err).toMatch(what);
    }
    // A same-size file with other bytes (our own model) is refused by its sha256 alone.
    const ours = sat('install-model', join(ROOT, 'data/sat_model.bin'));
    expect(ours.code).toBe(2);
    expect(ours.err).toMatch(new RegExp(`sha256 [0-9a-f]{64}, expected ${PUBLISHED_MODEL_SHA256}`));
    expect(sat('install-model', join(dir, 'absent.bin')).err).toMatch(
      /absent.bin: no such file or folder/,
    );
    const empty = tempDir();
    expect(sat('install-model', empty).err).toMatch(/a folder without sat_model.bin/);
    expect(sat('install-model').code).toBe(2);
    expect(existsSync(installed) ? readFileSync(installed) : null).toEqual(before);
  });

  it.runIf(HAVE_PUBLISHED)(
    needsPublished(
      'installs the published model from the file or from a folder holding it, atomically',
    ),
    () => {
      const dir = tempDir();
      copyFileSync(PUBLISHED, join(dir, 'sat_model.bin'));
      for (const source of [PUBLISHED, dir]) {
        const target = join(tempDir(), 'published', 'sat_model.bin');
        expect(installPublishedModel(source, target)).toBe(target);
        expect(readFileSync(target)).toEqual(readFileSync(PUBLISHED));
        expect(readdirSync(join(target, '..'))).toEqual(['sat_model.bin']); // no temporary file left
        expect(hasPublishedModel(target)).toBe(true);
      }
      const wrong = join(tempDir(), 'sat_model.bin');
      copyFileSync(join(ROOT, 'data/sat_model.bin'), wrong);
      expect(() => hasPublishedModel(wrong)).toThrow(/not the published model/);
      expect(hasPublishedModel(join(dir, 'none.bin'))).toBe(false);
    },
  );
});
