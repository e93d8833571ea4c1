/**
 * Paper presets: a figure drawn for a page's text width in the document's font, so a paper
 * includes it at 100 % (what `figures/` holds is what the page shows). The screen style
 * (figure.ts) stays for the interactive and HTML figures; a preset restyles the same spec:
 *
 *   article         345 pt wide (the text width of LaTeX's article class, 10 pt)
 *   column          252 pt wide (one column of a two-column venue)
 *   twocolumn-wide  516 pt wide (the full text width of a two-column venue)
 *
 * Height from the spec's aspect (height/width). Text in Latin Modern (Debian's fonts-lmodern, as
 * TrueType: see `latinModernFaces`; embedded in the PDF by chromium): labels 9 pt in LM Roman 9, tick labels and
 * legends 8 pt in LM Roman 8, the optical sizes LaTeX itself uses at \small and \footnotesize.
 * LM Roman has no lower-case Greek and no ≈, ≤, ∝: those come from Latin Modern Math.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot } from '../notebook/inputs.js';
import {
  checkAxes,
  paperLayout,
  plainArrays,
  type FigureSpec,
  type Layout,
  type StyledFigure,
  type Trace,
  DEFAULT_WIDTH,
  DEFAULT_HEIGHT,
} from '../notebook/figure.js';

/** Text width in pt of each preset. */
export const FIGURE_PRESETS = { article: 345, column: 252, 'twocolumn-wide': 516 } as const;
export type FigurePreset = keyof typeof FIGURE_PRESETS;
export const DEFAULT_FIGURE_PRESET: FigurePreset = 'article';

/** CSS px per pt: chromium prints 96 px to the inch, PDF has 72 pt to the inch. */
export const PX_PER_PT = 96 / 72;
/** Font sizes at the final size, in pt: axis and colour-bar titles, and tick labels, legends, annotations. */
export const LABEL_PT = 9;
export const TICK_PT = 8;
/** Where Debian's fonts-lmodern puts the OpenType fonts. */
export const LATIN_MODERN_DIR = '/usr/share/texmf/fonts/opentype/public';
/** The faces a preset figure uses: family (no spaces: plotly's SVG export breaks on quoted names), weight, style, file. */
const FACES = [
  ...[8, 9].flatMap((size) =>
    [
      ['bold', 'normal', 'bold'],
      ['normal', 'italic', 'italic'],
      ['normal', 'normal', 'regular'],
    ].map(([weight, style, face]) => ({
      family: `LMRoman${size}`,
      weight,
      style,
      file: `lm/lmroman${size}-${face}.otf`,
    })),
  ),
  {
    family: 'LatinModernMath',
    weight: 'normal',
    style: 'normal',
    file: 'lm-math/latinmodern-math.otf',
  },
];

let faceCss: string | null = null;
/**
 * @font-face rules (data URLs) for the faces preset figures use, as TrueType: chromium's PDF
 * backend embeds CFF fonts (Debian's .otf) as nameless Type 3 fonts, TrueType ones as named
 * subsets. tools/latin-modern-ttf.py (Debian python3-fonttools) converts them once into
 * dist/fonts/.
 */
export function latinModernFaces(): string {
  if (faceCss !== null) return faceCss;
  const dir = join(projectRoot(), 'dist', 'fonts');
  const ttf = (file: string) => join(dir, basename(file).replace(/\.otf$/, '.ttf'));
  const missing = FACES.filter((f) => !existsSync(ttf(f.file)));
  if (missing.length > 0) {
    const otf = missing.map((f) => join(LATIN_MODERN_DIR, f.file));
    for (const f of otf)
      if (!existsSync(f))
        throw new Error(`${f}: no such font; install Debian's fonts-lmodern (npm run setup)`);
    const r = spawnSync(
      '/usr/bin/python3',
      [join(projectRoot(), 'tools', 'latin-modern-ttf.py'), dir, ...otf],
      { encoding: 'utf8' },
    );
    if (r.status !== 0)
      throw new Error(
        `tools/latin-modern-ttf.py failed (${r.error?.message ?? r.stderr.trim().split('\n').pop()}); it needs Debian's python3-fonttools (npm run setup)`,
      );
  }
  faceCss = FACES.map(
    (f) =>
      `@font-face{font-family:${f.family};font-weight:${f.weight};font-style:${f.style};src:url(data:font/ttf;base64,${readFileSync(ttf(f.file)).toString('base64')}) format('truetype')}`,
  ).join('\n');
  return faceCss;
}
/** Font stacks; Latin Modern Math covers Greek and the math symbols. */
export const LABEL_FONT = 'LMRoman9, LatinModernMath';
export const TICK_FONT = 'LMRoman8, LatinModernMath';
/** PDF font names a preset figure may embed (pdffonts): Latin Modern only. */
export const PRESET_FONT_NAMES = /^([A-Z]{6}\+)?(LMRoman\d+|LatinModernMath)-/;

