/**
 * The notebook toolchain's generated parts (all under the git-ignored dist/):
 *   dist/snapshots/<hash>/   lib/ compiled by tsc (ESM .js + .d.ts) with a package.json naming it
 *                            `sat-rnn`; immutable, named by the hash of its contents
 *   node_modules/sat-rnn     link to the newest snapshot, so notebooks import `sat-rnn/lib/<module>`
 *                            (tslab's require and its TypeScript 5.0 both resolve packages through
 *                            node_modules)
 *   dist/runs/<id>/          one folder per notebook run: a copy of the notebook and its own
 *                            node_modules/sat-rnn link to the snapshot the run was built with
 *   dist/jupyter/            a kernelspec `sat-rnn-tslab` whose argv runs this project's
 *                            node_modules/tslab with this Node, found by Jupyter through JUPYTER_PATH
 * Why snapshots: tslab's TypeScript watches the .d.ts files a kernel has loaded and breaks
 * ("Unexpected pending rebuildTimer") if they change under a running kernel, which happens when
 * several people edit lib and run notebooks in one tree. A run only ever sees its own snapshot.
 * `tsx tools/toolchain.ts` (npm run build) refreshes the snapshot, the link and the kernelspec.
 * `tsx tools/toolchain.ts --check` also checks the native and external parts (tools/setup.sh).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { processAlive, writeFileAtomic } from '../lib/core/files.js';
import { projectRoot } from '../lib/notebook/inputs.js';
import { browserVersion } from '../lib/notebook/export.js';

/** Name of the project's Jupyter kernel (notebooks' metadata.kernelspec.name). */
export const KERNEL_NAME = 'sat-rnn-tslab';
/** The package name notebooks import the compiled lib under. */
export const LIB_PACKAGE = 'sat-rnn';
/** Snapshots and run folders older than this are deleted (never the current snapshot). */
const MAX_AGE_MS = 24 * 3600 * 1000;

/** Every file under `dir` (recursively), sorted, relative to `dir`; `.ts` sources only when `tsOnly`. */
function files(dir: string, tsOnly: boolean, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, e.name);
    if (e.isDirectory()) out.push(...files(dir, tsOnly, rel));
    else if (!tsOnly || (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))) out.push(rel);
  }
  return out.sort();
}

/** A fingerprint of the lib sources: file list and modification times. */
function sourceStamp(root: string): string {
  const list = files(join(root, 'lib'), true);
  const times = [
    ...list.map((f) => join(root, 'lib', f)),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.build.json'),
  ].map((p) => statSync(p).mtimeMs);
  return JSON.stringify({ files: list, times });
}

/** sha256 over the relative paths and contents of every file under `dir`. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of files(dir, false))
    h.update(f)
      .update('\0')
      .update(readFileSync(join(dir, f)))
      .update('\0');
  return h.digest('hex').slice(0, 16);
}

const STAMP = '.source-stamp.json';

/** Point `link` at `target` atomically (a new link renamed over the old one). */
function relink(link: string, target: string): void {
  const tmp = `${link}.${process.pid}.${Date.now()}.tmp`;
  symlinkSync(relative(join(link, '..'), target), tmp, 'dir');
  renameSync(tmp, link);
}

/** Delete entries of `dir` older than MAX_AGE_MS, except `keep`. */
function prune(dir: string, keep: string | null): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p !== keep && Date.now() - statSync(p).mtimeMs > MAX_AGE_MS)
      rmSync(p, { recursive: true, force: true });
  }
}

/**
 * Compile lib/ into an immutable snapshot (reusing one built from the same sources) and point
 * node_modules/sat-rnn at it. Returns the snapshot folder. Throws with tsc's messages when lib/
 * does not type-check.
 */
