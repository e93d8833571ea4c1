/** Unit tests of the notebook toolkit: claims ledger, tables, figure style, run inputs. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeClaim,
  verdict,
  claimRows,
  formatTolerance,
  checkEvidence,
  summarize,
  formatSummary,
  differencesMarkdown,
  candidateRows,
  CAUSE_KINDS,
  type CauseKind,
} from '../lib/notebook/ledger.js';
import {
  toDataFrame,
  dataFrameRows,
  toCsv,
  toHtml,
  toLatex,
  formatNumber,
  tableColumns,
  escapeLatex,
} from '../lib/notebook/table.js';
import { macroName } from '../lib/publish/paper.js';
import { filesBearingOnClaims } from '../lib/publish/book.js';
import { ORIGINAL_FILES, originalFile, sourcesBib } from '../lib/notebook/sources.js';
import {
  checkAxes,
  styleFigure,
  figureHtml,
  plotlyScriptTag,
  withoutPlotly,
  OKABE_ITO,
  STATIC_FIGURES,
} from '../lib/notebook/figure.js';
import {
  inputPaths,
  experimentInputs,
  projectRoot,
  DEFAULT_MODEL,
  DEFAULT_DATA,
} from '../lib/notebook/inputs.js';
import { Report, type ReportJson } from '../lib/notebook/report.js';
import { saveModel } from '../lib/core/model.js';
import { sha256, ENWIK_1024_SHA256 } from '../lib/core/data.js';
import { evaluate } from '../lib/core/rnn.js';
import { HAVE_PUBLISHED, PUBLISHED, ROOT, randomModel } from './helpers.js';

describe('claims ledger', () => {
  it('computes verdicts from the tolerance', () => {
    expect(verdict(0.079, 0.0792, { abs: 0.0005 })).toBe('reproduces');
    expect(verdict(0.079, 0.0865, { abs: 0.0005 })).toBe('differs');
    expect(verdict(100, 104, { rel: 0.05 })).toBe('reproduces');
    expect(verdict(100, 106, { rel: 0.05 })).toBe('differs');
    expect(verdict(100, 106, { abs: 10, rel: 0.01 })).toBe('reproduces');
    expect(verdict(82304, 82304, { abs: 0 })).toBe('reproduces');
    expect(verdict(1, NaN, { abs: 1e9 })).toBe('differs');
    expect(verdict(null, 0.5, null)).toBe('not-in-paper');
  });

  it('validates claims and names the offending field', () => {
    const ok = {
      id: 'satrnn.bpc',
      description: 'bpc',
      paper: 0.079,
      measured: 0.08,
      unit: 'bpc',
      tolerance: { abs: 0.01 },
      toleranceWhy: 'three decimals',
    };
    expect(makeClaim(ok).verdict).toBe('reproduces');
    expect(() => makeClaim({ ...ok, id: 'BPC' })).toThrow(/claim id 'BPC'/);
    expect(() => makeClaim({ ...ok, tolerance: undefined })).toThrow(/satrnn.bpc.*tolerance/);
    expect(() => makeClaim({ ...ok, tolerance: { abs: -1 } })).toThrow(/tolerance.abs/);
    expect(() => makeClaim({ ...ok, unit: ' ' })).toThrow(/unit is empty/);
    expect(() => makeClaim({ ...ok, paper: NaN })).toThrow(/paper must be a finite number/);
    expect(makeClaim({ ...ok, paper: null, tolerance: undefined }).verdict).toBe('not-in-paper');
    expect(() => makeClaim({ ...ok, toleranceWhy: undefined })).toThrow(
      /satrnn.bpc.*say why the tolerance is ±0.01/,
    );
    expect(() => makeClaim({ ...ok, toleranceWhy: '  ' })).toThrow(/toleranceWhy/);
  });

  const differing = {
    id: 'sr.pi_all',
    description: 'd',
    paper: 1.409,
    measured: 1.4535,
    unit: 'bpc',
    tolerance: { abs: 0.01 },
    toleranceWhy: 'decides between two readings',
  };
  const reproducing = { ...differing, id: 'sr.pi', measured: 1.4102 };

  it('gives a differing claim without a cause the kind unexplained, and keeps causes only on differing claims', () => {
    expect(makeClaim(differing).cause).toEqual({
      kind: 'unexplained',
      because: 'no cause has been shown yet',
    });
    const cause = { kind: 'typed-constant' as const, because: 'printed as a constant' };
    expect(makeClaim({ ...differing, cause }).cause).toEqual(cause);
    expect(makeClaim({ ...reproducing, cause }).cause).toBeNull();
    expect(
      makeClaim({ id: 'a.b', description: 'd', paper: null, measured: 1, unit: 'u', cause }).cause,
    ).toBeNull();
  });

  it('has a closed cause vocabulary: an unknown kind is an error naming the valid ones', () => {
    const bad = { ...differing, cause: { kind: 'bad-luck' as CauseKind, because: 'x' } };
    expect(() => makeClaim(bad)).toThrow(
      `claim sr.pi_all: unknown cause kind 'bad-luck'; expected one of ${CAUSE_KINDS.join(', ')}`,
    );
    expect(CAUSE_KINDS).toHaveLength(8);
    expect(() =>
      makeClaim({ ...differing, cause: { kind: 'our-definition', because: ' ' } }),
    ).toThrow(/needs a non-empty 'because'/);
    expect(() =>
      makeClaim({ ...differing, cause: { kind: 'rule-differs', because: 'another rule' } }),
    ).toThrow(/rule-differs needs 'evidence'/);
    expect(() =>
      makeClaim({
        ...differing,
        cause: { kind: 'rule-differs', because: 'x', evidence: 'sr.pi_all' },
      }),
    ).toThrow(/own claim/);
  });

  it('asks program-not-public and our-definition causes for the public files read, each a file of inimino/hutter at its commit', () => {
    expect(() =>
      makeClaim({ ...differing, cause: { kind: 'program-not-public', because: 'x' } }),
    ).toThrow(/cause program-not-public needs 'consulted'/);
    expect(() =>
      makeClaim({ ...differing, cause: { kind: 'our-definition', because: 'x', consulted: [] } }),
    ).toThrow(/cause our-definition needs 'consulted'/);
    expect(() =>
      makeClaim({
        ...differing,
        cause: {
          kind: 'our-definition',
          because: 'x',
          consulted: ['inimino/hutter@efbaac3:q5_redux.c'],
        },
      }),
    ).toThrow(
      /'inimino\/hutter@efbaac3:q5_redux.c' is not a public file of inimino\/hutter; expected inimino\/hutter@<commit>:<file>, e.g. inimino\/hutter@86fbef8:q5_redux.c/,
    );
    expect(() =>
      makeClaim({
        ...differing,
        cause: {
          kind: 'our-definition',
          because: 'x',
          consulted: ['inimino/hutter@86fbef8:q5_redux.c', 'inimino/hutter@86fbef8:q5_redux.c'],
        },
      }),
    ).toThrow(/twice/);
    const cause = {
      kind: 'program-not-public' as const,
      because: 'x',
      consulted: ['inimino/hutter@86fbef8:q5_redux.c', 'inimino/hutter@86fbef8:synthesis.tex'],
    };
    const c = makeClaim({ ...differing, cause });
    expect(c.cause).toEqual(cause);
    expect(claimRows([c])[0].because).toBe(
      'x (consulted: inimino/hutter@86fbef8:q5_redux.c, inimino/hutter@86fbef8:synthesis.tex)',
    );
    expect(
      differencesMarkdown([makeClaim({ ...differing, paper: 25857, measured: 38272, cause })]),
    ).toContain('(paper 25857, measured 38272)'); // a count, never rounded
    expect(differencesMarkdown([c])).toContain(
      '[`inimino/hutter@86fbef8:q5_redux.c`](https://github.com/inimino/hutter/blob/86fbef8327207dd3e510c05118ba5aedd89b32e0/q5_redux.c)',
    );
    // Other kinds may cite files too, and need not.
    expect(
      makeClaim({ ...differing, cause: { kind: 'typed-constant', because: 'x' } }).cause!.consulted,
    ).toBeUndefined();
    expect(
      filesBearingOnClaims([
        c,
        makeClaim({
          ...differing,
          id: 'a.b',
          cause: { ...cause, consulted: ['inimino/hutter@86fbef8:q5_redux.c'] },
        }),
      ]),
    ).toEqual([
      { ref: 'inimino/hutter@86fbef8:q5_redux.c', claims: ['sr.pi_all', 'a.b'] },
      { ref: 'inimino/hutter@86fbef8:synthesis.tex', claims: ['sr.pi_all'] },
    ]);
  });

  it('lists every public file of the companion repository once, with its experiment, and cites them in sources.bib', () => {
    expect(ORIGINAL_FILES.length).toBe(90); // 83 paths; sat_model.bin and pattern-chains.tex at two commits, reproduce.sh at six
    expect(new Set(ORIGINAL_FILES.map((f) => f.ref)).size).toBe(ORIGINAL_FILES.length);
    expect(originalFile('inimino/hutter@efbaac3:sat_model.bin').url).toBe(
      'https://github.com/inimino/hutter/blob/efbaac306e4b4403cf58e05aa40210cf62a4b590/sat_model.bin',
    );
    const bib = sourcesBib(['inimino/hutter@3104f4a:pattern-chains.tex']);
    for (const key of [
      'weightConstruction',
      'snExportGap',
      'hutterRepository',
      'hutter:3104f4a:pattern-chains.tex',
    ])
      expect(bib).toContain(`@misc{${key},`);
    expect(bib).toContain('\\url{https://cmpr.ai/hutter/archive/20260211/}');
    expect(() => sourcesBib(['inimino/hutter@3104f4a:nope.tex'])).toThrow(/not a public file/);
    // Balanced braces in every entry (BibTeX stops at the first unbalanced one).
    for (const entry of bib.split('@misc').slice(1))
      expect((entry.match(/\{/g) ?? []).length, entry).toBe((entry.match(/\}/g) ?? []).length);
  });

  it('rejects a rule-differs cause whose evidence does not reproduce the same paper value, naming both ids', () => {
    const cause = {
      kind: 'rule-differs' as const,
      because: 'the fit-range loss',
      evidence: 'sr.pi',
    };
    expect(() =>
      checkEvidence([makeClaim(reproducing), makeClaim({ ...differing, cause })]),
    ).not.toThrow();
    expect(() =>
      checkEvidence([
        makeClaim({ ...reproducing, measured: 1.43 }),
        makeClaim({ ...differing, cause }),
      ]),
    ).toThrow(
      /claim sr.pi_all: cause rule-differs rejected: its evidence sr.pi does not reproduce the paper \(verdict differs/,
    );
    expect(() => checkEvidence([makeClaim({ ...differing, cause })])).toThrow(
      /names evidence sr.pi, which is not a claim of this run/,
    );
    expect(() =>
      checkEvidence([
        makeClaim({ ...reproducing, paper: 1.41, measured: 1.41 }),
        makeClaim({ ...differing, cause }),
      ]),
    ).toThrow(/reproduces paper value 1.41, not this claim's 1.409/);
    // Evidence of a claim that reproduces is not checked: the cause is dropped with the verdict.
    expect(() =>
      checkEvidence([makeClaim({ ...differing, measured: 1.409, cause })]),
    ).not.toThrow();
  });

  it('summarises verdicts by cause and writes the why-they-differ list from the causes', () => {
    const claims = [
      makeClaim(reproducing),
      makeClaim(differing),
      makeClaim({
        ...differing,
        id: 'sr.c',
        cause: { kind: 'typed-constant', because: 'typed into the program' },
      }),
      makeClaim({ id: 'a.b', description: 'd', paper: null, measured: 1, unit: 'u' }),
    ];
    const s = summarize(claims);
    expect(s).toMatchObject({ claims: 4, reproduces: 1, differs: 2, notInPaper: 1 });
    expect(s.byCause['typed-constant']).toBe(1);
    expect(s.byCause.unexplained).toBe(1);
    expect(formatSummary(s)).toBe(
      '3 with a paper value: 1 reproduce; 2 differ (1 typed-constant, 1 unexplained); 1 not in the paper',
    );
    const md = differencesMarkdown(claims);
    expect(md).toContain(
      '- **typed-constant** (1):\n  - `sr.c` (paper 1.409, measured 1.454): typed into the program',
    );
    expect(md).toContain('- **unexplained** (1):');
    expect(md.indexOf('typed-constant')).toBeLessThan(md.indexOf('unexplained'));
    expect(differencesMarkdown([claims[0]])).toMatch(/Every claim with a paper value reproduces/);
  });

  it('ranks forensic candidates by their distance to the paper', () => {
    const rows = candidateRows(
      3.44,
      [
        { candidate: 'far', value: 1 },
        { candidate: 'none', value: NaN },
        { candidate: 'near', value: 3.42 },
      ],
      { abs: 0.05 },
    );
    expect(rows.map((r) => r.candidate)).toEqual(['near', 'far', 'none']);
    expect(rows[0]).toMatchObject({ nearest: true, 'within tolerance': true });
    expect(rows[0].distance).toBeCloseTo(0.02, 12);
    expect(rows[1]).toMatchObject({ nearest: false, 'within tolerance': false, distance: 2.44 });
    expect(rows[2].distance).toBe(Infinity);
    expect(() => candidateRows(1, [], { abs: 0 })).toThrow(/no candidates/);
  });

  it('renders the ledger rows with readable tolerances', () => {
    const c = makeClaim({
      id: 'a.b',
      description: 'd',
      paper: 2,
      measured: 2.1,
      unit: 'u',
      tolerance: { abs: 0.5, rel: 0.1 },
      toleranceWhy: 'w',
    });
    expect(formatTolerance(c.tolerance)).toBe('±0.5 or ±10%');
    expect(claimRows([c])).toEqual([
      {
        id: 'a.b',
        description: 'd',
        paper: 2,
        measured: 2.1,
        unit: 'u',
        tolerance: '±0.5 or ±10%',
        verdict: 'reproduces',
        cause: '',
        because: '',
      },
    ]);
    const d = makeClaim({
      id: 'a.c',
      description: 'd',
      paper: 2,
      measured: 3,
      unit: 'u',
      tolerance: { abs: 0.5 },
      toleranceWhy: 'w',
      cause: { kind: 'chaotic-training', because: 'one run', evidence: 'a.b' },
    });
    expect(claimRows([d])[0]).toMatchObject({
      verdict: 'differs',
      cause: 'chaotic-training',
      because: 'one run (evidence: a.b)',
    });
  });
});

describe('tables', () => {
  const rows = [
    { matrix: 'Wx', dims: '128×256', count: 32768, share: 0.398124, note: null },
    { matrix: 'b_h & "x"', dims: '128', count: 128, share: 1.5e-7, note: 'a,b' },
  ];

  it('round-trips rows through a danfojs DataFrame', () => {
    const df = toDataFrame('t', rows);
    expect(df.shape).toEqual([2, 5]);
    expect(df.columns).toEqual(['matrix', 'dims', 'count', 'share', 'note']);
    expect(dataFrameRows(df)).toEqual(rows);
  });

  it('rejects empty tables and rows with other columns', () => {
    expect(() => tableColumns('t', [])).toThrow(/table t: no rows/);
    expect(() => tableColumns('t', [{ a: 1 }, { b: 2 }])).toThrow(
      /row 1 has columns \[b\], expected \[a\]/,
    );
    expect(() => tableColumns('t', [{ a: [1] as unknown as number }])).toThrow(
      /column a is a object/,
    );
    expect(() => tableColumns('t', [{ shape: 'x' }])).toThrow(/column 'shape' clashes/);
  });

  it('writes CSV at full precision with RFC 4180 quoting', () => {
    expect(toCsv(toDataFrame('t', rows))).toBe(
      'matrix,dims,count,share,note\nWx,128×256,32768,0.398124,\n"b_h & ""x""",128,128,1.5e-7,"a,b"\n',
    );
  });

  it('formats numbers to significant digits', () => {
    expect(formatNumber(82304)).toBe('82304');
    expect(formatNumber(0.0792015)).toBe('0.0792');
    expect(formatNumber(0.0792015, 6)).toBe('0.0792015');
    expect(formatNumber(1.5e-7)).toBe('1.500e-7');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('renders escaped HTML with numeric columns right-aligned', () => {
    const html = toHtml(toDataFrame('t', rows), { caption: 'A <caption>' });
    expect(html).toContain('<caption');
    expect(html).toContain('A &lt;caption&gt;');
    expect(html).toContain('b_h &amp; &quot;x&quot;');
    expect(html).toMatch(/text-align:right[^>]*>32768</);
    expect(html).toMatch(/text-align:left[^>]*>Wx</);
    expect(html).toContain('>—<');
    expect((html.match(/<tr/g) ?? []).length).toBe(3);
  });

  it('renders booktabs LaTeX with escapes and math numbers', () => {
    const tex = toLatex(toDataFrame('t', rows), 'nb-t', { caption: '50% of x_1' });
    expect(tex).toContain('\\begin{tabular}{llrrl}');
    expect(tex).toContain('\\caption{50\\% of x\\_1}');
    expect(tex).toContain('\\label{tab:nb-t}');
    expect(tex).toContain('Wx & 128$\\times$256 & $32768$ & $0.3981$ & --- \\\\');
    expect(tex).toContain('b\\_h \\& "x" & 128 & $128$ & $1.500\\times10^{-7}$ & a,b \\\\');
    expect(tex.indexOf('\\toprule')).toBeLessThan(tex.indexOf('\\midrule'));
  });

  it('escapes every LaTeX special and maps Unicode for pdflatex, with a code point for anything else', () => {
    expect(escapeLatex('_ % & # $ { } ~ ^ \\ |w|')).toBe(
      '\\_ \\% \\& \\# \\$ \\{ \\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} $|$w$|$',
    );
    expect(escapeLatex('x² ≥ 3 §4 → α Δ λ₁ “q” – é')).toBe(
      "x\\textsuperscript{2} $\\geq$ 3 \\S{}4 $\\rightarrow$ $\\alpha$ $\\Delta$ $\\lambda$$_1$ ``q'' -- é",
    );
    expect(escapeLatex('snow ☃')).toBe('snow {[}U+2603{]}');
    expect(escapeLatex('[16, n‖)')).toBe('{[}16, n$\\Vert$)');
  });

  it('names claims as letter-only macros', () => {
    expect(macroName('sr.opt_all')).toBe('satSrOptAll');
    expect(macroName('count.ngram_um_o11')).toBe('satCountNgramUmOOneOne');
    expect(macroName('sr6b.hash_pi.all')).toBe('satSrSixbHashPiAll');
  });
});

describe('figures', () => {
  const spec = {
    data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }],
    layout: { xaxis: { title: 'epoch' }, yaxis: { title: { text: 'bpc (bits/char)' } } },
  };

  it('requires a title on every cartesian axis', () => {
    expect(() => checkAxes('f', spec)).not.toThrow();
    expect(() => checkAxes('f', { data: spec.data, layout: { xaxis: { title: 'x' } } })).toThrow(
      /figure f: layout.yaxis.title is missing/,
    );
    expect(() =>
      checkAxes('f', { data: spec.data, layout: { ...spec.layout, yaxis2: { overlaying: 'y' } } }),
    ).toThrow(/yaxis2/);
    expect(() => checkAxes('f', { data: [] })).toThrow(/no traces/);
    expect(() => checkAxes('f', { data: [{ type: 'pie', values: [1] }] })).not.toThrow();
  });

  it('applies the paper style without overriding the figure', () => {
    const f = styleFigure('f', {
      ...spec,
      layout: { ...spec.layout, yaxis: { title: 'y', type: 'log' } },
      width: 500,
    });
    expect(f.width).toBe(500);
    expect(f.height).toBe(400);
    expect(f.layout.colorway).toEqual([...OKABE_ITO]);
    expect((f.layout.font as { family: string }).family).toMatch(/DejaVu Sans/);
    expect(f.layout.yaxis).toMatchObject({
      type: 'log',
      title: 'y',
      ticks: 'outside',
      showline: true,
    });
    expect(() => styleFigure('f', { ...spec, width: 10 })).toThrow(
      /width must be an integer in \[100, 4000\]/,
    );
  });

  it('refuses a trace type the plotly.js bundle does not draw, in the data or a frame, naming the types it draws', () => {
    expect(() =>
      styleFigure('f', { ...spec, data: [{ type: 'scatter3d', x: [1], y: [1], z: [1] }] }),
    ).toThrow(
      /figure f: trace type 'scatter3d' is not in the plotly.js bundle \(plotly.js-cartesian-dist-min\/plotly-cartesian.min.js\), which draws bar, box, .*heatmap.*scatter/,
    );
    const frames = [{ name: 'a', data: [{ type: 'surface', z: [[1]] }] }];
    expect(() => styleFigure('f', { ...spec, frames, staticFrame: 'a' })).toThrow(
      /trace type 'surface'/,
    );
    expect(
      styleFigure('f', {
        ...spec,
        frames: [{ name: 'a', data: [{ y: [1, 2] }] }],
        staticFrame: 'a',
      }).frames,
    ).toHaveLength(1);
  });

  it('accepts typed arrays in traces', () => {
    const f = styleFigure('f', {
      ...spec,
      data: [
        {
          type: 'scatter',
          x: Float64Array.of(1, 2),
          y: Uint8Array.of(3, 4),
          marker: { size: Float32Array.of(5) },
        },
      ],
    });
    expect(f.data[0]).toEqual({ type: 'scatter', x: [1, 2], y: [3, 4], marker: { size: [5] } });
    expect(JSON.parse(JSON.stringify(f.data))).toEqual(f.data);
  });

  it('embeds the figure with a static image and script-safe JSON', () => {
    const f = styleFigure('f', {
      ...spec,
      data: [{ type: 'scatter', x: [1], y: [1], name: '</script><b>' }],
    });
    const html = figureHtml('fig-1', f, 'iVBORw0KGgo=', 'Caption <i>');
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('Caption &lt;i&gt;');
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script>');
    const tag = plotlyScriptTag();
    expect(tag.startsWith('<script')).toBe(true);
    expect(tag.match(/<\/script/gi)?.length).toBe(1);
    expect(tag.length).toBeGreaterThan(1_000_000);
    expect(tag).toContain(`if (!window.Plotly && !window.${STATIC_FIGURES})`); // a handout prints the static PNG

    // A handout is printed without the bundle: every copy goes, the rest of the page stays as it was.
    const page = `<p>a</p>${tag}${html}<script>x()</script>${tag}<p>b</p>`;
    expect(withoutPlotly(page)).toBe(`<p>a</p>${html}<script>x()</script><p>b</p>`);
    expect(withoutPlotly(html)).toBe(html);
  });
});

describe('run inputs', () => {
  it('defaults to the project files and honours the environment', () => {
    expect(projectRoot() + '/').toBe(ROOT);
    const d = inputPaths({}, {});
    expect(d.modelPath).toBe(join(ROOT, DEFAULT_MODEL));
    expect(d.dataPath).toBe(join(ROOT, DEFAULT_DATA));
    expect(d.outDir).toBe(join(ROOT, 'build'));
    const e = inputPaths(
      {},
      { SAT_MODEL: '/x/m.bin', SAT_DATA: 'data/enwik_heldout_1024.txt', SAT_OUT: '/tmp/o' },
    );
    expect(e).toEqual({
      modelPath: '/x/m.bin',
      dataPath: join(ROOT, 'data/enwik_heldout_1024.txt'),
      outDir: '/tmp/o',
    });
    expect(() => inputPaths({}, { SAT_MODEL: ' ' })).toThrow(/SAT_MODEL: set but empty/);
  });

  it('names the bad file and what was expected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(12));
    writeFileSync(join(dir, 'one.txt'), 'x');
    expect(() => experimentInputs({ modelPath: join(dir, 'missing.bin') }, {})).toThrow(
      /missing.bin: cannot be read/,
    );
    expect(() => experimentInputs({ modelPath: join(dir, 'short.bin') }, {})).toThrow(
      /short.bin.*12 bytes/,
    );
    if (HAVE_PUBLISHED) {
      expect(() =>
        experimentInputs({ modelPath: PUBLISHED, dataPath: join(dir, 'one.txt') }, {}),
      ).toThrow(/one.txt: 1 bytes, expected at least 2/);
      const ok = experimentInputs({ modelPath: PUBLISHED }, {});
      expect(ok.model.hidden).toBe(128);
      expect(ok.bytes.length).toBe(1024);
    }
  });
});

describe('Report (outside a kernel)', () => {
  it('records claims and tables and writes the results JSON, CSV and LaTeX', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const modelPath = join(dir, 'm.bin');
    saveModel(modelPath, randomModel(4, 3, 0.5));
    const report = Report.open('99-test', { modelPath, outDir: join(dir, 'out') });
    expect(report.model.hidden).toBe(4);
    expect(report.bpc).toBeCloseTo(evaluate(report.model, report.bytes).bpc, 12);
    report.claim({
      id: 'test.params',
      description: 'p',
      paper: 2,
      measured: 2,
      unit: 'count',
      tolerance: { abs: 0 },
      toleranceWhy: 'a count',
    });
    report.claim({
      id: 'test.free',
      description: 'f',
      paper: null,
      measured: 0.5,
      unit: 'fraction',
    });
    expect(() =>
      report.claim({
        id: 'test.free',
        description: 'f',
        paper: null,
        measured: 1,
        unit: 'fraction',
      }),
    ).toThrow(/already recorded/);
    report.table(
      'numbers',
      [
        { k: 1, v: 0.5 },
        { k: 2, v: null },
      ],
      { caption: 'c' },
    );
    expect(() => report.table('numbers', [{ k: 1 }])).toThrow(/already recorded/);
    expect(() => report.table('claims', [{ k: 1 }])).toThrow(/'claims' is the ledger's/);
    expect(() => report.table('Bad Name', [{ k: 1 }])).toThrow(/table name 'Bad Name'/);
    await expect(
      report.figure(
        'f',
        { data: [{ type: 'scatter', x: [1], y: [1] }], layout: { xaxis: { title: 'x' } } },
        'c',
      ),
    ).rejects.toThrow(/yaxis.title is missing/);
    await report.finish();
    expect(() =>
      report.claim({ id: 'test.late', description: 'l', paper: null, measured: 1, unit: 'u' }),
    ).toThrow(/after finish/);

    const json = JSON.parse(
      readFileSync(join(dir, 'out/results/99-test.json'), 'utf8'),
    ) as ReportJson;
    expect(json.model).toEqual({
      path: modelPath,
      sha256: sha256(readFileSync(modelPath)),
      bpc: report.bpc,
    });
    expect(json.data).toEqual({
      path: 'data/enwik_1024.txt',
      sha256: ENWIK_1024_SHA256,
      bytes: 1024,
    });
    expect(json.claims.map((c) => [c.id, c.verdict])).toEqual([
      ['test.params', 'reproduces'],
      ['test.free', 'not-in-paper'],
    ]);
    expect(json.tables).toEqual({
      numbers: [
        { k: 1, v: 0.5 },
        { k: 2, v: null },
      ],
    });
    expect(json.run).toEqual({
      key: null,
      madeAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    }); // outside the runner: no cache key
    expect(readFileSync(join(dir, 'out/results/99-test/numbers.csv'), 'utf8')).toBe(
      'k,v\n1,0.5\n2,\n',
    );
    expect(readFileSync(join(dir, 'out/results/99-test/claims.csv'), 'utf8').split('\n')[1]).toBe(
      'test.params,p,2,2,count,±0,reproduces,,',
    );
    expect(readdirSync(join(dir, 'out/results')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects at finish a rule-differs cause whose evidence does not reproduce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const modelPath = join(dir, 'm.bin');
    saveModel(modelPath, randomModel(2, 1, 0.5));
    const report = Report.open('97-evidence', { modelPath, outDir: dir });
    expect(report.onPaperText).toBe(true);
    expect(report.onArchiveModel).toBe(false);
    expect(
      report.modelCause({ kind: 'rule-differs', because: 'x', evidence: 'test.b' })?.kind,
    ).toBe('chaotic-training');
    const tol = { tolerance: { abs: 0.01 }, toleranceWhy: 'w', unit: 'u', description: 'd' };
    report.claim({
      id: 'test.a',
      paper: 1,
      measured: 2,
      ...tol,
      cause: { kind: 'rule-differs', because: 'another rule', evidence: 'test.b' },
    });
    report.claim({ id: 'test.b', paper: 1, measured: 1.5, ...tol });
    await expect(report.finish()).rejects.toThrow(
      /claim test.a: cause rule-differs rejected: its evidence test.b does not reproduce/,
    );
  });

  it("on a text other than the paper's, gives every differing claim the cause unpublished-input", () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const modelPath = join(dir, 'm.bin'),
      dataPath = join(dir, 'other.txt');
    saveModel(modelPath, randomModel(2, 1, 0.5));
    writeFileSync(dataPath, 'another text entirely');
    const report = Report.open('96-other', { modelPath, dataPath, outDir: dir });
    expect(report.onPaperText).toBe(false);
    report.claim({
      id: 'test.a',
      description: 'd',
      paper: 1,
      measured: 2,
      unit: 'u',
      tolerance: { abs: 0 },
      toleranceWhy: 'w',
      cause: { kind: 'rule-differs', because: 'x', evidence: 'test.b' },
    });
    expect(report.claimsSoFar[0].cause).toMatchObject({
      kind: 'unpublished-input',
      because: expect.stringContaining('this run reads other.txt'),
    });
  });

  it('refuses to finish without claims', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const modelPath = join(dir, 'm.bin');
    saveModel(modelPath, randomModel(2, 1, 0.5));
    await expect(Report.open('98-empty', { modelPath, outDir: dir }).finish()).rejects.toThrow(
      /no claims recorded/,
    );
    expect(() => Report.open('notebook', { modelPath, outDir: dir })).toThrow(
      /expected the file name without .ipynb/,
    );
  });
});
