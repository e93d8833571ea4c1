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
import { displayMarkdown } from './display.js';
import { escapeHtml } from './table.js';
import { judge, type CheckResult, type ResolvedCheck } from './sheets.js';

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
 * Check a student's answer to exercise `id` (a number, or one of the choices): shows and returns
 * whether it is right, and why not. The exercise's answer cell must have run first.
 */
export function check(id: string, given: number | string): CheckResult {
  const c = armed.get(id);
  if (c === undefined) {
    const known = [...armed.keys()];
    throw new RangeError(
      `check('${id}'): no such check armed in this kernel; run the cell with report.answer('${id}', …) first` +
        (known.length ? ` (armed: ${known.join(', ')})` : ''),
    );
  }
  const r = judge(id, c, given);
  displayMarkdown(`${r.right ? '✔' : '✘'} ${r.message}`);
  return r;
}

/**
 * The folded block of a worked answer, as markdown: a `<details class="answer">` HTML block with
 * the worked answer between blank lines, so Jupyter's and nbconvert's markdown renderers both
 * render the answer itself (math included) as markdown inside the fold.
 */
export function answerMarkdown(id: string, asks: string, workedMarkdown: string): string {
  const anchor = `answer-${id.replace(/[^A-Za-z0-9-]/g, '-')}`;
  return (
    `<details class="answer" id="${anchor}">\n<summary>Answer ${escapeHtml(id)}: ${escapeHtml(asks)}</summary>\n\n` +
    `${workedMarkdown}\n\n</details>`
  );
}

/** Show a worked answer (nothing in the student edition). */
export function showAnswer(id: string, asks: string, workedMarkdown: string): void {
  if (edition() === 'student') return;
  displayMarkdown(answerMarkdown(id, asks, workedMarkdown));
}
