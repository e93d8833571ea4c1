/**
 * The runner's shared browser: a figure rendered through the figure server (FIGURE_SERVER_ENV) is
 * the one rendered in-process, errors come back with their message, and paper figures drawn ahead,
 * notebook by notebook (drawPaperFigures), are not drawn again by the bundle.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeExporter,
  exportFigure,
  fittedFigure,
  printHtmlToPdf,
  serveFigures,
  FIGURE_SERVER_ENV,
} from '../lib/notebook/export.js';
import { drawPaperFigures, writePaperBundle } from '../lib/publish/paper.js';
import { styleFigure, type FigureSpec } from '../lib/notebook/figure.js';
import type { ReportJson } from '../lib/notebook/report.js';
import { browserCpuSeconds, cpuSecondsWithChildren } from '../tools/run-timings.js';

const t = Array.from({ length: 200 }, (_, i) => i);
const SPEC: FigureSpec = {
  // A typed array and a NaN gap, as notebooks pass them: the server gets them as JSON.
  data: [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'sin',
      x: Float64Array.from(t),
      y: Float64Array.from(t, (i) => (i === 50 ? NaN : Math.sin(i / 9))),
    },
  ],
  layout: {
    xaxis: { title: { text: 'position t (bytes)' } },
    yaxis: { title: { text: 'h (state units)' } },
  },
  width: 640,
  height: 360,
};

/** Run `f` with the figure server named in the environment, as the runner's kernels have it. */
async function viaServer<T>(url: string, f: () => Promise<T>): Promise<T> {
  const before = process.env[FIGURE_SERVER_ENV];
  process.env[FIGURE_SERVER_ENV] = url;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env[FIGURE_SERVER_ENV];
    else process.env[FIGURE_SERVER_ENV] = before;
  }
}

/** The text of a PDF (pdftotext), its runs of white space as one space. */
function pdfText(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pdf-text-')), 'out.pdf');
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' })
    .stdout.replace(/\s+/g, ' ')
    .trim();
}

afterAll(closeExporter);

