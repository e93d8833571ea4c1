/**
 * The book's navigation and search (lib/publish/book-navigation.ts, book-search.ts): section
 * extraction, cross-reference links and the search index as pure functions, then a small book
 * written by writeBook from a fixture (three executed notebooks and renders shaped like nbconvert's)
 * and opened from a copied folder in chromium: the sidebar, the references, the search box, the
 * narrow window and print, with no failed request or console error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { chromium, type Page } from 'playwright-core';
import {
  bookChrome,
  bookPageOf,
  linkReferences,
  linkedText,
  renderSections,
  sectionAnchor,
  withChrome,
  withoutChrome,
  type BookPage,
} from '../lib/publish/book-navigation.js';
import {
  buildSearchIndex,
  searchBook,
  searchIndexScript,
  searchScript,
  searchTokens,
  sectionTexts,
  type SearchIndex,
} from '../lib/publish/book-search.js';
import { writeBook } from '../lib/publish/book.js';
import { CHROMIUM, CHROMIUM_ARGS, closeExporter } from '../lib/notebook/export.js';
import type { ReportJson } from '../lib/notebook/report.js';

afterAll(closeExporter);

/** A heading's id as nbconvert makes it: spaces to '-', other characters than printable ASCII percent-encoded. */
function nbId(title: string): string {
  return title.replace(/ /g, '-').replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

/** HTML as nbconvert writes it: & < > escaped, the middle dot as a character reference. */
function nbText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/·/g, '&#183;');
}

/** A rendered Markdown cell (nbconvert's lab template): headings with ids and ¶ anchor links, paragraphs. */
function markdownCell(md: Array<[level: number, title: string] | string>): string {
  const inner = md
    .map((x) =>
      typeof x === 'string'
        ? `<p>${x}</p>`
        : `<h${x[0]} id="${nbId(x[1])}">${nbText(x[1])}<a class="anchor-link" href="#${nbId(x[1])}">&#182;</a></h${x[0]}>`,
    )
    .join('\n');
  return (
    `<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><div class="jp-Cell-inputWrapper"><div class="jp-InputArea jp-Cell-inputArea"><div class="jp-InputPrompt jp-InputArea-prompt"></div>` +
    `<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput " data-mime-type="text/markdown">\n${inner}\n</div></div></div></div>`
  );
}

/** A code cell with its source (highlighted as <pre>) and a text output. */
function codeCell(source: string, output: string): string {
  return (
    `<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-InputArea"><div class="highlight"><pre><span></span>${nbText(source)}</pre></div></div>` +
    `<div class="jp-OutputArea"><div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"><pre>${nbText(output)}</pre></div></div></div>`
  );
}

/** A render: a page with a script (whose text is no heading and no reference) and the cells. */
function render(name: string, cells: string[]): string {
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${name}</title><style>body{margin:0 16px}</style>` +
    `<script>var s = '<h2 id="fake">§4 notebook 03</h2>';</script></head>\n<body class="jp-Notebook" data-jp-theme-light="true">\n${cells.join('\n')}\n</body></html>\n`
  );
}

/** A paragraph long enough that the sections of a page do not all fit in one window. */
const FILLER = Array.from(
  { length: 150 },
  (_, i) => `Filler sentence ${i} about the saturated network.`,
).join(' ');

const NOTEBOOKS: Record<string, string> = {
  '00-alpha': render('00-alpha', [
    markdownCell([
      [1, '00 · The sat-rnn: data'],
      'The carrier of notebook 03 §4 and the architectures of notebook 03 §6b; notebook 03 §9 does not exist; notebook 05 is the gap.',
      [2, '1. The data'],
      `Seed 000 §1 counts parameters; our §1 is not a section numbered with a dot. ${FILLER}`,
    ]),
    codeCell(
      '// notebook 03 §4 in code stays as it is\nconst saturation = 0.99;',
      'saturation 0.99',
    ),
    markdownCell([
      [2, '2. Parameters'],
      `${FILLER}`,
      [3, 'A short live run'],
      `Gradient descent. ${FILLER}`,
      [2, 'Exercises'],
      'Count them.',
    ]),
  ]),
  '03-shift': render('03-shift', [
    markdownCell([
      [1, '03 · The shift register'],
      'Sections 4, 6b and 7 of the seed.',
      [2, '4 · The carrier'],
      `Sixteen groups of eight bits. ${FILLER}`,
      [2, '6b · Four carrier architectures'],
      `See §4 for the carrier, and the seed's §2 for the protocol; $x_{§4}$ is math. ${FILLER}`,
      [2, '7 · Why the trained model differs'],
      `The Lyapunov exponent of the trained model is positive. ${FILLER}`,
    ]),
    codeCell('const lambda = lyapunov(model);', 'Lyapunov exponent 0.12'),
  ]),
  '05-gap': render('05-gap', [
    markdownCell([
      [1, '05 · The SN export gap'],
      'Byte weights.',
      [2, '1 · Binary ES softmax'],
      `The matching condition. ${FILLER}`,
    ]),
  ]),
};

