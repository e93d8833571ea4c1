/**
 * `npm run notebooks -- [--only <id>[,<id>…]] [--model <file>] [--data <file>] [--out <dir>] [--jobs N] [--force]`
 *
 * Builds lib/ (tsc -p tsconfig.build.json → an immutable snapshot in dist/snapshots, importable as
 * `sat-rnn/lib/...`), writes the project's tslab kernelspec (dist/jupyter), then executes the
 * notebooks in notebooks/ with `jupyter nbconvert --to notebook --execute` (each in its own folder
 * under dist/runs, pinned to the snapshot), up to --jobs at a time, longest first, and renders each
 * to HTML (all in one Python process, tools/html-server.ts). A notebook whose cache key
 * (tools/run-cache.ts) is the one its results record is not run again: its outputs stand. A failing
 * cell stops the run with a non-zero exit, showing the cell and its error. See tools/toolchain.ts.
 *
 * Outputs under --out (default build/): notebooks/<nb>.ipynb (executed), html/<nb>.html,
 * pdf/<nb>.pdf (the HTML printed, a handout), figures/<nb>/<name>.{svg,png,pdf}, results/<nb>.json,
 * results/<nb>/<table>.{csv,tex}, paper/ (the LaTeX bundle of lib/publish/paper.ts) and the book:
 * index.html, with a header on every render and MathJax/require.js in assets/ (lib/publish/book.ts).
 * Each notebook's outputs are built in a staging folder (<out>/.tmp-<pid>-*) and moved into place
 * only when the notebook succeeded, so a failed or interrupted rerun keeps the previous good ones.
 * Staging and run folders are removed on every exit (errors and SIGINT/SIGTERM included); those a
 * killed runner left are removed by the next run. Progress lines of long notebook work
 * (`progressLine` in lib/notebook) are relayed to this console while a notebook runs, every line
 * prefixed by the notebook's number. <out>/timings.json and the closing table say where the time
 * went (tools/run-timings.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  experimentInputs,
  fromRoot,
  hasPublishedModel,
  heldoutPath,
  inputPaths,
  projectRoot,
  zoosSha256,
  ENV,
  PUBLISHED_MODEL,
} from '../lib/notebook/inputs.js';
import { loadBytes } from '../lib/core/data.js';
import { PROGRESS_ENV } from '../lib/notebook/display.js';
import { processAlive, realPath, writeFileAtomic } from '../lib/core/files.js';
import {
  closeExporter,
  figureServerInUse,
  printHtmlToPdf,
  serveFigures,
  warmExporter,
  FIGURE_SERVER_ENV,
} from '../lib/notebook/export.js';
import { drawPaperFigures, writePaperBundle } from '../lib/publish/paper.js';
import {
  figurePreset,
  FIGURE_PRESETS,
  DEFAULT_FIGURE_PRESET,
  type FigurePreset,
} from '../lib/publish/figure-preset.js';
import { writeBook } from '../lib/publish/book.js';
import { RUN_KEY_ENV, FIGURE_TIMES_ENV } from '../lib/notebook/report.js';
import { EDITION_ENV, EDITIONS, type Edition } from '../lib/notebook/answers.js';
import { FIT_CACHE_ENV } from '../lib/construction/fits.js';
import { ensureLibBuilt, ensureKernelSpec, makeRunFolder, KERNEL_NAME } from './toolchain.js';
import { htmlServer, type HtmlServer } from './html-server.js';
import { cachedRun, fileSha256, outputsOf, runKey } from './run-cache.js';
import {
  browserCpuSeconds,
  cpuSecondsWithChildren,
  formatTimings,
  TIMINGS_FILE,
  type ExecutedTimings,
  type NotebookTimings,
  type RunTimings,
} from './run-timings.js';

const USAGE = `usage: npm run notebooks -- [--only <id>[,<id>...]] [--model <file>] [--data <file>] [--heldout <file>] [--out <dir>] [--dir <folder>] [--jobs N] [--force] [--figure-style <preset>] [--edition default|student]

  --only   run only notebooks whose file name starts with <id> followed by '-' (e.g. 00)
  --model  model file for every experiment (default data/sat_model.bin)
  --data   text for every experiment (default data/enwik_1024.txt)
  --heldout  held-out text (default: enwik8 bytes 1024–2047, data/enwik_heldout_1024.txt, when the
           text is data/enwik_1024.txt; for any other text no held-out claims unless given)
  --out    output folder (default build/)
  --dir    folder holding the notebooks (default notebooks/)
  --jobs   notebooks executed at once (default: the number of CPUs, ${availableParallelism()} here)
  --force  execute every notebook, also those whose outputs are up to date (cached)
  --edition  default: the book with every exercise's worked answer (folded); student: the same book
           without them, the checks kept (default --out build-student/)
  --figure-style  the preset the paper bundle's figures are drawn in: ${Object.keys(FIGURE_PRESETS).join(', ')} (default ${DEFAULT_FIGURE_PRESET});
           the notebooks' own figures keep their screen style, so the preset never re-runs a notebook`;

class UsageError extends Error {}

/** The student edition's output folder when --out is not given (git-ignored). */
const STUDENT_OUT = 'build-student';

