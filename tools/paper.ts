/**
 * `npm run paper [-- --out <dir>] [--figure-style article|column|twocolumn-wide]`: write the paper
 * bundle of a run (<out>/paper, see lib/publish/paper.ts) from its results, every figure drawn
 * again from its stored spec in the preset (no notebook is executed), and compile main.tex with
 * latexmk/pdflatex into <out>/paper/main.pdf. Fails, showing the log's errors, on any LaTeX error
 * or undefined reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePaperBundle } from '../lib/publish/paper.js';
import { closeExporter } from '../lib/notebook/export.js';
import {
  figurePreset,
  FIGURE_PRESETS,
  DEFAULT_FIGURE_PRESET,
} from '../lib/publish/figure-preset.js';
import { DEFAULT_OUT, projectRoot } from '../lib/notebook/inputs.js';

const USAGE = `usage: npm run paper [-- --out <dir>] [--figure-style <preset>]   (default build/; run npm run notebooks first)

  --figure-style  the width every figure is drawn for, in Latin Modern at 8–9 pt: ${Object.entries(
    FIGURE_PRESETS,
  )
    .map(([k, w]) => `${k} (${w} pt)`)
    .join(', ')}; default ${DEFAULT_FIGURE_PRESET}`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        'figure-style': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    console.error(`paper: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.out !== undefined && values.out.trim() === '') {
    console.error(`paper: --out: empty\n${USAGE}`);
    return 2;
  }
  const out = resolve(
    process.env.INIT_CWD ?? process.cwd(),
    values.out ?? join(projectRoot(), DEFAULT_OUT),
  );
  let paper: string;
  try {
    const figureStyle = figurePreset(
      values['figure-style'] ?? DEFAULT_FIGURE_PRESET,
      '--figure-style',
    );
    paper = await writePaperBundle(out, { figureStyle });
  } catch (e) {
    console.error(`paper: ${(e as Error).message}${e instanceof RangeError ? `\n${USAGE}` : ''}`);
    return e instanceof RangeError ? 2 : 1;
  } finally {
    await closeExporter();
  }
  const r = spawnSync(
    'latexmk',
    ['-pdf', '-interaction=nonstopmode', '-halt-on-error', '-file-line-error', 'main.tex'],
    { cwd: paper, encoding: 'utf8' },
  );
  if (r.error) {
    console.error(`paper: cannot run latexmk (${r.error.message}); run npm run setup`);
    return 1;
  }
  const log = existsSync(join(paper, 'main.log'))
    ? readFileSync(join(paper, 'main.log'), 'latin1')
    : '';
  const errors = log.split('\n').filter((l) => /^(!|.*:\d+: )/.test(l));
  const undefinedRefs = log
    .split('\n')
    .filter((l) => /undefined/i.test(l) && /Reference|Citation|sat claim/.test(l));
  if (r.status !== 0 || errors.length > 0 || undefinedRefs.length > 0) {
    console.error(
      `paper: LaTeX failed (latexmk exit ${r.status}); from ${join(paper, 'main.log')}:\n${[...errors, ...undefinedRefs].slice(0, 30).join('\n') || r.stdout.slice(-2000)}`,
    );
    return 1;
  }
  const info = spawnSync('pdfinfo', [join(paper, 'main.pdf')], { encoding: 'utf8' });
  const pages = /Pages:\s+(\d+)/.exec(info.stdout ?? '')?.[1] ?? '?';
  console.log(`wrote ${join(paper, 'main.pdf')} (${pages} pages)`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`paper: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
