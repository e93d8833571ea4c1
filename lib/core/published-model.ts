/**
 * The published sat-rnn as a user gets it: the file `sat_model.bin` of the companion repository
 * (`inimino/hutter@efbaac3:sat_model.bin`, the model the original experiments measured), which a
 * user downloads or finds in a clone of that repository and installs here with
 * `npm run sat -- install-model <file or folder>`. It lands at PUBLISHED_MODEL inside the project
 * (git ignores it); notebooks and tests that need it read it there, and skip with the reason and
 * this command when it is not installed.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from './data.js';
import { writeFileAtomic } from './files.js';
import { decodeModel } from './model.js';

/** Where the installed published model lives, relative to the project root (ignored by git). */
export const PUBLISHED_MODEL = 'data/published/sat_model.bin';
/** sha256 of the published model file. */
export const PUBLISHED_MODEL_SHA256 =
  '239036a0c2319f6835f56ee54bbc3ae8d19a10ab1224c26c77a3f66e59d2b68b';
/** Its size: 82,304 float32 parameters. */
export const PUBLISHED_MODEL_BYTES = 329_216;
/** Where it is public. */
export const PUBLISHED_MODEL_SOURCE = 'inimino/hutter@efbaac3:sat_model.bin';
/** The command that installs it, as the skip reasons and errors print it. */
export const INSTALL_COMMAND =
  'npm run sat -- install-model <sat_model.bin, or a clone of inimino/hutter at efbaac3>';

/** Why something that needs the published model is skipped when it is not installed at `path`. */
export function publishedModelMissing(path: string): string {
  return `the published model is not installed at ${path}: get sat_model.bin from ${PUBLISHED_MODEL_SOURCE} and run ${INSTALL_COMMAND}`;
}

/**
 * Check that `bytes` (read from `label`) are the published model: its size, its sha256, and a
 * model image the loader accepts. Throws naming `label`, the expected sha256 and the source.
 */
export function checkPublishedModel(bytes: Uint8Array, label: string): void {
  const got = sha256(bytes);
  if (got !== PUBLISHED_MODEL_SHA256) {
    const size =
      bytes.byteLength === PUBLISHED_MODEL_BYTES
        ? ''
        : `${bytes.byteLength.toLocaleString('en')} bytes (expected ${PUBLISHED_MODEL_BYTES.toLocaleString('en')}), `;
    throw new RangeError(
      `${label}: not the published model: ${size}sha256 ${got}, expected ${PUBLISHED_MODEL_SHA256} (${PUBLISHED_MODEL_SOURCE})`,
    );
  }
  decodeModel(bytes, label);
}

/**
 * Install the published model from `source`: the downloaded file, or a folder holding
 * `sat_model.bin` (a clone of the repository at efbaac3). Checked before anything is written, then
 * written atomically to `target`. Returns the path written. Throws naming the file and the
 * expected sha256 when it is not the published model.
 */
export function installPublishedModel(source: string, target: string): string {
  if (!existsSync(source))
    throw new Error(
      `${source}: no such file or folder; expected sat_model.bin from ${PUBLISHED_MODEL_SOURCE}`,
    );
  const file = statSync(source).isDirectory() ? join(source, 'sat_model.bin') : source;
  if (!existsSync(file))
    throw new Error(
      `${source}: a folder without sat_model.bin; expected a clone of inimino/hutter at efbaac3, or the file itself`,
    );
  const bytes = readFileSync(file);
  checkPublishedModel(bytes, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomic(target, bytes);
  return target;
}

/**
 * Whether the published model is installed at `path`: false when there is no file; throws (as
 * `checkPublishedModel`) when there is one with other bytes, so a wrong file is never skipped quietly.
 */
export function hasPublishedModel(path: string): boolean {
  if (!existsSync(path)) return false;
  checkPublishedModel(readFileSync(path), `${path} (run ${INSTALL_COMMAND} again)`);
  return true;
}
