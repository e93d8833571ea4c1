/**
 * Static figure export (SVG, PNG, PDF) through Debian's chromium driven by playwright-core.
 * One browser per process, started on first use (start-up and evaluating plotly.js take seconds)
 * and closed by `closeExporter()` (Report.finish calls it). plotly.js is loaded into the page from
 * node_modules.
 *
 * A process that renders many figures for others (the notebook runner) can serve its warm browser:
 * `serveFigures()` answers render requests on a loopback port, and a process whose environment
 * names that server (`FIGURE_SERVER_ENV`, set by the runner for the kernels it starts) sends its
 * figures, paper figures and handouts there instead of starting a browser of its own. Same
 * chromium, same pages, same bytes.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  plainArrays,
  plotlyJs,
  staticLayout,
  withoutPlotly,
  STATIC_FIGURES,
  type StyledFigure,
} from './figure.js';

/** Environment variable naming a figure server (`http://127.0.0.1:<port>/`) this process renders through. */
export const FIGURE_SERVER_ENV = 'SAT_FIGURE_SERVER';

/** The chromium binary (Debian package `chromium`); override with SAT_CHROMIUM. */
export const CHROMIUM = process.env.SAT_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a quiet, offline, sandbox-free headless chromium. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** A figure in the three paper formats. */
export interface FigureFiles {
  readonly svg: string;
  /** PNG at 2× the CSS size. */
  readonly png: Uint8Array;
  /** Vector PDF, one page of the figure's size. */
  readonly pdf: Uint8Array;
}

/** PNG pixel density relative to CSS pixels. */
export const PNG_SCALE = 2;

let browser: Promise<Browser> | null = null;
/** The page with plotly.js loaded (rendering) and the page figures are printed from (PDF), made once. */
let pages: Promise<{ plot: Page; print: Page }> | null = null;

/** Launch the shared browser (errors name the binary and how to install it). */
async function launch(): Promise<Browser> {
  try {
    // Loaded here, not at the top: a kernel draws through the runner's figure server and never
    // starts a browser, and loading playwright-core costs it about half a second of CPU.
    const { chromium } = await import('playwright-core');
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
  } catch (e) {
    throw new Error(
      `figure export: cannot start chromium at ${CHROMIUM} (${(e as Error).message.split('\n')[0]}); run npm run setup or set SAT_CHROMIUM`,
    );
  }
}

function figurePages(): Promise<{ plot: Page; print: Page }> {
  pages ??= (async () => {
    browser ??= launch();
    const b = await browser;
    // Evaluating plotly.js costs seconds of CPU in chromium: once per process, never per figure.
    const plot = await b.newPage();
    await plot.setContent(
      '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>',
    );
    await plot.addScriptTag({ content: plotlyJs() });
    // One document for every printed figure: its @page size and body are replaced per figure.
    const print = await b.newPage();
    await print.setContent(
      '<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;overflow:hidden}svg{display:block}</style><style id="page"></style></head><body></body></html>',
    );
    return { plot, print };
  })();
  return pages;
}

/**
 * Start the browser and evaluate plotly.js now, so that the first figure does not wait for them
 * (the runner does this while the lib builds). A failure is reported by the first export.
 */
export function warmExporter(): void {
  figurePages().catch(() => {
    pages = null;
    browser = null;
  });
}

/** The @font-face rules already added to the kept pages. */
let facesAdded = new Set<string>();

/** Add a figure's @font-face rules to both pages (once) and load the faces before plotly measures text with them. */
async function addFaces(plot: Page, print: Page, css: string): Promise<void> {
  if (facesAdded.has(css)) return;
  for (const p of [plot, print]) {
    await p.addStyleTag({ content: css });
    await p.evaluate(() => Promise.all([...document.fonts].map((f) => f.load())));
  }
  facesAdded.add(css);
}

/** The export running last: exports take turns on the two kept pages. */
let lastExport: Promise<unknown> = Promise.resolve();

/**
 * Render a styled figure to SVG, PNG and PDF from one plotly render: the SVG is drawn onto a
 * canvas at PNG_SCALE for the PNG (what Plotly.toImage('png') does after a second render of its
 * own; the bytes are the same) and printed as it is for the PDF, on a page kept for that.
 */
