/**
 * Where a notebook run reads its model and text and writes its outputs.
 *
 * `npm run notebooks -- --model <file> --data <file> --out <dir>` passes its choices to every
 * notebook through the environment (SAT_MODEL, SAT_DATA, SAT_OUT); a notebook opened by hand
 * sees none of them and gets the defaults. Relative paths are resolved against the project root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type SatRnn } from '../core/model.js';
import { loadBytes } from '../core/data.js';

/** Default model file, relative to the project root. */
export const DEFAULT_MODEL = 'data/sat_model.bin';
/** Default training text, relative to the project root. */
export const DEFAULT_DATA = 'data/enwik_1024.txt';
/** Default output folder, relative to the project root. */
export const DEFAULT_OUT = 'build';

/** sha256 of enwik_1024.txt, the text every paper number was measured on (DESIGN.md "Facts"). */
export const PAPER_TEXT_SHA256 = 'ef3e698d40b8b36d6d1776feccc25bab3d01de872a4fd8e56f5b929631568496';
/** Size in bytes of the unpublished data file several seed numbers were made on (DESIGN.md "Facts": "a ~521-byte data file"). */
export const UNPUBLISHED_TEXT_BYTES = 521;
/** sha256 of the original published model (`../shared/data/sat_model.archive.bin`, DESIGN.md "Facts"). */
export const ARCHIVE_MODEL_SHA256 = '239036a0c2319f6835f56ee54bbc3ae8d19a10ab1224c26c77a3f66e59d2b68b';

/** Environment variables the notebook runner sets. */
export const ENV = { model: 'SAT_MODEL', data: 'SAT_DATA', out: 'SAT_OUT' } as const;

const PACKAGE_NAME = 'sat-rnn-notebooks';

/**
 * The project root: the nearest folder above this module whose package.json is this project's.
 * Works from `lib/notebook/` (tsx, vitest) and from the compiled `dist/lib/notebook/` alike.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`projectRoot: no package.json named ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** An absolute path: `p` as is when absolute, else relative to the project root. */
export function fromRoot(p: string): string {
  return isAbsolute(p) ? p : resolve(projectRoot(), p);
}

/** The paths of a run (absolute). */
export interface InputPaths {
  readonly modelPath: string;
  readonly dataPath: string;
  readonly outDir: string;
}

/** The validated inputs of a run: paths plus the loaded model and text. */
export interface ExperimentInputs extends InputPaths {
  readonly model: SatRnn;
  /** The text as bytes, [n], n ≥ 2. */
  readonly bytes: Uint8Array;
}

/** Paths from explicit choices, else the environment, else the defaults. */
export function inputPaths(choice: Partial<InputPaths> = {}, env: NodeJS.ProcessEnv = process.env): InputPaths {
  const pick = (explicit: string | undefined, name: string, dflt: string): string => {
    const v = explicit ?? env[name];
    if (v !== undefined && v.trim() === '') throw new RangeError(`${name}: set but empty; expected a path`);
    return fromRoot(v ?? dflt);
  };
  return {
    modelPath: pick(choice.modelPath, ENV.model, DEFAULT_MODEL),
    dataPath: pick(choice.dataPath, ENV.data, DEFAULT_DATA),
    outDir: pick(choice.outDir, ENV.out, DEFAULT_OUT),
  };
}

/**
 * Load and validate the model and text of this run (see `inputPaths`). Throws naming the file and
 * what was expected: a readable float32 sat-rnn image of any hidden size, a text of at least 2 bytes.
 */
export function experimentInputs(choice: Partial<InputPaths> = {}, env: NodeJS.ProcessEnv = process.env): ExperimentInputs {
  const paths = inputPaths(choice, env);
  const model = loadModel(paths.modelPath, null);
  const bytes = loadBytes(paths.dataPath, 2);
  return { ...paths, model, bytes };
}
