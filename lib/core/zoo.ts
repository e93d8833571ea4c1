/**
 * A model zoo: K runs of the original training recipe that differ only in glibc's `srand` seed,
 * on one text, kept in one folder with a manifest, so that a claim measured on "the trained
 * model" can be measured on every run instead (notebook 07).
 *
 * Layout of a zoo folder: `seed-NNN.bin` (model), `seed-NNN.train.csv` (its log) and `zoo.json`
 * (the manifest below). A run is finished when the manifest lists it and its model file exists;
 * `zooPlan` lists the seeds still to train, so an interrupted zoo resumes where it stopped. A zoo
 * trained on a cluster (`npm run sat -- zoo --slurm`, cli/zoo-slurm.ts) also has `slurm/`: its
 * submissions and task logs; its runs land in the same files by the same code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSharedLock, writeFileAtomic } from './files.js';
import { loadModel, type SatRnn } from './model.js';

/** The largest seed glibc's srand takes (unsigned int). */
export const MAX_SEED = 4294967295;

/** What every run of a zoo shares: the recipe (lib/core/train.ts) and the text. */
export interface ZooRecipe {
  readonly epochs: number;
  readonly optimizer: 'sgd' | 'adam';
  readonly kernel: 'fast' | 'reference';
  /** The text's file name as given, its length and sha256. */
  readonly data: string;
  readonly dataBytes: number;
  readonly dataSha256: string;
}

/** One finished run. */
export interface ZooRun {
  readonly seed: number;
  /** Model and log file names, relative to the zoo folder. */
  readonly model: string;
  readonly log: string;
  /** bpc of the kept model on the whole text (h0 = 0, all n − 1 positions). */
  readonly bpc: number;
  readonly bestEpoch: number;
  /** Wall seconds of the training run. */
  readonly seconds: number;
}

/** `zoo.json`. */
export interface ZooManifest {
  readonly recipe: ZooRecipe;
  /** Finished runs, by increasing seed. */
  readonly runs: readonly ZooRun[];
}

export const MANIFEST = 'zoo.json';

/**
 * Parse a seed list: comma-separated seeds and inclusive ranges `a..b`, in [0, MAX_SEED]; sorted,
 * duplicates refused (glibc treats seed 0 as 1, so 0 and 1 together are refused too).
 *
 * @example
 * parseSeeds('1..3,42'); // → [1, 2, 3, 42]
 */
export function parseSeeds(spec: string): number[] {
  const seeds: number[] = [];
  const int = (s: string) => {
    const n = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n > MAX_SEED)
      throw new RangeError(
        `--seeds '${spec}': '${s}' is not a seed (an integer from 0 to ${MAX_SEED})`,
      );
    return n;
  };
  for (const part of spec.split(',')) {
    const m = /^(.*)\.\.(.*)$/.exec(part.trim());
    if (m) {
      const [a, b] = [int(m[1].trim()), int(m[2].trim())];
      if (b < a)
        throw new RangeError(
          `--seeds '${spec}': range ${part.trim()} is empty (expected a..b with a ≤ b)`,
        );
      if (b - a >= 10000)
        throw new RangeError(`--seeds '${spec}': range ${part.trim()} has more than 10,000 seeds`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else seeds.push(int(part.trim()));
  }
  seeds.sort((x, y) => x - y);
  const glibc = seeds.map((s) => (s === 0 ? 1 : s));
  for (let k = 1; k < glibc.length; k++) {
    if (glibc[k] === glibc[k - 1])
      throw new RangeError(
        `--seeds '${spec}': seed ${seeds[k]} given twice${seeds[k - 1] === 0 ? ' (glibc treats seed 0 as 1)' : ''}`,
      );
  }
  return seeds;
}

/** The model file name of a seed: `seed-NNN.bin` (at least three digits, so names sort). */
export function runFileName(seed: number): string {
  return `seed-${String(seed).padStart(3, '0')}.bin`;
}

/** The log beside a model file: `<model without .bin>.train.csv`. */
export function logFileFor(model: string): string {
  return model.replace(/\.bin$/, '') + '.train.csv';
}

/** Read `<dir>/zoo.json`, or null when there is none; errors name the file and what was expected. */
export function readManifest(dir: string): ZooManifest | null {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return null;
  let m: ZooManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as ZooManifest;
  } catch (e) {
    throw new Error(`${path}: not a zoo manifest (${(e as Error).message})`);
  }
  if (
    !m ||
    typeof m !== 'object' ||
    !m.recipe ||
    !Array.isArray(m.runs) ||
    typeof m.recipe.dataSha256 !== 'string'
  ) {
    throw new Error(`${path}: not a zoo manifest (expected {recipe, runs})`);
  }
  for (const r of m.runs) {
    if (!Number.isInteger(r.seed) || typeof r.model !== 'string' || !Number.isFinite(r.bpc))
      throw new Error(`${path}: run ${JSON.stringify(r)} lacks seed, model or bpc`);
  }
  return m;
}

