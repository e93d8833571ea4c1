/**
 * The order test files start in: the files that run notebooks, the CLI or a browser first, slowest
 * first, then the rest in vitest's own order (by last run's duration, or by size in a fresh clone).
 * The suite is bound by CPU on two cores; a long file started last leaves a core idle while it
 * finishes, and a fresh clone (CI) has no durations to go by: it started the runner's tests late.
 */
import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Test files (without `.test.ts`) that take longest, slowest first (`vitest --reporter=verbose`). */
export const SLOW_FILES = [
  'notebooks',
  'notebook-runner',
  'standalone',
  'cli',
  'readout32',
  'lab',
  'slurm',
] as const;

export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = (SLOW_FILES as readonly string[]).indexOf(basename(f.moduleId, '.test.ts'));
      return i < 0 ? SLOW_FILES.length : i;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
