/**
 * Exercises that answer back: the worked answers a notebook shows (folded, in the default
 * edition) and the checks a student calls with their own answer.
 *
 *   report.answer('02.ex1', { bpc });   // shows the worked answer, arms the check
 *   check('02.ex1', 4.3);               // → "02.ex1: not yet. …" or "02.ex1: right. …"
 *
 * The student edition (`npm run notebooks -- --edition student`, which sets SAT_EDITION=student)
 * shows no worked answer; the checks work the same in both.
 */
import MarkdownIt from 'markdown-it';
import { displayHtml, displayMarkdown } from './display.js';
import { escapeHtml } from './table.js';
import { judge, type ResolvedCheck } from './sheets.js';

/** Set by the runner: the book's edition, `default` (with worked answers) or `student` (without). */
export const EDITION_ENV = 'SAT_EDITION';
export const EDITIONS = ['default', 'student'] as const;
export type Edition = (typeof EDITIONS)[number];

/** The edition this process renders (SAT_EDITION; default when unset). */
export function edition(): Edition {
  const e = process.env[EDITION_ENV] ?? 'default';
  if (!(EDITIONS as readonly string[]).includes(e))
    throw new RangeError(`${EDITION_ENV}=${e}: expected one of ${EDITIONS.join(', ')}`);
  return e as Edition;
}

/** The checks armed in this kernel by `report.answer`, by exercise id. */
const armed = new Map<string, ResolvedCheck>();

/** Arm the check of exercise `id` (called by `report.answer`). */
export function armCheck(id: string, c: ResolvedCheck): void {
  armed.set(id, c);
}

/**
 * Check a student's answer to exercise `id` (a number, or one of the choices): shows whether it is
 * right, and why not (`judge` in lib/notebook/sheets.ts returns it). The exercise's answer cell
 * must have run first.
 */
export function check(id: string, given: number | string): void {
  const c = armed.get(id);
  if (c === undefined) {
    const known = [...armed.keys()];
    throw new RangeError(
      `check('${id}'): no such check armed in this kernel; run the cell with report.answer('${id}', …) first` +
        (known.length ? ` (armed: ${known.join(', ')})` : ''),
    );
  }
  const r = judge(id, c, given);
  // Shown, not returned: a cell ending in check(…) would also print a returned object.
  displayMarkdown(`${r.right ? '✔' : '✘'} ${r.message}`);
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Math spans, `$…$` and `$$…$$`, as MathJax reads them in the renders (not inside code spans). */
const MATH = /(`+)[\s\S]*?\1|\$\$[\s\S]+?\$\$|\$(?!\s)(?:\\.|[^$\\\n])+?\$/g;

/**
 * Markdown to HTML for a worked answer, its math left for MathJax: every `$…$` span is set
 * aside before markdown-it runs (so `_` and `*` inside math stay math) and put back, escaped.
 */
export function markdownHtml(md: string): string {
  const spans: string[] = [];
  const shielded = md.replace(MATH, (m, ticks: string | undefined) => {
    if (ticks !== undefined) return m;
    spans.push(m);
    return `SATMATH${spans.length - 1}X`;
  });
  return markdown
    .render(shielded)
    .replace(/SATMATH(\d+)X/g, (_, k: string) => escapeHtml(spans[Number(k)]))
    .trim();
}

/**
 * The folded block of a worked answer: `<details class="answer">` with the answer as HTML
 * (markdown-it; nbconvert's markdown renderer would leave markdown inside an HTML block as text).
 */
export function answerHtml(id: string, asks: string, workedMarkdown: string): string {
  const anchor = `answer-${id.replace(/[^A-Za-z0-9-]/g, '-')}`;
  return (
    `<details class="answer" id="${anchor}"><summary>Answer ${escapeHtml(id)}: ${escapeHtml(asks)}</summary>\n` +
    `${markdownHtml(workedMarkdown)}\n</details>`
  );
}

/** Show a worked answer (nothing in the student edition). */
export function showAnswer(id: string, asks: string, workedMarkdown: string): void {
  if (edition() === 'student') return;
  displayHtml(answerHtml(id, asks, workedMarkdown), `Answer ${id} (${asks}): ${workedMarkdown}`);
}
