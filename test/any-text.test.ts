/**
 * The notebooks on any text (issue 20): the run's held-out text as captions name it, and the note
 * a notebook shows when there is none; notebook 03's carrier heat-map drawn and exported for every
 * byte value, control characters included; a figure whose export fails names itself and what failed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '../lib/core/model.js';
import { HASHES } from '../lib/construction/hash.js';
import { carrierStates } from '../lib/construction/shift-register.js';
import { registerHeatmap } from '../lib/notebook/explorables.js';
import { closeExporter, exportFigure } from '../lib/notebook/export.js';
import { byteTickLabel, styleFigure } from '../lib/notebook/figure.js';
import { Report } from '../lib/notebook/report.js';
import { ENV } from '../lib/notebook/inputs.js';
import { randomModel, TRAIN_TEXT } from './helpers.js';

afterAll(closeExporter);

/** A report on a random model and `dataPath` (default: the paper's text), with SAT_HELDOUT as given. */
function reportOn(dataPath: string | undefined, heldout: string | undefined): Report {
  const dir = mkdtempSync(join(tmpdir(), 'any-text-'));
  const modelPath = join(dir, 'm.bin');
  saveModel(modelPath, randomModel(4, 3, 0.5));
  const before = process.env[ENV.heldout];
  if (heldout === undefined) delete process.env[ENV.heldout];
  else process.env[ENV.heldout] = heldout;
  try {
    const report = Report.open('99-any', {
      modelPath,
      outDir: dir,
      ...(dataPath === undefined ? {} : { dataPath }),
    });
    void report.heldout; // read while SAT_HELDOUT is set as asked
    return report;
  } finally {
    if (before === undefined) delete process.env[ENV.heldout];
    else process.env[ENV.heldout] = before;
  }
}

describe('the held-out text of a run', () => {
  const other = join(mkdtempSync(join(tmpdir(), 'any-text-')), 'other.txt');
  writeFileSync(other, 'another text entirely, with no held-out text of its own');

  it("is enwik8 bytes 1024–2047 on the paper's text, named so", () => {
    const h = reportOn(undefined, undefined).heldout!;
    expect(h.bytes.length).toBe(1024);
    expect(h.label).toBe('enwik_heldout_1024.txt, enwik8 bytes 1024–2047');
    expect(reportOn(undefined, undefined).heldoutNote()).toMatch(
      /^\*\*Held-out text\*\*: `enwik_heldout_1024\.txt, enwik8 bytes 1024–2047` \(1024 bytes\)/,
    );
  });

  it('is none on another text, and the note says so and how to give one', () => {
    const r = reportOn(other, undefined);
    expect(r.heldout).toBeNull();
    expect(r.heldoutNote()).toMatch(
      /^\*\*No held-out text\*\* in this run: the text `other\.txt` is not the paper's/,
    );
    expect(r.heldoutNote()).toContain('`npm run notebooks -- --heldout <file>`');
  });

  it('is the file --heldout gives, named by its file name', () => {
    const given = join(mkdtempSync(join(tmpdir(), 'any-text-')), 'mine.txt');
    writeFileSync(given, 'held out by hand');
    const h = reportOn(other, given).heldout!;
    expect([h.label, h.bytes.length]).toEqual(['mine.txt', 16]);
    expect(reportOn(other, TRAIN_TEXT).heldout!.label).toBe(
      "enwik_1024.txt, enwik8 bytes 0–1023 (the paper's text)",
    );
  });
});

describe('the carrier heat-map on any bytes (notebook 03)', () => {
  // Every byte value once, control characters and markup included: what failed on a random-bytes text.
  const text = Uint8Array.from({ length: 256 }, (_, i) => i);
  const spec = { hash: HASHES.mixed, groups: 2, bits: 8 }; // 16 units: the labels are under test, not the size
  const states = carrierStates(spec, text);
  const fig = registerHeatmap(states, 16, text, 256, 8);
  type Axis = { ticktext: string[] };
  const axes = (f: typeof fig) => f.layout as unknown as { xaxis: Axis; yaxis: Axis };

  it('draws sign h of unit i at position t, and labels every position by t and its byte', () => {
    const z = fig.data[0].z as number[][];
    expect([z.length, z[0].length]).toEqual([16, 256]);
    for (const [i, t] of [
      [0, 0],
      [7, 100],
      [15, 255],
    ])
      expect(z[i][t]).toBe(states[t * 16 + i] >= 0 ? 1 : -1);
    const ticks = axes(fig).xaxis.ticktext;
    // Hex labels are wider than a column: odd positions one line lower. A text without them is not staggered.
    expect(ticks).toEqual(
      Array.from(text, (x, t) => `${t}<br>${t % 2 === 1 ? '<br>' : ''}${byteTickLabel(x)}`),
    );
    const plain = new TextEncoder().encode('<a & b>\n');
    expect(
      axes(registerHeatmap(carrierStates(spec, plain), 16, plain, 8, 8)).xaxis.ticktext,
    ).toEqual([
      '0<br>&lt;',
      '1<br>a',
      '2<br>␣',
      '3<br>&amp;',
      '4<br>␣',
      '5<br>b',
      '6<br>&gt;',
      '7<br>⏎',
    ]);
    expect(axes(fig).yaxis.ticktext).toEqual(['g0', 'g1']);
    expect(() => registerHeatmap(states, 16, text, 257, 8)).toThrow(
      /positions 257, expected 1 … 256/,
    );
    expect(() => registerHeatmap(states, 16, text, 40, 5)).toThrow(
      /5 bits per group do not divide H = 16/,
    );
  });

  it('exports to SVG, PNG and PDF with every label; the raw bytes as labels fail, and report.figure names the figure and why', async () => {
    const files = await exportFigure(styleFigure('carrier-heatmap', fig));
    for (const label of ['0x00', '0x07', '0x1b', '0x7f', '0xff', '⏎', '␣'])
      expect(files.svg).toContain(label);
    expect(files.png.length).toBeGreaterThan(1000);
    expect(Buffer.from(files.pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    // The labels as they were before byteTickLabel: raw characters, control characters among them.
    const raw = structuredClone(fig);
    axes(raw).xaxis.ticktext = Array.from(text, (x, t) => `${t}<br>${String.fromCharCode(x)}`);
    const report = reportOn(undefined, undefined);
    await expect(report.figure('raw-bytes', raw, 'raw labels')).rejects.toThrow(
      /^figure raw-bytes: export failed: .*the SVG did not load as an image/,
    );
  }, 120_000);
});
