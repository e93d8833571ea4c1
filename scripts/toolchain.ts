/**
 * The notebook toolchain's generated parts (all under the git-ignored dist/):
 *   dist/lib/          lib/ compiled by tsc (ESM .js + .d.ts), importable as `sat-rnn/lib/<module>`
 *                      through the link node_modules/sat-rnn → ../dist (tslab's require and its
 *                      TypeScript 5.0 both resolve packages through node_modules);
 *   dist/jupyter/      a kernelspec `sat-rnn-tslab` whose argv runs this project's
 *                      node_modules/tslab with this Node, found by Jupyter through JUPYTER_PATH.
 * `tsx scripts/toolchain.ts` (npm run build) refreshes both; run-notebooks calls them before a run.
 * `tsx scripts/toolchain.ts --check` also checks the native and external parts (scripts/setup.sh).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../lib/model.js';
import { projectRoot } from '../lib/notebook/inputs.js';
import { browserVersion } from '../lib/notebook/export.js';

/** Name of the project's Jupyter kernel (notebooks' metadata.kernelspec.name). */
export const KERNEL_NAME = 'sat-rnn-tslab';
/** The package name notebooks import the compiled lib under. */
export const LIB_PACKAGE = 'sat-rnn';

/** Every .ts file under `dir`, sorted, relative to `dir`. */
function tsFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, e.name);
    if (e.isDirectory()) out.push(...tsFiles(dir, rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

/** A fingerprint of the lib sources: file list and modification times. */
function sourceStamp(root: string): string {
  const files = tsFiles(join(root, 'lib'));
  const times = [...files.map((f) => join(root, 'lib', f)), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')]
    .map((p) => statSync(p).mtimeMs);
  return JSON.stringify({ files, times });
}

/**
 * Compile lib/ into dist/lib unless it is up to date. Builds into a fresh folder and swaps it in,
 * so deleted modules do not linger and concurrent runs never see a half-written tree.
 * Throws with tsc's messages when lib/ does not type-check.
 */
export function ensureLibBuilt(root: string = projectRoot()): void {
  const dist = join(root, 'dist');
  const target = join(dist, 'lib');
  const stampFile = join(target, '.source-stamp.json');
  const stamp = sourceStamp(root);
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    mkdirSync(dist, { recursive: true });
    const fresh = join(dist, `.lib-${process.pid}-${Date.now()}`);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', fresh], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(fresh, { recursive: true, force: true });
      throw new Error(`lib does not compile (tsc -p tsconfig.build.json):\n${r.stdout}${r.stderr}`);
    }
    writeFileAtomic(join(fresh, '.source-stamp.json'), stamp);
    const old = join(dist, `.lib-old-${process.pid}-${Date.now()}`);
    try {
      if (existsSync(target)) renameSync(target, old);
      renameSync(fresh, target);
    } catch (e) {
      // A concurrent run swapped its build in between our two renames: keep theirs (same sources).
      if (!existsSync(stampFile)) throw e;
      rmSync(fresh, { recursive: true, force: true });
    }
    rmSync(old, { recursive: true, force: true });
  }
  writeFileAtomic(join(dist, 'package.json'), JSON.stringify({ name: LIB_PACKAGE, private: true, type: 'module' }, null, 2) + '\n');
  linkPackage(root);
}

/** node_modules/sat-rnn → ../dist (recreated when missing or pointing elsewhere). */
function linkPackage(root: string): void {
  const link = join(root, 'node_modules', LIB_PACKAGE);
  const want = relative(join(root, 'node_modules'), join(root, 'dist'));
  let ok = false;
  try {
    ok = lstatSync(link).isSymbolicLink() && readlinkSync(link) === want;
    if (!ok) unlinkSync(link);
  } catch { /* no link yet */ }
  if (!ok) symlinkSync(want, link, 'dir');
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
  await part('zeromq (tslab kernel sockets)', () => { require('zeromq'); return 'native binding loads'; });
  await part('esbuild (tsx)', () => {
    const esbuild = require('esbuild') as { version: string; transformSync(s: string, o: object): { code: string } };
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
    ensureLibBuilt(root);
    console.log(`lib compiled to dist/lib (import as ${LIB_PACKAGE}/lib/<module>); kernelspec in ${ensureKernelSpec(root)}/kernels/${KERNEL_NAME}`);
    if (process.argv.includes('--check')) for (const line of await checkToolchain(root)) console.log(line);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
