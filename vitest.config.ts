import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Some tests spawn the CLI or execute a notebook through the real kernel.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
