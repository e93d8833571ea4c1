/**
 * Figures in one paper style: plotly.js specs (data traces + layout) get a common font, size,
 * colour-blind-safe Okabe–Ito palette and axis look; every cartesian axis must carry a title
 * (with its unit). Inline display embeds plotly.js once per notebook (offline, read from
 * node_modules) and always keeps a static PNG in the same output for viewers without scripts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml } from './table.js';

/** A plotly.js trace (`{ type, x, y, … }`); see https://plotly.com/javascript/reference/. */
export type Trace = Readonly<Record<string, unknown>>;
/** A plotly.js layout; axis titles are required (see `checkAxes`). */
export type Layout = Readonly<Record<string, unknown>>;

/**
 * A plotly.js animation frame: `data` replaces the traces at the indices `traces` (all traces,
 * in order, when absent). Frames travel once, as data beside the figure (see `explorableFigure`).
 */
export interface Frame {
  readonly name: string;
  readonly data: readonly Trace[];
  readonly traces?: readonly number[];
}

/** A figure as handed to `Report.figure`. */
export interface FigureSpec {
  readonly data: readonly Trace[];
  readonly layout?: Layout;
  /** Size in CSS pixels of the exported figure (default 640 × 400). */
  readonly width?: number;
  readonly height?: number;
  /** Animation frames a slider steps through (lib/notebook/explorable.ts); `data` is the frame static copies show. */
  readonly frames?: readonly Frame[];
  /** The label of the frame `data` shows, named in the caption of every static copy; required with `frames`. */
  readonly staticFrame?: string;
}

/** Okabe & Ito (2008) colour-blind-safe palette, darkest first (yellow last: weak on white). */
export const OKABE_ITO = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#E69F00',
  '#56B4E9',
  '#CC79A7',
  '#000000',
  '#F0E442',
] as const;

/** The paper font (DejaVu ships with Debian's chromium; the others are fallbacks). */
export const FONT_FAMILY = 'DejaVu Sans, Arial, sans-serif';
export const DEFAULT_WIDTH = 640;
export const DEFAULT_HEIGHT = 400;

const AXIS_STYLE = {
  showline: true,
  linecolor: '#222',
  linewidth: 1,
  ticks: 'outside',
  tickcolor: '#222',
  mirror: false,
  zeroline: false,
  gridcolor: '#e6e6e6',
  automargin: true,
};

/** Axis keys (xaxis, yaxis2, …) present in a layout. */
function axisKeys(layout: Layout): string[] {
  return Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
}

function axisTitle(axis: unknown): string {
  if (axis === null || typeof axis !== 'object') return '';
  const t = (axis as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t !== null && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string')
    return (t as { text: string }).text;
  return '';
}

const NON_CARTESIAN = new Set([
  'pie',
  'sunburst',
  'treemap',
  'table',
  'sankey',
  'indicator',
  'parcoords',
  'parcats',
]);

/** Throws naming the figure when a cartesian figure lacks an x or y axis title. */
export function checkAxes(name: string, spec: FigureSpec): void {
  if (spec.data.length === 0) throw new RangeError(`figure ${name}: no traces`);
  const cartesian = spec.data.some((t) => !NON_CARTESIAN.has(String(t.type ?? 'scatter')));
  if (!cartesian) return;
  const layout = spec.layout ?? {};
  const keys = new Set(['xaxis', 'yaxis', ...axisKeys(layout)]);
  for (const k of keys) {
    if (axisTitle(layout[k]).trim() === '') {
      throw new RangeError(
        `figure ${name}: layout.${k}.title is missing; label every axis with its quantity and unit`,
      );
    }
  }
}

/** Shallow-merge the paper style under a layout (the figure's own settings win, per axis too). */
export function paperLayout(
  layout: Layout,
  width: number,
  height: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    font: { family: FONT_FAMILY, size: 13, color: '#222' },
    colorway: [...OKABE_ITO],
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 70, r: 20, t: 30, b: 60 },
    legend: { bgcolor: 'rgba(255,255,255,0.8)', borderwidth: 0 },
    bargap: 0.1,
    ...layout,
    width,
    height,
  };
  for (const k of ['xaxis', 'yaxis', ...axisKeys(layout)]) {
    const own = layout[k];
    out[k] = { ...AXIS_STYLE, ...(own !== null && typeof own === 'object' ? own : {}) };
  }
  return out;
}

