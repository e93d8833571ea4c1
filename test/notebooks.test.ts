/**
 * Executes notebook 00 through the real toolchain (npm run notebooks → nbconvert → tslab kernel →
 * chromium) and checks its results, tables and figure files; checks that a cell with a type error
 * fails the run loudly, and that the execution cache reuses exactly the notebooks that did not change.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, HANDOUT_MARGIN_MM } from '../lib/notebook/export.js';
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
import { bibKey, ORIGINAL_REPOSITORY, SOURCE_DOCUMENTS } from '../lib/notebook/sources.js';
import type { ReportJson } from '../lib/notebook/report.js';
import type { RunTimings } from '../tools/run-timings.js';
import { ROOT, TRAIN_TEXT, checkSliders } from './helpers.js';

/** Our trained model when present, else the published one (both are valid inputs for notebook 00). */
const MODEL = join(ROOT, 'data/sat_model.bin');

/**
 * The runner as `npm run notebooks` starts it: node with tsx's loader, no tsx CLI in between (its
 * signal relay SIGKILLs a child that does not acknowledge a signal within 30 ms, as on a loaded machine).
 */
const RUNNER = ['--import', 'tsx', join(ROOT, 'tools/run-notebooks.ts')];

/** Start the runner; `exited` resolves with its status and output. */
function startNotebooks(args: string[]) {
  const p = spawn(process.execPath, [...RUNNER, ...args], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: ROOT },
  });
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
function runNotebooks(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return startNotebooks(args).exited;
}