/** A results file of a notebook with no claims and no figures (all writeBook needs of it). */
function results(notebook: string): ReportJson {
  return {
    notebook,
    model: { path: 'data/sat_model.bin', sha256: '0'.repeat(64), bpc: 0.08 },
    data: { path: 'data/enwik_1024.txt', sha256: '1'.repeat(64), bytes: 1024 },
    heldout: null,
    claims: [],
    checks: {},
    tables: {},
    figures: {},
    run: { key: null, madeAt: '2026-01-01T00:00:00Z' },
  };
}

/** An output folder as the runner leaves it: executed notebooks, results and renders. */
function fixtureOut(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'book-nav-')), 'out');
  for (const d of ['notebooks', 'results', 'html']) mkdirSync(join(out, d), { recursive: true });
  for (const [name, html] of Object.entries(NOTEBOOKS)) {
    const title = renderSections(html)[0].title;
    writeFileSync(
      join(out, 'notebooks', `${name}.ipynb`),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: 'markdown',
            metadata: {},
            source: [`# ${title}\n`, '\n', `What ${name} asks.\n`],
          },
        ],
      }),
    );
    writeFileSync(join(out, 'results', `${name}.json`), JSON.stringify(results(name)));
    writeFileSync(join(out, 'html', `${name}.html`), html);
  }
  return out;
}

const pages = Object.entries(NOTEBOOKS).map(([name, html]) => bookPageOf(`${name}.html`, html));
const [alpha, shift] = pages;