export function exportFigure(fig: StyledFigure): Promise<FigureFiles> {
  const server = figureServerInUse();
  return server === null ? exportHere(fig) : renderRemote(server, fig);
}

/** The figure server this process renders through (`FIGURE_SERVER_ENV`), or null: its own browser. */
export function figureServerInUse(): string | null {
  return process.env[FIGURE_SERVER_ENV] || null;
}

/** `exportFigure` in this process's browser, in turn with its other exports. */
function exportHere(fig: StyledFigure): Promise<FigureFiles> {
  const next = lastExport.then(() => render(fig));
  lastExport = next.catch(() => undefined);
  return next;
}

async function render(fig: StyledFigure): Promise<FigureFiles> {
  const { plot, print } = await figurePages();
  if (fig.fontFaces) await addFaces(plot, print, fig.fontFaces);
  const { svg, png } = await plotImages(plot, fig, PNG_SCALE);
  await placeSvg(print, svg, fig.width, fig.height);
  return {
    svg,
    png: Buffer.from(png!, 'base64'),
    pdf: await printPlaced(print, fig.width, fig.height),
  };
}

/**
 * The figure drawn once by plotly in the plot page: its SVG and, when `pngScale` is given, a PNG
 * (base64) of that SVG drawn on a canvas at `pngScale`× (what Plotly.toImage('png') makes after a
 * second render of its own; the bytes are the same).
 */
function plotImages(
  plot: Page,
  fig: StyledFigure,
  pngScale: number | null,
): Promise<{ svg: string; png: string | null }> {
  return plot.evaluate(
    async ({ data, layout, width, height, scale }) => {
      const P = (
        window as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }
      ).Plotly;
      const svgUrl = await P.toImage(
        { data, layout, config: { staticPlot: true } },
        { format: 'svg', width, height },
      );
      const svg = decodeURIComponent(svgUrl.slice(svgUrl.indexOf(',') + 1));
      if (scale === null) return { svg, png: null };
      const img = new Image();
      await new Promise((loaded, failed) => {
        img.onload = loaded;
        img.onerror = () => failed(new Error('the SVG did not load as an image'));
        img.src = svgUrl;
      });
      const canvas = document.createElement('canvas');
      canvas.width = width * scale;
      canvas.height = height * scale;
      canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
      const pngUrl = canvas.toDataURL('image/png');
      return { svg, png: pngUrl.slice(pngUrl.indexOf(',') + 1) };
    },
    {
      data: fig.data,
      layout: staticLayout(fig.layout),
      width: fig.width,
      height: fig.height,
      scale: pngScale,
    },
  );
}

/** Make an SVG the print page's only content, on a page of its size, its fonts loaded. */
async function placeSvg(print: Page, svg: string, width: number, height: number): Promise<void> {
  await print.evaluate(
    async ({ svg, width, height }) => {
      document.getElementById('page')!.textContent = `@page{size:${width}px ${height}px;margin:0}`;
      document.body.innerHTML = svg;
      await document.fonts.ready;
    },
    { svg, width, height },
  );
}

/** Print what `placeSvg` placed to a one-page PDF of exactly `width` × `height` px. */
async function printPlaced(print: Page, width: number, height: number): Promise<Uint8Array> {
  const pdf = await print.pdf({
    width: `${width}px`,
    height: `${height}px`,
    printBackground: true,
    pageRanges: '1',
    margin: { top: '0', right: '0', bottom: '0', left: '0' },
  });
  return exactMediaBox(pdf, width * PT_PER_PX, height * PT_PER_PX);
}

/** The figure files as they cross the loopback connection. */
interface WireFiles {
  readonly svg: string;
  readonly png: string;
  readonly pdf: string;
}

/** What a figure server does with a request: its path. */
type Route = '/' | '/fitted' | '/handout';