/** The preset named `name`; a clear error names `option` and the valid values otherwise. */
export function figurePreset(name: string, option = 'figure style'): FigurePreset {
  if (!Object.hasOwn(FIGURE_PRESETS, name))
    throw new RangeError(
      `${option}: '${name}' is not a figure preset; expected one of ${Object.keys(FIGURE_PRESETS).join(', ')}`,
    );
  return name as FigurePreset;
}

/**
 * Unicode super- and subscripts have no glyph in Latin Modern: plotly's <sup>/<sub> draws them
 * from the digits and signs instead.
 */
const SCRIPTS: Record<string, [string, string]> = Object.fromEntries([
  ...[...'⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ'].map((c, i) => [c, ['sup', '0123456789+−=()ni'[i]]]),
  ...[...'₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎'].map((c, i) => [c, ['sub', '0123456789+−=()'[i]]]),
]);
/** Other characters plotly text uses that Latin Modern lacks, and what stands for them. */
const STAND_INS: Record<string, string> = { '⏎': '↵' };

/**
 * Text for Latin Modern: runs of Unicode super/subscripts as <sup>/<sub>, stand-ins for missing glyphs.
 *
 * @example
 * latinModernText('h⁺ and x₁₂ ⏎'); // → 'h<sup>+</sup> and x<sub>12</sub> ↵'
 */
export function latinModernText(s: string): string {
  const ALL = '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎';
  return s
    .replace(new RegExp(`[${ALL}]+`, 'gu'), (run) => {
      const chars = [...run];
      let out = '';
      for (let i = 0; i < chars.length;) {
        const tag = SCRIPTS[chars[i]][0];
        let body = '';
        for (; i < chars.length && SCRIPTS[chars[i]][0] === tag; i++) body += SCRIPTS[chars[i]][1];
        out += `<${tag}>${body}</${tag}>`;
      }
      return out;
    })
    .replace(/./gu, (c) => STAND_INS[c] ?? c);
}

/** Every string in `v` through `latinModernText` (text keys and category values alike, so they stay paired). */
function mapStrings(v: unknown): unknown {
  if (typeof v === 'string') return latinModernText(v);
  if (Array.isArray(v)) return v.map(mapStrings);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x)]));
  return v;
}

/**
 * `text` broken with <br> at the space nearest its middle when longer than `chars` characters
 * (plotly's markup of <sup>/<sub> not counted).
 *
 * @example
 * wrapTitle('bits per weight, log2(max strength + 1)', 30); // → 'bits per weight,<br>log2(max strength + 1)'
 */
