/**
 * prettier's check over the TypeScript and the notebooks' code cells (tools/format.ts), and no
 * notebook code line longer than the print width.
 */
import { describe, expect, it } from 'vitest';
import { formatNotebook, formatProject, notebookText } from '../tools/format.js';

describe('npm run format -- --check', () => {
  it('finds every file and code cell formatted, and no notebook code line over 100 characters', async () => {
    const problems = await formatProject(true);
    expect(
      problems.map(
        (p) => `${p.file}${p.cell === undefined ? '' : ` cell ${p.cell}`}: ${p.problem}`,
      ),
    ).toEqual([]);
  }, 120_000);

  it('formats a code cell, leaves markdown alone, and reports a line over the width', async () => {
    const nb = {
      cells: [
        { cell_type: 'markdown', source: ['a  line   prettier   would   touch\n'] },
        { cell_type: 'code', source: ['const x = {a:1,\n', "b:'two'}"] },
        { cell_type: 'code', source: [`const s = '${'x'.repeat(120)}';`] },
      ],
    };
    const { text, problems } = await formatNotebook('t.ipynb', notebookText(nb), {
      printWidth: 100,
      singleQuote: true,
    });
    const out = JSON.parse(text);
    expect(out.cells[0].source).toEqual(nb.cells[0].source);
    expect(out.cells[1].source).toEqual(["const x = { a: 1, b: 'two' };"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 't.ipynb', cell: 2 });
    expect(problems[0].problem).toMatch(/line 2 is 1\d\d characters \(at most 100\)/);
  });
});