/** POST `body` (JSON) to the figure server at `url`; its answer as JSON, its errors with their message. */
async function askServer<T>(url: string, route: Route, body: unknown): Promise<T> {
  const at = new URL(route, url).href;
  let res: Response;
  try {
    res = await fetch(at, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(
      `figure server ${at} (${FIGURE_SERVER_ENV}) did not answer: ${(e as Error).message}; unset ${FIGURE_SERVER_ENV} to render in this process`,
    );
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`figure server ${at}: ${text || `HTTP ${res.status}`}`);
  return JSON.parse(text) as T;
}

/** Render through the figure server at `url` (see `serveFigures`). */
async function renderRemote(url: string, fig: StyledFigure): Promise<FigureFiles> {
  const w = await askServer<WireFiles>(url, '/', plainArrays(fig));
  return { svg: w.svg, png: Buffer.from(w.png, 'base64'), pdf: Buffer.from(w.pdf, 'base64') };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, failed) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', failed);
  });
}

/**
 * Serve this process's browser to others: each POST of a styled figure (JSON) is rendered here
 * (never passed on to another server), in turn with this process's own exports, and answered with its files
 * (PNG and PDF in base64); `/fitted` draws a paper figure (`fittedFigure`) and `/handout` prints
 * the HTML file named in `{ html }` (`printHtmlToPdf`). Listens on 127.0.0.1 only; `url` is what
 * `FIGURE_SERVER_ENV` should hold.
 * Every answer closes its connection: a kernel busy in a long synchronous cell cannot expire its
 * idle keep-alive socket, so its next figure would be sent on one this server had already closed
 * after its 5 s keep-alive timeout ("fetch failed", seen in a cold run after a 15 s sweep).
 */
export async function serveFigures(): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST')
          throw new RangeError(`expected POST of a styled figure, got ${req.method}`);
        const body = JSON.parse(await readBody(req)) as unknown;
        const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
        let answer: unknown;
        if (req.url === '/') {
          const files = await exportHere(body as StyledFigure);
          answer = { svg: files.svg, png: b64(files.png), pdf: b64(files.pdf) } as WireFiles;
        } else if (req.url === '/fitted') {
          const f = await fittedHere(body as StyledFigure);
          answer = { fig: f.fig, svg: f.svg, pdf: b64(f.pdf) };
        } else if (req.url === '/handout') {
          answer = { pdf: b64(await printHere((body as { html?: unknown }).html)) };
        } else {
          throw new RangeError(`no route ${req.url}: expected /, /fitted or /handout`);
        }
        res
          .writeHead(200, { 'content-type': 'application/json', connection: 'close' })
          .end(JSON.stringify(answer));
      } catch (e) {
        res
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
          .end((e as Error).message ?? String(e));
      }
    })();
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', listening);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

/** PDF points per CSS px: chromium prints 96 px to the inch. */
const PT_PER_PX = 72 / 96;

/**
 * The PDF with its page exactly `width` × `height` pt. Chromium rounds page sizes up to its
 * 1/300 in printing grid (a 460 px = 345 pt figure comes out 345.12 pt wide, white at the edge);
 * the MediaBox is rewritten in place, padded to the same length so the xref offsets stay valid.
 */
export function exactMediaBox(pdf: Uint8Array, width: number, height: number): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(text);
  if (!m) throw new Error('figure export: no MediaBox in the PDF chromium printed');
  const box = `/MediaBox [0 0 ${+width.toFixed(3)} ${+height.toFixed(3)}`;
  if (box.length + 1 > m[0].length) return pdf; // cannot happen for sizes in whole px (at most 2 decimals): keep chromium's
  return Buffer.from(
    text.slice(0, m.index) + box.padEnd(m[0].length - 1) + ']' + text.slice(m.index + m[0].length),
    'latin1',
  );
}

/** A paper figure: its height fitted to its texts, and its SVG and PDF at that height. */
export interface FittedFigure {
  readonly fig: StyledFigure;
  readonly svg: string;
  readonly pdf: Uint8Array;
}

/**
 * The figure's PDF with its height raised until every text (axis titles, tick labels, legend,
 * colour bar) lies inside it: a paper preset keeps the spec's aspect, but a y-axis title longer
 * than a short plot would otherwise be clipped. Each try draws the SVG once and measures it on the
 * print page, where the last try is printed (at most 6 tries; no PNG: a paper only needs the PDF).
 * Drawn by the figure server when `FIGURE_SERVER_ENV` names one.
 */
