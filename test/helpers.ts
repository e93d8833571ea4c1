/** Shared test fixtures: paths and a small seeded random model. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { zeroModel, tensors, type SatRnn } from '../lib/core/model.js';
import {
  hasPublishedModel,
  publishedModelMissing,
  PUBLISHED_MODEL,
} from '../lib/core/published-model.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';
import type { Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TRAIN_TEXT = `${ROOT}data/enwik_1024.txt`;
/** The published model where `npm run sat -- install-model` puts it (CI's .ci/run installs it first). */
export const PUBLISHED = `${ROOT}${PUBLISHED_MODEL}`;
/** Whether it is installed; a file there with other bytes fails every test file that imports this. */
export const HAVE_PUBLISHED = hasPublishedModel(PUBLISHED);

/** A test title that says, when the published model is not installed, why it is skipped and how to install it. */
export function needsPublished(title: string): string {
  return HAVE_PUBLISHED ? title : `${title} [skipped: ${publishedModelMissing(PUBLISHED_MODEL)}]`;
}

/** A model with H hidden units and weights uniform in ±scale/2 from glibc rand (deterministic). */
export function randomModel(hidden: number, seed: number, scale: number): SatRnn {
  const m = zeroModel(hidden);
  const rng = new GlibcRand(seed);
  for (const t of tensors(m))
    for (let k = 0; k < t.length; k++) t[k] = rng.nextCenteredFloat(1) * scale;
  return m;
}

/** Move the first slider of figure `id` to a fraction of its rail; returns whether the drawn plot changed. */
export async function moveSlider(page: Page, id: string, at: number): Promise<boolean> {
  const fig = page.locator(`#${id}`);
  await fig.scrollIntoViewIfNeeded();
  await fig.locator('.slider-rail-touch-rect').first().waitFor();
  const drawn = () => fig.locator('.cartesianlayer').innerHTML();
  const before = await drawn();
  const box = (await fig.locator('.slider-rail-touch-rect').first().boundingBox())!;
  await page.mouse.click(box.x + box.width * at, box.y + box.height / 2);
  await page
    .waitForFunction(
      ([sel, html]) => document.querySelector(sel)?.innerHTML !== html,
      [`#${id} .cartesianlayer`, before] as const,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  return (await drawn()) !== before;
}

/**
 * Open a notebook's render in a book folder (a copy, opened from disk) and move the slider of each
 * of its explorable figures near its far end (a static frame at that end is moved to the start
 * instead); returns the ids of those figures and the figures whose drawing did not change, the
 * failed requests and console errors.
 */
export async function checkSliders(
  page: Page,
  book: string,
  notebook: string,
): Promise<{ figures: string[]; unchanged: string[]; problems: string[] }> {
  const problems: string[] = [];
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  await page.goto(pathToFileURL(join(book, 'html', `${notebook}.html`)).href);
  const figures = await page
    .locator('[id^="satfig-"]:has(.slider-container)')
    .evaluateAll((els) => els.map((e) => e.id));
  const unchanged: string[] = [];
  for (const id of figures) {
    const active = await page.evaluate(
      (i) =>
        (
          document.getElementById(i) as unknown as {
            layout: { sliders: Array<{ active: number; steps: unknown[] }> };
          }
        ).layout.sliders[0],
      id,
    );
    const to = active.active > 0.8 * (active.steps.length - 1) ? 0.02 : 0.98;
    if (!(await moveSlider(page, id, to))) unchanged.push(id);
  }
  return { figures, unchanged, problems };
}
