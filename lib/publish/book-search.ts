/**
 * The book's search, offline: at book time every section of every render (its Markdown, code and
 * outputs as text, from one heading to the next) is cut into words, and a small inverted index
 * (each word's sections, with how often it occurs there) is written as assets/search-index.js,
 * which every page loads with a <script> (a file:// page may not fetch JSON). In the page, each
 * word typed matches every indexed word it begins (prefix matching); a section is listed when it
 * matches all the words typed, most occurrences first. The same `searchTokens` and `searchBook`
 * run here (tested) and in the page (their source is written into assets/book.js).
 */
import { bookPageOf, htmlText, sectionsAt, withoutScripts } from './book-navigation.js';

/** A place the search lists: `[href from the book's root, notebook title, section title ('' for the notebook's top)]`. */
export type SearchDoc = readonly [href: string, notebook: string, section: string];

/** The search index: the places, and each word with its places and counts (`[place, count, place, count, …]`), words sorted. */
export interface SearchIndex {
  readonly docs: readonly SearchDoc[];
  readonly terms: ReadonlyArray<readonly [string, readonly number[]]>;
}

/** A place found: where it links, its notebook and section, and how often the words occur there. */
export interface SearchHit {
  readonly href: string;
  readonly notebook: string;
  readonly section: string;
  readonly count: number;
}

/**
 * The words of a text as the search indexes and matches them: lower case, accents dropped, runs of
 * letters, digits and underscores.
 * @example
 * searchTokens('Lyapunov exponent λ₁ of W_h: 0.374, Schrödinger') // → ['lyapunov', 'exponent', 'λ1', 'of', 'w_h', '0', '374', 'schrodinger']
 */
export function searchTokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .match(/[\p{L}\p{N}_]+/gu) ?? []
  );
}

/** The sections of a render's body with their text, each from its heading (h1–h3 with an id) to the next; the text before the first has no id. */
export function sectionTexts(
  html: string,
): Array<{ id: string | null; title: string; text: string }> {
  const body = withoutScripts(/<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html);
  const sections = sectionsAt(body);
  const out = [
    {
      id: null as string | null,
      title: '',
      text: htmlText(body.slice(0, sections[0]?.at ?? body.length)),
    },
  ];
  sections.forEach(({ at, section: s }, i) =>
    out.push({
      id: s.id,
      title: s.level === 1 ? '' : s.title,
      text: htmlText(body.slice(at, sections[i + 1]?.at ?? body.length)),
    }),
  );
  return out.filter((s) => s.text !== '');
}

/**
 * The search index of a book's renders, each given by its href from the book's root
 * (`html/03-shift-register.html`) and its HTML without the book's chrome.
 */
export function buildSearchIndex(
  pages: ReadonlyArray<{ href: string; html: string }>,
): SearchIndex {
  const docs: SearchDoc[] = [];
  const postings = new Map<string, number[]>();
  for (const p of pages) {
    const notebook = bookPageOf(p.href, p.html).title;
    for (const s of sectionTexts(p.html)) {
      const doc = docs.length;
      docs.push([s.id === null ? p.href : `${p.href}#${s.id}`, notebook, s.title]);
      const counts = new Map<string, number>();
      for (const w of searchTokens(s.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const [w, n] of counts) {
        const list = postings.get(w) ?? [];
        if (list.length === 0) postings.set(w, list);
        list.push(doc, n);
      }
    }
  }
  return { docs, terms: [...postings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/**
 * The places where every word of `query` begins an indexed word, most occurrences first (then in
 * book order), at most `limit` of them, and how many there are in all. Runs in the page too: no
 * inner named functions (its source is copied there as it is).
 */
export function searchBook(
  index: SearchIndex,
  query: string,
  limit: number,
): { hits: SearchHit[]; total: number } {
  let scores: Map<number, number> | null = null;
  for (const w of searchTokens(query)) {
    const found = new Map<number, number>();
    let lo = 0,
      hi = index.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (index.terms[mid][0] < w) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < index.terms.length && index.terms[i][0].startsWith(w); i++) {
      const p = index.terms[i][1];
      for (let k = 0; k < p.length; k += 2) found.set(p[k], (found.get(p[k]) ?? 0) + p[k + 1]);
    }
    const both: Map<number, number> = new Map();
    for (const [doc, n] of found)
      if (scores === null || scores.has(doc)) both.set(doc, n + (scores?.get(doc) ?? 0));
    scores = both;
  }
  const ranked = [...(scores ?? new Map<number, number>())].sort(
    (a, b) => b[1] - a[1] || a[0] - b[0],
  );
  return {
    total: ranked.length,
    hits: ranked.slice(0, limit).map(([doc, count]) => ({
      href: index.docs[doc][0],
      notebook: index.docs[doc][1],
      section: index.docs[doc][2],
      count,
    })),
  };
}

/** assets/search-index.js: the index as the global `SAT_BOOK_SEARCH`. */
export function searchIndexScript(index: SearchIndex): string {
  return `window.SAT_BOOK_SEARCH = ${JSON.stringify(index)};\n`;
}

/** How many places the box lists at most. */
const SHOWN = 30;

/**
 * The search box's script for assets/book.js: `searchTokens` and `searchBook` as above, and what
 * lists their places under the box (links resolved against the book's root, which is the folder
 * above assets/; Enter opens the first, Escape clears).
 */
export function searchScript(): string {
  return `${searchTokens.toString()}
${searchBook.toString()}
(function () {
  var input = document.getElementById('sat-book-q'), list = document.getElementById('sat-book-results'), index = window.SAT_BOOK_SEARCH;
  if (!input || !list || !index) return;
  var root = new URL('../', document.currentScript.src);
  function item(parts) {
    var li = document.createElement('li');
    li.append.apply(li, parts);
    list.append(li);
    return li;
  }
  function span(cls, text) {
    var s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }
  function show() {
    var q = input.value.trim(), r = searchBook(index, q, ${SHOWN});
    list.replaceChildren();
    list.hidden = q === '';
    if (q === '') return;
    if (r.total === 0) item([span('sat-where', 'Nothing found for \\u201c' + q + '\\u201d.')]);
    r.hits.forEach(function (h) {
      var a = document.createElement('a');
      a.href = new URL(h.href, root).href;
      var b = document.createElement('b');
      b.textContent = h.notebook;
      a.append(b);
      if (h.section) a.append(span('sat-where', ' \\u203a ' + h.section));
      a.append(span('sat-count', ' (' + h.count + '\\u00d7)'));
      item([a]);
    });
    if (r.total > r.hits.length) item([span('sat-count', 'and ' + (r.total - r.hits.length) + ' more places: add a word')]);
    if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(['Typeset', window.MathJax.Hub, list]);
  }
  input.addEventListener('input', show);
  input.addEventListener('keydown', function (e) {
    var first = list.querySelector('a');
    if (e.key === 'Enter' && first) first.click();
    if (e.key === 'Escape') { input.value = ''; show(); }
  });
  list.addEventListener('click', function () { list.hidden = true; });
  document.addEventListener('click', function (e) { if (!e.target.closest('.sat-book-search')) list.hidden = true; });
})();
`;
}