/** The recipe fields that must agree for a run to belong to a zoo (the file name may differ). */
function sameRecipe(a: ZooRecipe, b: ZooRecipe): string | null {
  for (const k of ['epochs', 'optimizer', 'kernel', 'dataBytes', 'dataSha256'] as const) {
    if (a[k] !== b[k]) return `${k} ${String(a[k])} ≠ ${String(b[k])}`;
  }
  return null;
}

/**
 * The seeds of `seeds` still to train in `dir` for `recipe`: those without a finished run (listed
 * in the manifest with its model file present). A manifest of another recipe or text is refused.
 */
export function zooPlan(
  dir: string,
  recipe: ZooRecipe,
  seeds: readonly number[],
): { done: ZooRun[]; todo: number[] } {
  const m = readManifest(dir);
  if (m) {
    const diff = sameRecipe(m.recipe, recipe);
    if (diff)
      throw new Error(
        `${join(dir, MANIFEST)}: a zoo of another recipe or text (${diff}); choose another --out`,
      );
  }
  const finished = new Map(
    (m?.runs ?? []).filter((r) => existsSync(join(dir, r.model))).map((r) => [r.seed, r]),
  );
  return {
    done: seeds.filter((s) => finished.has(s)).map((s) => finished.get(s)!),
    todo: seeds.filter((s) => !finished.has(s)),
  };
}

/**
 * Add (or replace) a finished run in `<dir>/zoo.json`, written atomically; returns the new manifest.
 * The read-modify-write holds the shared lock `zoo.json.lock`, so runs that finish at once (worker
 * threads here, or the tasks of a Slurm job array on several hosts) never drop each other's record.
 */
export function recordRun(dir: string, recipe: ZooRecipe, run: ZooRun): ZooManifest {
  return withSharedLock(join(dir, MANIFEST), () => {
    const old = readManifest(dir);
    const runs = [...(old?.runs ?? []).filter((r) => r.seed !== run.seed), run].sort(
      (a, b) => a.seed - b.seed,
    );
    const m: ZooManifest = { recipe: old?.recipe ?? recipe, runs };
    writeFileAtomic(join(dir, MANIFEST), JSON.stringify(m, null, 1) + '\n');
    return m;
  });
}

/** A finished run with its model loaded. */
export interface LoadedRun extends ZooRun {
  readonly net: SatRnn;
}

/**
 * The manifest and models of the zoo in `dir`: every run the manifest lists, in seed order. Throws
 * naming the folder when there is no manifest, and naming the file when a model is missing or bad.
 */
export function loadZoo(dir: string): { manifest: ZooManifest; runs: LoadedRun[] } {
  const manifest = readManifest(dir);
  if (!manifest)
    throw new Error(
      `${dir}: no zoo manifest ${MANIFEST}; train one with npm run sat -- zoo --out ${dir}`,
    );
  return {
    manifest,
    runs: manifest.runs.map((r) => ({ ...r, net: loadModel(join(dir, r.model)) })),
  };
}