/** A notebook file of code cells (tslab kernel), after a markdown cell when `markdown` is given. */
function notebookFile(path: string, sources: string[], markdown?: string): void {
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
function claimNotebook(dir: string, name: string, markdown: string): void {
  notebookFile(
    join(dir, `${name}.ipynb`),
    [
      `import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('${name}');`,
      `report.claim({ id: 'cache.bpc', description: 'bpc', paper: null, measured: report.bpc, unit: 'bpc' });\nawait report.finish();`,
    ],
    markdown,
  );
}

/** Run folders of notebook `name` in dist/runs. */
function runFolders(name: string): string[] {
  const runs = join(ROOT, 'dist', 'runs');
  return existsSync(runs) ? readdirSync(runs).filter((f) => f.startsWith(`${name}-`)) : [];
}

/**
 * The book, opened as a reader would from a copy of the output folder in another directory: no
 * failed request or console error, the dashboard lists exactly the run's claims, every notebook
 * link resolves, and a render's math is typeset (no raw $$ left) under its navigation header.
 */
async function checkBook(out: string, json: ReportJson): Promise<void> {
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
function pdfPageSize(file: string): [number, number] {
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
function wordsBeyondRightMargin(pdf: string): string[] {
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
function pngSize(b: Buffer): [number, number] {
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('npm run notebooks', () => {
  it('executes notebook 00 and writes its ledger, tables and figures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nb00-'));
    const r = await runNotebooks(['--only', '00', '--model', MODEL, '--out', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[00\] 00-sat-rnn: done/m);

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
    expect(nb.split('plotly.js v2').length - 1).toBe(1);
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

  it('--edition student: the same notebook without its worked answers, the checks kept', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nb00-student-'));
    const r = await runNotebooks([
      '--only',
      '00',
      '--model',
      MODEL,
      '--out',
      out,
      '--edition',
      'student',
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const html = readFileSync(join(out, 'html/00-sat-rnn.html'), 'utf8');
    expect(html).not.toContain('<details class="answer"');
    expect(html).toMatch(/[✔✘] 00\./);
    const json = JSON.parse(
      readFileSync(join(out, 'results/00-sat-rnn.json'), 'utf8'),
    ) as ReportJson;
    expect(Object.keys(json.checks).length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<b>Student edition.</b>');
    const bad = await runNotebooks(['--only', '00', '--edition', 'teacher', '--out', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--edition: expected one of default, student, got 'teacher'/);
  }, 300_000);

  it('fails loudly, showing the cell, when a cell has a type error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbbad-'));
    mkdirSync(join(dir, 'nb'));
    const cell = (src: string) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: src,
    });
    writeFileSync(
      join(dir, 'nb', '99-broken.ipynb'),
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
          cell(
            "import { parameterCount } from 'sat-rnn/lib/core/model';\nconst n: string = parameterCount(128);",
          ),
          cell("console.log('SECOND CELL RAN');"),
        ],
      }),
    );
    const r = await runNotebooks([
      '--dir',
      join(dir, 'nb'),
      '--model',
      MODEL,
      '--out',
      join(dir, 'out'),
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CELL 0 FAILED/);
    expect(r.stderr).toContain('const n: string = parameterCount(128);');
    expect(r.stderr).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(r.stderr).toMatch(/FAILED: notebook 99-broken.ipynb/);
    expect(r.stdout + r.stderr).not.toContain('SECOND CELL RAN');
    expect(existsSync(join(dir, 'out/notebooks/99-broken.ipynb'))).toBe(false);
  });

  it('refuses an output folder that would overwrite the notebook sources, and empty options', async () => {
    for (const out of ['.', 'notebooks', 'notebooks/sub']) {
      const r = await runNotebooks(['--only', '00', '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--out .*: the executed notebooks would overwrite the sources/);
    }
    const empty = await runNotebooks(['--model', '']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--model: empty/);
  });

  it("prints the handout of notebook 03's text, and equations too wide for a line, with no word beyond the right margin", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbhandout-'));
    const nb = join(dir, 'nb'),
      out = join(dir, 'out');
    mkdirSync(nb);
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

  it('--heldout: enwik8 1024–2047 for the paper text, none for another text unless given; a bad one is refused at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-heldout-'));
    const src = join(dir, 'src');
    mkdirSync(src);
    notebookFile(join(src, '90-heldout.ipynb'), [
      "import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('90-heldout');",
      "report.claim({ id: 'heldout.bytes', description: 'bytes of the held-out text (-1: none)', paper: null, measured: report.heldout?.bytes.length ?? -1, unit: 'bytes' });",
      'await report.finish();',
    ]);
    const measured = (out: string) =>
      JSON.parse(readFileSync(join(out, 'results/90-heldout.json'), 'utf8')).claims[0].measured;
    const prose = join(ROOT, 'data/seed003_prose_1024.txt');
    const none = await runNotebooks([
      '--dir',
      src,
      '--model',
      MODEL,
      '--data',
      prose,
      '--out',
      join(dir, 'a'),
    ]);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/heldout none/);
    expect(measured(join(dir, 'a'))).toBe(-1);
    const given = await runNotebooks([
      '--dir',
      src,
      '--model',
      MODEL,
      '--data',
      prose,
      '--heldout',
      TRAIN_TEXT,
      '--out',
      join(dir, 'b'),
    ]);
    expect(given.status, given.stderr).toBe(0);
    expect(measured(join(dir, 'b'))).toBe(1024);
    const bad = await runNotebooks([
      '--dir',
      src,
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
  }, 600_000);

  it('notebook 06 on another text: no held-out claim, column or trace without --heldout; with it, the held-out claim as lib computes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-nb06-'));
    const prose = join(ROOT, 'data/seed003_prose_1024.txt'),
      heldout = join(ROOT, 'data/enwik_heldout_1024.txt');
    const [none, given] = await Promise.all([
      runNotebooks(['--only', '06', '--model', MODEL, '--data', prose, '--out', join(dir, 'none')]),
      runNotebooks([
        '--only',
        '06',
        '--model',
        MODEL,
        '--data',
        prose,
        '--heldout',
        heldout,
        '--out',
        join(dir, 'given'),
      ]),
    ]);
    expect(none.status, none.stdout + none.stderr).toBe(0);
    expect(given.status, given.stdout + given.stderr).toBe(0);
    const results = (run: string) =>
      JSON.parse(readFileSync(join(dir, run, 'results/06-counting.json'), 'utf8')) as ReportJson;
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
    const html = (run: string) => readFileSync(join(dir, run, 'html/06-counting.html'), 'utf8');
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
  }, 900_000);

  it('a figure cell whose export fails stops the run showing the figure and what failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-figfail-'));
    const src = join(dir, 'src');
    mkdirSync(src);
    // Raw control characters as tick labels make an SVG that is not XML: what notebook 03 drew on random bytes before byteTickLabel.
    notebookFile(join(src, '91-figfail.ipynb'), [
      "import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('91-figfail');",
      "await report.figure('raw-bytes', { data: [{ type: 'scatter', x: [0, 1], y: [0, 1] }], layout: { xaxis: { title: 'byte', tickvals: [0, 1], ticktext: [String.fromCharCode(7), String.fromCharCode(27)] }, yaxis: { title: 'y' } } }, 'raw labels');",
      "console.log('AFTER THE FIGURE');",
    ]);
    const r = await runNotebooks(['--dir', src, '--model', MODEL, '--out', join(dir, 'out')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CELL 1 FAILED/);
    expect(r.stderr).toMatch(/figure raw-bytes: export failed: .*the SVG did not load as an image/);
    expect(r.stdout + r.stderr).not.toContain('AFTER THE FIGURE');
  }, 120_000);

  it('notebook 00 shows the training log saved beside a model of the zoo, and says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sat-nb00-log-'));
    const model = join(ROOT, 'data/zoo/enwik_1024/seed-042.bin');
    const r = await runNotebooks(['--only', '00', '--model', model, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'html/00-sat-rnn.html'), 'utf8');
    expect(html).toMatch(
      /Training log: <code>seed-042\.train\.csv<\/code>, saved beside the model in use/,
    );
    const log = readFileSync(join(ROOT, 'data/zoo/enwik_1024/seed-042.train.csv'), 'utf8')
      .trim()
      .split('\n');
    const json = JSON.parse(readFileSync(join(out, 'results/00-sat-rnn.json'), 'utf8'));
    expect(json.tables['training-log'][0].epochs).toBe(log.length - 1);
  }, 900_000);

  it('relays progress to the console, and a failed rerun keeps the previous good outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbkeep-'));
    const nb = join(dir, 'nb'),
      out = join(dir, 'out');
    mkdirSync(nb);
    notebookFile(join(nb, '98-keep.ipynb'), [
      "import { Report, progressLine } from 'sat-rnn/lib/notebook';\nconst report = Report.open('98-keep');",
      'const p = progressLine();\nfor (let i = 1; i <= 3; i++) { p.update(`step ${i} of 3`, i / 3); await new Promise((r) => setTimeout(r, 1100)); }',
      "report.claim({ id: 'keep.one', description: 'one', paper: null, measured: 1, unit: 'count' });\nawait report.finish();",
    ]);
    const good = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/\[98\] step 2 of 3 \(about \d+ s left\)/);
    const before = ['results/98-keep.json', 'notebooks/98-keep.ipynb', 'html/98-keep.html'].map(
      (f) => readFileSync(join(out, f), 'utf8'),
    );

    notebookFile(join(nb, '98-keep.ipynb'), [
      "import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('98-keep');",
      "throw new Error('broken on purpose');",
    ]);
    const bad = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/The outputs of earlier runs are kept/);
    expect(
      ['results/98-keep.json', 'notebooks/98-keep.ipynb', 'html/98-keep.html'].map((f) =>
        readFileSync(join(out, f), 'utf8'),
      ),
    ).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(runFolders('98-keep')).toEqual([]);
  }, 120_000);

  it('reuses unchanged notebooks (cached) and re-runs only the one whose markdown changed, or all with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbcache-'));
    const nb = join(dir, 'nb'),
      out = join(dir, 'out');
    mkdirSync(nb);
    claimNotebook(nb, '95-first', '# First');
    claimNotebook(nb, '96-second', '# Second');
    const args = ['--dir', nb, '--model', MODEL, '--out', out, '--jobs', '2'];
    const results = () =>
      ['95-first', '96-second'].map((n) => readFileSync(join(out, 'results', `${n}.json`), 'utf8'));
    const timings = () => JSON.parse(readFileSync(join(out, 'timings.json'), 'utf8')) as RunTimings;
    const cachedOnes = () =>
      Object.entries(timings().notebooks)
        .filter(([, t]) => t.cached)
        .map(([n]) => n);

    const cold = await runNotebooks(args);
    expect(cold.status, cold.stdout + cold.stderr).toBe(0);
    expect(cachedOnes()).toEqual([]);
    expect(timings().jobs).toBe(2);
    const [first, second] = results().map((r) => JSON.parse(r) as ReportJson);
    for (const r of [first, second]) {
      expect(r.run.key).toMatch(/^[0-9a-f]{64}$/);
      expect(timings().notebooks[r.notebook]).toMatchObject({ cached: false, key: r.run.key });
    }
    expect(first.run.key).not.toBe(second.run.key);
    expect(cold.stdout).toMatch(/^\[95\] 95-first: executing$/m);
    expect(cold.stdout).toMatch(/^stage times/m);

    const before = results();
    const warm = await runNotebooks(args);
    expect(warm.status, warm.stdout + warm.stderr).toBe(0);
    expect(warm.stdout).toMatch(/95-first: cached \(made /);
    expect(warm.stdout).toMatch(/96-second: cached \(made /);
    expect(warm.stdout).not.toMatch(/executing/);
    expect(cachedOnes()).toEqual(['95-first', '96-second']);
    expect(results()).toEqual(before);

    claimNotebook(nb, '96-second', '# Second, reworded');
    const touched = await runNotebooks(args);
    expect(touched.status, touched.stdout + touched.stderr).toBe(0);
    expect(cachedOnes()).toEqual(['95-first']);
    const [firstAgain, secondAgain] = results();
    expect(firstAgain).toBe(before[0]);
    const second2 = JSON.parse(secondAgain) as ReportJson;
    expect(second2.run.key).not.toBe(second.run.key);
    expect(second2.run.madeAt > second.run.madeAt).toBe(true);
    expect(second2.claims).toEqual(second.claims);

    const forced = await runNotebooks([...args, '--force', '--only', '95']);
    expect(forced.status, forced.stdout + forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/95-first: executing/);
    const firstForced = JSON.parse(results()[0]) as ReportJson;
    expect(firstForced.run.key).toBe(first.run.key);
    expect(firstForced.run.madeAt > first.run.madeAt).toBe(true);
  }, 300_000);

  it('SIGINT stops the run, removes its staging and run folders, and keeps earlier outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbint-'));
    const nb = join(dir, 'nb'),
      out = join(dir, 'out');
    mkdirSync(nb);
    mkdirSync(join(out, 'results'), { recursive: true });
    writeFileSync(join(out, 'results', '97-slow.json'), '{"earlier": true}\n');
    notebookFile(join(nb, '97-slow.ipynb'), ['await new Promise((r) => setTimeout(r, 60000));']);
    const run = startNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    for (
      const t0 = Date.now();
      !/97-slow: executing/.test(run.output()) && Date.now() - t0 < 30_000;
    )
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // the kernel is running the cell
    run.p.kill('SIGINT');
    const r = await run.exited;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping; the outputs of earlier runs are kept/);
    expect(readFileSync(join(out, 'results', '97-slow.json'), 'utf8')).toBe('{"earlier": true}\n');
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(runFolders('97-slow')).toEqual([]);
  }, 120_000);
});