interface Options {
  only: string[] | null;
  modelPath: string;
  dataPath: string;
  heldoutPath: string | null;
  outDir: string;
  dir: string;
  jobs: number;
  force: boolean;
  figureStyle: FigurePreset;
  edition: Edition;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        model: { type: 'string' },
        data: { type: 'string' },
        heldout: { type: 'string' },
        out: { type: 'string' },
        dir: { type: 'string' },
        jobs: { type: 'string' },
        force: { type: 'boolean' },
        'figure-style': { type: 'string' },
        edition: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const k of [
    'only',
    'model',
    'data',
    'heldout',
    'out',
    'dir',
    'jobs',
    'figure-style',
    'edition',
  ] as const) {
    if (values[k] !== undefined && values[k]!.trim() === '')
      throw new UsageError(`--${k}: empty; expected a value`);
  }
  // Resolve against the caller's directory (npm runs scripts from the project root).
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const edition = (values.edition ?? 'default') as Edition;
  if (!EDITIONS.includes(edition))
    throw new UsageError(
      `--edition: expected one of ${EDITIONS.join(', ')}, got '${values.edition}'`,
    );
  const choice = {
    modelPath: abs(values.model),
    dataPath: abs(values.data),
    // The student edition has a folder of its own, so it never replaces the default book.
    outDir: abs(values.out ?? (edition === 'student' ? STUDENT_OUT : undefined)),
  };
  const defaultModel = inputPaths(choice, {}).modelPath;
  if (values.model === undefined && !existsSync(defaultModel)) {
    throw new UsageError(
      `the default model ${defaultModel} does not exist yet: train it (see data/README.md) or pass --model <file>`,
    );
  }
  const inputs = experimentInputs(choice, {});
  const heldout =
    values.heldout === undefined
      ? heldoutPath(fileSha256(inputs.dataPath), {})
      : abs(values.heldout)!;
  if (heldout !== null) loadBytes(heldout); // a bad --heldout fails here, naming the file, before any notebook runs
  const only =
    values.only === undefined
      ? null
      : values.only
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  if (only !== null && only.length === 0)
    throw new UsageError('--only: expected a notebook id such as 00');
  const dir =
    values.dir === undefined ? join(projectRoot(), 'notebooks') : resolve(cwd, values.dir);
  if (!existsSync(dir)) throw new UsageError(`--dir ${dir}: no such folder`);
  checkOutDir(inputs.outDir, dir);
  const jobs =
    values.jobs === undefined
      ? availableParallelism()
      : /^\d+$/.test(values.jobs)
        ? Number(values.jobs)
        : NaN;
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64))
    throw new UsageError(`--jobs: expected an integer from 1 to 64, got '${values.jobs}'`);
  let figureStyle: FigurePreset;
  try {
    figureStyle = figurePreset(values['figure-style'] ?? DEFAULT_FIGURE_PRESET, '--figure-style');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    only,
    modelPath: inputs.modelPath,
    dataPath: inputs.dataPath,
    heldoutPath: heldout,
    outDir: inputs.outDir,
    dir,
    jobs,
    force: values.force ?? false,
    figureStyle,
    edition,
  };
}

