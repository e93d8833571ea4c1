/** Shared test fixtures: paths and a small seeded random model. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { zeroModel, tensors, type SatRnn } from '../lib/core/model.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TRAIN_TEXT = `${ROOT}data/enwik_1024.txt`;
export const ARCHIVE_MODEL = `${ROOT}../shared/data/sat_model.archive.bin`;
export const HAVE_ARCHIVE = existsSync(ARCHIVE_MODEL);

/** A model with H hidden units and weights uniform in ±scale/2 from glibc rand (deterministic). */
export function randomModel(hidden: number, seed: number, scale: number): SatRnn {
  const m = zeroModel(hidden);
  const rng = new GlibcRand(seed);
  for (const t of tensors(m)) for (let k = 0; k < t.length; k++) t[k] = rng.nextCenteredFloat(1) * scale;
  return m;
}
