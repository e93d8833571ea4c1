/**
 * What a notebook says in prose, kept out of its code cells (one module per notebook in
 * lib/notebook/sheets/, listed in sheets/index.ts):
 *
 * - the **claim sheet**: for each claim id its description, the paper's value and where it is
 *   quoted from (in the description), the unit, the tolerance and why, and the cause should it
 *   differ. The cell that measures only names the claim and passes the value:
 *   `report.measure('sub.trained', trained.train, { trained: trained.train })`.
 * - the **answer sheet**: for each exercise (or predict-then-move prompt) its worked answer, and,
 *   where the answer is a number or a choice, a check a student calls with theirs:
 *   `check('02.ex1', 4.31)`.
 *
 * Text may quote what the run measured: `{{name}}` is replaced by the value the cell passes under
 * that name, `{{name:3}}` by a number with three decimals.
 *
 *   fillText('scores {{bpc:3}} bpc on {{text}}', { bpc: 4.96512, text: 'enwik' }, 'x')
 *   // → 'scores 4.965 bpc on enwik'
 */
import type { Cause, ClaimInput, Tolerance } from './ledger.js';

/** Values a cell passes to fill a sheet's text: numbers, or words such as a text's label. */
export type SheetValues = Readonly<Record<string, number | string>>;

/** One claim's prose and paper value; `description`, `toleranceWhy` and `cause.because` may quote values. */
export interface SheetClaim {
  readonly description: string;
  /** The paper's value, or null when the paper states none. */
  readonly paper: number | null;
  readonly unit: string;
  readonly tolerance?: Tolerance;
  readonly toleranceWhy?: string;
  readonly cause?: Cause;
}

/** A notebook's claims by id. */
export type ClaimSheet = Readonly<Record<string, SheetClaim>>;

/** A wrong answer a student is likely to give, and what the check tells them. */
export interface Mistake {
  /** A number, or `{{name}}` for a value the cell passes. */
  readonly answer: number | string;
  readonly why: string;
}

/** The check of a numerical answer: right within `tolerance` (absolute, in `unit`). */
export interface NumberCheck {
  readonly kind: 'number';
  /** A number, or `{{name}}` for a value the cell passes (measured on the run's model). */
  readonly answer: number | string;
  readonly tolerance: number;
  readonly unit: string;
  /** Said when the answer is wrong and near none of the mistakes: a nudge, not the answer. */
  readonly hint: string;
  readonly mistakes?: readonly Mistake[];
}

/** The check of a choice among a few options (compared case-insensitively, trimmed). */
export interface ChoiceCheck {
  readonly kind: 'choice';
  readonly choices: readonly string[];
  /** The right choice, or `{{name}}` for one the run decides (e.g. 'yes' or 'no'). */
  readonly answer: string;
  /** Why each wrong choice is wrong (may quote values); a wrong choice without an entry gets `hint`. */
  readonly why?: Readonly<Record<string, string>>;
  readonly hint: string;
}

/** One exercise's worked answer (markdown, may quote values) and, optionally, its check. */
export interface SheetAnswer {
  /** What is asked, in a few words (the exercise itself is in the notebook's markdown). */
  readonly asks: string;
  readonly worked: string;
  readonly check?: NumberCheck | ChoiceCheck;
}

/** A notebook's exercises by id, `<notebook number>.<name>`, e.g. `03.ex2` or `03.predict-alpha`. */
export type AnswerSheet = Readonly<Record<string, SheetAnswer>>;

/** A notebook's two sheets. */
export interface NotebookSheets {
  readonly claims: ClaimSheet;
  readonly answers: AnswerSheet;
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)(?::(\d{1,2}))?\}\}/g;

/** Replace every `{{name}}` / `{{name:d}}` in `text` by its value; `where` names the text in errors. */
export function fillText(text: string, values: SheetValues, where: string): string {
  return text.replace(PLACEHOLDER, (_, name: string, digits: string | undefined) => {
    if (!(name in values)) {
      const have = Object.keys(values);
      throw new RangeError(
        `${where}: the text quotes {{${name}}}, but the cell passed no value '${name}' (passed: ${have.length ? have.join(', ') : 'none'})`,
      );
    }
    const v = values[name];
    if (digits === undefined) return String(v);
    if (typeof v !== 'number')
      throw new RangeError(
        `${where}: {{${name}:${digits}}} asks for decimals of a non-number ('${v}')`,
      );
    return v.toFixed(Number(digits));
  });
}

/** The names a text quotes, in order of first use. */
export function quotedNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

function entryOf<T>(sheet: Readonly<Record<string, T>>, id: string, what: string): T {
  const e = sheet[id];
  if (e !== undefined) return e;
  const stem = id.split('.')[0];
  const near = Object.keys(sheet)
    .filter((k) => k.startsWith(stem))
    .slice(0, 8);
  throw new RangeError(
    `${what} '${id}' is not on the notebook's sheet (lib/notebook/sheets/)${near.length ? `; it has ${near.join(', ')}${near.length === 8 ? ', …' : ''}` : ''}`,
  );
}

/** The claim `id` of a sheet with the measured value and the quoted values filled in. */
export function claimFromSheet(
  sheet: ClaimSheet,
  id: string,
  measured: number,
  values: SheetValues = {},
): ClaimInput {
  const e = entryOf(sheet, id, 'claim');
  const fill = (t: string, part: string) => fillText(t, values, `claim ${id} (${part})`);
  return {
    id,
    description: fill(e.description, 'description'),
    paper: e.paper,
    measured,
    unit: e.unit,
    ...(e.tolerance === undefined ? {} : { tolerance: e.tolerance }),
    ...(e.toleranceWhy === undefined ? {} : { toleranceWhy: fill(e.toleranceWhy, 'toleranceWhy') }),
    ...(e.cause === undefined
      ? {}
      : { cause: { ...e.cause, because: fill(e.cause.because, 'cause') } }),
  };
}