/** Refuse an output folder whose notebooks/ would be the sources, or that lies inside them. */
function checkOutDir(outDir: string, sources: string): void {
  const out = realPath(outDir),
    src = realPath(sources);
  if (realPath(join(outDir, 'notebooks')) === src || out === src || out.startsWith(src + sep)) {
    throw new UsageError(
      `--out ${outDir}: the executed notebooks would overwrite the sources in ${sources}; choose another folder (default build/)`,
    );
  }
}

/** Notebooks in run order (file name order), filtered by --only. */
function selectNotebooks(dir: string, only: string[] | null): string[] {
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort();
  if (only === null) return all;
  const picked = all.filter((f) =>
    only.some((id) => f.startsWith(`${id}-`) || f === `${id}.ipynb`),
  );
  for (const id of only) {
    if (!picked.some((f) => f.startsWith(`${id}-`) || f === `${id}.ipynb`)) {
      throw new UsageError(
        `--only ${id}: no notebook ${id}-*.ipynb in ${dir} (have: ${all.join(', ') || 'none'})`,
      );
    }
  }
  return picked;
}

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

const since = (t0: number) => (performance.now() - t0) / 1000;

/** What an interrupted or failed run must undo: the running children and the folders to remove. */
const active = { children: new Set<ChildProcess>(), folders: new Set<string>() };

function removeFolders(folders: Iterable<string>): void {
  for (const d of [...folders]) {
    rmSync(d, { recursive: true, force: true });
    active.folders.delete(d);
  }
}

/**
 * Stop the running nbconverts and their kernels. Jupyter starts each kernel in a session of its
 * own, so a signal to nbconvert alone can leave a kernel running (and holding our output pipes)
 * when nbconvert dies before shutting it down: the kernels get SIGTERM first.
 */
function stopChildren(sig: NodeJS.Signals): void {
  for (const child of active.children) {
    if (!child.pid) continue;
    const kids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
    for (const pid of kids) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
    }
    child.kill(sig);
  }
}

/** Stop everything, remove this run's folders and exit 1 with `message` (earlier outputs are kept). */
function fail(message: string): never {
  console.error(`\n${message}`);
  stopChildren('SIGTERM');
  removeFolders(active.folders);
  process.exit(1);
}

/** Copy a stream to `to` line by line, each line prefixed (concurrent notebooks stay readable). */
function relayLines(from: NodeJS.ReadableStream, to: NodeJS.WriteStream, prefix: string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (l) =>
    to.write(`${prefix} ${l}\n`),
  );
}

