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
import { loadBytes, sha256, ENWIK_1024_SHA256 } from '../core/data.js';
import {
  PUBLISHED_MODEL,
  PUBLISHED_MODEL_SHA256,
  hasPublishedModel,
  publishedModelMissing,
} from '../core/published-model.js';

/** Default model file, relative to the project root. */
export const DEFAULT_MODEL = 'data/sat_model.bin';
/** Default training text, relative to the project root. */
export const DEFAULT_DATA = 'data/enwik_1024.txt';
/** Default output folder, relative to the project root. */
export const DEFAULT_OUT = 'build';

/** sha256 of enwik_1024.txt, the text every paper number was measured on (docs/original-work.md "The text"). */
export const PAPER_TEXT_SHA256 = ENWIK_1024_SHA256;
/**
 * Size in bytes of the unpublished data file several seed numbers were made on (docs/original-work.md
 * "Numbers from an unpublished model or text": the seed's "Overfits to 520 bytes").
 */
export const UNPUBLISHED_TEXT_BYTES = 521;
/** The published model: where it is installed (`npm run sat -- install-model`), its sha256, and the skip reason. */
export { PUBLISHED_MODEL, PUBLISHED_MODEL_SHA256, publishedModelMissing, hasPublishedModel };

/** The held-out text of the paper's text: bytes 1024–2047 of enwik8, relative to the project root. */
export const DEFAULT_HELDOUT = 'data/enwik_heldout_1024.txt';

/** Environment variables the notebook runner sets (SAT_HELDOUT only with `--heldout`). */
export const ENV = {
  model: 'SAT_MODEL',
  data: 'SAT_DATA',
  out: 'SAT_OUT',
  heldout: 'SAT_HELDOUT',
  zoos: 'SAT_ZOOS',
} as const;

/** A text of notebook 07 and the folder of its committed model zoo (lib/core/zoo.ts), relative to the project root. */
export interface ZooText {
  readonly key: string;
  readonly label: string;
  readonly text: string;
  readonly zoo: string;
}

/** The texts notebook 07 compares, the paper's first (data/README.md gives their provenance). */
export const ZOO_TEXTS: readonly ZooText[] = [
  {
    key: 'enwik_1024',
    label: "enwik8 bytes 0–1023 (the paper's text)",
    text: DEFAULT_DATA,
    zoo: 'data/zoo/enwik_1024',
  },
  {
    key: 'enwik_heldout_1024',
    label: 'enwik8 bytes 1024–2047',
    text: DEFAULT_HELDOUT,
    zoo: 'data/zoo/enwik_heldout_1024',
  },
  {
    key: 'seed003_prose_1024',
    label: 'seed 003 prose, 1024 bytes',
    text: 'data/seed003_prose_1024.txt',
    zoo: 'data/zoo/seed003_prose_1024',
  },
];

const PACKAGE_NAME = 'sat-rnn-notebooks';

/**
 * The project root: the nearest folder above this module whose package.json is this project's.
 * Works from `lib/notebook/` (tsx, vitest) and from the compiled `dist/lib/notebook/` alike.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        `projectRoot: no package.json named ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`,
      );
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
export function inputPaths(
  choice: Partial<InputPaths> = {},
  env: NodeJS.ProcessEnv = process.env,
): InputPaths {
  const pick = (explicit: string | undefined, name: string, dflt: string): string => {
    const v = explicit ?? env[name];
    if (v !== undefined && v.trim() === '')
      throw new RangeError(`${name}: set but empty; expected a path`);
    return fromRoot(v ?? dflt);
  };
  return {
    modelPath: pick(choice.modelPath, ENV.model, DEFAULT_MODEL),
    dataPath: pick(choice.dataPath, ENV.data, DEFAULT_DATA),
    outDir: pick(choice.outDir, ENV.out, DEFAULT_OUT),
  };
}

/**
 * The zoo folder of a text: `<SAT_ZOOS>/<key>` when the environment names another folder of zoos
 * (tests, experiments), else the committed `data/zoo/<key>`; absolute.
 */
export function zooFolder(t: ZooText, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[ENV.zoos];
  if (v !== undefined && v.trim() === '')
    throw new RangeError(`${ENV.zoos}: set but empty; expected a folder`);
  return v === undefined ? fromRoot(t.zoo) : join(fromRoot(v), t.key);
}

/**
 * sha256 over the manifests (zoo.json) of every zoo of ZOO_TEXTS as `zooFolder` finds them, a
 * missing one counting as empty: the zoos' identity for the runner's cache key (a manifest lists
 * every finished run with its seed and bpc, so a retrained or added run changes it).
 */
export function zoosSha256(env: NodeJS.ProcessEnv = process.env): string {
  const parts = ZOO_TEXTS.map((t) => {
    const p = join(zooFolder(t, env), 'zoo.json');
    return `${t.key}\n${existsSync(p) ? readFileSync(p, 'utf8') : ''}`;
  });
  return sha256(new TextEncoder().encode(parts.join('\n')));
}

/**
 * The held-out text of a run: `--heldout` (SAT_HELDOUT) when given; otherwise DEFAULT_HELDOUT when
 * the run's text is the paper's (by sha256), and none for any other text (a held-out text must
 * belong to the text it is held out from). Returns its absolute path, or null.
 */
export function heldoutPath(
  textSha256: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const v = env[ENV.heldout];
  if (v !== undefined) {
    if (v.trim() === '') throw new RangeError(`${ENV.heldout}: set but empty; expected a path`);
    return fromRoot(v);
  }
  return textSha256 === PAPER_TEXT_SHA256 ? fromRoot(DEFAULT_HELDOUT) : null;
}

/**
 * Load and validate the model and text of this run (see `inputPaths`). Throws naming the file and
 * what was expected: a readable float32 sat-rnn image of any hidden size, a text of at least 2 bytes.
 */
export function experimentInputs(
  choice: Partial<InputPaths> = {},
  env: NodeJS.ProcessEnv = process.env,
): ExperimentInputs {
  const paths = inputPaths(choice, env);
  const model = loadModel(paths.modelPath, null);
  const bytes = loadBytes(paths.dataPath, 2);
  return { ...paths, model, bytes };
}

/** The training log saved beside a model file (`<model without .bin>.train.csv`, as `npm run sat -- train` writes it), or null when there is none. */
export function trainLogBeside(modelPath: string): string | null {
  const p = modelPath.replace(/\.bin$/, '') + '.train.csv';
  return existsSync(p) ? p : null;
}
