/**
 * The runner's execution cache. A notebook's outputs are reused when its key is the one recorded in
 * its results (`run.key` of results/<nb>.json, written by Report.finish from SAT_RUN_KEY) and every
 * output is still there. The key covers everything a notebook's outputs are made from: its source,
 * the lib snapshot it imports (named by the hash of the compiled lib), the model, the text and the
 * held-out text (by sha256), the zoo manifests (notebook 07), whether the published model is installed, the edition and the nbconvert configuration. It lives only in the output folder, so a deleted or fresh
 * folder is always a cold run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sha256 } from '../lib/core/data.js';

/** Bumped when the runner's outputs change for the same inputs. */
const KEY_FORMAT = 'sat-rnn-notebooks/1';

/** What a notebook's outputs are made from. */
export interface RunInputs {
  /** The notebook file. */
  readonly notebookPath: string;
  /** The lib snapshot folder (dist/snapshots/<hash>). */
  readonly snapshot: string;
  readonly modelSha256: string;
  readonly dataSha256: string;
  /** The held-out text's sha256, or null when the run has none. */
  readonly heldoutSha256: string | null;
  /** sha256 over the zoo manifests (lib/notebook/inputs.ts zoosSha256). */
  readonly zoosSha256: string;
  /** Whether the published model is installed (notebooks 03 and 07 show it beside the run's model when it is). */
  readonly publishedModel: boolean;
  /** The book's edition (default, or student: without worked answers). */
  readonly edition: string;
  /** The nbconvert configuration file the runner executes with. */
  readonly configPath: string;
}

/** The cache key of one notebook execution (hex sha256). */
export function runKey(inputs: RunInputs): string {
  return sha256(
    Buffer.from(
      JSON.stringify({
        format: KEY_FORMAT,
        notebook: basename(inputs.notebookPath),
        source: fileSha256(inputs.notebookPath),
        lib: basename(inputs.snapshot),
        model: inputs.modelSha256,
        data: inputs.dataSha256,
        heldout: inputs.heldoutSha256,
        zoos: inputs.zoosSha256,
        published: inputs.publishedModel,
        edition: inputs.edition,
        config: fileSha256(inputs.configPath),
      }),
    ),
  );
}

/** sha256 of a file's bytes. */
export function fileSha256(path: string): string {
  return sha256(readFileSync(path));
}

/** A notebook's outputs, relative to the output folder. */
export function outputsOf(name: string): string[] {
  return [
    `notebooks/${name}.ipynb`,
    `html/${name}.html`,
    `pdf/${name}.pdf`,
    `results/${name}.json`,
    `results/${name}`,
    `figures/${name}`,
  ];
}

/** The record of a cached result: when it was made (ISO time). */
export interface CachedRun {
  readonly madeAt: string;
}

/**
 * The cached run of `name` in `outDir` if its results were made with `key` and its executed
 * notebook, HTML render, handout and results are all there; otherwise null.
 */
export function cachedRun(outDir: string, name: string, key: string): CachedRun | null {
  const results = join(outDir, 'results', `${name}.json`);
  if (
    !outputsOf(name)
      .slice(0, 4)
      .every((rel) => existsSync(join(outDir, rel)))
  )
    return null;
  try {
    const run = (
      JSON.parse(readFileSync(results, 'utf8')) as { run?: { key?: unknown; madeAt?: unknown } }
    ).run;
    return run?.key === key && typeof run.madeAt === 'string' ? { madeAt: run.madeAt } : null;
  } catch {
    return null; // unreadable results are made again
  }
}
