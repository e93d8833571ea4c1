/**
 * The book's navigation: every page (the index and each notebook's render) gets a bar (previous /
 * index / next on a render, the search box, a button that opens the contents on a narrow window)
 * and a sidebar listing every notebook, the current one marked with its sections (its h2/h3
 * headings, at the anchors nbconvert gives them). Cross-references in a render's Markdown text
 * ("notebook 03 §4", "notebook 03", "§6b") become links to their anchors. All of it sits between
 * two markers, so writing the book again over its own pages replaces it instead of adding to it.
 */
import { escapeHtml } from '../notebook/table.js';

/** The markers around what the book adds to a page (bar, sidebar, styles, scripts). */
const CHROME_START = '<!-- sat-book -->',
  CHROME_END = '<!-- /sat-book -->';
/** The header the book's earlier versions gave a render (removed when found). */
const LEGACY_NAV_START = '<nav class="sat-book-nav"',
  LEGACY_NAV_END = '</nav><!-- sat-book-nav -->';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  sect: '§',
  middot: '·',
};

/**
 * Text with its HTML character references decoded (numeric ones, and the few named ones nbconvert writes).
 * @example
 * decodeEntities('4 &#183; The carrier &amp; its &lt;bits&gt;') // → '4 · The carrier & its <bits>'
 */
