/**
 * `npm run notebooks -- [--only <id>[,<id>…]] [--model <file>] [--data <file>] [--out <dir>]`
 *
 * Builds lib/ (tsc -p tsconfig.build.json → an immutable snapshot in dist/snapshots, importable as
 * `sat-rnn/lib/...`), writes the project's tslab kernelspec (dist/jupyter), then executes every
 * notebook in notebooks/ in order with `jupyter nbconvert --to notebook --execute` (each in its own
 * folder under dist/runs, pinned to the snapshot) and renders each to HTML. A failing cell stops
 * the run with a non-zero exit, showing the cell and its error. See tools/toolchain.ts.
 *
 * Outputs under --out (default build/): notebooks/<nb>.ipynb (executed), html/<nb>.html,
 * pdf/<nb>.pdf (the HTML printed, a handout), figures/<nb>/<name>.{svg,png,pdf}, results/<nb>.json,
 * results/<nb>/<table>.{csv,tex}, paper/ (the LaTeX bundle of lib/notebook/paper.ts) and the book:
 * index.html, with a header on every render and MathJax/require.js in assets/ (lib/notebook/book.ts).
 * Each notebook's outputs are built in a staging folder (<out>/.tmp-<pid>-*) and moved into place
 * only when the notebook succeeded, so a failed or interrupted rerun keeps the previous good ones.
 * Staging and run folders are removed on every exit (errors and SIGINT/SIGTERM included); those a
 * killed runner left are removed by the next run. Progress lines of long notebook work
 * (`progressLine` in lib/notebook) are relayed to this console while a notebook runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { experimentInputs, inputPaths, projectRoot, ENV } from '../lib/notebook/inputs.js';
import { PROGRESS_ENV } from '../lib/notebook/display.js';
import { processAlive, realPath, writeFileAtomic } from '../lib/core/files.js';
import { closeExporter, printHtmlToPdf } from '../lib/notebook/export.js';
import { writePaperBundle } from '../lib/notebook/paper.js';
import { writeBook } from '../lib/notebook/book.js';
import { ensureLibBuilt, ensureKernelSpec, makeRunFolder, KERNEL_NAME } from './toolchain.js';

const USAGE = `usage: npm run notebooks -- [--only <id>[,<id>...]] [--model <file>] [--data <file>] [--out <dir>] [--dir <folder>]

  --only   run only notebooks whose file name starts with <id> followed by '-' (e.g. 00)
  --model  model file for every experiment (default data/sat_model.bin)
  --data   text for every experiment (default data/enwik_1024.txt)
  --out    output folder (default build/)
  --dir    folder holding the notebooks (default notebooks/)`;

class UsageError extends Error {}

interface Options { only: string[] | null; modelPath: string; dataPath: string; outDir: string; dir: string }

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { only: { type: 'string' }, model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const k of ['only', 'model', 'data', 'out', 'dir'] as const) {
    if (values[k] !== undefined && values[k]!.trim() === '') throw new UsageError(`--${k}: empty; expected a value`);
  }
  // Resolve against the caller's directory (npm runs scripts from the project root).
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const choice = { modelPath: abs(values.model), dataPath: abs(values.data), outDir: abs(values.out) };
  const defaultModel = inputPaths(choice, {}).modelPath;
  if (values.model === undefined && !existsSync(defaultModel)) {
    throw new UsageError(`the default model ${defaultModel} does not exist yet: train it (see data/README.md) or pass --model <file>`);
  }
  const inputs = experimentInputs(choice, {});
  const only = values.only === undefined ? null : values.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (only !== null && only.length === 0) throw new UsageError('--only: expected a notebook id such as 00');
  const dir = values.dir === undefined ? join(projectRoot(), 'notebooks') : resolve(cwd, values.dir);
  if (!existsSync(dir)) throw new UsageError(`--dir ${dir}: no such folder`);
  checkOutDir(inputs.outDir, dir);
  return { only, modelPath: inputs.modelPath, dataPath: inputs.dataPath, outDir: inputs.outDir, dir };
}

/** Refuse an output folder whose notebooks/ would be the sources, or that lies inside them. */
function checkOutDir(outDir: string, sources: string): void {
  const out = realPath(outDir), src = realPath(sources);
  if (realPath(join(outDir, 'notebooks')) === src || out === src || out.startsWith(src + sep)) {
    throw new UsageError(`--out ${outDir}: the executed notebooks would overwrite the sources in ${sources}; choose another folder (default build/)`);
  }
}

