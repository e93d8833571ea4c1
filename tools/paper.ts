/**
 * `npm run paper [-- --out <dir>]`: write the paper bundle of a run (<out>/paper, see
 * lib/notebook/paper.ts) from its results and compile main.tex with latexmk/pdflatex into
 * <out>/paper/main.pdf. Fails, showing the log's errors, on any LaTeX error or undefined reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePaperBundle } from '../lib/notebook/paper.js';
import { DEFAULT_OUT, projectRoot } from '../lib/notebook/inputs.js';

const USAGE = 'usage: npm run paper [-- --out <dir>]   (default build/; run npm run notebooks first)';

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), strict: true, allowPositionals: false, options: { out: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    console.error(`paper: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  if (values.out !== undefined && values.out.trim() === '') { console.error(`paper: --out: empty\n${USAGE}`); return 2; }
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? join(projectRoot(), DEFAULT_OUT));
  let paper: string;
  try {
    paper = writePaperBundle(out);
  } catch (e) {
    console.error(`paper: ${(e as Error).message}`);
    return 1;
  }
  const r = spawnSync('latexmk', ['-pdf', '-interaction=nonstopmode', '-halt-on-error', '-file-line-error', 'main.tex'], { cwd: paper, encoding: 'utf8' });
  if (r.error) { console.error(`paper: cannot run latexmk (${r.error.message}); run npm run setup`); return 1; }
  const log = existsSync(join(paper, 'main.log')) ? readFileSync(join(paper, 'main.log'), 'latin1') : '';
  const errors = log.split('\n').filter((l) => /^(!|.*:\d+: )/.test(l));
  const undefinedRefs = log.split('\n').filter((l) => /undefined/i.test(l) && /Reference|Citation|sat claim/.test(l));
  if (r.status !== 0 || errors.length > 0 || undefinedRefs.length > 0) {
    console.error(`paper: LaTeX failed (latexmk exit ${r.status}); from ${join(paper, 'main.log')}:\n${[...errors, ...undefinedRefs].slice(0, 30).join('\n') || r.stdout.slice(-2000)}`);
    return 1;
  }
  const info = spawnSync('pdfinfo', [join(paper, 'main.pdf')], { encoding: 'utf8' });
  const pages = /Pages:\s+(\d+)/.exec(info.stdout ?? '')?.[1] ?? '?';
  console.log(`wrote ${join(paper, 'main.pdf')} (${pages} pages)`);
  return 0;
}

process.exitCode = main();
