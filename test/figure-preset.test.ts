/**
 * Paper presets: one figure drawn in each preset has the preset's width in pt (pdfinfo), only
 * embedded Latin Modern fonts (pdffonts), text at 8–9 pt at that size, and nothing clipped.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fittedFigure, closeExporter, exactMediaBox } from '../lib/notebook/export.js';
import {
  presetFigure,
  figurePreset,
  latinModernText,
  FIGURE_PRESETS,
  LABEL_PT,
  TICK_PT,
  PX_PER_PT,
  type FigurePreset,
} from '../lib/publish/figure-preset.js';
import { checkFigureFonts } from '../lib/publish/paper.js';
import type { FigureSpec } from '../lib/notebook/figure.js';

/** A figure with what notebooks use: a long y title, minus signs, Greek, a superscript, a colour bar, a legend below. */
const x = Array.from({ length: 60 }, (_, i) => i - 30);
const SPEC: FigureSpec = {
  data: [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'α·x − λ, h⁺ ≈ ≤',
      x,
      y: x.map((v) => Math.sin(v / 6) * 1e-3),
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'paper',
      x: [0, 6],
      y: [5e-4, -5e-4],
      marker: { symbol: 'x-thin-open', size: 12, line: { width: 3 } },
    },
    {
      type: 'heatmap',
      z: [
        [1, -1],
        [-1, 1],
      ],
      xaxis: 'x2',
      yaxis: 'y2',
      colorbar: { title: { text: 'sign h' }, tickvals: [-1, 1] },
    },
  ],
  layout: {
    grid: { rows: 1, columns: 2, pattern: 'independent' },
    xaxis: { title: 'position t (bytes)' },
    yaxis: { title: '‖h(t) − h_float(t)‖ (state units, floor 1e-10)' },
    xaxis2: { title: { text: 'η (steps)' } },
    yaxis2: { title: 'Δ bpc ×10⁻³' },
    legend: { orientation: 'h', x: 0, y: -0.25 },
    margin: { b: 170 },
  },
  width: 900,
  height: 420,
};

function pdfWidthHeight(file: string): [number, number] {
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(
    spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout,
  )!;
  return [Number(m[1]), Number(m[2])];
}

describe('paper presets', () => {
  it("draw one figure at each preset's width in embedded Latin Modern at 8–9 pt, nothing clipped", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preset-'));
    try {
      for (const preset of Object.keys(FIGURE_PRESETS) as FigurePreset[]) {
        const files = await fittedFigure(presetFigure('test', SPEC, preset));
        const fig = files.fig;
        expect(fig.width, preset).toBe(Math.round(FIGURE_PRESETS[preset] * PX_PER_PT));
        // Height from the aspect, raised to fit text (the long y title does not fit at the aspect's height).
        expect(fig.height, preset).toBeGreaterThan(Math.round((fig.width * 420) / 900));
        expect((await fittedFigure(fig)).fig.height, `${preset}: a text still sticks out`).toBe(
          fig.height,
        );
        const pdf = join(dir, `${preset}.pdf`);
        writeFileSync(pdf, files.pdf);
        const [w, h] = pdfWidthHeight(pdf);
        expect(w, preset).toBe(FIGURE_PRESETS[preset]);
        expect(h, preset).toBeCloseTo(fig.height * 0.75, 6);
        expect(() => checkFigureFonts(pdf), preset).not.toThrow();
        const fonts = spawnSync('pdffonts', [pdf], { encoding: 'utf8' })
          .stdout.split('\n')
          .slice(2)
          .filter((l) => l.trim() !== '');
        expect(fonts.length, preset).toBeGreaterThanOrEqual(2);
        for (const l of fonts)
          expect(l, preset).toMatch(
            /^[A-Z]{6}\+(LMRoman[89]-(Regular|Bold|Italic)|LatinModernMath-Regular)\s.*\syes\s+yes\s+yes\s/,
          );
        // Every text of the SVG at 8 or 9 pt (plotly's sub/superscripts are 0.7 of that), inside the figure.
        const sizes = new Set(
          [...files.svg.matchAll(/font-size: ([\d.]+)px/g)].map(
            (m) => Math.round((Number(m[1]) / PX_PER_PT) * 10) / 10,
          ),
        );
        for (const s of sizes)
          expect([TICK_PT, LABEL_PT, 5.6, 6.3], `${preset}: ${s} pt`).toContain(s);
        expect(sizes.has(LABEL_PT) && sizes.has(TICK_PT), preset).toBe(true);
      }
    } finally {
      await closeExporter();
    }
  }, 120_000);

  it('name the valid presets on a bad one, and write super/subscripts Latin Modern lacks as <sup>/<sub>', () => {
    expect(figurePreset('column')).toBe('column');
    expect(() => figurePreset('a4', '--figure-style')).toThrow(
      /--figure-style: 'a4' is not a figure preset; expected one of article, column, twocolumn-wide/,
    );
    expect(latinModernText('10⁻³ and x₁₂ ⏎')).toBe('10<sup>−3</sup> and x<sub>12</sub> ↵');
    expect(latinModernText('plain − text')).toBe('plain − text');
  });

  it('sets a PDF page to the exact size, keeping the byte length (xref offsets)', () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj <</Type /Page /MediaBox [0 0 345.12 199.92]>> endobj\n%%EOF',
      'latin1',
    );
    const out = Buffer.from(exactMediaBox(pdf, 345, 199.5)).toString('latin1');
    expect(out.length).toBe(pdf.length);
    expect(out).toContain('/MediaBox [0 0 345 199.5    ]');
    expect(() => exactMediaBox(Buffer.from('%PDF-1.4 no box'), 1, 1)).toThrow(/no MediaBox/);
  });
});
