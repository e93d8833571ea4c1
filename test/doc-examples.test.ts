/**
 * The runnable examples of the doc comments (the stdlib-js habit): every `@example` block in lib/
 * is run with its module's exports in scope (and those of core/model.ts and core/data.ts), and each
 * line ending in `// → <expected>` is checked: numbers to the digits written, anything else equal.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers.js';

const LIB = join(ROOT, 'lib');

function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? libFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The `@example` blocks of a file: their lines, without the comment's ` * `. */
function examples(file: string): { line: number; code: string[] }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: { line: number; code: string[] }[] = [];
  lines.forEach((l, i) => {
    if (!/^\s*\*\s*@example\s*$/.test(l)) return;
    const code: string[] = [];
    for (
      let j = i + 1;
      j < lines.length && !/\*\//.test(lines[j]) && !/^\s*\*\s*@/.test(lines[j]);
      j++
    )
      code.push(lines[j].replace(/^\s*\*\s?/, ''));
    out.push({ line: i + 1, code: code.filter((c) => c.trim() !== '') });
  });
  return out;
}

/** Tolerance of a written number: half a unit of its last decimal (0 for an integer). */
function tolerance(literal: string): number {
  const m = /\.(\d+)/.exec(literal);
  return m ? 0.5 * 10 ** -m[1].length : 0;
}

const blocks = libFiles().flatMap((f) =>
  examples(f).map((e) => ({ file: relative(ROOT, f), path: f, ...e })),
);

describe('doc-comment examples', () => {
  it('there are examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  for (const b of blocks) {
    it(`${b.file}:${b.line}`, async () => {
      const scope: Record<string, unknown> = {
        ...(await import(pathToFileURL(join(LIB, 'core/data.ts')).href)),
        ...(await import(pathToFileURL(join(LIB, 'core/model.ts')).href)),
        ...(await import(pathToFileURL(b.path).href)),
      };
      const checks: { got: () => unknown; want: string; text: string }[] = [];
      const body = b.code
        .map((c) => {
          const m = /^(.*?);?\s*\/\/\s*→\s*(.+)$/.exec(c);
          if (!m) return c;
          checks.push({ got: () => undefined, want: m[2].trim(), text: c });
          return `__got.push(${m[1]});`;
        })
        .join('\n');
      const got: unknown[] = [];
      const names = Object.keys(scope).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
      await new Function('__got', ...names, `return (async () => {\n${body}\n})();`)(
        got,
        ...names.map((k) => scope[k]),
      );
      expect(got.length, 'every `// →` line produced a value').toBe(checks.length);
      checks.forEach((c, i) => {
        const want = new Function(`return (${c.want});`)();
        if (typeof want === 'number')
          expect(Math.abs((got[i] as number) - want), c.text).toBeLessThanOrEqual(
            tolerance(c.want) + Number.EPSILON * Math.abs(want),
          );
        else expect(got[i], c.text).toEqual(want);
      });
    });
  }
});
