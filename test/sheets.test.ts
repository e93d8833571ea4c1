/**
 * Claim and answer sheets (lib/notebook/sheets.ts): text filled from measured values, checks that
 * accept their answer and refuse wrong ones, and every notebook answering its exercises from its
 * sheet.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  claimFromSheet,
  fillText,
  judge,
  quotedNames,
  resolveCheck,
  selfCheck,
  type ClaimSheet,
  type NumberCheck,
  type ChoiceCheck,
} from '../lib/notebook/sheets.js';
import { NOTEBOOK_SHEETS } from '../lib/notebook/sheets/index.js';
import { answerHtml, edition, EDITION_ENV, markdownHtml } from '../lib/notebook/answers.js';
import { ROOT } from './helpers.js';

const SHEET: ClaimSheet = {
  'x.bpc': {
    description: 'bpc on {{text}}',
    paper: 4.965,
    unit: 'bpc',
    tolerance: { abs: 0.001 },
    toleranceWhy: 'three printed decimals',
    cause: { kind: 'unpublished-input', because: 'this run scores {{ours:3}} bpc' },
  },
};

describe('fillText', () => {
  it('fills names and fixed decimals, and names what is missing', () => {
    expect(fillText('{{a}} and {{b:2}}', { a: 'x', b: Math.PI }, 'w')).toBe('x and 3.14');
    expect(fillText('no placeholder {here}', {}, 'w')).toBe('no placeholder {here}');
    expect(() => fillText('{{a}} {{c}}', { a: 1 }, 'claim z')).toThrow(
      /claim z: the text quotes \{\{c\}\}, but the cell passed no value 'c' \(passed: a\)/,
    );
    expect(() => fillText('{{a:2}}', { a: 'word' }, 'w')).toThrow(/decimals of a non-number/);
    expect(quotedNames('{{a}} {{b:1}} {{a:3}}')).toEqual(['a', 'b']);
  });
});

describe('claimFromSheet', () => {
  it('gives the claim with its texts filled and the measured value', () => {
    const c = claimFromSheet(SHEET, 'x.bpc', 0.0797, { text: 'enwik', ours: 0.07968 });
    expect(c).toEqual({
      id: 'x.bpc',
      description: 'bpc on enwik',
      paper: 4.965,
      measured: 0.0797,
      unit: 'bpc',
      tolerance: { abs: 0.001 },
      toleranceWhy: 'three printed decimals',
      cause: { kind: 'unpublished-input', because: 'this run scores 0.080 bpc' },
    });
  });

  it('refuses an id that is not on the sheet, naming the ones it has', () => {
    expect(() => claimFromSheet(SHEET, 'x.bcp', 1)).toThrow(
      /claim 'x.bcp' is not on .*it has x.bpc/,
    );
  });
});

describe('checks', () => {
  const number: NumberCheck = {
    kind: 'number',
    answer: '{{gain}}',
    tolerance: 0.005,
    unit: 'bpc',
    hint: 'Subtract the two scores.',
    mistakes: [
      { answer: '{{before}}', why: 'That is the score itself, not the difference.' },
      { answer: '{{nothing}}', why: 'Not on this run.' },
      { answer: 0.1645, why: 'Within the tolerance of the answer: cannot be told apart.' },
    ],
  };
  const values = { gain: 0.1642, before: 0.2516, nothing: Number.NaN };

  it('a number: right within the tolerance, a known mistake says why, others get the hint', () => {
    const c = resolveCheck('t.ex1', number, values);
    expect(c.kind === 'number' && c.mistakes.map((m) => m.answer)).toEqual([0.2516]);
    expect(judge('t.ex1', c, 0.166)).toMatchObject({ right: true });
    expect(judge('t.ex1', c, '0.1642')).toMatchObject({ right: true });
    expect(judge('t.ex1', c, 0.2516).message).toBe(
      't.ex1: not yet. That is the score itself, not the difference.',
    );
    expect(judge('t.ex1', c, 0.3)).toEqual({
      right: false,
      message: 't.ex1: not yet. Subtract the two scores.',
    });
    expect(judge('t.ex1', c, 'a lot').message).toMatch(/expected a number \(in bpc\), got 'a lot'/);
    expect(() => selfCheck('t.ex1', c)).not.toThrow();
  });

  it('a choice: case and spaces do not matter; a wrong choice says why; a non-choice is named', () => {
    const choice: ChoiceCheck = {
      kind: 'choice',
      choices: ['better', 'worse'],
      answer: '{{answer}}',
      why: { better: 'Compare the two bpc: lower is better.' },
      hint: 'Score both.',
    };
    const c = resolveCheck('t.ex3', choice, { answer: 'worse' });
    expect(judge('t.ex3', c, ' Worse ')).toMatchObject({ right: true });
    expect(judge('t.ex3', c, 'better').message).toBe(
      't.ex3: not yet. Compare the two bpc: lower is better.',
    );
    expect(judge('t.ex3', c, 'same').message).toMatch(
      /expected one of 'better', 'worse', got 'same'/,
    );
    expect(() => resolveCheck('t.ex3', choice, { answer: 'same' })).toThrow(
      /not one of the choices/,
    );
    expect(() => selfCheck('t.ex3', c)).not.toThrow();
  });

  it('selfCheck finds a check that accepts a wrong answer', () => {
    const loose = resolveCheck('t.ex2', { ...number, tolerance: 0.005 }, values);
    const broken = { ...loose, tolerance: Number.POSITIVE_INFINITY } as typeof loose;
    expect(() => selfCheck('t.ex2', broken)).toThrow(/accepts the wrong answers/);
    expect(() => resolveCheck('t.ex2', { ...number, tolerance: 0 }, values)).toThrow(
      /tolerance must be > 0/,
    );
  });
});

describe('editions', () => {
  it('reads SAT_EDITION, default when unset, and refuses another', () => {
    const before = process.env[EDITION_ENV];
    try {
      delete process.env[EDITION_ENV];
      expect(edition()).toBe('default');
      process.env[EDITION_ENV] = 'student';
      expect(edition()).toBe('student');
      process.env[EDITION_ENV] = 'teacher';
      expect(() => edition()).toThrow(/SAT_EDITION=teacher: expected one of default, student/);
    } finally {
      if (before === undefined) delete process.env[EDITION_ENV];
      else process.env[EDITION_ENV] = before;
    }
  });

  it('a worked answer is a folded details block, its markdown as HTML and its math left for MathJax', () => {
    expect(
      answerHtml('02.ex1', 'a < b', 'It is **$x_1 * y_2$**, not `$z_3$`.\n\nSee $$a_b$$.'),
    ).toBe(
      '<details class="answer" id="answer-02-ex1"><summary>Answer 02.ex1: a &lt; b</summary>\n' +
        '<p>It is <strong>$x_1 * y_2$</strong>, not <code>$z_3$</code>.</p>\n<p>See $$a_b$$.</p>\n</details>',
    );
    expect(markdownHtml('costs $5 and $6 <b>')).toBe('<p>costs $5 and $6 &lt;b&gt;</p>');
  });
});

/** A notebook's code, and the markdown of its exercises section. */
function notebookParts(file: string): { code: string; exercises: string } {
  const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', file), 'utf8')) as {
    cells: Array<{ cell_type: string; source: string[] }>;
  };
  const text = (t: string) =>
    nb.cells
      .filter((c) => c.cell_type === t)
      .map((c) => c.source.join(''))
      .join('\n');
  const exercises =
    nb.cells.map((c) => c.source.join('')).find((s) => /^## Exercises/.test(s)) ?? '';
  return { code: text('code'), exercises };
}

