/**
 * Executes the real notebooks through the real toolchain (npm run notebooks → nbconvert → tslab
 * kernel → chromium): notebook 00 with its ledger, tables, figures and book; notebook 03's handout;
 * notebook 06 on another text, twice side by side: the held-out text's rules (none unless given,
 * recorded in the results) and the student edition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { FIGURE_PRESETS } from '../lib/publish/figure-preset.js';
import { checkFigureFonts } from '../lib/publish/paper.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../lib/core/model.js';
import { loadBytes, sha256, ENWIK_1024_SHA256 } from '../lib/core/data.js';
import { countScore, knRule, ngramFamily } from '../lib/counting/models.js';
import { evaluate } from '../lib/core/rnn.js';
import { verdict } from '../lib/notebook/ledger.js';
import { judge } from '../lib/notebook/sheets.js';
import { bibKey, SOURCE_DOCUMENTS } from '../lib/notebook/sources.js';
import type { ReportJson } from '../lib/notebook/report.js';
import { ROOT, TRAIN_TEXT } from './helpers.js';
import {
  MODEL,
  runNotebooks,
  claimNotebook,
  checkBook,
  pdfPageSize,
  wordsBeyondRightMargin,
  pngSize,
  fixtureFolders,
} from './notebook-runs.js';

describe('npm run notebooks', () => {
  it('executes notebook 00 and writes its ledger, tables and figures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nb00-'));
    // The runner's own browser, as npm run notebooks starts it (the other runs draw in the tests' shared one).
    const r = await runNotebooks(['--only', '00', '--model', MODEL, '--out', out], {
      ownBrowser: true,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[00\] 00-sat-rnn: done/m);
    expect(r.stdout).toMatch(/s CPU \(of it chromium \d+\.\d s; jobs/);

    const json = JSON.parse(
      readFileSync(join(out, 'results/00-sat-rnn.json'), 'utf8'),
    ) as ReportJson;
    const model = loadModel(MODEL, null);
    const bytes = loadBytes(TRAIN_TEXT);
    expect(json.notebook).toBe('00-sat-rnn');
    expect(json.model.sha256).toBe(sha256(readFileSync(MODEL)));
    expect(json.model.bpc).toBeCloseTo(evaluate(model, bytes).bpc, 9);
    expect(json.data).toEqual({
      path: 'data/enwik_1024.txt',
      sha256: ENWIK_1024_SHA256,
      bytes: 1024,
    });
    // The paper text's held-out text by default: enwik8 bytes 1024–2047.
    expect(json.heldout).toEqual({
      path: 'data/enwik_heldout_1024.txt',
      sha256: sha256(readFileSync(join(ROOT, 'data/enwik_heldout_1024.txt'))),
      bytes: 1024,
    });

    const claims = new Map(json.claims.map((c) => [c.id, c]));
    expect(claims.get('satrnn.params')).toMatchObject({
      paper: 82304,
      measured: 82304,
      verdict: 'reproduces',
    });
    expect(claims.get('satrnn.bpc')).toMatchObject({ paper: 0.079 });
    expect(claims.get('satrnn.bpc')!.measured).toBeCloseTo(json.model.bpc, 12);
    const sat = claims.get('satrnn.saturation')!;
    expect(sat).toMatchObject({ paper: null, verdict: 'not-in-paper', unit: 'fraction' });
    expect(sat.measured).toBeGreaterThan(0);
    expect(sat.measured).toBeLessThanOrEqual(1);
    for (const c of json.claims)
      expect(c.verdict, c.id).toBe(verdict(c.paper, c.measured, c.tolerance));
    // Every paper value says why its tolerance is what it is; every difference has a cause, none unexplained here.
    for (const c of json.claims.filter((k) => k.paper !== null))
      expect(c.toleranceWhy, c.id).toMatch(/\S/);
    for (const c of json.claims) expect(c.cause === null, c.id).toBe(c.verdict !== 'differs');
    expect(json.claims.filter((c) => c.cause?.kind === 'unexplained').map((c) => c.id)).toEqual([]);

    const tables = Object.keys(json.tables);
    expect(tables).toContain('inventory');
    for (const t of [...tables, 'claims']) {
      const csv = readFileSync(join(out, `results/00-sat-rnn/${t}.csv`), 'utf8');
      expect(csv.trim().split('\n').length, t).toBe(
        t === 'claims' ? json.claims.length + 1 : json.tables[t].length + 1,
      );
      expect(readFileSync(join(out, `results/00-sat-rnn/${t}.tex`), 'utf8')).toMatch(
        /\\begin\{tabular\}[\s\S]*\\bottomrule/,
      );
    }
    const inventory = json.tables.inventory;
    expect(
      inventory.reduce(
        (s, row) => s + (typeof row.parameters === 'number' ? row.parameters : 0),
        0,
      ),
    ).toBe(2 * 82304);

    const figures = Object.keys(json.figures);
    expect(figures.length).toBeGreaterThanOrEqual(5);
    for (const f of figures) {
      const base = join(out, 'figures/00-sat-rnn', f);
      const svg = readFileSync(`${base}.svg`, 'utf8');
      expect(svg, f).toMatch(/^<svg[^>]* width="(\d+)" height="(\d+)"/);
      expect(svg.trimEnd().endsWith('</svg>'), f).toBe(true);
      const [, w, h] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      expect(pngSize(readFileSync(`${base}.png`)), f).toEqual([2 * w, 2 * h]);
      const pdf = readFileSync(`${base}.pdf`);
      expect(pdf.toString('latin1', 0, 5), f).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF'), f).toBe(true);
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length, f).toBe(1);
    }

    // The paper bundle compiles with pdflatex, and its PDF holds the claims ledger and every caption.
    const paper = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'tools/paper.ts'), '--out', out],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(paper.status, paper.stdout + paper.stderr).toBe(0);
    const pdfText = spawnSync('pdftotext', [join(out, 'paper/main.pdf'), '-'], {
      encoding: 'utf8',
    }).stdout.replace(/\s+/g, ' ');
    expect(pdfText).toContain('Claims ledger');
    for (const c of json.claims.filter((k) => k.cause !== null))
      expect(pdfText, c.id).toContain(`cause: ${c.cause!.kind}`);
    for (const c of json.claims)
      expect(pdfText.replace(/ /g, ''), c.id).toContain(c.id.replace(/ /g, ''));
    for (const f of Object.values(json.figures))
      expect(pdfText, f.caption).toContain(f.caption.slice(0, 40).replace(/\s+/g, ' '));
    expect(readFileSync(join(out, 'paper/main.tex'), 'utf8')).not.toContain(ROOT); // no machine paths
    // The bibliography: the source documents, the repository, and every public file a cause consulted (sources.bib).
    expect(pdfText).toContain('References');
    for (const d of SOURCE_DOCUMENTS) expect(pdfText).toContain(d.title.slice(0, 30));
    const consulted = [...new Set(json.claims.flatMap((c) => c.cause?.consulted ?? []))];
    expect(consulted.length).toBeGreaterThan(0); // train.steps is our-definition on every model
    const bib = readFileSync(join(out, 'paper/sources.bib'), 'utf8');
    for (const ref of consulted) expect(bib, ref).toContain(`@misc{${bibKey(ref)},`);
    // Every figure drawn for the default preset (article, 345 pt) in embedded Latin Modern, included at 100 %.
    const mainTex = readFileSync(join(out, 'paper/main.tex'), 'utf8');
    const includes = [...mainTex.matchAll(/\\includegraphics(\[[^\]]*\])?\{figures\/([^}]+)\}/g)];
    expect(includes.map((m) => m[2]).sort()).toEqual(
      figures.map((f) => `00-sat-rnn-${f}.pdf`).sort(),
    );
    for (const m of includes) {
      expect(m[1], m[2]).toBeUndefined(); // no width=\linewidth: natural size
      const file = join(out, 'paper/figures', m[2]);
      expect(pdfPageSize(file)[0], m[2]).toBe(FIGURE_PRESETS.article);
      expect(() => checkFigureFonts(file), m[2]).not.toThrow();
    }
    expect(wordsBeyondRightMargin(join(out, 'pdf/00-sat-rnn.pdf'))).toEqual([]);
    expect(readFileSync(join(out, 'pdf/00-sat-rnn.pdf')).toString('latin1', 0, 5)).toBe('%PDF-'); // the handout
    // Its figures are printed as their static PNGs: one image per figure at least.
    const images = spawnSync('pdfimages', ['-list', join(out, 'pdf/00-sat-rnn.pdf')], {
      encoding: 'utf8',
    })
      .stdout.trim()
      .split('\n')
      .slice(2);
    expect(images.length).toBeGreaterThanOrEqual(figures.length);

    await checkBook(out, json);

    const nb = readFileSync(join(out, 'notebooks/00-sat-rnn.ipynb'), 'utf8');
    expect(
      JSON.parse(nb)
        .cells.flatMap((c: { outputs?: Array<{ output_type: string }> }) => c.outputs ?? [])
        .some((o: { output_type: string }) => o.output_type === 'error'),
    ).toBe(false);
    expect(nb.split('plotly.js (cartesian - minified) v2').length - 1).toBe(1); // the bundle, once
    const html00 = readFileSync(join(out, 'html/00-sat-rnn.html'), 'utf8');
    expect(html00).toContain('satfig-00-sat-rnn-');

    // Exercises that answer back: the worked answers are folded in the render, and every check of
    // the run accepts its own answer and refuses the wrong answers it knows.
    expect(html00.split('<details class="answer"').length - 1).toBeGreaterThanOrEqual(3);
    expect(html00).toMatch(/[✔✘] 00\./);
    expect(Object.keys(json.checks).length).toBeGreaterThanOrEqual(1);
    for (const [id, c] of Object.entries(json.checks)) {
      expect(judge(id, c, c.answer).right, id).toBe(true);
      const wrong =
        c.kind === 'number'
          ? [c.answer + 2 * c.tolerance, ...c.mistakes.map((m) => m.answer)]
          : c.choices.filter((x) => x !== c.answer);
      for (const w of wrong) expect(judge(id, c, w).right, `${id}: ${w}`).toBe(false);
    }
  });

  it("prints the handout of notebook 03's text, and equations too wide for a line, with no word beyond the right margin", async () => {
    const { nb, out } = fixtureFolders('nbhandout-');
    // Notebook 03's markdown (its display equations are what ran off the page), then a matrix MathJax cannot break.
    const source = JSON.parse(
      readFileSync(join(ROOT, 'notebooks/03-shift-register.ipynb'), 'utf8'),
    ) as { cells: { cell_type: string; source: string[] | string }[] };
    const markdown = source.cells
      .filter((c) => c.cell_type === 'markdown')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n\n');
    const wide = `$$\\begin{pmatrix} ${Array.from({ length: 24 }, (_, i) => 1000 + i).join(' & ')} & \\mathrm{endofmatrix} \\end{pmatrix}$$`;
    claimNotebook(nb, '96-handout', `${markdown}\n\n${wide}\n`);
    const r = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const pdf = join(out, 'pdf/96-handout.pdf');
    expect(wordsBeyondRightMargin(pdf)).toEqual([]);
    // Nothing was cut instead: the last entry of the matrix is printed (a clipped equation loses its end).
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(
      /\s+/g,
      '',
    );
    expect(text).toContain('1023endofmatrix');
    if (markdown.includes('by parity}')) expect(text).toContain('byparity'); // the end of notebook 03's widest equation (mix and hash)
  }, 180_000);

  it('a --heldout that cannot be read is refused at once, before any notebook runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-heldout-'));
    const bad = await runNotebooks([
      '--only',
      '06',
      '--model',
      MODEL,
      '--heldout',
      join(dir, 'missing.txt'),
      '--out',
      join(dir, 'c'),
    ]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/missing\.txt: cannot be read/);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });

  // Notebook 06 on another text, twice side by side: without --heldout in the student edition,
  // and with a held-out text given in the default edition.
  describe('notebook 06 on another text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-nb06-'));
    const prose = join(ROOT, 'data/seed003_prose_1024.txt'),
      heldout = join(ROOT, 'data/enwik_heldout_1024.txt');
    let none: Awaited<ReturnType<typeof runNotebooks>>;
    let given: Awaited<ReturnType<typeof runNotebooks>>;
    beforeAll(async () => {
      const run06 = (out: string, options: string[]) =>
        runNotebooks([
          '--only',
          '06',
          '--model',
          MODEL,
          '--data',
          prose,
          ...options,
          '--out',
          join(dir, out),
        ]);
      [none, given] = await Promise.all([
        run06('none', ['--edition', 'student']),
        run06('given', ['--heldout', heldout]),
      ]);
    }, 900_000);
    const results = (run: string) =>
      JSON.parse(readFileSync(join(dir, run, 'results/06-counting.json'), 'utf8')) as ReportJson;
    const html = (run: string) => readFileSync(join(dir, run, 'html/06-counting.html'), 'utf8');

    it('--heldout: none for another text unless given, and the run records which', () => {
      expect(none.status, none.stdout + none.stderr).toBe(0);
      expect(given.status, given.stdout + given.stderr).toBe(0);
      expect(none.stdout).toMatch(/heldout none/);
      expect(results('none').heldout).toBeNull();
      expect(results('given').heldout).toEqual({
        path: 'data/enwik_heldout_1024.txt',
        sha256: sha256(readFileSync(heldout)),
        bytes: 1024,
      });
    });

    it('no held-out claim, column or trace without --heldout; with it, the held-out claim as lib computes it', () => {
      expect(none.status, none.stdout + none.stderr).toBe(0);
      expect(given.status, given.stdout + given.stderr).toBe(0);
      const [a, b] = [results('none'), results('given')];
      const ids = (r: ReportJson) => r.claims.map((c) => c.id);
      expect(ids(b).filter((id) => !ids(a).includes(id))).toEqual(['count.kn_heldout_best']);
      // Every other claim is the same number: the held-out text only adds.
      expect(a.claims.map((c) => [c.id, c.measured])).toEqual(
        b.claims.filter((c) => c.id !== 'count.kn_heldout_best').map((c) => [c.id, c.measured]),
      );
      const heldoutColumns = (r: ReportJson) =>
        Object.keys(r.tables.counting[0]).filter((k) => k.includes('held out'));
      expect(heldoutColumns(a)).toEqual([]);
      expect(heldoutColumns(b)).toHaveLength(3);
      const textBytes = loadBytes(prose),
        heldoutBytes = loadBytes(heldout);
      const knBest = Math.min(
        ...Array.from(
          { length: 14 },
          (_, i) => countScore(heldoutBytes, ngramFamily(i + 1), knRule, 'heldout', textBytes).bpc,
        ),
      );
      expect(b.claims.find((c) => c.id === 'count.kn_heldout_best')!.measured).toBe(knBest);
      expect(html('none')).toMatch(
        /No held-out text<\/strong> in this run: the text <code>seed003_prose_1024\.txt<\/code> is not the paper/,
      );
      expect(html('given')).toMatch(
        /Held-out text<\/strong>: <code>enwik_heldout_1024\.txt, enwik8 bytes 1024–2047<\/code>/,
      );
      // The figure as stored: held-out traces (the dotted curves and the sat-rnn's held-out line) only with a held-out text.
      const traces = (run: string) =>
        (
          JSON.parse(
            readFileSync(join(dir, run, 'figures/06-counting/bpc-by-order.json'), 'utf8'),
          ) as { data: { name: string }[] }
        ).data.map((t) => t.name);
      expect(traces('none').filter((n) => /held/.test(n))).toEqual([]);
      expect(traces('given').filter((n) => /held/.test(n))).toEqual([
        'PPM-C, held out',
        'Kneser–Ney, held out',
        'pattern chain, PPM-C, held out',
        'sat-rnn, held-out text',
      ]);
    });

    it('--edition student: the same notebook without its worked answers, the checks kept', () => {
      expect(none.status, none.stdout + none.stderr).toBe(0);
      expect(html('none')).not.toContain('<details class="answer"');
      expect(html('given')).toContain('<details class="answer"');
      expect(html('none')).toMatch(/[✔✘] 06\./);
      expect(Object.keys(results('none').checks).length).toBeGreaterThanOrEqual(1);
      expect(readFileSync(join(dir, 'none', 'index.html'), 'utf8')).toContain(
        '<b>Student edition.</b>',
      );
    });
  });
});
