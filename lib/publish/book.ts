/**
 * The book: `writeBook(outDir)` turns a run's output folder into a site a reader opens at
 * `index.html`: the study's front page (the source documents, one entry per notebook with its
 * claim counts and run time, the claims dashboard filterable by verdict and notebook, the
 * single-scale comparison of every bpc the notebooks measure, and a gallery of every figure), and
 * every page gets the book's navigation and search (book-navigation.ts, book-search.ts): a
 * previous / index / next header on each render, a sidebar of every notebook and the current one's
 * sections, cross-references as links, and a search box over the whole book. The book is
 * relocatable: MathJax and require.js are copied into assets/ and the renders point there instead
 * of /usr/share, the search index is a script beside them (no fetch), so a copied or zipped folder
 * opens anywhere offline (plotly is embedded in the renders already).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../core/files.js';
import { escapeHtml, formatCell } from '../notebook/table.js';
import { readResults } from './paper.js';
import { CAUSE_KINDS, summarize, formatTolerance, type Claim } from '../notebook/ledger.js';
import { exportFigure } from '../notebook/export.js';
import { styleFigure, OKABE_ITO } from '../notebook/figure.js';
import type { ReportJson } from '../notebook/report.js';
import type { Edition } from '../notebook/answers.js';
import { projectRoot } from '../notebook/inputs.js';
import { ORIGINAL_REPOSITORY, SOURCE_DOCUMENTS, originalFile } from '../notebook/sources.js';
import {
  BOOK_CSS,
  FOLD_JS,
  NAVIGATION_JS,
  bookChrome,
  bookPageOf,
  linkReferences,
  renderSections,
  withChrome,
  withoutChrome,
  type BookPage,
} from './book-navigation.js';
import { buildSearchIndex, searchIndexScript, searchScript } from './book-search.js';

/** Where Debian's packages put the scripts the nbconvert HTML template loads. */
const SYSTEM_JS = '/usr/share/javascript';
/** The parts of MathJax 2 that the template's TeX-AMS_CHTML-full configuration loads. */
const MATHJAX_PARTS = [
  'MathJax.js',
  'config',
  'extensions',
  'jax/input/TeX',
  'jax/output/CommonHTML',
  'jax/element',
  'fonts/HTML-CSS/TeX/woff',
  'localization/en',
];

/** Copy MathJax and require.js into <outDir>/assets (once). */
function copyAssets(outDir: string): void {
  const assets = join(outDir, 'assets');
  for (const part of MATHJAX_PARTS) {
    const to = join(assets, 'mathjax', part);
    if (!existsSync(to)) cpSync(join(SYSTEM_JS, 'mathjax', part), to, { recursive: true });
  }
  const require = join(assets, 'requirejs', 'require.min.js');
  if (!existsSync(require)) cpSync(join(SYSTEM_JS, 'requirejs', 'require.min.js'), require);
}

/** A render as a page of the book: pointed at the copied assets, its cross-references linked, with the book's chrome. */
function bookPage(
  html: string,
  here: BookPage,
  book: readonly BookPage[],
  prev: string | null,
  next: string | null,
): string {
  const page = linkReferences(html.split(`file://${SYSTEM_JS}/`).join('../assets/'), here, book);
  return withChrome(page, bookChrome(here, book, 'render', prev, next));
}

/** The front page as a page of the book (the sidebar lists its sections on the front page itself). */
function studyPage(sections: BookPage['sections']): BookPage {
  return { file: 'index.html', title: 'The study (index)', sections };
}

/** Title (the first Markdown heading) and first paragraph of an executed notebook. */
function notebookAbout(outDir: string, name: string): { title: string; about: string } {
  const path = join(outDir, 'notebooks', `${name}.ipynb`);
  if (!existsSync(path)) return { title: name, about: '' };
  const nb = JSON.parse(readFileSync(path, 'utf8')) as {
    cells: { cell_type: string; source: string[] | string }[];
  };
  const md = nb.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
  const first = md[0] ?? '';
  const title = /^#\s+(.*)$/m.exec(first)?.[1] ?? name;
  const about =
    first
      .split(/\n\s*\n/)
      .slice(1)
      .find((p) => p.trim() !== '') ?? '';
  return { title, about: about.replace(/\s+/g, ' ').trim() };
}

/** A public file of the original work as a link to it on GitHub at its commit. */
function fileLink(ref: string): string {
  return `<a href="${originalFile(ref).url}"><code>${escapeHtml(ref)}</code></a>`;
}

/**
 * Which claims each public file of the original repository bears on: the files the claims' causes
 * consulted, each with the ids of those claims, sorted by file.
 */