export async function fittedFigure(fig: StyledFigure): Promise<FittedFigure> {
  const server = figureServerInUse();
  if (server === null) return fittedHere(fig);
  const w = await askServer<{ fig: StyledFigure; svg: string; pdf: string }>(
    server,
    '/fitted',
    plainArrays(fig),
  );
  return { fig: w.fig, svg: w.svg, pdf: Buffer.from(w.pdf, 'base64') };
}

/** `fittedFigure` in this process's browser, in turn with its other exports. */
function fittedHere(fig: StyledFigure): Promise<FittedFigure> {
  const next = lastExport.then(async () => {
    const { plot, print } = await figurePages();
    if (fig.fontFaces) await addFaces(plot, print, fig.fontFaces);
    const sized = (height: number): StyledFigure =>
      height === fig.height ? fig : { ...fig, height, layout: { ...fig.layout, height } };
    let height = fig.height,
      drawn = NaN,
      svg = '';
    const draw = async () => {
      ({ svg } = await plotImages(plot, sized(height), null));
      await placeSvg(print, svg, fig.width, height);
      drawn = height;
    };
    for (let round = 0; round < 6; round++) {
      await draw();
      const overflow = await print.evaluate((height) => {
        const box = document.querySelector('svg')!.getBoundingClientRect();
        let over = 0;
        for (const t of document.querySelectorAll('text')) {
          const r = t.getBoundingClientRect();
          if (r.height > 0 && t.textContent !== '')
            over = Math.max(over, box.top - r.top, r.bottom - (box.top + height));
        }
        return over;
      }, height);
      if (overflow <= 0.5) break;
      // A y title is centred on its plot: the plot grows by twice what sticks out at one end.
      height += Math.ceil(2 * overflow) + 2;
    }
    if (drawn !== height) await draw();
    return { fig: sized(height), svg, pdf: await printPlaced(print, fig.width, height) };
  });
  lastExport = next.catch(() => undefined);
  return next;
}

/** Start chromium once and return its version (a set-up check); the browser is closed again. */
export async function browserVersion(): Promise<string> {
  const b = await launch();
  try {
    return `${CHROMIUM} ${b.version()}`;
  } finally {
    await b.close();
  }
}

/** A4 paper and the handouts' margins, in mm; the CSS px width the page is laid out at for print. */
const A4_MM = { width: 210, height: 297 };
export const HANDOUT_MARGIN_MM = { top: 12, bottom: 12, left: 10, right: 10 };
const PRINT_WIDTH_PX = Math.floor(
  ((A4_MM.width - HANDOUT_MARGIN_MM.left - HANDOUT_MARGIN_MM.right) / 25.4) * 96,
);

/**
 * The handout's print style: long code lines wrap; an output keeps to the line (JupyterLab's output
 * row would otherwise grow to its widest child, e.g. a 900 px figure), wide figures shrink to it and
 * table cells wrap instead of running off the page.
 */
const PRINT_CSS = [
  'pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }',
  'img { max-width: 100% !important; height: auto !important; }',
  '.jp-OutputArea-child { display: flex !important; max-width: 100% !important; }',
  '.jp-OutputArea-output { min-width: 0 !important; max-width: 100% !important; }',
  'table { max-width: 100%; } td, th { white-space: normal !important; overflow-wrap: break-word; }',
].join('\n');

/**
 * Shrink every display equation wider than its line to the line's width (MathJax has no automatic
 * line breaking there): the widest glyph's right edge is measured, the equation zoomed by
 * line width / equation width. MathJax 2 (CommonHTML, `.MJXc-display`) and MathJax 3
 * (`mjx-container[display]`); the hidden assistive MathML is not measured. Returns how many shrank.
 */
function fitDisplayMath(): number {
  let shrunk = 0;
  for (const el of document.querySelectorAll<HTMLElement>(
    '.MJXc-display, mjx-container[display="true"]',
  )) {
    const left = el.getBoundingClientRect().left;
    let right = left;
    for (const g of el.querySelectorAll('.mjx-char, mjx-c'))
      right = Math.max(right, g.getBoundingClientRect().right);
    const need = right - left,
      avail = el.clientWidth;
    if (need > avail + 0.5) {
      el.style.setProperty('zoom', String(Math.floor((1000 * avail) / need) / 1000));
      shrunk++;
    }
  }
  return shrunk;
}