/** A figure ready for plotly: validated, styled and sized. */
export interface StyledFigure {
  readonly data: readonly Trace[];
  readonly layout: Readonly<Record<string, unknown>>;
  /** Animation frames (empty for a still figure). */
  readonly frames: readonly Frame[];
  readonly width: number;
  readonly height: number;
  /** CSS @font-face rules the figure's fonts need in the export pages (the paper presets' Latin Modern). */
  readonly fontFaces?: string;
}

/** A deep copy with typed arrays turned into plain arrays (JSON and plotly need them plain). */
export function plainArrays(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plainArrays);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainArrays(x)]));
  return v;
}

/** Validate and style a figure spec (typed arrays in traces are accepted). */
export function styleFigure(name: string, spec: FigureSpec): StyledFigure {
  // A frame's trace updates a trace of `data`: its type, when it has one, must be drawable too.
  const types = [
    ...spec.data.map((t) => t.type ?? 'scatter'),
    ...(spec.frames ?? []).flatMap((f) => f.data.map((t) => t.type ?? 'scatter')),
  ];
  for (const type of new Set(types.map(String))) {
    if (!PLOTLY_TRACE_TYPES.has(type))
      throw new RangeError(
        `figure ${name}: trace type '${type}' is not in the plotly.js bundle (${PLOTLY_BUNDLE}), which draws ${[...PLOTLY_TRACE_TYPES].join(', ')}`,
      );
  }
  checkAxes(name, spec);
  const width = spec.width ?? DEFAULT_WIDTH;
  const height = spec.height ?? DEFAULT_HEIGHT;
  for (const [k, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 100 || v > 4000)
      throw new RangeError(`figure ${name}: ${k} must be an integer in [100, 4000] px, got ${v}`);
  }
  const frames = plainArrays(spec.frames ?? []) as Frame[];
  if (frames.length > 0 && !spec.staticFrame?.trim())
    throw new RangeError(
      `figure ${name}: a figure with frames names the frame its static copies show (staticFrame)`,
    );
  return {
    data: plainArrays(spec.data) as Trace[],
    layout: paperLayout(spec.layout ?? {}, width, height),
    frames,
    width,
    height,
  };
}

/**
 * The caption of a figure: for one with frames, followed by the frame its static copies show and
 * how many the slider steps through (a handout or a paper shows one frame, and says which).
 */
export function figureCaption(caption: string, spec: FigureSpec): string {
  const n = spec.frames?.length ?? 0;
  return n === 0
    ? caption
    : `${caption} Static copies show the frame ${spec.staticFrame}; the HTML and the lab step through all ${n} frames with the slider.`;
}

/** Layout keys that only work in a live page (sliders, play buttons): static copies drop them. */
const LIVE_ONLY = ['sliders', 'updatemenus'];

/** The layout of a figure's static copy (SVG, PNG, PDF, handout): without sliders and buttons. */
export function staticLayout(layout: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(layout).filter(([k]) => !LIVE_ONLY.includes(k)));
}

/**
 * The plotly.js bundle: plotly's official cartesian partial bundle, 1.4 MB instead of the full
 * bundle's 4.6 MB. Chromium evaluates it in 1.6 s of CPU instead of 2.6 s (once per export
 * browser and once per page that opens a render), and every render carries it.
 */
export const PLOTLY_BUNDLE = 'plotly.js-cartesian-dist-min/plotly-cartesian.min.js';

/** The trace types the bundle draws (plotly's cartesian bundle); `styleFigure` refuses others. */
export const PLOTLY_TRACE_TYPES: ReadonlySet<string> = new Set([
  'bar',
  'box',
  'contour',
  'heatmap',
  'histogram',
  'histogram2d',
  'histogram2dcontour',
  'image',
  'pie',
  'scatter',
  'scatterternary',
  'violin',
]);