/** A check with its values filled in: what the run knows of an exercise's answer. */
export type ResolvedCheck =
  | {
      kind: 'number';
      answer: number;
      tolerance: number;
      unit: string;
      hint: string;
      mistakes: Array<{ answer: number; why: string }>;
    }
  | {
      kind: 'choice';
      choices: string[];
      answer: string;
      why: Record<string, string>;
      hint: string;
    };

/** A number, or `{{name}}` filled from the cell's values (NaN when that value is not a number). */
function numberIn(v: number | string, values: SheetValues, where: string): number {
  return typeof v === 'number' ? v : Number(fillText(v, values, where));
}

function numberOf(v: number | string, values: SheetValues, where: string): number {
  const n = numberIn(v, values, where);
  if (!Number.isFinite(n)) throw new RangeError(`${where}: '${v}' is not a finite number (${n})`);
  return n;
}

/** Resolve an exercise's check against the cell's values (numbers and texts filled in). */
export function resolveCheck(
  id: string,
  c: NumberCheck | ChoiceCheck,
  values: SheetValues,
): ResolvedCheck {
  const where = `exercise ${id}`;
  if (c.kind === 'number') {
    if (!(c.tolerance > 0))
      throw new RangeError(`${where}: tolerance must be > 0, got ${c.tolerance}`);
    const answer = numberOf(c.answer, values, `${where} (answer)`);
    return {
      kind: 'number',
      answer,
      tolerance: c.tolerance,
      unit: c.unit,
      hint: fillText(c.hint, values, `${where} (hint)`),
      // A mistake the run cannot tell from the answer (within the tolerance), or one that does
      // not apply to this run (NaN, e.g. a held-out value without a held-out text), is left out.
      mistakes: (c.mistakes ?? [])
        .map((m, i) => ({
          answer: numberIn(m.answer, values, `${where} (mistake ${i + 1})`),
          why: fillText(m.why, values, `${where} (mistake ${i + 1})`),
        }))
        .filter((m) => Number.isFinite(m.answer) && Math.abs(m.answer - answer) > c.tolerance),
    };
  }
  const answer = fillText(c.answer, values, `${where} (answer)`);
  if (!c.choices.some((x) => same(x, answer)))
    throw new RangeError(
      `${where}: the answer '${answer}' is not one of the choices ${c.choices.join(', ')}`,
    );
  const why: Record<string, string> = {};
  for (const [k, t] of Object.entries(c.why ?? {}))
    why[k] = fillText(t, values, `${where} (why ${k})`);
  return {
    kind: 'choice',
    choices: [...c.choices],
    answer,
    why,
    hint: fillText(c.hint, values, `${where} (hint)`),
  };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The verdict of a check on a student's answer: right or not, and a sentence saying why. */
export interface CheckResult {
  readonly right: boolean;
  readonly message: string;
}

/** Judge `given` against a resolved check (pure: the notebook's `check` shows the result). */
export function judge(id: string, c: ResolvedCheck, given: number | string): CheckResult {
  if (c.kind === 'number') {
    const x = typeof given === 'number' ? given : Number(given);
    if (!Number.isFinite(x))
      return { right: false, message: `${id}: expected a number (in ${c.unit}), got '${given}'.` };
    if (Math.abs(x - c.answer) <= c.tolerance)
      return {
        right: true,
        message: `${id}: right. ${x} is within ±${c.tolerance} ${c.unit} of the value this run measures.`,
      };
    const near = c.mistakes.find((m) => Math.abs(x - m.answer) <= c.tolerance);
    return {
      right: false,
      message: `${id}: not yet. ${near === undefined ? c.hint : near.why}`,
    };
  }
  const g = String(given);
  if (!c.choices.some((x) => same(x, g)))
    return {
      right: false,
      message: `${id}: expected one of ${c.choices.map((x) => `'${x}'`).join(', ')}, got '${g}'.`,
    };
  if (same(g, c.answer)) return { right: true, message: `${id}: right.` };
  const key = Object.keys(c.why).find((k) => same(k, g));
  return { right: false, message: `${id}: not yet. ${key === undefined ? c.hint : c.why[key]}` };
}

/**
 * A check's own consistency, asserted when the run resolves it: it accepts its answer and refuses
 * the wrong answers it knows (its mistakes, every other choice, and numbers two tolerances off).
 */
export function selfCheck(id: string, c: ResolvedCheck): void {
  const wrong: Array<number | string> =
    c.kind === 'number'
      ? [...c.mistakes.map((m) => m.answer), c.answer - 2 * c.tolerance, c.answer + 2 * c.tolerance]
      : c.choices.filter((x) => !same(x, c.answer));
  if (!judge(id, c, c.answer).right)
    throw new RangeError(`exercise ${id}: the check refuses its own answer ${c.answer}`);
  const accepted = wrong.filter((w) => judge(id, c, w).right);
  if (accepted.length > 0)
    throw new RangeError(
      `exercise ${id}: the check accepts the wrong answers ${accepted.join(', ')}`,
    );
}

/** The sheet entry of an exercise (a clear error naming the sheet's ids when it has none). */
export function answerFromSheet(sheet: AnswerSheet, id: string): SheetAnswer {
  return entryOf(sheet, id, 'exercise');
}