export function filesBearingOnClaims(
  claims: readonly Claim[],
): Array<{ ref: string; claims: string[] }> {
  const by = new Map<string, string[]>();
  for (const c of claims)
    for (const ref of c.cause?.consulted ?? []) by.set(ref, [...(by.get(ref) ?? []), c.id]);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ref, ids]) => ({ ref, claims: ids }));
}

/** The index's source list: the two documents with their public addresses, the repository, and the files that bear on claims. */
function sourcesSection(claims: readonly Claim[], haveAccount: boolean): string {
  const docs = SOURCE_DOCUMENTS.map(
    (d) =>
      `<li><a href="${d.url}">${escapeHtml(d.title)}</a>, ${escapeHtml(d.authors)}, ${d.date} (${escapeHtml(d.about)}; its programs: <a href="${ORIGINAL_REPOSITORY.url}/tree/${d.commit}"><code>${ORIGINAL_REPOSITORY.name}@${d.commit}</code></a>)</li>`,
  ).join('');
  const files = filesBearingOnClaims(claims);
  const rows = files
    .map(
      (f) =>
        `<tr><td>${fileLink(f.ref)}</td><td>${escapeHtml(originalFile(f.ref).experiment)}</td><td>${f.claims.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}</td></tr>`,
    )
    .join('\n');
  return (
    `<ul>${docs}<li>The companion repository <a href="${ORIGINAL_REPOSITORY.url}"><code>${ORIGINAL_REPOSITORY.name}</code></a>: one experiment per commit, with its programs, papers and models; the published model is <code>${ORIGINAL_REPOSITORY.name}@efbaac3:sat_model.bin</code>.</li></ul>` +
    `${haveAccount ? '<p>The project\'s own account of the original work, every fact the notebooks rely on and where it is public: <a href="docs/original-work.md">docs/original-work.md</a>.</p>' : ''}` +
    `<h3 id="public-files">Public files that bear on a claim</h3>` +
    (files.length === 0
      ? '<p>No claim of this run consulted a public file (every claim reproduces or differs for another cause).</p>'
      : `<p>Every file of the original repository read for a claim that differs (the causes' <code>consulted</code> lists), and the claims it bears on.</p><table id="public-files-table"><thead><tr><th>file</th><th>experiment</th><th>claims</th></tr></thead><tbody>\n${rows}\n</tbody></table>`)
  );
}

/** Each notebook's seed section, from the notebook table of the project README (`| \`<nb>\` | <source> | … |`). */
function seedSections(): Map<string, string> {
  const readme = join(projectRoot(), 'README.md');
  const rows = existsSync(readme) ? readFileSync(readme, 'utf8').split('\n') : [];
  return new Map(
    rows.flatMap((l) => {
      const m = /^\| `([0-9]{2}-[a-z0-9-]+)` \| ([^|]+) \|/.exec(l);
      return m ? [[m[1], m[2].trim()] as [string, string]] : [];
    }),
  );
}

/** Markdown-ish text to HTML: escape, then `code`, *emphasis* and **strong**. */
function inline(md: string): string {
  return escapeHtml(md)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/\*([^*]+)\*/g, '<i>$1</i>');
}

/** The single-scale comparison: every bpc claim of the run, ours beside the paper's. */
async function allConfigurations(outDir: string, results: readonly ReportJson[]): Promise<string> {
  // Scores of configurations, not differences between two of them (those are bpc too, but tiny).
  const rows = results.flatMap((r) =>
    r.claims
      .filter((c) => c.unit === 'bpc' && c.measured >= 0.01 && c.measured <= 64)
      .map((c) => ({ ...c, notebook: r.notebook })),
  );
  rows.sort((a, b) => a.measured - b.measured);
  const y = rows.map((c) => c.id);
  const fig = styleFigure('all-configurations', {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'this run',
        x: rows.map((c) => c.measured),
        y,
        marker: { color: OKABE_ITO[0], size: 7 },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'paper',
        x: rows.map((c) => c.paper),
        y,
        marker: {
          symbol: 'x-thin-open',
          size: 9,
          color: OKABE_ITO[6],
          line: { width: 2, color: OKABE_ITO[6] },
        },
      },
    ],
    layout: {
      xaxis: { title: { text: 'bits per character (bpc, log scale)' }, type: 'log' },
      yaxis: {
        title: { text: 'configuration (claim id)' },
        automargin: true,
        tickfont: { size: 9 },
      },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
      margin: { l: 260, t: 40 },
    },
    width: 900,
    height: 120 + 14 * rows.length,
  });
  // Drawn again only when what it shows changed (a run whose notebooks were all cached starts no browser).
  const dir = join(outDir, 'figures', 'index');
  const spec = join(dir, 'all-configurations.json'),
    json = JSON.stringify(fig);
  const drawn = ['svg', 'png', 'pdf'].every((e) =>
    existsSync(join(dir, `all-configurations.${e}`)),
  );
  if (!drawn || !existsSync(spec) || readFileSync(spec, 'utf8') !== json) {
    const files = await exportFigure(fig);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, 'all-configurations.svg'), files.svg);
    writeFileAtomic(join(dir, 'all-configurations.png'), files.png);
    writeFileAtomic(join(dir, 'all-configurations.pdf'), files.pdf);
    writeFileAtomic(spec, json);
  }
  return `${rows.length} bpc measurements`;
}