let plotlySource: string | null = null;
/** The plotly.js bundle from node_modules (read once). */
export function plotlyJs(): string {
  if (plotlySource === null) {
    const require = createRequire(import.meta.url);
    plotlySource = readFileSync(require.resolve(PLOTLY_BUNDLE), 'utf8');
  }
  return plotlySource;
}

/** JSON safe inside an HTML <script>. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A page that sets `window[STATIC_FIGURES]` before its scripts run shows every figure as its static PNG. */
export const STATIC_FIGURES = 'satStaticFigures';

/**
 * A <script> defining window.Plotly from the bundled plotly.js, unless the page asked for static
 * figures. AMD/CommonJS globals are shadowed so the UMD bundle always sets the global (classic
 * Jupyter and nbconvert pages load require.js).
 */
export function plotlyScriptTag(): string {
  const src = plotlyJs().replace(/<\/script/gi, '<\\/script');
  return `${PLOTLY_TAG_START}${src}\n}).call(window); }</script>`;
}

const PLOTLY_TAG_START = `<script type="text/javascript">if (!window.Plotly && !window.${STATIC_FIGURES}) { (function (define, module, exports) {\n`;

/**
 * The page without the plotly.js bundles `plotlyScriptTag` put in it: a page that shows static
 * figures never runs them, but chromium still reads megabytes of script (seconds per handout).
 * The bundle cannot contain `</script` (the tag escapes it), so each ends at the first one.
 */
export function withoutPlotly(html: string): string {
  let out = '',
    from = 0;
  for (
    let at = html.indexOf(PLOTLY_TAG_START);
    at >= 0;
    at = html.indexOf(PLOTLY_TAG_START, from)
  ) {
    const end = html.indexOf('</script>', at);
    if (end < 0) break;
    out += html.slice(from, at);
    from = end + '</script>'.length;
  }
  return out + html.slice(from);
}

/**
 * Inline HTML for a figure: the static PNG (seen without scripts), replaced by the interactive
 * plot when plotly.js is available on the page.
 */
export function figureHtml(
  id: string,
  fig: StyledFigure,
  pngBase64: string,
  caption: string,
): string {
  const alt = escapeHtml(caption);
  return [
    `<figure style="margin:0 0 1em 0">`,
    `<div id="${id}" style="width:${fig.width}px;max-width:100%"><img src="data:image/png;base64,${pngBase64}" width="${fig.width}" height="${fig.height}" alt="${alt}"></div>`,
    `<figcaption style="font-family:'DejaVu Sans',Arial,sans-serif;font-size:13px;max-width:${fig.width}px"><b>Figure.</b> ${alt}</figcaption>`,
    `<script type="text/javascript">(function () { var el = document.getElementById(${scriptJson(id)}); if (!el || !window.Plotly) return; el.innerHTML = ''; el.style.height = '${fig.height}px'; window.Plotly.newPlot(el, ${scriptJson({ data: fig.data, layout: fig.layout, frames: fig.frames, config: { displaylogo: false, responsive: false } })}); })();</script>`,
    `</figure>`,
  ].join('\n');
}

/**
 * A byte as a plotly tick or axis label, safe for any byte value: ⏎ for a newline, ␣ for a space,
 * printable ASCII as itself (HTML-escaped, since plotly reads labels as pseudo-HTML), every other
 * byte (control characters, 127–255) as its hex code. A control character in a label made the
 * exported SVG invalid XML.
 *
 * @example
 * byteTickLabel(10); // → '⏎'
 * byteTickLabel(60); // → '&lt;'
 * byteTickLabel(7); // → '0x07'
 */
export function byteTickLabel(x: number): string {
  if (!Number.isInteger(x) || x < 0 || x > 255)
    throw new RangeError(`byteTickLabel: expected a byte 0..255, got ${x}`);
  if (x === 10) return '⏎';
  if (x === 32) return '␣';
  if (x > 32 && x < 127) return escapeHtml(String.fromCharCode(x));
  return `0x${x.toString(16).padStart(2, '0')}`;
}
