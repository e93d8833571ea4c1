/**
 * Running the notebook runner from tests (test/notebooks.test.ts, test/notebook-runner.test.ts):
 * start it as `npm run notebooks` does, write fixture notebooks, and check what a run wrote (the
 * book in chromium, handout PDFs, PNG figures).
 */
import { expect, inject } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  FIGURE_SERVER_ENV,
  HANDOUT_MARGIN_MM,
} from '../lib/notebook/export.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORIGINAL_REPOSITORY, SOURCE_DOCUMENTS } from '../lib/notebook/sources.js';
import type { ReportJson } from '../lib/notebook/report.js';
import { ROOT, checkSliders } from './helpers.js';

/** Our trained model when present, else the published one (both are valid inputs for notebook 00). */
export const MODEL = join(ROOT, 'data/sat_model.bin');

/**
 * The runner as `npm run notebooks` starts it: node with tsx's loader, no tsx CLI in between (its
 * signal relay SIGKILLs a child that does not acknowledge a signal within 30 ms, as on a loaded machine).
 */
export const RUNNER = ['--import', 'tsx', join(ROOT, 'tools/run-notebooks.ts')];

/** How a test starts the runner. */
export interface RunnerOptions {
  /**
   * The runner starts a browser of its own, as `npm run notebooks` does, instead of drawing in the
   * tests' shared one (test/global-setup.ts).
   */
  readonly ownBrowser?: boolean;
}

/** Start the runner; `exited` resolves with its status and output. */
export function startNotebooks(args: string[], options: RunnerOptions = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: ROOT };
  if (options.ownBrowser) delete env[FIGURE_SERVER_ENV];
  else env[FIGURE_SERVER_ENV] = inject('figureServer');
  const p = spawn(process.execPath, [...RUNNER, ...args], { cwd: ROOT, env });
  let stdout = '',
    stderr = '';
  p.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  p.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (done, fail) => {
      p.on('error', fail);
      p.on('close', (status) => done({ status, stdout, stderr }));
    },
  );
  return { p, exited, output: () => stdout + stderr };
}

/** Run the notebook runner without blocking the test worker (vitest's RPC needs its event loop). */
export function runNotebooks(
  args: string[],
  options: RunnerOptions = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return startNotebooks(args, options).exited;
}

/** A notebook file of code cells (tslab kernel), after a markdown cell when `markdown` is given. */
export function notebookFile(path: string, sources: string[], markdown?: string): void {
  const cell = (src: string) => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source: src,
  });
  writeFileSync(
    path,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: 'sat-rnn-tslab',
          display_name: 'TypeScript (sat-rnn, tslab)',
          language: 'typescript',
        },
      },
      cells: [
        ...(markdown === undefined
          ? []
          : [{ cell_type: 'markdown', metadata: {}, source: markdown }]),
        ...sources.map(cell),
      ],
    }),
  );
}

/** A one-claim notebook `name` with a markdown cell. */
export function claimNotebook(dir: string, name: string, markdown: string): void {
  notebookFile(
    join(dir, `${name}.ipynb`),
    [
      `import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('${name}');`,
      `report.claim({ id: 'cache.bpc', description: 'bpc', paper: null, measured: report.bpc, unit: 'bpc' });\nawait report.finish();`,
    ],
    markdown,
  );
}

/** A fresh fixture folder `<tmp>/<prefix>XXXXXX` with an empty notebook folder `nb` and an output path `out` (not created). */
export function fixtureFolders(prefix: string): { dir: string; nb: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const nb = join(dir, 'nb');
  mkdirSync(nb);
  return { dir, nb, out: join(dir, 'out') };
}

/** Run folders of notebook `name` in dist/runs. */
export function runFolders(name: string): string[] {
  const runs = join(ROOT, 'dist', 'runs');
  return existsSync(runs) ? readdirSync(runs).filter((f) => f.startsWith(`${name}-`)) : [];
}

/**
 * The book, opened as a reader would from a copy of the output folder in another directory: no
 * failed request or console error, the dashboard lists exactly the run's claims, every notebook
 * link resolves, and a render's math is typeset (no raw $$ left) under its navigation header.
 */