describe('figure server', () => {
  it('renders the same PNG and PDF page as this process does, and passes errors on with their message', async () => {
    const fig = styleFigure('server', SPEC);
    const local = await exportFigure(fig);
    const server = await serveFigures();
    try {
      const remote = await viaServer(server.url, () => exportFigure(fig));
      expect(Buffer.from(remote.png).equals(Buffer.from(local.png))).toBe(true);
      // plotly gives every render fresh random clip-path ids, and may write an element's attributes
      // in another order (a paper figure's root <svg> came out with style="" before or after its
      // viewBox, seen once in CI); the SVGs are otherwise the same.
      const ids = (svg: string) =>
        [...svg.matchAll(/(?:defs-|class="trace scatter trace)([0-9a-f]{6})/g)]
          .reduce((s, m) => s.replaceAll(m[1], 'ID'), svg)
          .replace(
            /<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g,
            (_, name: string, attrs: string, end: string) =>
              `<${name}${[...attrs.matchAll(/\s+([\w:-]+="[^"]*")/g)]
                .map((a) => ` ${a[1]}`)
                .sort()
                .join('')}${end}>`,
          );
      expect(ids(remote.svg)).toBe(ids(local.svg));
      const box = (pdf: Uint8Array) =>
        /\/MediaBox \[[^\]]*\]/.exec(Buffer.from(pdf).toString('latin1'))?.[0];
      expect(box(remote.pdf)).toBe(box(local.pdf));
      expect(box(remote.pdf)).toBe('/MediaBox [0 0 480 270]');
      // A fresh connection per figure: no idle keep-alive socket for a busy kernel to reuse after the server closed it.
      const direct = await fetch(server.url, {
        method: 'POST',
        body: JSON.stringify({ ...fig, data: [{ type: 'scatter', x: [0, 1], y: [1, 0] }] }),
      });
      expect(direct.status).toBe(200);
      expect(direct.headers.get('connection')).toBe('close');
      await direct.text();
      const res = await fetch(server.url);
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(/expected POST of a styled figure, got GET/);
      const bad = await fetch(server.url, { method: 'POST', body: '{not json' });
      expect(bad.status).toBe(500);
      const lost = await fetch(new URL('/nowhere', server.url), { method: 'POST', body: '{}' });
      expect(await lost.text()).toMatch(/no route \/nowhere: expected \/, \/fitted or \/handout/);

      // A paper figure and a handout drawn by the server are the ones drawn here.
      const paperFig = styleFigure('server-paper', { ...SPEC, height: 120 });
      const [fittedLocal, fittedRemote] = [
        await fittedFigure(paperFig),
        await viaServer(server.url, () => fittedFigure(paperFig)),
      ];
      expect(fittedRemote.fig.height).toBe(fittedLocal.fig.height);
      expect(ids(fittedRemote.svg)).toBe(ids(fittedLocal.svg));
      expect(box(fittedRemote.pdf)).toBe(box(fittedLocal.pdf));
      const dir = mkdtempSync(join(tmpdir(), 'server-handout-'));
      const html = join(dir, 'page.html');
      writeFileSync(html, '<!doctype html><html><body><h1>SERVED handout</h1></body></html>');
      expect(pdfText(await viaServer(server.url, () => printHtmlToPdf(html)))).toBe(
        'SERVED handout',
      );
      await expect(
        viaServer(server.url, () => printHtmlToPdf(join(dir, 'page.txt'))),
      ).rejects.toThrow(/handout: expected the path of an HTML file/);
      const noPath = await fetch(new URL('/handout', server.url), { method: 'POST', body: '{}' });
      expect(await noPath.text()).toMatch(
        /handout: expected the path of an HTML file, got undefined/,
      );
    } finally {
      await server.close();
    }
    // Nobody listens there any more: the error names the server and how to do without it.
    await expect(viaServer(server.url, () => exportFigure(fig))).rejects.toThrow(
      new RegExp(`figure server ${server.url} \\(${FIGURE_SERVER_ENV}\\) did not answer`),
    );
  }, 120_000);
});

describe('paper figures drawn ahead', () => {
  it('are drawn once per notebook, and the bundle keeps them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'paper-ahead-'));
    try {
      mkdirSync(join(out, 'results'));
      for (const nb of ['00-a', '01-b']) {
        mkdirSync(join(out, 'figures', nb), { recursive: true });
        writeFileSync(
          join(out, 'figures', nb, 'curve.json'),
          JSON.stringify({
            ...SPEC,
            data: [{ ...SPEC.data[0], x: t, y: t.map((i) => Math.cos(i / 7)) }],
          }),
        );
        const r: ReportJson = {
          notebook: nb,
          model: { path: 'data/m.bin', sha256: '0'.repeat(64), bpc: 1 },
          data: { path: 'data/t.txt', sha256: '0'.repeat(64), bytes: 1 },
          heldout: null,
          claims: [],
          checks: {},
          tables: {},
          figures: { curve: { caption: `A curve of ${nb}.`, files: [`figures/${nb}/curve.json`] } },
          run: { key: null, madeAt: '2026-01-01T00:00:00Z' },
        };
        writeFileSync(join(out, 'results', `${nb}.json`), JSON.stringify(r));
      }
      const dir = join(out, 'paper', 'figures');
      await drawPaperFigures(out, '00-a');
      const a = statSync(join(dir, '00-a-curve.pdf')).mtimeMs;
      await drawPaperFigures(out, '01-b');
      const b = statSync(join(dir, '01-b-curve.pdf')).mtimeMs;
      expect(
        Object.keys(JSON.parse(readFileSync(join(dir, '.figure-keys.json'), 'utf8'))).sort(),
      ).toEqual(['00-a-curve.pdf', '01-b-curve.pdf']);
      await writePaperBundle(out);
      expect(statSync(join(dir, '00-a-curve.pdf')).mtimeMs).toBe(a);
      expect(statSync(join(dir, '01-b-curve.pdf')).mtimeMs).toBe(b);
      expect(readFileSync(join(out, 'paper', 'main.tex'), 'utf8')).toMatch(/01-b-curve\.pdf/);
      await expect(drawPaperFigures(out, '02-c')).rejects.toThrow(/no results of notebook 02-c/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('run CPU accounting', () => {
  it('counts the shared browser while it runs, and nothing once it is closed', async () => {
    await closeExporter();
    expect(browserCpuSeconds()).toBe(0);
    await exportFigure(styleFigure('cpu', SPEC));
    // Starting chromium and evaluating plotly.js alone take well over 0.2 s of CPU in its processes.
    expect(browserCpuSeconds()).toBeGreaterThan(0.2);
    // /proc's own and reaped-children ticks hold at least what Node counts for this process alone
    // (less one clock tick of rounding): a misread /proc field would not.
    const { user, system } = process.cpuUsage();
    expect(cpuSecondsWithChildren()).toBeGreaterThanOrEqual((user + system) / 1e6 - 0.02);
    await closeExporter();
    expect(browserCpuSeconds()).toBe(0);
  }, 120_000);
});

describe('handouts', () => {
  it('a page kept from one handout prints the next one as a fresh page does: its own text, none of the last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handouts-'));
    const page = (name: string, body: string) => {
      const file = join(dir, `${name}.html`);
      writeFileSync(
        file,
        `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`,
      );
      return file;
    };
    const alpha = page('alpha', '<h1>ALPHA page</h1><p style="font-size:40px">first handout</p>');
    const bravo = page('bravo', '<h1>BRAVO page</h1><p>second handout</p>');
    await closeExporter();
    const first = pdfText(await printHtmlToPdf(alpha));
    const second = pdfText(await printHtmlToPdf(bravo)); // on the page alpha printed on
    const again = pdfText(await printHtmlToPdf(alpha));
    expect(first).toBe('ALPHA page first handout');
    expect(second).toBe('BRAVO page second handout');
    expect(again).toBe(first);
    // The browser closed while a handout printed: its page comes back closed, and is not used again.
    // It either finishes first or fails ("closed"); the failure is caught at once, not left pending.
    const closing = printHtmlToPdf(bravo).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    await closeExporter();
    await closing;
    expect(pdfText(await printHtmlToPdf(alpha))).toBe(first);
    await closeExporter();
  }, 120_000);
});