export function wrapTitle(text: string, chars: number): string {
  const visible = text.replace(/<[^>]+>/g, '');
  if (visible.length <= chars || text.includes('<br>')) return text;
  const spaces = [...text.matchAll(/ /g)]
    .map((m) => m.index!)
    .filter((i) => !/<[^>]*$/.test(text.slice(0, i)));
  if (spaces.length === 0) return text;
  const cut = spaces.reduce((a, b) =>
    Math.abs(b - text.length / 2) < Math.abs(a - text.length / 2) ? b : a,
  );
  return `${text.slice(0, cut)}<br>${text.slice(cut + 1)}`;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** An axis or colour-bar title as an object with the label font. */
function titled(title: unknown, font: Record<string, unknown>): Record<string, unknown> {
  return typeof title === 'string'
    ? { text: title, font }
    : { ...obj(title), font: { ...obj(obj(title).font), ...font } };
}

/** A trace's colour bars (trace.colorbar, marker.colorbar) in the preset's fonts. */
function presetTrace(
  t: Trace,
  label: Record<string, unknown>,
  tick: Record<string, unknown>,
): Trace {
  const bar = (c: unknown) =>
    c === undefined
      ? undefined
      : {
          ...obj(c),
          tickfont: { ...obj(obj(c).tickfont), ...tick },
          title: titled(obj(c).title, label),
        };
  const out: Record<string, unknown> = { ...t };
  if (t.colorbar !== undefined) out.colorbar = bar(t.colorbar);
  if (obj(t.marker).colorbar !== undefined)
    out.marker = { ...obj(t.marker), colorbar: bar(obj(t.marker).colorbar) };
  if (t.textfont !== undefined) out.textfont = { ...obj(t.textfont), ...tick };
  return out;
}

/**
 * Style a figure spec for a paper preset: width the preset's text width, height from the spec's
 * aspect, Latin Modern at LABEL_PT/TICK_PT, margins scaled with the width (automargin makes room
 * for ticks, titles and outside legends), a legend outside the plot moved below it (at the
 * figure's edge), x titles longer than their plot in two lines. Validated as `styleFigure` does;
 * export.ts's `fittedFigure` then raises the height where a text would be clipped.
 */
export function presetFigure(name: string, spec: FigureSpec, preset: FigurePreset): StyledFigure {
  checkAxes(name, spec);
  const screenWidth = spec.width ?? DEFAULT_WIDTH,
    screenHeight = spec.height ?? DEFAULT_HEIGHT;
  const width = Math.round(FIGURE_PRESETS[preset] * PX_PER_PT);
  const height = Math.round((width * screenHeight) / screenWidth);
  const label = { family: LABEL_FONT, size: LABEL_PT * PX_PER_PT };
  const tick = { family: TICK_FONT, size: TICK_PT * PX_PER_PT };
  const own = mapStrings(plainArrays(spec.layout ?? {})) as Layout;
  const layout = paperLayout(own, width, height);
  const k = width / screenWidth;
  const margin = obj(own.margin);
  layout.margin = Object.fromEntries(
    ['l', 'r', 't', 'b']
      .map((s) => [s, typeof margin[s] === 'number' ? Math.round((margin[s] as number) * k) : 6])
      .concat([['pad', 0]]),
  );
  layout.font = { ...obj(layout.font), ...label, color: '#222' };
  const columns = Math.max(1, Number(obj(layout.grid).columns) || 1);
  for (const key of Object.keys(layout).filter((x) => /^[xy]axis\d*$/.test(x))) {
    const axis = obj(layout[key]);
    const title = axis.title === undefined ? undefined : titled(axis.title, label);
    // An x title longer than its plot is wide (about 0.5 em a character) breaks into two lines.
    if (title && key.startsWith('x') && typeof title.text === 'string') {
      const domain = Array.isArray(axis.domain)
        ? Number(axis.domain[1]) - Number(axis.domain[0])
        : 1 / columns;
      title.text = wrapTitle(title.text, Math.floor((0.8 * width * domain) / (0.5 * label.size)));
    }
    layout[key] = {
      ...axis,
      tickfont: { ...obj(axis.tickfont), ...tick },
      ...(title ? { title } : {}),
    };
  }
  // A legend outside the plot goes below it, at the figure's edge: right of the plot (plotly's
  // default place) it would take the plot's room on a page's width, and placed in plot fractions
  // above or below it would land on the plot or the axis title once the plot is short.
  const legend = obj(layout.legend),
    lx = legend.x,
    ly = legend.y;
  const outside = lx === undefined || Number(lx) > 1 || Number(ly) < 0 || Number(ly) > 1;
  const edge =
    legend.yref === 'container' || !outside
      ? {}
      : { orientation: 'h', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' };
  layout.legend = { ...legend, ...edge, font: { ...obj(legend.font), ...tick } };
  if (Array.isArray(layout.annotations))
    layout.annotations = layout.annotations.map((a) => ({
      ...obj(a),
      font: { ...obj(obj(a).font), ...tick },
    }));
  const data = (mapStrings(plainArrays(spec.data)) as Trace[]).map((t) =>
    presetTrace(t, label, tick),
  );
  return { data, layout, frames: [], width, height, fontFaces: latinModernFaces() };
}