describe('sections and cross-references', () => {
  it('reads the headings h1–h3 with their ids, titles without ¶, and section numbers; not from scripts', () => {
    const s = renderSections(NOTEBOOKS['03-shift']);
    expect(s.map((x) => [x.level, x.id, x.title, x.number, x.numberedBy])).toEqual([
      [1, '03-%C2%B7-The-shift-register', '03 · The shift register', '03', '·'],
      [2, '4-%C2%B7-The-carrier', '4 · The carrier', '4', '·'],
      [2, '6b-%C2%B7-Four-carrier-architectures', '6b · Four carrier architectures', '6b', '·'],
      [2, '7-%C2%B7-Why-the-trained-model-differs', '7 · Why the trained model differs', '7', '·'],
    ]);
    expect(alpha.title).toBe('00 · The sat-rnn: data');
    expect(alpha.sections.filter((x) => x.level > 1).map((x) => x.title)).toEqual([
      '1. The data',
      '2. Parameters',
      'A short live run',
      'Exercises',
    ]);
  });

  it('finds a section by number: the first so numbered; a bare § only among sections numbered "N ·"', () => {
    expect(sectionAnchor(shift.sections, '6b', true)).toBe('6b-%C2%B7-Four-carrier-architectures');
    expect(sectionAnchor(shift.sections, '5', false)).toBeNull();
    expect(sectionAnchor(alpha.sections, '1', false)).toBe('1.-The-data');
    expect(sectionAnchor(alpha.sections, '1', true)).toBeNull();
    const twice: BookPage = {
      file: 'x.html',
      title: 'x',
      sections: renderSections('<h2 id="a">4 · First</h2><h2 id="b">4 · Second</h2>'),
    };
    expect(sectionAnchor(twice.sections, '4', true)).toBe('a');
  });

  it('links "notebook NN §N", "notebook NN" and an own bare §N; leaves what names another document', () => {
    const link = (text: string, here: BookPage = shift, before = '') =>
      linkedText(text, here, pages, before);
    expect(link('the carrier of notebook 03 §4.', alpha)).toBe(
      'the carrier of <a class="sat-xref" href="03-shift.html#4-%C2%B7-The-carrier">notebook 03 §4</a>.',
    );
    expect(link('Notebook 05, then', alpha)).toBe(
      '<a class="sat-xref" href="05-gap.html">Notebook 05</a>, then',
    );
    expect(link('notebook 03 §9 is missing', alpha)).toBe(
      '<a class="sat-xref" href="03-shift.html">notebook 03</a> §9 is missing',
    );
    expect(link('notebook 07 is not in this book', alpha)).toBe('notebook 07 is not in this book');
    expect(link('as §6b shows')).toBe(
      'as <a class="sat-xref" href="#6b-%C2%B7-Four-carrier-architectures">§6b</a> shows',
    );
    expect(link('notebook 03 (this one)')).toBe('notebook 03 (this one)');
    for (const other of [
      'seed 000 §4',
      '(seed 000) §4 and §7',
      "the seed's §4",
      '(seed 003, §7)',
      "the paper's §4",
      'write_weights6.c §4',
      '§4.2 of it',
      'notebook 05 §4',
    ]) {
      expect(link(other), other).toBe(
        other
          .replace(/'/g, '&#39;')
          .replace('notebook 05', '<a class="sat-xref" href="05-gap.html">notebook 05</a>'),
      );
    }
    expect(link(' §4 writes', shift, 'pattern-chains.tex')).toBe(' §4 writes');
    expect(link('§1', alpha)).toBe('§1'); // 00 numbers its sections "1.": its bare § references are the seed's
  });

  it('links only in rendered Markdown, outside code, headings, links and math, and can run over its own output', () => {
    const once = linkReferences(NOTEBOOKS['03-shift'], shift, pages);
    expect(once).toContain(
      'See <a class="sat-xref" href="#4-%C2%B7-The-carrier">§4</a> for the carrier, and the seed&#39;s §2',
    );
    expect(once).toContain('$x_{§4}$ is math');
    expect(once).toContain('<h2 id="fake">§4 notebook 03</h2>'); // in the script
    expect(once.match(/sat-xref/g)).toHaveLength(1);
    expect(linkReferences(once, shift, pages)).toBe(once);
    const code = linkReferences(NOTEBOOKS['00-alpha'], alpha, pages);
    expect(code).toContain('// notebook 03 §4 in code stays as it is');
    expect(code.match(/sat-xref/g)).toHaveLength(4);
    // A reference whose target is gone loses its link when the book is written again.
    expect(
      linkReferences(
        code,
        alpha,
        pages.filter((p) => p !== shift),
      ).match(/sat-xref/g),
    ).toHaveLength(1);
  });

  it('puts the chrome right after <body>, replacing the chrome of an earlier writing and the old header', () => {
    const legacy = NOTEBOOKS['05-gap'].replace(
      '<body class="jp-Notebook" data-jp-theme-light="true">',
      (m) =>
        `${m}<nav class="sat-book-nav" style="x"><a href="../index.html">index</a></nav><!-- sat-book-nav -->`,
    );
    const chrome = bookChrome(pages[2], pages, 'render', '03-shift.html', null);
    const once = withChrome(legacy, chrome);
    expect(withChrome(once, chrome)).toBe(once);
    expect(once.match(/class="sat-book-nav/g)).toHaveLength(1);
    expect(withoutChrome(once)).toBe(NOTEBOOKS['05-gap']);
    expect(chrome).toContain('<span class="sat-off">next →</span>');
    expect(chrome).toContain(
      '<li class="sat-current"><a href="05-gap.html" aria-current="page">05 · The SN export gap</a><ol class="sat-sections"><li class="sat-h2"><a href="#1-%C2%B7-Binary-ES-softmax">',
    );
    expect(bookChrome(pages[0], pages, 'index', null, null)).toContain(
      '<a href="html/03-shift.html">03 · The shift register</a>',
    );
  });
});

describe('search index', () => {
  const index = buildSearchIndex(
    Object.entries(NOTEBOOKS).map(([name, html]) => ({ href: `html/${name}.html`, html })),
  );
  const where = (q: string) => searchBook(index, q, 50).hits.map((h) => h.href);

  it('cuts words: lower case, without accents, letters, digits and underscores', () => {
    expect(searchTokens('Lyapunov exponent of W_h: 0.12, Schrödinger')).toEqual([
      'lyapunov',
      'exponent',
      'of',
      'w_h',
      '0',
      '12',
      'schrodinger',
    ]);
  });

  it('has a place per section (and the text before the first heading), with Markdown, code and outputs', () => {
    const s = sectionTexts(NOTEBOOKS['03-shift']);
    expect(s.map((x) => x.id)).toEqual([
      '03-%C2%B7-The-shift-register',
      '4-%C2%B7-The-carrier',
      '6b-%C2%B7-Four-carrier-architectures',
      '7-%C2%B7-Why-the-trained-model-differs',
    ]);
    expect(s[3].text).toContain('const lambda = lyapunov(model); Lyapunov exponent 0.12');
    expect(s.map((x) => x.text).join(' ')).not.toContain('fake');
    expect(index.docs[0]).toEqual([
      'html/00-alpha.html#00-%C2%B7-The-sat-rnn:-data',
      '00 · The sat-rnn: data',
      '',
    ]);
    expect(index.docs).toContainEqual([
      'html/03-shift.html#7-%C2%B7-Why-the-trained-model-differs',
      '03 · The shift register',
      '7 · Why the trained model differs',
    ]);
    expect(index.terms.map(([t]) => t)).toEqual(index.terms.map(([t]) => t).sort());
  });

  it('matches word beginnings, all words of the query, most occurrences first', () => {
    expect(where('Lyapunov')).toEqual([
      'html/03-shift.html#7-%C2%B7-Why-the-trained-model-differs',
    ]);
    expect(where('lyap')).toEqual(where('Lyapunov'));
    const r = searchBook(index, 'lyap', 5).hits[0];
    expect(r).toEqual({
      href: 'html/03-shift.html#7-%C2%B7-Why-the-trained-model-differs',
      notebook: '03 · The shift register',
      section: '7 · Why the trained model differs',
      count: 3,
    });
    expect(where('carrier architectures')).toEqual([
      'html/03-shift.html#6b-%C2%B7-Four-carrier-architectures',
      'html/00-alpha.html#00-%C2%B7-The-sat-rnn:-data',
    ]);
    expect(where('carrier')[0]).toBe('html/03-shift.html#6b-%C2%B7-Four-carrier-architectures'); // twice there, once in §4 and in 00
    expect(where('gradient descent')).toEqual(['html/00-alpha.html#A-short-live-run']);
    expect(where('nonexistentword')).toEqual([]);
    expect(where('  ')).toEqual([]);
    const limited = searchBook(index, 'filler', 2);
    expect(limited.hits).toHaveLength(2);
    expect(limited.total).toBe(7);
  });

  it('runs the same in the page: the shipped script, evaluated alone, finds what searchBook finds', () => {
    const context: {
      window: { SAT_BOOK_SEARCH?: SearchIndex };
      document: { getElementById(): null };
    } = { window: {}, document: { getElementById: () => null } };
    runInNewContext(
      `${searchIndexScript(index)}\n${searchScript()}\nvar found = searchBook(window.SAT_BOOK_SEARCH, 'carrier arch', 5);`,
      context,
    );
    expect(JSON.parse(JSON.stringify((context as unknown as { found: unknown }).found))).toEqual(
      searchBook(index, 'carrier arch', 5),
    );
  });
});

/** The href of every link in the sidebar, resolved against the page, must name a file of the book. */
async function sidebarFilesExist(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('#sat-book-side a')
    .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  return hrefs.map((h) => fileURLToPath(h.replace(/#.*$/, ''))).filter((f) => !existsSync(f));
}

describe('a written book in chromium', () => {
  it('has the sidebar, links its references, searches, and keeps out of the way on a narrow window and in print', async () => {
    const out = fixtureOut();
    await writeBook(out);
    const again = readFileSync(join(out, 'html/00-alpha.html'), 'utf8');
    await writeBook(out); // written twice: the same pages
    expect(readFileSync(join(out, 'html/00-alpha.html'), 'utf8')).toBe(again);
    const copy = join(mkdtempSync(join(tmpdir(), 'book-nav-copy-')), 'moved');
    cpSync(out, copy, { recursive: true });
    const url = (f: string) => pathToFileURL(join(copy, f)).href;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
    const problems: string[] = [];
    const watch = (p: Page) => {
      p.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
      p.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return p;
    };
    try {
      const page = watch(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
      await page.goto(url('html/00-alpha.html'));
      // The sidebar: the index and every notebook by title, the current one marked with its sections.
      const side = page.locator('#sat-book-side');
      expect(await side.locator('.sat-pages > li > a').allTextContents()).toEqual([
        'The study (index)',
        ...pages.map((p) => p.title),
      ]);
      expect(await side.locator('[aria-current="page"]').innerText()).toBe(
        '00 · The sat-rnn: data',
      );
      const sections = await side
        .locator('.sat-current .sat-sections a')
        .evaluateAll((as) => as.map((a) => [a.getAttribute('href')!, a.textContent!]));
      expect(sections.length).toBeGreaterThanOrEqual(3);
      for (const [href, text] of sections)
        expect(
          await page.evaluate((id) => document.getElementById(id)?.textContent, href.slice(1)),
          href,
        ).toContain(text);
      expect(await sidebarFilesExist(page)).toEqual([]);
      expect(await page.locator('nav.sat-book-nav a', { hasText: 'index' }).count()).toBe(1);
      // Beside the text, not over it; the section in view is marked as the reader scrolls.
      const sideBox = (await side.boundingBox())!,
        title = (await page.locator('h1').boundingBox())!;
      expect(title.x).toBeGreaterThanOrEqual(sideBox.x + sideBox.width);
      await page.evaluate(() => document.getElementById('A-short-live-run')!.scrollIntoView());
      await page.waitForFunction(
        () =>
          document.querySelector('#sat-book-side a.sat-here')?.textContent === 'A short live run',
      );
      // "notebook 03 §4" is a link to that section's anchor, which exists there.
      const ref = page.locator('a.sat-xref', { hasText: 'notebook 03 §4' });
      expect(await ref.getAttribute('href')).toBe('03-shift.html#4-%C2%B7-The-carrier');
      await ref.click();
      await page.waitForURL(/03-shift\.html#/);
      expect(
        await page.evaluate(() => document.getElementById(location.hash.slice(1))?.textContent),
      ).toBe('4 · The carrier¶');
      expect(await page.locator('a.sat-xref', { hasText: '§4' }).first().getAttribute('href')).toBe(
        '#4-%C2%B7-The-carrier',
      );
      // The search box on the index lists the section of notebook 03 where "Lyapunov" occurs, and its link leads there.
      await page.goto(url('index.html'));
      await page.fill('#sat-book-q', 'Lyapunov');
      const hit = page.locator('#sat-book-results a').first();
      expect(await hit.innerText()).toContain(
        '03 · The shift register › 7 · Why the trained model differs',
      );
      expect(await hit.getAttribute('href')).toBe(
        `${url('html/03-shift.html')}#7-%C2%B7-Why-the-trained-model-differs`,
      );
      await hit.click();
      await page.waitForURL(/03-shift\.html#7-/);
      expect(
        await page.evaluate(() => document.getElementById(location.hash.slice(1))?.textContent),
      ).toBe('7 · Why the trained model differs¶');
      // From a render too (its links resolve from html/), a word beginning, and Enter opens the first place.
      await page.fill('#sat-book-q', 'gradient desc');
      expect(await page.locator('#sat-book-results a').count()).toBe(1);
      await page.press('#sat-book-q', 'Enter');
      await page.waitForURL(/00-alpha\.html#A-short-live-run$/);
      await page.fill('#sat-book-q', 'zzzz');
      expect(await page.locator('#sat-book-results').innerText()).toContain('Nothing found');
      expect(await sidebarFilesExist(page)).toEqual([]);
      // In print: no sidebar, no bar.
      await page.emulateMedia({ media: 'print' });
      expect(await side.isVisible()).toBe(false);
      expect(await page.locator('nav.sat-book-nav').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });

      // A narrow window: the sidebar is closed until the contents button opens it; a link followed closes it.
      const narrow = watch(await browser.newPage({ viewport: { width: 700, height: 800 } }));
      await narrow.goto(url('html/03-shift.html'));
      expect(await narrow.locator('#sat-book-side').isVisible()).toBe(false);
      expect((await narrow.locator('h1').boundingBox())!.x).toBeLessThan(100);
      await narrow.click('#sat-book-toggle');
      expect(await narrow.locator('#sat-book-side').isVisible()).toBe(true);
      expect(await narrow.getAttribute('#sat-book-toggle', 'aria-expanded')).toBe('true');
      await narrow.click('#sat-book-side a:text("7 · Why the trained model differs")');
      await narrow.waitForURL(/#7-/);
      expect(await narrow.locator('#sat-book-side').isVisible()).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
