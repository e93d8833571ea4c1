import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFilesFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One shared browser for the notebook runs the tests start (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // The slowest files start first, in a fresh clone too (test/sequencer.ts).
    sequence: { sequencer: SlowFilesFirst },
    // Some tests spawn the CLI or execute a notebook through the real kernel.
    testTimeout: 300_000,
    // One test file per core: vitest's default (cores − 1 workers) ran the files one at a time on
    // this 2-core machine, with a core idle while a file waits on the processes it starts.
    maxWorkers: availableParallelism(),
    minWorkers: 1,
    hookTimeout: 300_000,
  },
});
