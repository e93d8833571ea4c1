/**
 * Static figure export (SVG, PNG, PDF) through Debian's chromium driven by playwright-core.
 * One browser per process, started on first use (start-up takes seconds) and closed by
 * `closeExporter()` (Report.finish calls it). plotly.js is loaded into the page from node_modules.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { plotlyJs, type StyledFigure } from './figure.js';

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
let plotPage: Promise<Page> | null = null;

/** Launch the shared browser (errors name the binary and how to install it). */
async function launch(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
  } catch (e) {
    throw new Error(`figure export: cannot start chromium at ${CHROMIUM} (${(e as Error).message.split('\n')[0]}); run npm run setup or set SAT_CHROMIUM`);
  }
}

async function page(): Promise<Page> {
  if (!plotPage) {
    plotPage = (async () => {
      browser ??= launch();
      const p = await (await browser).newPage();
      await p.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await p.addScriptTag({ content: plotlyJs() });
      return p;
    })();
  }
  return plotPage;
}

/** Render a styled figure to SVG, PNG and PDF. */
export async function exportFigure(fig: StyledFigure): Promise<FigureFiles> {
  const p = await page();
  const { svg, png } = await p.evaluate(async ({ data, layout, width, height, scale }) => {
    const P = (window as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
    const fig = { data, layout, config: { staticPlot: true } };
    const svgUrl = await P.toImage(fig, { format: 'svg', width, height });
    const pngUrl = await P.toImage(fig, { format: 'png', width, height, scale });
    return { svg: decodeURIComponent(svgUrl.slice(svgUrl.indexOf(',') + 1)), png: pngUrl.slice(pngUrl.indexOf(',') + 1) };
  }, { data: fig.data, layout: fig.layout, width: fig.width, height: fig.height, scale: PNG_SCALE });
  const pdfPage = await (await browser!).newPage();
  try {
    await pdfPage.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>@page{size:${fig.width}px ${fig.height}px;margin:0}html,body{margin:0;padding:0;overflow:hidden}svg{display:block}</style></head><body>${svg}</body></html>`);
    const pdf = await pdfPage.pdf({ width: `${fig.width}px`, height: `${fig.height}px`, printBackground: true, pageRanges: '1', margin: { top: '0', right: '0', bottom: '0', left: '0' } });
    return { svg, png: Buffer.from(png, 'base64'), pdf };
  } finally {
    await pdfPage.close();
  }
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

/** Close the shared browser, if it was started. */
/**
 * Print an HTML page (a notebook's render) to an A4 PDF once its math has been typeset and its
 * plots drawn: a handout for teaching. The page is opened from its file, so the scripts it loads
 * from disk (MathJax, plotly) run as in a browser.
 */
export async function printHtmlToPdf(htmlPath: string): Promise<Uint8Array> {
  browser ??= launch();
  const p = await (await browser).newPage();
  try {
    await p.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await p.evaluate(async () => {
      // MathJax 2 (Debian's nbconvert template) queues its typesetting; wait for the queue to drain.
      const mj = (window as unknown as { MathJax?: { Hub?: { Queue(f: unknown): void } } }).MathJax;
      if (mj?.Hub) await new Promise<void>((done) => mj.Hub!.Queue([done]));
    });
    // Long code lines wrap on paper instead of running off the page.
    await p.addStyleTag({ content: 'pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }' });
    await p.waitForTimeout(300); // plotly draws after load
    return await p.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await p.close();
  }
}

export async function closeExporter(): Promise<void> {
  const b = browser;
  browser = null;
  plotPage = null;
  if (b) await (await b).close();
}