/** Seconds each notebook took in this run, by notebook name (from the runner); a notebook not in it was cached. */
export type Timings = Readonly<Record<string, number>>;

/** The index's paragraph on the edition: what the exercises hold in it, and how to build the other. */
function editionNote(edition: Edition, results: readonly ReportJson[]): string {
  const checks = results.reduce((n, r) => n + Object.keys(r.checks ?? {}).length, 0);
  const how =
    `Every notebook ends with exercises; ${checks} of them have a check a student calls with an answer, ` +
    "<code>check('03.ex2', answer)</code>, which says right or wrong and why.";
  return edition === 'student'
    ? `<p class="summary"><b>Student edition.</b> ${how} The worked answers are left out; the default edition (<code>npm run notebooks</code>) shows them, folded.</p>`
    : `<p class="summary">${how} The worked answers are folded below each notebook's exercises; <code>npm run notebooks -- --edition student</code> builds this book without them.</p>`;
}

/** Write <outDir>/index.html and the book's headers and assets; returns the index path. */
export async function writeBook(
  outDir: string,
  timings: Timings = {},
  edition: Edition = 'default',
): Promise<string> {
  const results = readResults(outDir);
  copyAssets(outDir);
  const htmlDir = join(outDir, 'html');
  const files = existsSync(htmlDir)
    ? readdirSync(htmlDir)
        .filter((f) => f.endsWith('.html'))
        .sort()
    : [];
  const renders = files.map((f) => {
    const html = readFileSync(join(htmlDir, f), 'utf8'),
      bare = withoutChrome(html);
    return { file: f, html, bare, page: bookPageOf(f, bare) };
  });
  const book = [studyPage([]), ...renders.map((r) => r.page)];
  renders.forEach((r, i) => {
    const page = bookPage(r.bare, r.page, book, files[i - 1] ?? null, files[i + 1] ?? null);
    if (page !== r.html) writeFileAtomic(join(htmlDir, r.file), page);
  });
  writeFileAtomic(join(outDir, 'assets', 'book.css'), BOOK_CSS);
  writeFileAtomic(join(outDir, 'assets', 'book.js'), searchScript() + NAVIGATION_JS + FOLD_JS);
  writeFileAtomic(
    join(outDir, 'assets', 'search-index.js'),
    searchIndexScript(
      buildSearchIndex(renders.map((r) => ({ href: `html/${r.file}`, html: r.bare }))),
    ),
  );
  // The project's account of the original work, at the same place relative to the renders as in the repository (notebooks link ../docs/original-work.md).
  const account = join(projectRoot(), 'docs', 'original-work.md');
  if (existsSync(account)) cpSync(account, join(outDir, 'docs', 'original-work.md'));
  const configurations = await allConfigurations(outDir, results);
  const first = results[0];
  const sections = seedSections();
  const entries = results
    .map((r) => {
      const { title, about } = notebookAbout(outDir, r.notebook);
      const t = timings[r.notebook];
      const section = sections.get(r.notebook);
      const n = summarize(r.claims);
      return (
        `<section class="nb tex2jax_process"><h3><a href="html/${r.notebook}.html">${inline(title)}</a></h3>${section ? `<p class="meta">Seed: ${escapeHtml(section)}</p>` : ''}<p>${inline(about)}</p>` +
        `<p class="meta">${r.claims.length} claims: <b>${n.reproduces}</b> reproduce, <b>${n.differs}</b> differ (${n.byCause.unexplained} unexplained), <b>${n.notInPaper}</b> new` +
        `${t === undefined ? ` · reused from the run of ${escapeHtml(r.run?.madeAt ?? 'an earlier run')} (cached)` : ` · ran in ${t.toFixed(1)} s`} · <a href="html/${r.notebook}.html">HTML</a> · <a href="notebooks/${r.notebook}.ipynb">executed notebook</a>` +
        `${existsSync(join(outDir, 'pdf', `${r.notebook}.pdf`)) ? ` · <a href="pdf/${r.notebook}.pdf">handout (PDF)</a>` : ''}</p></section>`
      );
    })
    .join('\n');
  const all: Claim[] = results.flatMap((r) => r.claims);
  const summary = summarize(all);
  const causeCell = (c: Claim) =>
    !c.cause
      ? ''
      : `<span class="cause c-${c.cause.kind}">${c.cause.kind}</span> ${escapeHtml(c.cause.because)}${c.cause.evidence === undefined ? '' : ` <span class="meta">(evidence: <code>${escapeHtml(c.cause.evidence)}</code>)</span>`}` +
        (c.cause.consulted === undefined
          ? ''
          : ` <span class="meta consulted">consulted: ${c.cause.consulted.map(fileLink).join(', ')}</span>`);
  const spreads = zooSpreads(all);
  const spreadNote = (id: string) => {
    const z = spreads.get(id);
    return z
      ? `<br><span class="meta" title="spread of this claim over the model zoo (notebook 07)">zoo: ${escapeHtml(formatCell(z.mean, 4))} ± ${escapeHtml(formatCell(z.sd, 3))} (n = ${z.n})</span>`
      : '';
  };
  const claimRows = results
    .flatMap((r) =>
      r.claims.map(
        (c) =>
          `<tr data-verdict="${c.verdict}" data-notebook="${r.notebook}" data-cause="${c.cause?.kind ?? ''}"><td><code>${escapeHtml(c.id)}</code></td><td>${escapeHtml(c.description)}</td>` +
          `<td class="n">${c.paper === null ? '—' : escapeHtml(formatCell(c.paper, 6))}</td><td class="n">${escapeHtml(formatCell(c.measured, 6))}${spreadNote(c.id)}</td><td>${escapeHtml(c.unit)}</td>` +
          `<td class="n"${c.toleranceWhy ? ` title="${escapeHtml(c.toleranceWhy)}"` : ''}>${escapeHtml(formatTolerance(c.tolerance))}</td>` +
          `<td class="v-${c.verdict}">${c.verdict}</td><td>${causeCell(c)}</td><td><a href="html/${r.notebook}.html">${r.notebook}</a></td></tr>`,
      ),
    )
    .join('\n');
  const byCause = CAUSE_KINDS.filter((k) => summary.byCause[k] > 0 && k !== 'unexplained').map(
    (k) => `${summary.byCause[k]} ${k}`,
  );
  const summaryLine =
    `<p id="ledger-summary" class="summary">${summary.claims} claims. <b>${summary.reproduces}</b> reproduce the paper; <b>${summary.differs}</b> differ` +
    `${byCause.length ? `, by cause: ${byCause.join(', ')}` : ''}; <b id="unexplained-count">${summary.byCause.unexplained} unexplained</b>; ${summary.notInPaper} are not in the paper.</p>`;
  const gallery = results
    .flatMap((r) =>
      Object.entries(r.figures).map(([name, f]) => {
        const png = f.files.find((p) => p.endsWith('.png'));
        return `<figure><a href="html/${r.notebook}.html"><img loading="lazy" src="${png}" alt="${escapeHtml(name)}"></a><figcaption><b>${r.notebook} · ${escapeHtml(name)}</b>: ${escapeHtml(f.caption)}</figcaption></figure>`;
      }),
    )
    .join('\n');
  const option = (v: string) => `<option value="${v}">${v}</option>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sat-rnn notebooks: the study</title>
<style>
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:26px} h2{margin-top:36px;border-bottom:1px solid #ccc} h3{margin-bottom:4px}
.meta{color:#444;font-size:14px} code{font-size:13px}
table{border-collapse:collapse;font-size:13px} th,td{padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
#claims{width:100%} #claims td:not(.n){overflow-wrap:anywhere}
.summary{font-size:15px;background:#f6f6f6;padding:8px 12px;border-left:4px solid #0072B2}
.cause{font-family:monospace;font-size:12px;white-space:nowrap;background:#eee;padding:0 4px;border-radius:3px} .c-unexplained{background:#D55E00;color:#fff}
.v-reproduces{color:#009E73;font-weight:bold} .v-differs{color:#D55E00;font-weight:bold} .v-not-in-paper{color:#555}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px} figure{margin:0} figure img{width:100%;border:1px solid #ddd} figcaption{font-size:12px}
</style>
<script type="text/x-mathjax-config">MathJax.Hub.Config({ tex2jax: { inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true, ignoreClass: 'tex2jax_ignore', processClass: 'tex2jax_process' }, messageStyle: 'none' });</script>
<script src="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full"></script>
</head><body class="tex2jax_ignore">
<h1>sat-rnn notebooks: the study</h1>
<p>A small saturated recurrent network (128 tanh units, 82,304 parameters) trained on the first 1024 bytes of enwik8, and how much of it data statistics alone can derive.
${first ? `This run: model <code>${escapeHtml(basename(first.model.path))}</code> (sha256 <code>${first.model.sha256}</code>, ${formatCell(first.model.bpc, 4)} bpc) on <code>${escapeHtml(basename(first.data.path))}</code> (${first.data.bytes} bytes, sha256 <code>${first.data.sha256}</code>).` : ''}</p>
${editionNote(edition, results)}
<h2 id="sources">Source documents</h2>
${sourcesSection(all, existsSync(account))}
<h2 id="notebooks">Notebooks</h2>
${entries}
<h2 id="claims-dashboard">Claims dashboard</h2>
${summaryLine}
<p>Every claim of every notebook: the paper's value (quoted) beside the one this run measured; the verdict is computed from the claim's stated tolerance (hover it for the reason).
A claim that differs says why, with a cause from a fixed vocabulary: <code>unpublished-input</code> (the paper measured an input we do not have), <code>typed-constant</code> (the program printed a typed-in number),
<code>program-not-public</code>, <code>rule-differs</code> (the paper used another rule; the evidence claim measures under it and reproduces), <code>our-definition</code>, <code>chaotic-training</code>, <code>paper-inconsistent</code> (the seeds contradict themselves) and <code>unexplained</code>.</p>
<p>Verdict <select id="f-verdict"><option value="">all</option>${['reproduces', 'differs', 'not-in-paper'].map(option).join('')}</select>
cause <select id="f-cause"><option value="">all</option>${CAUSE_KINDS.map(option).join('')}</select>
notebook <select id="f-notebook"><option value="">all</option>${results.map((r) => option(r.notebook)).join('')}</select> <span id="f-count"></span></p>
<table id="claims"><thead><tr><th>claim</th><th>what</th><th>paper</th><th>measured</th><th>unit</th><th>tolerance</th><th>verdict</th><th>cause</th><th>notebook</th></tr></thead><tbody>
${claimRows}
</tbody></table>
<h2 id="all-configurations">All configurations on one scale</h2>
<p>Every configuration the notebooks score in bpc (${configurations}; differences between two configurations left out), the seed's section 9 extended: dots are this run, crosses the paper's value where it states one. Also as <a href="figures/index/all-configurations.pdf">PDF</a> and <a href="figures/index/all-configurations.svg">SVG</a>.</p>
<img src="figures/index/all-configurations.svg" alt="all configurations" style="max-width:100%">
<h2 id="figures">Figures</h2>
<div class="gallery">
${gallery}
</div>
<script>
const rows = [...document.querySelectorAll('#claims tbody tr')];
function filter() {
  const v = document.getElementById('f-verdict').value, n = document.getElementById('f-notebook').value, k = document.getElementById('f-cause').value;
  let shown = 0;
  for (const r of rows) { const ok = (!v || r.dataset.verdict === v) && (!n || r.dataset.notebook === n) && (!k || r.dataset.cause === k); r.style.display = ok ? '' : 'none'; shown += ok; }
  document.getElementById('f-count').textContent = shown + ' of ' + rows.length + ' claims';
}
for (const id of ['f-verdict', 'f-notebook', 'f-cause']) document.getElementById(id).onchange = filter;
filter();
</script>
</body></html>
`;
  const index = join(outDir, 'index.html');
  writeFileAtomic(
    index,
    withChrome(html, bookChrome(studyPage(renderSections(html)), book, 'index', null, null)),
  );
  return index;
}

/**
 * The zoo spread of each claim notebook 07 measured: from its `luck.<id>.mean` and `luck.<id>.sd`
 * claims and the zoo size `luck.runs`, keyed by the claim id `<id>` of notebooks 00–05 (the evidence
 * a `chaotic-training` cause points to).
 */
export function zooSpreads(
  claims: readonly Claim[],
): Map<string, { mean: number; sd: number; n: number }> {
  const byId = new Map(claims.map((c) => [c.id, c.measured]));
  const n = byId.get('luck.runs');
  const out = new Map<string, { mean: number; sd: number; n: number }>();
  if (n === undefined) return out;
  for (const c of claims) {
    const m = /^luck\.(.+)\.mean$/.exec(c.id);
    const sd = m ? byId.get(`luck.${m[1]}.sd`) : undefined;
    if (m && sd !== undefined) out.set(m[1], { mean: c.measured, sd, n });
  }
  return out;
}
