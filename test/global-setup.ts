/**
 * One warm browser for the notebook runs the tests start: a figure server (lib/notebook/export.ts)
 * that every `npm run notebooks` started through test/notebook-runs.ts draws its figures, paper
 * figures and handouts in, instead of starting chromium and evaluating plotly.js once per run.
 * Runs that check the runner's own browser opt out (`ownBrowser`).
 */
import type { TestProject } from 'vitest/node';
import { closeExporter, serveFigures } from '../lib/notebook/export.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tests' figure server (`FIGURE_SERVER_ENV`), for the notebook runs they start. */
    figureServer: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await serveFigures();
  project.provide('figureServer', server.url);
  return async () => {
    await server.close();
    await closeExporter();
  };
}