export function ensureLibBuilt(root: string = projectRoot()): string {
  const snapshots = join(root, 'dist', 'snapshots');
  mkdirSync(snapshots, { recursive: true });
  const stamp = sourceStamp(root);
  let snapshot =
    readdirSync(snapshots)
      .map((n) => join(snapshots, n))
      .find((d) => existsSync(join(d, STAMP)) && readFileSync(join(d, STAMP), 'utf8') === stamp) ??
    null;
  if (snapshot === null) {
    const fresh = join(root, 'dist', `.build-${process.pid}-${Date.now()}`);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(
      process.execPath,
      [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(fresh, 'lib')],
      { cwd: root, encoding: 'utf8' },
    );
    if (r.status !== 0) {
      rmSync(fresh, { recursive: true, force: true });
      throw new Error(`lib does not compile (tsc -p tsconfig.build.json):\n${r.stdout}${r.stderr}`);
    }
    if (!existsSync(join(fresh, 'lib', 'notebook', 'index.js')))
      throw new Error(`tsc emitted no lib/notebook/index.js into ${fresh}`);
    writeFileAtomic(
      join(fresh, 'package.json'),
      JSON.stringify({ name: LIB_PACKAGE, private: true, type: 'module' }, null, 2) + '\n',
    );
    snapshot = join(snapshots, treeHash(fresh));
    writeFileAtomic(join(fresh, STAMP), stamp);
    if (existsSync(snapshot)) {
      rmSync(fresh, { recursive: true, force: true });
      writeFileAtomic(join(snapshot, STAMP), stamp); // same output from newer sources (e.g. touched files)
    } else {
      try {
        renameSync(fresh, snapshot);
      } catch (e) {
        if (!existsSync(snapshot)) throw e; // a concurrent build produced the same snapshot
        rmSync(fresh, { recursive: true, force: true });
      }
    }
  }
  relink(join(root, 'node_modules', LIB_PACKAGE), snapshot);
  prune(snapshots, snapshot);
  return snapshot;
}

/**
 * A fresh folder for one notebook run under dist/runs, with node_modules/sat-rnn pinned to
 * `snapshot` (packages other than sat-rnn resolve from the project's node_modules above it).
 */
export function makeRunFolder(root: string, snapshot: string, name: string): string {
  const runs = join(root, 'dist', 'runs');
  prune(runs, null);
  // Folders of runners that were killed (named <notebook>-<pid>-<time>) go at once.
  if (existsSync(runs)) {
    for (const entry of readdirSync(runs)) {
      const m = /-(\d+)-\d+$/.exec(entry);
      if (m && !processAlive(Number(m[1])))
        rmSync(join(runs, entry), { recursive: true, force: true });
    }
  }
  const dir = join(runs, `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  relink(join(dir, 'node_modules', LIB_PACKAGE), snapshot);
  return dir;
}

/** Write the kernelspec into dist/jupyter/kernels/<KERNEL_NAME>; returns dist/jupyter (for JUPYTER_PATH). */
export function ensureKernelSpec(root: string = projectRoot()): string {
  const tslab = join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!existsSync(tslab)) throw new Error(`tslab not found at ${tslab}; run npm run setup`);
  const dir = join(root, 'dist', 'jupyter', 'kernels', KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (sat-rnn, tslab)',
    language: 'typescript',
  };
  writeFileAtomic(join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  return join(root, 'dist', 'jupyter');
}

/**
 * Check the parts npm's install scripts would normally verify (npm 11 here skips them) and the
 * external programs: zeromq's and esbuild's shipped binaries, jupyter nbconvert, chromium.
 * Returns one line per part; throws naming the part that fails.
 */
export async function checkToolchain(root: string = projectRoot()): Promise<string[]> {
  const require = createRequire(join(root, 'package.json'));
  const lines: string[] = [];
  const part = async (name: string, f: () => string | Promise<string>) => {
    try {
      lines.push(`${name}: ${await f()}`);
    } catch (e) {
      throw new Error(`toolchain check failed: ${name}: ${(e as Error).message}`);
    }
  };
  await part('node', () => process.version);
  await part('zeromq (tslab kernel sockets)', () => {
    require('zeromq');
    return 'native binding loads';
  });
  await part('esbuild (tsx)', () => {
    const esbuild = require('esbuild') as {
      version: string;
      transformSync(s: string, o: object): { code: string };
    };
    esbuild.transformSync('const x: number = 1', { loader: 'ts' });
    return `${esbuild.version}, binary runs`;
  });
  await part('tslab', () => (require('tslab/package.json') as { version: string }).version);
  await part('jupyter nbconvert', () => {
    const r = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr || r.error?.message}`);
    return r.stdout.trim();
  });
  await part('chromium (figure export)', browserVersion);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const root = projectRoot();
    const snapshot = ensureLibBuilt(root);
    console.log(
      `lib compiled to ${relative(root, snapshot)} (import as ${LIB_PACKAGE}/lib/<module>); kernelspec in ${ensureKernelSpec(root)}/kernels/${KERNEL_NAME}`,
    );
    if (process.argv.includes('--check'))
      for (const line of await checkToolchain(root)) console.log(line);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
