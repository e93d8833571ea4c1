/**
 * Static figure export (SVG, PNG, PDF) through Debian's chromium driven by playwright-core.
 * One browser per process, started on first use (start-up takes seconds) and closed by
 * `closeExporter()` (Report.finish calls it). plotly.js is loaded into the page from node_modules.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { plotlyJs, staticLayout, STATIC_FIGURES, type StyledFigure } from './figure.js';

/** The chromium binary (Debian package `chromium`); override with SAT_CHROMIUM. */
export const CHROMIUM = process.env.SAT_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a quiet, offline, sandbox-free headless chromium. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
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
    return await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
  } catch (e) {
    throw new Error(`figure export: cannot start chromium at ${CHROMIUM} (${(e as Error).message.split('\n')[0]}); run npm run setup or set SAT_CHROMIUM`);
  }
}

function figurePages(): Promise<{ plot: Page; print: Page }> {
  pages ??= (async () => {
    browser ??= launch();
    const b = await browser;
    // Evaluating plotly.js costs seconds of CPU in chromium: once per process, never per figure.
    const plot = await b.newPage();
    await plot.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await plot.addScriptTag({ content: plotlyJs() });
    return { plot, print: await b.newPage() };
  })();
  return pages;
}

/** The export running last: exports take turns on the two kept pages. */
let lastExport: Promise<unknown> = Promise.resolve();

/**
 * Render a styled figure to SVG, PNG and PDF from one plotly render: the SVG is drawn onto a
 * canvas at PNG_SCALE for the PNG (what Plotly.toImage('png') does after a second render of its
 * own; the bytes are the same) and printed as it is for the PDF, on a page kept for that.
 */
export function exportFigure(fig: StyledFigure): Promise<FigureFiles> {
  const next = lastExport.then(() => render(fig));
  lastExport = next.catch(() => undefined);
  return next;
}

async function render(fig: StyledFigure): Promise<FigureFiles> {
  const { plot, print } = await figurePages();
  const { svg, png } = await plot.evaluate(async ({ data, layout, width, height, scale }) => {
    const P = (window as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
    const svgUrl = await P.toImage({ data, layout, config: { staticPlot: true } }, { format: 'svg', width, height });
    const svg = decodeURIComponent(svgUrl.slice(svgUrl.indexOf(',') + 1));
    const img = new Image();
    await new Promise((loaded, failed) => { img.onload = loaded; img.onerror = () => failed(new Error('the SVG did not load as an image')); img.src = svgUrl; });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
    const pngUrl = canvas.toDataURL('image/png');
    return { svg, png: pngUrl.slice(pngUrl.indexOf(',') + 1) };
  }, { data: fig.data, layout: staticLayout(fig.layout), width: fig.width, height: fig.height, scale: PNG_SCALE });
  await print.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>@page{size:${fig.width}px ${fig.height}px;margin:0}html,body{margin:0;padding:0;overflow:hidden}svg{display:block}</style></head><body>${svg}</body></html>`);
  const pdf = await print.pdf({ width: `${fig.width}px`, height: `${fig.height}px`, printBackground: true, pageRanges: '1', margin: { top: '0', right: '0', bottom: '0', left: '0' } });
  return { svg, png: Buffer.from(png, 'base64'), pdf };
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

/**
 * Print an HTML page (a notebook's render) to an A4 PDF once its math has been typeset: a handout
 * for teaching. The page is opened from its file, so the scripts it loads from disk (MathJax) run
 * as in a browser. Figures print as their static PNG (the same figure as the interactive one):
 * STATIC_FIGURES keeps plotly.js from being evaluated, which costs more than the print itself.
 * Pages of one shared browser, so several handouts may print at once.
 */
export async function printHtmlToPdf(htmlPath: string): Promise<Uint8Array> {
  browser ??= launch();
  const p = await (await browser).newPage();
  try {
    await p.addInitScript(`window.${STATIC_FIGURES} = true;`);
    await p.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await p.evaluate(async () => {
      // MathJax 2 (Debian's nbconvert template) queues its typesetting; wait for the queue to drain.
      const mj = (window as unknown as { MathJax?: { Hub?: { Queue(f: unknown): void } } }).MathJax;
      if (mj?.Hub) await new Promise<void>((done) => mj.Hub!.Queue([done]));
    });
    // Long code lines wrap on paper instead of running off the page; wide figures shrink to fit it.
    await p.addStyleTag({ content: 'pre { white-space: pre-wrap !important; overflow-wrap: anywhere; } img { max-width: 100% !important; height: auto !important; }' });
    return await p.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await p.close();
  }
}

/** Close the shared browser, if it was started. */
export async function closeExporter(): Promise<void> {
  const b = browser;
  browser = null;
  pages = null;
  if (b) await (await b).close();
}
