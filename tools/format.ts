/**
 * `npm run format`: prettier over the project's TypeScript and over every code cell of the
 * notebooks (a cell is formatted as a TypeScript module of its own; its lines stay one string per
 * line in the .ipynb, as Jupyter writes them). `npm run format -- --check` changes nothing and
 * exits 1, naming each file or cell, when anything is not formatted or a notebook code line is
 * longer than the print width (prettier leaves long strings alone, so that needs a separate check).
 * Settings: .prettierrc.json; skipped files: .prettierignore.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { writeFileAtomic } from '../lib/core/files.js';
import { projectRoot } from '../lib/notebook/inputs.js';

/** Folders whose .ts files are formatted (recursively), and single files at the top. */
const TS_FOLDERS = ['lib', 'tools', 'test', 'cli', 'bench', 'asm'];
const TS_FILES = ['vitest.config.ts'];

/** A problem the check found: the file (and cell) and what is wrong. */
export interface FormatProblem {
  file: string;
  cell?: number;
  problem: string;
}

/** A notebook's JSON as Jupyter and our tools write it: one-space indent and a final newline. */
export function notebookText(nb: unknown): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(root, rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The project's TypeScript files that prettier formats (relative paths, sorted). */
export async function formattedTsFiles(root = projectRoot()): Promise<string[]> {
  const ignore = join(root, '.prettierignore');
  const all = [...TS_FOLDERS.flatMap((d) => tsFiles(root, d)), ...TS_FILES].sort();
  const kept: string[] = [];
  for (const f of all) {
    const info = await prettier.getFileInfo(join(root, f), { ignorePath: ignore });
    if (!info.ignored) kept.push(f);
  }
  return kept;
}

interface NotebookCell {
  cell_type: string;
  source: string[] | string;
}

/** A cell's source lines as Jupyter stores them: every line but the last keeps its newline. */
function sourceLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

/**
 * Format one notebook's code cells. Returns the formatted notebook text and the problems found
 * (cells prettier cannot parse, lines longer than the print width after formatting).
 */
export async function formatNotebook(
  file: string,
  text: string,
  options: prettier.Options,
): Promise<{ text: string; problems: FormatProblem[] }> {
  const nb = JSON.parse(text) as { cells: NotebookCell[] };
  const width = options.printWidth ?? 80;
  const problems: FormatProblem[] = [];
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const src = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    let out: string;
    try {
      out = await prettier.format(src, { ...options, parser: 'typescript' });
    } catch (e) {
      problems.push({
        file,
        cell: i,
        problem: `prettier cannot parse it: ${(e as Error).message}`,
      });
      continue;
    }
    out = out.replace(/\n$/, '');
    cell.source = sourceLines(out);
    out.split('\n').forEach((line, n) => {
      if (line.length > width) {
        problems.push({
          file,
          cell: i,
          problem: `line ${n + 1} is ${line.length} characters (at most ${width}): ${line.slice(0, 60)}…`,
        });
      }
    });
  }
  return { text: notebookText(nb), problems };
}

/**
 * Format (or, with `check`, only inspect) every TypeScript file and notebook. Returns the problems:
 * with `check`, every file that would change is one.
 */
export async function formatProject(
  check: boolean,
  root = projectRoot(),
): Promise<FormatProblem[]> {
  const problems: FormatProblem[] = [];
  for (const f of await formattedTsFiles(root)) {
    const path = join(root, f);
    const text = readFileSync(path, 'utf8');
    const options = (await prettier.resolveConfig(path)) ?? {};
    const out = await prettier.format(text, { ...options, filepath: path });
    if (out === text) continue;
    if (check) problems.push({ file: f, problem: 'not formatted (npm run format)' });
    else writeFileAtomic(path, out);
  }
  const nbDir = join(root, 'notebooks');
  for (const name of readdirSync(nbDir)
    .filter((n) => n.endsWith('.ipynb'))
    .sort()) {
    const path = join(nbDir, name);
    const file = relative(root, path);
    const text = readFileSync(path, 'utf8');
    const options = (await prettier.resolveConfig(path)) ?? {};
    const formatted = await formatNotebook(file, text, options);
    problems.push(...formatted.problems);
    if (formatted.text === text) continue;
    if (check) problems.push({ file, problem: 'code cells not formatted (npm run format)' });
    else writeFileAtomic(path, formatted.text);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const check = process.argv.includes('--check');
  const problems = await formatProject(check);
  for (const p of problems) {
    console.error(`${p.file}${p.cell === undefined ? '' : ` cell ${p.cell}`}: ${p.problem}`);
  }
  if (problems.length > 0) process.exit(1);
  console.log(check ? 'format: everything formatted' : 'format: done');
}