export async function checkBook(out: string, json: ReportJson): Promise<void> {
  const copy = join(mkdtempSync(join(tmpdir(), 'book-')), 'moved');
  cpSync(out, copy, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  try {
    const problems: string[] = [];
    const page = await browser.newPage();
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(copy, 'index.html')).href);
    expect(await page.locator('#claims tbody tr').count()).toBe(json.claims.length);
    expect(
      (await page.locator('#claims tbody tr td:first-child code').allTextContents()).sort(),
    ).toEqual(json.claims.map((c) => c.id).sort());
    // The summary line: reproduce / differ by cause / not in the paper, the unexplained count in bold.
    const differing = json.claims.filter((c) => c.verdict === 'differs');
    const summary = await page.locator('#ledger-summary').innerText();
    expect(summary).toContain(
      `${json.claims.filter((c) => c.verdict === 'reproduces').length} reproduce the paper`,
    );
    expect(summary).toContain(`${differing.length} differ`);
    expect(summary).toContain(
      `${json.claims.filter((c) => c.verdict === 'not-in-paper').length} are not in the paper`,
    );
    const unexplained = differing.filter((c) => c.cause!.kind === 'unexplained').length;
    expect(await page.locator('#ledger-summary b#unexplained-count').innerText()).toBe(
      `${unexplained} unexplained`,
    );
    // The cause column shows each differing claim's kind and sentence; the cause filter shows exactly the claims of that kind.
    for (const c of differing) {
      const row = page.locator('#claims tbody tr', {
        has: page.locator('td:first-child code', {
          hasText: new RegExp(`^${c.id.replace(/\./g, '\\.')}$`),
        }),
      });
      expect(await row.locator('td').nth(7).innerText(), c.id).toContain(
        `${c.cause!.kind} ${c.cause!.because}`,
      );
    }
    for (const kind of new Set(differing.map((c) => c.cause!.kind))) {
      await page.selectOption('#f-cause', kind);
      expect(await page.locator('#claims tbody tr:visible').count(), kind).toBe(
        differing.filter((c) => c.cause!.kind === kind).length,
      );
    }
    await page.selectOption('#f-cause', '');
    expect(await page.locator('#claims tbody tr:visible').count()).toBe(json.claims.length);
    // The source documents with their public addresses and the companion repository, from lib (no file outside the project).
    const sources = await page
      .locator('h2:has-text("Source documents") + ul a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const d of SOURCE_DOCUMENTS) expect(sources).toContain(d.url);
    expect(sources).toContain(ORIGINAL_REPOSITORY.url);
    const links = await page
      .locator('a[href$=".html"], a[href$=".ipynb"], a[href$=".pdf"], a[href$=".md"]')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) expect(existsSync(join(copy, href)), href).toBe(true);
    await page.goto(pathToFileURL(join(copy, 'html/00-sat-rnn.html')).href);
    await page.waitForFunction(() => document.querySelectorAll('.MathJax_CHTML').length > 0, null, {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => document.body.innerText.includes('$$'))).toBe(false);
    expect(await page.locator('nav.sat-book-nav a', { hasText: 'index' }).count()).toBe(1);
    expect(problems).toEqual([]);
    // The explorable figure's slider redraws it (plotly frames in the render, no kernel).
    const sliders = await checkSliders(
      await browser.newPage({ viewport: { width: 1280, height: 900 } }),
      copy,
      '00-sat-rnn',
    );
    expect(sliders.figures).toContain('satfig-00-sat-rnn-state-explorer');
    expect(sliders.unchanged).toEqual([]);
    expect(sliders.problems).toEqual([]);
  } finally {
    await browser.close();
  }
}

/** Width and height in pt of a PDF's first page (pdfinfo). */
export function pdfPageSize(file: string): [number, number] {
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(
    spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout,
  );
  expect(m, file).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

/**
 * Words of a handout whose right edge lies beyond the page's right margin (pdftotext's word boxes),
 * as `page n: word`; half a point of slack for rounding.
 */
export function wordsBeyondRightMargin(pdf: string): string[] {
  const xml = spawnSync('pdftotext', ['-bbox-layout', pdf, '-'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  }).stdout;
  const pages = xml.split('<page ').slice(1);
  expect(pages.length, pdf).toBeGreaterThan(0);
  return pages.flatMap((p, i) => {
    const limit =
      Number(/width="([\d.]+)"/.exec(p)![1]) - (HANDOUT_MARGIN_MM.right / 25.4) * 72 + 0.5;
    return [
      ...p.matchAll(
        /<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g,
      ),
    ]
      .filter((w) => Number(w[1]) > limit)
      .map((w) => `page ${i + 1}: ${w[2]}`);
  });
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(b: Buffer): [number, number] {
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
