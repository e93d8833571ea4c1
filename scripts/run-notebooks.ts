/**
 * `npm run notebooks -- [--only <id>[,<id>…]] [--model <file>] [--data <file>] [--out <dir>]`
 *
 * Builds lib/ (tsc -p tsconfig.build.json → an immutable snapshot in dist/snapshots, importable as
 * `sat-rnn/lib/...`), writes the project's tslab kernelspec (dist/jupyter), then executes every
 * notebook in notebooks/ in order with `jupyter nbconvert --to notebook --execute` (each in its own
 * folder under dist/runs, pinned to the snapshot) and renders each to HTML. A failing cell stops
 * the run with a non-zero exit, showing the cell and its error. See scripts/toolchain.ts.
 *
 * Outputs under --out (default build/): notebooks/<nb>.ipynb (executed), html/<nb>.html,
 * figures/<nb>/<name>.{svg,png,pdf}, results/<nb>.json, results/<nb>/<table>.{csv,tex}.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { experimentInputs, inputPaths, projectRoot, ENV } from '../lib/notebook/inputs.js';
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
  return { only, modelPath: inputs.modelPath, dataPath: inputs.dataPath, outDir: inputs.outDir, dir };
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

/** Run a command inheriting stdio; returns its exit status. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env, cwd });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const root = projectRoot();
  const notebooks = selectNotebooks(opts.dir, opts.only);
  const tAll = performance.now();
  console.log(`model ${opts.modelPath}\ndata  ${opts.dataPath}\nout   ${opts.outDir}`);

  let t0 = performance.now();
  const snapshot = ensureLibBuilt(root);
  const jupyterPath = ensureKernelSpec(root);
  console.log(`lib built (${relative(root, snapshot)}) and kernel ${KERNEL_NAME} ready (${seconds(t0)})`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
    [ENV.model]: opts.modelPath, [ENV.data]: opts.dataPath, [ENV.out]: opts.outDir,
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const nbOut = join(opts.outDir, 'notebooks');
  const htmlOut = join(opts.outDir, 'html');
  for (const d of [nbOut, htmlOut, join(opts.outDir, 'results')]) mkdirSync(d, { recursive: true });
  const config = join(root, 'scripts', 'nbconvert_config.py');

  for (const [k, file] of notebooks.entries()) {
    const name = basename(file, '.ipynb');
    console.log(`[${k + 1}/${notebooks.length}] ${name}: executing`);
    t0 = performance.now();
    const results = join(opts.outDir, 'results', `${name}.json`);
    // This run's outputs only: drop what an earlier run of this notebook left.
    for (const p of [results, join(opts.outDir, 'results', name), join(opts.outDir, 'figures', name)]) rmSync(p, { recursive: true, force: true });
    const tmp = mkdtempSync(join(opts.outDir, '.tmp-'));
    // The kernel runs in its own folder, whose node_modules/sat-rnn pins this run's lib snapshot.
    const runDir = makeRunFolder(root, snapshot, name);
    copyFileSync(join(opts.dir, file), join(runDir, file));
    try {
      const status = run('jupyter', [
        'nbconvert', '--config', config, '--to', 'notebook', '--execute',
        `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, '--ExecutePreprocessor.timeout=3600',
        '--output-dir', tmp, '--output', `${name}.ipynb`, join(runDir, file),
      ], env, runDir);
      if (status !== 0) {
        console.error(`\nFAILED: notebook ${file} (nbconvert exit ${status}) after ${seconds(t0)}; see the failing cell above`);
        process.exit(1);
      }
      if (!existsSync(results)) {
        console.error(`\nFAILED: notebook ${file} ran but did not write ${results}; its last cell must call await report.finish()`);
        process.exit(1);
      }
      renameSync(join(tmp, `${name}.ipynb`), join(nbOut, `${name}.ipynb`));
      console.log(`[${k + 1}/${notebooks.length}] ${name}: executed in ${seconds(t0)}; rendering HTML`);
      const t1 = performance.now();
      const htmlStatus = run('jupyter', ['nbconvert', '--to', 'html', '--output-dir', tmp, '--output', `${name}.html`, join(nbOut, `${name}.ipynb`)], env, root);
      if (htmlStatus !== 0) {
        console.error(`\nFAILED: HTML render of ${name} (nbconvert exit ${htmlStatus})`);
        process.exit(1);
      }
      renameSync(join(tmp, `${name}.html`), join(htmlOut, `${name}.html`));
      console.log(`[${k + 1}/${notebooks.length}] ${name}: done (HTML ${seconds(t1)}, total ${seconds(t0)})`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  }
  console.log(`all ${notebooks.length} notebook(s) done in ${seconds(tAll)}; outputs in ${opts.outDir}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof UsageError ? `${e.message}\n\n${USAGE}` : `error: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