/** Run a command, its output prefixed; resolves to its exit status (the event loop stays free for signals). */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  prefix: string,
): Promise<number> {
  return new Promise((done, failed) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
    active.children.add(child);
    relayLines(child.stdout, process.stdout, prefix);
    relayLines(child.stderr, process.stderr, prefix);
    child.on('error', (e) => failed(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      active.children.delete(child);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/** Print new lines of the progress file every second, until stopped. */
function relayProgress(file: string, prefix: string): () => void {
  let offset = 0;
  const flush = () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const lines = text.slice(offset).split('\n');
    const complete = lines.slice(0, -1);
    offset += complete.reduce((n, l) => n + l.length + 1, 0);
    for (const l of complete) if (l.trim() !== '') console.log(`${prefix} ${l}`);
  };
  const timer = setInterval(flush, 1000);
  return () => {
    clearInterval(timer);
    flush();
  };
}

/** Remove staging folders (`.tmp-<pid>-*`) in `outDir` whose runner is gone. */
function removeStaleStaging(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) {
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (m && !processAlive(Number(m[1]))) {
      rmSync(join(outDir, name), { recursive: true, force: true });
      console.log(`removed ${join(outDir, name)}, the staging folder of an interrupted run`);
    }
  }
}

/** Replace the notebook's outputs in `outDir` by the staged ones (an output not staged is removed). */
function swapIn(stage: string, outDir: string, name: string): void {
  for (const rel of outputsOf(name)) {
    const from = join(stage, rel),
      to = join(outDir, rel);
    rmSync(to, { recursive: true, force: true });
    if (existsSync(from)) {
      mkdirSync(dirname(to), { recursive: true });
      renameSync(from, to);
    }
  }
}

/** At most `n` holders at a time. */
function semaphore(n: number): { acquire(): Promise<void>; release(): void } {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () =>
      free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

interface Context {
  readonly opts: Options;
  readonly root: string;
  readonly snapshot: string;
  readonly jupyterPath: string;
  readonly config: string;
  /** The runner's figure server: kernels render their figures in its warm browser. */
  readonly figureServer: string;
  /** The run's HTML renderer (one Python process for every notebook). */
  readonly html: HtmlServer;
  /** Called when a notebook's outputs are in place (the runner draws its paper figures meanwhile). */
  readonly onDone: (name: string) => void;
}

/**
 * Execute one notebook (holding an execution slot), then render its HTML and print its handout
 * after releasing the slot, so the next notebook executes meanwhile; its outputs are moved into
 * place only when all of this succeeded. Returns its timings.
 */
async function runNotebook(
  ctx: Context,
  file: string,
  key: string,
  slot: ReturnType<typeof semaphore>,
): Promise<ExecutedTimings> {
  const { opts, root } = ctx;
  const name = basename(file, '.ipynb');
  const prefix = `[${name.slice(0, 2)}]`;
  await slot.acquire();
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      slot.release();
    }
  };
  console.log(`${prefix} ${name}: executing`);
  const t0 = performance.now();
  // Everything this notebook writes goes to the staging folder first.
  const stage = mkdtempSync(join(opts.outDir, `.tmp-${process.pid}-`));
  active.folders.add(stage);
  // The kernel runs in its own folder, whose node_modules/sat-rnn pins this run's lib snapshot.
  const runDir = makeRunFolder(root, ctx.snapshot, name);
  active.folders.add(runDir);
  copyFileSync(join(opts.dir, file), join(runDir, file));
  const progressFile = join(stage, 'progress.log'),
    figureTimes = join(stage, 'figure-times.jsonl');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: [ctx.jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
    [ENV.model]: opts.modelPath,
    [ENV.data]: opts.dataPath,
    [ENV.out]: stage,
    [PROGRESS_ENV]: progressFile,
    // The runner decides the held-out text; unset, a notebook has none (on a text other than the paper's).
    [RUN_KEY_ENV]: key,
    [FIGURE_TIMES_ENV]: figureTimes,
    [FIGURE_SERVER_ENV]: ctx.figureServer,
    [EDITION_ENV]: opts.edition,
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  if (opts.heldoutPath !== null) env[ENV.heldout] = opts.heldoutPath;
  else delete env[ENV.heldout];
  // One shared construction-fit folder per invocation (lib/construction/fits.ts), emptied when first used and removed at exit.
  const fitCache = join(opts.outDir, `.tmp-${process.pid}-fits`);
  if (!active.folders.has(fitCache)) {
    rmSync(fitCache, { recursive: true, force: true });
    active.folders.add(fitCache);
  }
  env[FIT_CACHE_ENV] = fitCache;
  const stopRelay = relayProgress(progressFile, prefix);
  try {
    const status = await run(
      'jupyter',
      [
        'nbconvert',
        '--config',
        ctx.config,
        '--to',
        'notebook',
        '--execute',
        `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
        '--ExecutePreprocessor.timeout=3600',
        '--output-dir',
        join(stage, 'notebooks'),
        '--output',
        `${name}.ipynb`,
        join(runDir, file),
      ],
      env,
      runDir,
      prefix,
    );
    stopRelay();
    if (status !== 0)
      fail(
        `FAILED: notebook ${file} (nbconvert exit ${status}) after ${seconds(t0)}; see the failing cell above. The outputs of earlier runs are kept.`,
      );
    if (!existsSync(join(stage, 'results', `${name}.json`))) {
      fail(
        `FAILED: notebook ${file} ran but did not write results/${name}.json; its last cell must call await report.finish()`,
      );
    }
    const execute = since(t0);
    release();
    const figures = existsSync(figureTimes)
      ? readFileSync(figureTimes, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { figure: string; seconds: number })
      : [];
    console.log(
      `${prefix} ${name}: executed in ${execute.toFixed(1)} s (${figures.length} figures, ${figures.reduce((a, f) => a + f.seconds, 0).toFixed(1)} s exporting them); rendering HTML`,
    );
    const t1 = performance.now();
    try {
      await ctx.html.render(
        join(stage, 'notebooks', `${name}.ipynb`),
        join(stage, 'html'),
        `${name}.html`,
      );
    } catch (e) {
      fail(`FAILED: ${(e as Error).message}; the outputs of earlier runs are kept`);
    }
    const html = since(t1);
    const t2 = performance.now();
    mkdirSync(join(stage, 'pdf'), { recursive: true });
    writeFileAtomic(
      join(stage, 'pdf', `${name}.pdf`),
      await printHtmlToPdf(join(stage, 'html', `${name}.html`)),
    );
    const handout = since(t2);
    swapIn(stage, opts.outDir, name);
    ctx.onDone(name);
    console.log(
      `${prefix} ${name}: done (HTML ${html.toFixed(1)} s, handout ${handout.toFixed(1)} s, total ${seconds(t0)})`,
    );
    return { cached: false, key, execute, figures, html, handout, total: since(t0) };
  } finally {
    release();
    stopRelay();
    removeFolders([stage, runDir]);
  }
}

/** The previous run's seconds per notebook in this output folder (to start the longest first). */
function previousSeconds(outDir: string): Record<string, number> {
  try {
    const t = JSON.parse(readFileSync(join(outDir, TIMINGS_FILE), 'utf8')) as RunTimings;
    return Object.fromEntries(
      Object.entries(t.notebooks).flatMap(([k, n]) => (n.cached ? [] : [[k, n.total]])),
    );
  } catch {
    return {};
  }
}

/**
 * A notebook's own estimate of its run time (metadata `sat.seconds`, a measured run's total,
 * rounded), so that a cold run into a fresh folder also starts the longest first; 0 when absent.
 */
function hintSeconds(dir: string, file: string): number {
  try {
    const v = (
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        metadata?: { sat?: { seconds?: unknown } };
      }
    ).metadata?.sat?.seconds;
    return typeof v === 'number' && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const root = projectRoot();
  const notebooks = selectNotebooks(opts.dir, opts.only);
  const tAll = performance.now();
  console.log(
    `model ${opts.modelPath}\ndata  ${opts.dataPath}\nheldout ${opts.heldoutPath ?? "none (a text other than the paper's; --heldout sets one)"}\nout   ${opts.outDir}\njobs  ${opts.jobs}${opts.force ? ' (--force: every notebook runs)' : ''}`,
  );
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping; the outputs of earlier runs are kept`);
      stopChildren(sig);
      removeFolders(active.folders);
      process.exit(code);
    });
  }
  process.on('exit', () => removeFolders(active.folders));

  let t0 = performance.now();
  const snapshot = ensureLibBuilt(root);
  const jupyterPath = ensureKernelSpec(root);
  const libBuild = since(t0);
  console.log(
    `lib built (${relative(root, snapshot)}) and kernel ${KERNEL_NAME} ready (${seconds(t0)})`,
  );

  mkdirSync(opts.outDir, { recursive: true });
  removeStaleStaging(opts.outDir);
  const config = join(root, 'tools', 'nbconvert_config.py');
  const inputs = {
    snapshot,
    modelSha256: fileSha256(opts.modelPath),
    dataSha256: fileSha256(opts.dataPath),
    configPath: config,
    heldoutSha256: opts.heldoutPath === null ? null : fileSha256(opts.heldoutPath),
    zoosSha256: zoosSha256(),
    publishedModel: hasPublishedModel(fromRoot(PUBLISHED_MODEL)),
    edition: opts.edition,
  };
  const timings: Record<string, NotebookTimings> = {};
  const stale: { file: string; key: string }[] = [];
  for (const file of notebooks) {
    const name = basename(file, '.ipynb');
    const key = runKey({ ...inputs, notebookPath: join(opts.dir, file) });
    const cached = opts.force ? null : cachedRun(opts.outDir, name, key);
    if (cached) {
      timings[name] = { cached: true, key, madeAt: cached.madeAt };
      console.log(
        `[${name.slice(0, 2)}] ${name}: cached (made ${cached.madeAt}, key ${key.slice(0, 12)}…)`,
      );
    } else {
      stale.push({ file, key });
    }
  }
  // Longest first (by the previous run's times, else the notebooks' own estimates), so the last
  // notebook to finish is a short one.
  const previous = previousSeconds(opts.outDir);
  const expected = (file: string) =>
    previous[basename(file, '.ipynb')] ?? hintSeconds(opts.dir, file);
  const order = [...stale].sort((a, b) => expected(b.file) - expected(a.file));
  // One warm browser for every figure of the run (none when every notebook is cached): the kernels
  // render through it, and each notebook's paper figures are drawn in it as soon as that notebook
  // is done, while the others still execute. When this run was started with a figure server in its
  // environment (several runs sharing one browser, as the tests do), everything is drawn there.
  const external = figureServerInUse();
  if (stale.length > 0 && external === null) warmExporter(); // chromium starts and evaluates plotly.js while the first kernels start
  const figureServer =
    external === null ? await serveFigures() : { url: external, close: async () => {} };
  const html = htmlServer(root, process.env, (child, running) => {
    if (running) active.children.add(child);
    else active.children.delete(child);
  });
  let paperFigures: Promise<void> = Promise.resolve();
  const onDone = (name: string) => {
    paperFigures = paperFigures.then(() =>
      drawPaperFigures(opts.outDir, name, { figureStyle: opts.figureStyle }),
    );
    paperFigures.catch(() => undefined); // handled where the bundle awaits it (an error then stops the run)
  };
  const ctx: Context = {
    opts,
    root,
    snapshot,
    jupyterPath,
    config,
    figureServer: figureServer.url,
    html,
    onDone,
  };
  const slot = semaphore(opts.jobs);
  const ran = await Promise.all(
    order.map(
      async ({ file, key }) =>
        [basename(file, '.ipynb'), await runNotebook(ctx, file, key, slot)] as const,
    ),
  );
  for (const [name, t] of ran) timings[name] = t;
  await figureServer.close();
  await html.close();

  t0 = performance.now();
  const index = await writeBook(
    opts.outDir,
    Object.fromEntries(ran.map(([name, t]) => [name, t.total])),
    opts.edition,
  );
  const book = since(t0);
  console.log(`book: ${index}`);
  t0 = performance.now();
  await paperFigures; // the drawings begun while notebooks ran: the bundle only checks their keys
  const paper = await writePaperBundle(opts.outDir, { figureStyle: opts.figureStyle });
  // Every process but the browser has been reaped by now; the browser is read while it still runs.
  const browserCpu = browserCpuSeconds(),
    cpu = cpuSecondsWithChildren() + browserCpu;
  await closeExporter();
  const paperSeconds = since(t0);
  console.log(
    `paper bundle (figures drawn for ${opts.figureStyle}, tables, claims, macros, main.tex) in ${paper}; compile it with npm run paper`,
  );
  const summary: RunTimings = {
    jobs: opts.jobs,
    force: opts.force,
    cpus: availableParallelism(),
    notebooks: Object.fromEntries(
      notebooks.map((f) => basename(f, '.ipynb')).map((n) => [n, timings[n]]),
    ),
    libBuild,
    book,
    paper: paperSeconds,
    wall: since(tAll),
    cpu,
    browserCpu,
    figureServer: external,
  };
  writeFileAtomic(join(opts.outDir, TIMINGS_FILE), JSON.stringify(summary, null, 2) + '\n');
  console.log(formatTimings(summary));
  console.log(
    `all ${notebooks.length} notebook(s) done in ${seconds(tAll)} (${stale.length} executed, ${notebooks.length - stale.length} cached); outputs in ${opts.outDir}`,
  );
}

main().catch((e) => {
  console.error(
    e instanceof UsageError ? `${e.message}\n\n${USAGE}` : `error: ${(e as Error).message}`,
  );
  process.exit(e instanceof UsageError ? 2 : 1);
});