/** Notebooks in run order (file name order), filtered by --only. */
function selectNotebooks(dir: string, only: string[] | null): string[] {
  const all = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
  if (only === null) return all;
  const picked = all.filter((f) => only.some((id) => f.startsWith(`${id}-`) || f === `${id}.ipynb`));
  for (const id of only) {
    if (!picked.some((f) => f.startsWith(`${id}-`) || f === `${id}.ipynb`)) {
      throw new UsageError(`--only ${id}: no notebook ${id}-*.ipynb in ${dir} (have: ${all.join(', ') || 'none'})`);
    }
  }
  return picked;
}

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** What an interrupted run must undo: the running child and the folders to remove. */
const active = { child: null as ChildProcess | null, folders: new Set<string>() };

function removeActiveFolders(): void {
  for (const d of active.folders) rmSync(d, { recursive: true, force: true });
  active.folders.clear();
}

/**
 * Stop the running nbconvert and its kernels. Jupyter starts each kernel in a session of its own,
 * so a signal to nbconvert alone can leave a kernel running (and holding our output pipes) when
 * nbconvert dies before shutting it down: the kernels get SIGTERM first.
 */
function stopChild(sig: NodeJS.Signals): void {
  const child = active.child;
  if (!child?.pid) return;
  const kids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim() !== '').map(Number);
  for (const pid of kids) {
    try { process.kill(-pid, 'SIGTERM'); } catch { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  }
  child.kill(sig);
}