export function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return NAMED_ENTITIES[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** The page without its scripts and style sheets (their text is not the page's text, and may hold anything). */
export function withoutScripts(html: string): string {
  return html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ');
}

/**
 * The text of an HTML fragment: tags dropped (with the contents of scripts and style sheets),
 * references decoded, white space collapsed.
 * @example
 * htmlText('<p>The <em>carrier</em>&#182;</p><script>x<1</script>') // → 'The carrier ¶'
 */
export function htmlText(fragment: string): string {
  return decodeEntities(withoutScripts(fragment).replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .trim();
}

/** A heading of a page: its level (1 the title), its anchor, its text and the section number it starts with. */
export interface BookSection {
  readonly level: 1 | 2 | 3;
  /** The heading's id as the page has it (nbconvert's, percent-encoded: `4-%C2%B7-The-carrier`). */
  readonly id: string;
  readonly title: string;
  /** `6b` for "6b · Four carrier architectures", `1` for "1. The data", else null. */
  readonly number: string | null;
  /** How the number is set off: `·` (the seeds' section numbers, which a bare § reference means) or `.` (a list). */
  readonly numberedBy: '·' | '.' | null;
}

/**
 * The section number a heading starts with and how it is set off, or null.
 * @example
 * sectionNumber('6b · Four carrier architectures') // → { number: '6b', numberedBy: '·' }
 * sectionNumber('1. The data') // → { number: '1', numberedBy: '.' }
 * sectionNumber('Exercises') // → null
 */
export function sectionNumber(title: string): { number: string; numberedBy: '·' | '.' } | null {
  const m = /^(\d+[a-z]?)(?:\s*(·)\s|(\.)\s)/.exec(title);
  return m ? { number: m[1], numberedBy: m[2] === '·' ? '·' : '.' } : null;
}

/**
 * The headings h1–h3 of a page that carry an id (nbconvert gives every Markdown heading one), in order,
 * each with where its tag starts in `withoutScripts(html)`; the ¶ anchor link nbconvert adds to each
 * is not part of the title.
 */
export function sectionsAt(html: string): Array<{ at: number; section: BookSection }> {
  return [
    ...withoutScripts(html).matchAll(/<h([1-3])\b[^>]*?\bid="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/gi),
  ].map((m) => {
    const title = htmlText(m[3].replace(/<a\b[^>]*class="anchor-link"[^>]*>[\s\S]*?<\/a>/g, ''));
    const n = sectionNumber(title);
    return {
      at: m.index ?? 0,
      section: {
        level: Number(m[1]) as 1 | 2 | 3,
        id: decodeEntities(m[2]),
        title,
        number: n?.number ?? null,
        numberedBy: n?.numberedBy ?? null,
      },
    };
  });
}

/**
 * The headings h1–h3 of a page that carry an id, in order (`sectionsAt` without the places).
 * @example
 * renderSections('<h2 id="4-%C2%B7-The-carrier">4 &#183; The carrier<a class="anchor-link" href="#4-%C2%B7-The-carrier">&#182;</a></h2><h4 id="x">x</h4>') // → [{ level: 2, id: '4-%C2%B7-The-carrier', title: '4 · The carrier', number: '4', numberedBy: '·' }]
 */
export function renderSections(html: string): BookSection[] {
  return sectionsAt(html).map((s) => s.section);
}

/** A page of the book: its file (`index.html`, or a render's name in html/), its title and its sections. */
export interface BookPage {
  readonly file: string;
  readonly title: string;
  readonly sections: readonly BookSection[];
}

/** A render as a page of the book: its title is its first h1 (else the file name). */
export function bookPageOf(file: string, html: string): BookPage {
  const sections = renderSections(html);
  return {
    file,
    title: sections.find((s) => s.level === 1)?.title ?? file.replace(/\.html$/, ''),
    sections,
  };
}

/**
 * The anchor of section `number` of a page: the first heading numbered so. A bare § reference
 * (`bare`) means a section numbered `N · Title` only: where a notebook numbers its sections `N. Title`,
 * its text's bare § references are the seed's sections (notebooks 00, 01, 02 and 07).
 */
export function sectionAnchor(
  sections: readonly BookSection[],
  number: string,
  bare: boolean,
): string | null {
  return (
    sections.find((s) => s.level > 1 && s.number === number && (!bare || s.numberedBy === '·'))
      ?.id ?? null
  );
}

/** A reference: "notebook 03 §4", "Notebook 02", or a bare "§6b"; a § number may have parts ("§7.3", never a section of ours). */
const REFERENCE =
  /\b([Nn]otebook (\d\d))\b(?:,? §(\d+[a-z]?(?:\.\d+)*)\b)?|§(\d+[a-z]?(?:\.\d+)*)\b/g;
/** What makes a bare § reference another document's: "seed 000 §2", "(seed 000) §3", "the seed's §9", "the paper's §5", "pattern-chains.tex §3". */
const QUALIFIED =
  /(?:\bseeds?(?:'s|’s|')?(?:\s+\d+)?|\bpaper(?:'s|’s)?|\.[a-z]+)[`'"’”*_)]*,?\s*\(?$/i;
/** What joins a § reference to the one before it in a list ("§3 and §9", "§3/§9"): the second is the same document's. */
const LISTED = /^\s*(?:,|and|or|\/|–|-)?\s*$/;

/**
 * A text's references as HTML: each a link (class `sat-xref`) where its target exists in the book, the rest escaped.
 * `here` is the page the text is on (hrefs are relative to it: renders are siblings in html/); other notebooks are
 * found by their number (the file name's first two digits);
 * `before` is the text just before this one in the same paragraph (it may qualify a § reference at the start).
 * @example
 * const here = { file: '06-counting.html', title: '06', sections: [{ level: 2, id: 'one', title: '1 · The rule', number: '1', numberedBy: '·' }] };
 * linkedText('the rule of §1, not seed 003 §1', here, [here]) // → 'the rule of <a class="sat-xref" href="#one">§1</a>, not seed 003 §1'
 * linkedText('§1 writes', here, [here], 'pattern-chains.tex ') // → '§1 writes'
 */
export function linkedText(
  text: string,
  here: BookPage,
  book: readonly BookPage[],
  before = '',
): string {
  let out = '',
    at = 0,
    lastEnd = -1,
    lastQualified = false;
  for (const m of text.matchAll(REFERENCE)) {
    const start = m.index ?? 0;
    let href: string | null = null,
      linked = m[0];
    if (m[1] !== undefined) {
      const page = book.find((p) => p.file.startsWith(`${m[2]}-`));
      const anchor = page && m[3] !== undefined ? sectionAnchor(page.sections, m[3], false) : null;
      if (page)
        href = `${page.file === here.file ? '' : page.file}${anchor === null ? '' : `#${anchor}`}`;
      if (page && m[3] !== undefined && anchor === null) linked = m[1];
      lastQualified = true;
    } else {
      const listed = lastEnd >= 0 && LISTED.test(text.slice(lastEnd, start));
      const qualified: boolean = listed
        ? lastQualified
        : QUALIFIED.test((before + text.slice(0, start)).slice(-40));
      const anchor = qualified ? null : sectionAnchor(here.sections, m[4], true);
      if (anchor !== null) href = `#${anchor}`;
      lastQualified = qualified;
    }
    lastEnd = start + m[0].length;
    if (href === null || href === '') continue;
    out +=
      escapeHtml(text.slice(at, start)) +
      `<a class="sat-xref" href="${escapeHtml(href)}">${escapeHtml(linked)}</a>`;
    at = start + linked.length;
  }
  return out + escapeHtml(text.slice(at));
}

/** Elements whose text is never linked: links, code, headings, math and raw text. */
const NO_LINKS = new Set([
  'a',
  'code',
  'pre',
  'kbd',
  'samp',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'svg',
  'math',
  'textarea',
  'button',
  'select',
]);

/** Tags that end a paragraph's text (what comes before them does not qualify a reference after them). */
const BLOCKS = new Set([
  'p',
  'li',
  'ul',
  'ol',
  'div',
  'br',
  'tr',
  'td',
  'th',
  'table',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

/** A text segment of rendered Markdown with its references linked, math (`$…$`, `$$…$$`) left as it is; `before` as for `linkedText`. */
function linkSegment(
  raw: string,
  here: BookPage,
  book: readonly BookPage[],
  before: string,
): string {
  if (!/§|&#167;|&sect;|[Nn]otebook \d\d/.test(raw)) return raw;
  let context = before;
  return raw
    .split(/(\$\$[\s\S]*?\$\$|\$[^$]*\$)/)
    .map((part, i) => {
      const text = decodeEntities(part);
      const linked = i % 2 === 1 ? part : linkedText(text, here, book, context);
      context = (context + text).slice(-40);
      return linked === escapeHtml(text) ? part : linked;
    })
    .join('');
}

/**
 * A render with the cross-references in its rendered Markdown (Markdown cells and Markdown outputs)
 * as links; links this function made before are first undone, so it may run over its own output.
 */
export function linkReferences(html: string, here: BookPage, book: readonly BookPage[]): string {
  const src = html.replace(/<a class="sat-xref" href="[^"]*">([^<]*)<\/a>/g, '$1');
  const tag = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g;
  let out = '',
    at = 0,
    mdDepth = 0,
    skip = 0,
    recent = '';
  for (let m = tag.exec(src); m !== null; m = tag.exec(src)) {
    const text = src.slice(at, m.index);
    out += mdDepth > 0 && skip === 0 ? linkSegment(text, here, book, recent) : text;
    const name = (m[2] ?? '').toLowerCase(),
      closing = m[1] === '/';
    recent = BLOCKS.has(name) ? '' : (recent + decodeEntities(text)).slice(-40);
    let end = m.index + m[0].length;
    if (!closing && (name === 'script' || name === 'style')) {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = end;
      end = close.exec(src)?.index ?? src.length;
    } else if (name === 'div' && mdDepth > 0) mdDepth += closing ? -1 : 1;
    else if (name === 'div' && !closing && /\bjp-RenderedMarkdown\b/.test(m[3])) mdDepth = 1;
    else if (NO_LINKS.has(name) && !m[0].endsWith('/>'))
      skip = Math.max(0, skip + (closing ? -1 : 1));
    out += src.slice(m.index, end);
    at = end;
    tag.lastIndex = end;
  }
  return out + src.slice(at);
}

/** Where a page is: the book's front page or a render in html/ (the paths to the others follow). */
export type PagePlace = 'index' | 'render';

/** The book's bar, sidebar, style sheet and scripts for one page, between the chrome markers. */
export function bookChrome(
  here: BookPage,
  book: readonly BookPage[],
  place: PagePlace,
  prev: string | null,
  next: string | null,
): string {
  const up = place === 'render' ? '../' : '';
  const href = (p: BookPage) =>
    p.file === 'index.html' ? `${up}index.html` : place === 'render' ? p.file : `html/${p.file}`;
  const link = (to: string | null, text: string) =>
    to ? `<a href="${to}">${text}</a>` : `<span class="sat-off">${text}</span>`;
  const sections = here.sections
    .filter((s) => s.level > 1)
    .map(
      (s) =>
        `<li class="sat-h${s.level}"><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`,
    )
    .join('');
  const entry = (p: BookPage) =>
    p.file === here.file
      ? `<li class="sat-current"><a href="${href(p)}" aria-current="page">${escapeHtml(p.title)}</a>${sections ? `<ol class="sat-sections">${sections}</ol>` : ''}</li>`
      : `<li><a href="${href(p)}">${escapeHtml(p.title)}</a></li>`;
  const toggle =
    '<button type="button" id="sat-book-toggle" class="sat-book-toggle" aria-controls="sat-book-side" aria-expanded="false">☰ Contents</button>';
  const search =
    '<div class="sat-book-search" role="search"><input type="search" id="sat-book-q" placeholder="Search the book" aria-label="Search the book" autocomplete="off">' +
    '<ol id="sat-book-results" class="sat-book-results tex2jax_process" hidden></ol></div>';
  const bar =
    place === 'render'
      ? `<nav class="sat-book-nav sat-book-bar">${toggle}${link(prev, '← previous')}${link('../index.html', 'index')}${link(next, 'next →')}${search}</nav>`
      : `<div class="sat-book-bar">${toggle}<b>sat-rnn notebooks</b>${search}</div>`;
  return (
    `${CHROME_START}<link rel="stylesheet" href="${up}assets/book.css">${bar}` +
    `<aside id="sat-book-side" class="sat-book-side tex2jax_process" aria-label="Contents"><ol class="sat-pages">${book.map(entry).join('')}</ol></aside>` +
    `<script defer src="${up}assets/search-index.js"></script><script defer src="${up}assets/book.js"></script>${CHROME_END}`
  );
}

/** A page without what the book added to it (the chrome, and the header of the book's earlier versions). */
export function withoutChrome(html: string): string {
  let out = html;
  for (const [start, end] of [
    [CHROME_START, CHROME_END],
    [LEGACY_NAV_START, LEGACY_NAV_END],
  ]) {
    const i = out.indexOf(start),
      j = out.indexOf(end, i);
    if (i >= 0 && j >= 0) out = out.slice(0, i) + out.slice(j + end.length);
  }
  return out;
}

/** A page with the book's chrome right after its <body> tag (any earlier chrome replaced). */
export function withChrome(html: string, chrome: string): string {
  return withoutChrome(html).replace(/<body\b[^>]*>/i, (m) => m + chrome);
}

/** The book's style sheet (assets/book.css): the bar, the sidebar beside the text on a wide window and over it on demand on a narrow one, none in print. */
export const BOOK_CSS = `
.sat-book-bar{position:sticky;top:0;z-index:20;display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:8px 16px;background:#fff;border-bottom:1px solid #ccc;font:14px/1.4 'DejaVu Sans',Arial,sans-serif}
.sat-book-bar .sat-off{color:#999}
.sat-book-toggle{display:none;font:inherit;padding:2px 8px;cursor:pointer}
.sat-book-search{position:relative;margin-left:auto}
.sat-book-search input{width:18em;max-width:70vw;font:inherit;padding:3px 6px;box-sizing:border-box}
.sat-book-results{position:absolute;right:0;top:100%;z-index:40;width:32em;max-width:calc(100vw - 32px);max-height:70vh;overflow-y:auto;margin:4px 0 0;padding:4px 0;list-style:none;background:#fff;border:1px solid #bbb;box-shadow:0 4px 12px rgba(0,0,0,.15);font-size:13px}
.sat-book-results li{padding:3px 10px}
.sat-book-results li a{display:block;text-decoration:none;color:#0b4f8a}
.sat-book-results li a:hover,.sat-book-results li a:focus{background:#eef4fa}
.sat-book-results .sat-where{color:#555}
.sat-book-results .sat-count{color:#777;font-size:12px}
.sat-book-side{position:fixed;top:0;left:0;bottom:0;z-index:30;width:280px;box-sizing:border-box;overflow-y:auto;padding:12px 10px 32px;background:#f7f7f7;border-right:1px solid #ddd;font:13px/1.35 'DejaVu Sans',Arial,sans-serif}
.sat-book-side ol{list-style:none;margin:0;padding:0}
.sat-book-side .sat-pages>li{margin:0 0 6px}
.sat-book-side a{display:block;padding:2px 6px;border-radius:3px;color:#0b4f8a;text-decoration:none}
.sat-book-side a:hover{background:#e8eef5}
.sat-book-side .sat-current>a{background:#0072B2;color:#fff;font-weight:bold}
.sat-book-side .sat-sections{margin:4px 0 4px 8px;border-left:2px solid #0072B2}
.sat-book-side .sat-h3 a{padding-left:18px;font-size:12px}
.sat-book-side .sat-sections a.sat-here{background:#dcebf6;font-weight:bold}
h1[id],h2[id],h3[id],h4[id]{scroll-margin-top:56px}
@media screen and (min-width:1100px){body:has(>#sat-book-side){margin-left:290px!important}}
@media screen and (max-width:1099.98px){.sat-book-side{display:none;box-shadow:4px 0 16px rgba(0,0,0,.25)}body.sat-side-open .sat-book-side{display:block}.sat-book-toggle{display:inline-block}}
@media print{.sat-book-side,.sat-book-bar{display:none!important}}
details.answer{margin:10px 0;padding:4px 12px;border-left:4px solid #009E73;background:#f2f9f6}
details.answer>summary{cursor:pointer;font-weight:bold;color:#00664a}
.sat-show-code{display:block;margin:2px 0;font:12px 'DejaVu Sans',Arial,sans-serif;padding:1px 8px;cursor:pointer;color:#0b4f8a;background:#f4f7fa;border:1px solid #c9d6e2;border-radius:3px}
.sat-folded>.jp-Cell-inputWrapper{display:none}
`;

/**
 * The script that folds set-up and answer cells (cell tags `hide-input` and `answer`) behind a
 * "show code" button: their code is there, one click away, but the page reads as text, tables and
 * figures. Without scripts every cell shows its code.
 */
export const FOLD_JS = `
(function () {
  var cells = document.querySelectorAll('.jp-CodeCell.celltag_hide-input, .jp-CodeCell.celltag_answer');
  Array.prototype.forEach.call(cells, function (cell) {
    var input = cell.querySelector('.jp-Cell-inputWrapper');
    if (!input) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'sat-show-code';
    function show(open) {
      cell.classList.toggle('sat-folded', !open);
      button.textContent = open ? 'hide code' : 'show code';
      button.setAttribute('aria-expanded', String(open));
    }
    button.addEventListener('click', function () { show(cell.classList.contains('sat-folded')); });
    cell.insertBefore(button, input);
    show(false);
  });
})();
`;

/**
 * The sidebar's script for assets/book.js: the contents button opens and closes it on a narrow
 * window (a link followed, Escape or a click beside it closes it), and the section in view is marked
 * in it as the reader scrolls.
 */
export const NAVIGATION_JS = `
(function () {
  var toggle = document.getElementById('sat-book-toggle'), side = document.getElementById('sat-book-side');
  if (!toggle || !side) return;
  function open(yes) {
    document.body.classList.toggle('sat-side-open', yes);
    toggle.setAttribute('aria-expanded', String(yes));
  }
  toggle.addEventListener('click', function () { open(!document.body.classList.contains('sat-side-open')); });
  side.addEventListener('click', function (e) { if (e.target.closest('a')) open(false); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') open(false); });
  document.addEventListener('click', function (e) { if (!side.contains(e.target) && !toggle.contains(e.target)) open(false); });
  var links = Array.prototype.slice.call(side.querySelectorAll('.sat-sections a[href^="#"]'));
  var targets = links.map(function (a) { return document.getElementById(a.getAttribute('href').slice(1)); });
  var pending = false;
  function mark() {
    pending = false;
    var here = -1;
    targets.forEach(function (t, i) { if (t && t.getBoundingClientRect().top <= 80) here = i; });
    links.forEach(function (a, i) { a.classList.toggle('sat-here', i === here); });
  }
  document.addEventListener('scroll', function () { if (!pending) { pending = true; requestAnimationFrame(mark); } }, { capture: true, passive: true });
  mark();
})();
`;