/**
 * Print an HTML page (a notebook's render) to an A4 PDF once its math has been typeset: a handout
 * for teaching. The page is opened from its file, so the scripts it loads from disk (MathJax) run
 * as in a browser, laid out at the printed width, so what is measured is what is printed: long
 * code lines wrap, wide figures and display equations shrink to the line. Figures print as their
 * static PNG (the same figure as the interactive one): STATIC_FIGURES keeps plotly.js from being
 * evaluated, which costs more than the print itself, and the page is printed from a copy without
 * the plotly.js bundle (`withoutPlotly`). Pages of one shared browser (the figure server's when
 * `FIGURE_SERVER_ENV` names one), so several handouts may print at once; a page that printed is
 * kept for the next handout.
 */
export async function printHtmlToPdf(htmlPath: string): Promise<Uint8Array> {
  const server = figureServerInUse();
  if (server === null) return printHere(htmlPath);
  const w = await askServer<{ pdf: string }>(server, '/handout', { html: htmlPath });
  return Buffer.from(w.pdf, 'base64');
}

/** `printHtmlToPdf` in this process's browser. */
async function printHere(htmlPath: unknown): Promise<Uint8Array> {
  if (typeof htmlPath !== 'string' || !htmlPath.endsWith('.html'))
    throw new RangeError(`handout: expected the path of an HTML file, got ${String(htmlPath)}`);
  // Printed from a copy without the plotly.js bundle, beside the page so its relative links hold.
  const copy = join(dirname(htmlPath), `.${basename(htmlPath, '.html')}.print-${process.pid}.html`);
  writeFileSync(copy, withoutPlotly(readFileSync(htmlPath, 'utf8')));
  const p = await handoutPage();
  let reusable = false;
  try {
    await p.goto(pathToFileURL(copy).href, { waitUntil: 'load' });
    await p.evaluate(async () => {
      // MathJax 2 (Debian's nbconvert template) queues its typesetting; wait for the queue to drain.
      const mj = (window as unknown as { MathJax?: { Hub?: { Queue(f: unknown): void } } }).MathJax;
      if (mj?.Hub) await new Promise<void>((done) => mj.Hub!.Queue([done]));
    });
    await p.addStyleTag({ content: PRINT_CSS });
    await p.evaluate(fitDisplayMath);
    const mm = (v: number) => `${v}mm`;
    const pdf = await p.pdf({
      format: 'A4',
      printBackground: true,
      margin: {
        top: mm(HANDOUT_MARGIN_MM.top),
        bottom: mm(HANDOUT_MARGIN_MM.bottom),
        left: mm(HANDOUT_MARGIN_MM.left),
        right: mm(HANDOUT_MARGIN_MM.right),
      },
    });
    reusable = true;
    return pdf;
  } finally {
    if (reusable) idleHandoutPages.push(p);
    else await p.close();
    rmSync(copy, { force: true });
  }
}

/** Handout pages that printed and wait for the next handout (pages of the shared browser). */
let idleHandoutPages: Page[] = [];

/**
 * A page to print a handout on: an idle one, or a new one laid out at the printed width, in print
 * media, with static figures. A kept page prints the next handout for about a third of the CPU of
 * a new one (no new renderer process, MathJax's scripts already compiled).
 */
async function handoutPage(): Promise<Page> {
  // A page whose browser was closed while it printed comes back closed: never hand that one out.
  for (let idle = idleHandoutPages.pop(); idle; idle = idleHandoutPages.pop())
    if (!idle.isClosed()) return idle;
  browser ??= launch();
  const p = await (await browser).newPage({ viewport: { width: PRINT_WIDTH_PX, height: 1000 } });
  await p.emulateMedia({ media: 'print' });
  await p.addInitScript(`window.${STATIC_FIGURES} = true;`);
  return p;
}

/** Close the shared browser, if it was started. */
export async function closeExporter(): Promise<void> {
  const b = browser;
  browser = null;
  pages = null;
  idleHandoutPages = [];
  facesAdded = new Set();
  if (b) await (await b).close();
}