/** Run a command inheriting stdio; resolves to its exit status (the event loop stays free for signals). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env, cwd });
    active.child = child;
    child.on('error', (e) => fail(new Error(`${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) => { active.child = null; done(code ?? (signal ? 128 : 1)); });
  });
}

/** Print new lines of the progress file every second, until stopped. */
function relayProgress(file: string, label: string): () => void {
  let offset = 0;
  const flush = () => {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { return; }
    const lines = text.slice(offset).split('\n');
    const complete = lines.slice(0, -1);
    offset += complete.reduce((n, l) => n + l.length + 1, 0);
    for (const l of complete) if (l.trim() !== '') console.log(`    ${label} ${l}`);
  };
  const timer = setInterval(flush, 1000);
  return () => { clearInterval(timer); flush(); };
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

/** A notebook's outputs, relative to the output folder. */
function outputsOf(name: string): string[] {
  return [`notebooks/${name}.ipynb`, `html/${name}.html`, `pdf/${name}.pdf`, `results/${name}.json`, `results/${name}`, `figures/${name}`];
}

/** Replace the notebook's outputs in `outDir` by the staged ones (an output not staged is removed). */
function swapIn(stage: string, outDir: string, name: string): void {
  for (const rel of outputsOf(name)) {
    const from = join(stage, rel), to = join(outDir, rel);
    rmSync(to, { recursive: true, force: true });
    if (existsSync(from)) {
      mkdirSync(dirname(to), { recursive: true });
      renameSync(from, to);
    }
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const root = projectRoot();
  const notebooks = selectNotebooks(opts.dir, opts.only);
  const tAll = performance.now();
  console.log(`model ${opts.modelPath}\ndata  ${opts.dataPath}\nout   ${opts.outDir}`);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping; the outputs of earlier runs are kept`);
      stopChild(sig);
      removeActiveFolders();
      process.exit(code);
    });
  }
  process.on('exit', removeActiveFolders);

  let t0 = performance.now();
  const snapshot = ensureLibBuilt(root);
  const jupyterPath = ensureKernelSpec(root);
  console.log(`lib built (${relative(root, snapshot)}) and kernel ${KERNEL_NAME} ready (${seconds(t0)})`);

  mkdirSync(opts.outDir, { recursive: true });
  removeStaleStaging(opts.outDir);
  const config = join(root, 'tools', 'nbconvert_config.py');

  const timings: Record<string, number> = {};
  for (const [k, file] of notebooks.entries()) {
    const name = basename(file, '.ipynb');
    const tag = `[${k + 1}/${notebooks.length}] ${name}`;
    console.log(`${tag}: executing`);
    t0 = performance.now();
    // Everything this notebook writes goes to the staging folder first.
    const stage = mkdtempSync(join(opts.outDir, `.tmp-${process.pid}-`));
    active.folders.add(stage);
    // The kernel runs in its own folder, whose node_modules/sat-rnn pins this run's lib snapshot.
    const runDir = makeRunFolder(root, snapshot, name);
    active.folders.add(runDir);
    copyFileSync(join(opts.dir, file), join(runDir, file));
    const progressFile = join(stage, 'progress.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      [ENV.model]: opts.modelPath, [ENV.data]: opts.dataPath, [ENV.out]: stage, [PROGRESS_ENV]: progressFile,
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    const stopRelay = relayProgress(progressFile, `[${name.slice(0, 2)}]`);
    try {
      const status = await run('jupyter', [
        'nbconvert', '--config', config, '--to', 'notebook', '--execute',
        `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, '--ExecutePreprocessor.timeout=3600',
        '--output-dir', join(stage, 'notebooks'), '--output', `${name}.ipynb`, join(runDir, file),
      ], env, runDir);
      stopRelay();
      if (status !== 0) {
        console.error(`\nFAILED: notebook ${file} (nbconvert exit ${status}) after ${seconds(t0)}; see the failing cell above. The outputs of earlier runs are kept.`);
        process.exit(1);
      }
      if (!existsSync(join(stage, 'results', `${name}.json`))) {
        console.error(`\nFAILED: notebook ${file} ran but did not write results/${name}.json; its last cell must call await report.finish()`);
        process.exit(1);
      }
      console.log(`${tag}: executed in ${seconds(t0)}; rendering HTML`);
      const t1 = performance.now();
      const htmlStatus = await run('jupyter', ['nbconvert', '--to', 'html', '--output-dir', join(stage, 'html'), '--output', `${name}.html`, join(stage, 'notebooks', `${name}.ipynb`)], env, root);
      if (htmlStatus !== 0) {
        console.error(`\nFAILED: HTML render of ${name} (nbconvert exit ${htmlStatus}); the outputs of earlier runs are kept`);
        process.exit(1);
      }
      const t2 = performance.now();
      mkdirSync(join(stage, 'pdf'), { recursive: true });
      writeFileAtomic(join(stage, 'pdf', `${name}.pdf`), await printHtmlToPdf(join(stage, 'html', `${name}.html`)));
      console.log(`${tag}: handout printed (${seconds(t2)})`);
      swapIn(stage, opts.outDir, name);
      timings[name] = (performance.now() - t0) / 1000;
      console.log(`${tag}: done (HTML ${seconds(t1)}, total ${seconds(t0)})`);
    } finally {
      stopRelay();
      removeActiveFolders();
    }
  }
  const index = await writeBook(opts.outDir, timings);
  await closeExporter();
  console.log(`book: ${index}`);
  const paper = writePaperBundle(opts.outDir);
  console.log(`paper bundle (figures, tables, claims, macros, main.tex) in ${paper}; compile it with npm run paper`);
  console.log(`all ${notebooks.length} notebook(s) done in ${seconds(tAll)}; outputs in ${opts.outDir}`);
}

main().catch((e) => {
  console.error(e instanceof UsageError ? `${e.message}\n\n${USAGE}` : `error: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