describe("every notebook's sheets", () => {
  const files = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));

  it('every notebook has a sheet module, and every sheet a notebook', () => {
    expect(Object.keys(NOTEBOOK_SHEETS).sort()).toEqual(
      files.map((f) => f.replace(/\.ipynb$/, '')).sort(),
    );
  });

  for (const file of files) {
    const name = file.replace(/\.ipynb$/, '');
    it(`${name}: records claims from its sheet, answers every exercise, at least 3 answers and a check`, () => {
      const { code, exercises } = notebookParts(file);
      const sheet = NOTEBOOK_SHEETS[name];
      expect(code, 'claims are recorded with report.measure, their prose on the sheet').not.toMatch(
        /report\.claim\(/,
      );
      const answered = [...code.matchAll(/report\.answer\(\s*'([^']+)'/g)].map((m) => m[1]);
      expect(answered.sort(), 'each exercise on the sheet is answered once').toEqual(
        Object.keys(sheet.answers).sort(),
      );
      expect(answered.length).toBeGreaterThanOrEqual(3);
      const numbered = [...exercises.matchAll(/^\d+\. /gm)].length;
      const nn = name.slice(0, 2);
      for (let k = 1; k <= numbered; k++) expect(sheet.answers).toHaveProperty([`${nn}.ex${k}`]);
      expect(
        Object.values(sheet.answers).filter((a) => a.check !== undefined).length,
      ).toBeGreaterThanOrEqual(1);
      expect(code, 'the notebook shows a student how to call a check').toMatch(/check\('\d\d\./);
    });
  }
});
