/**
 * The notebook runner's behaviour (npm run notebooks) with small fixture notebooks: loud failures
 * (a type error, a failed figure export, a bad output folder or edition), progress and kept
 * outputs, the execution cache, and SIGINT. The student edition is checked on notebook 06's run in
 * notebooks.test.ts, a model's training log on the plain clone's run in standalone.test.ts.
 */
import { describe, expect, inject, it } from 'vitest';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportJson } from '../lib/notebook/report.js';
import type { RunTimings } from '../tools/run-timings.js';
import {
  MODEL,
  startNotebooks,
  runNotebooks,
  notebookFile,
  claimNotebook,
  runFolders,
  fixtureFolders,
} from './notebook-runs.js';

describe('npm run notebooks: the runner', () => {
  it('refuses an unknown --edition at once, naming the editions', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nb00-edition-'));
    const bad = await runNotebooks(['--only', '00', '--edition', 'teacher', '--out', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--edition: expected one of default, student, got 'teacher'/);
  });

  it('fails loudly, showing the cell, when a cell has a type error', async () => {
    const { nb, out } = fixtureFolders('nbbad-');
    notebookFile(join(nb, '99-broken.ipynb'), [
      "import { parameterCount } from 'sat-rnn/lib/core/model';\nconst n: string = parameterCount(128);",
      "console.log('SECOND CELL RAN');",
    ]);
    const r = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CELL 0 FAILED/);
    expect(r.stderr).toContain('const n: string = parameterCount(128);');
    expect(r.stderr).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(r.stderr).toMatch(/FAILED: notebook 99-broken.ipynb/);
    expect(r.stdout + r.stderr).not.toContain('SECOND CELL RAN');
    expect(existsSync(join(out, 'notebooks/99-broken.ipynb'))).toBe(false);
  });

  it('refuses an output folder that would overwrite the notebook sources, and empty options', async () => {
    for (const out of ['.', 'notebooks', 'notebooks/sub']) {
      const r = await runNotebooks(['--only', '00', '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--out .*: the executed notebooks would overwrite the sources/);
    }
    const empty = await runNotebooks(['--model', '']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--model: empty/);
  });

  it('a figure cell whose export fails stops the run showing the figure and what failed', async () => {
    const { nb, out } = fixtureFolders('sat-figfail-');
    // Raw control characters as tick labels make an SVG that is not XML: what notebook 03 drew on random bytes before byteTickLabel.
    notebookFile(join(nb, '91-figfail.ipynb'), [
      "import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('91-figfail');",
      "await report.figure('raw-bytes', { data: [{ type: 'scatter', x: [0, 1], y: [0, 1] }], layout: { xaxis: { title: 'byte', tickvals: [0, 1], ticktext: [String.fromCharCode(7), String.fromCharCode(27)] }, yaxis: { title: 'y' } } }, 'raw labels');",
      "console.log('AFTER THE FIGURE');",
    ]);
    const r = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CELL 1 FAILED/);
    expect(r.stderr).toMatch(/figure raw-bytes: export failed: .*the SVG did not load as an image/);
    expect(r.stdout + r.stderr).not.toContain('AFTER THE FIGURE');
  }, 120_000);

  it('relays progress to the console, and a failed rerun keeps the previous good outputs', async () => {
    const { nb, out } = fixtureFolders('nbkeep-');
    notebookFile(join(nb, '98-keep.ipynb'), [
      "import { Report, progressLine } from 'sat-rnn/lib/notebook';\nconst report = Report.open('98-keep');",
      'const p = progressLine();\nfor (let i = 1; i <= 3; i++) { p.update(`step ${i} of 3`, i / 3); await new Promise((r) => setTimeout(r, 1100)); }',
      "report.claim({ id: 'keep.one', description: 'one', paper: null, measured: 1, unit: 'count' });\nawait report.finish();",
    ]);
    const good = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/\[98\] step 2 of 3 \(about \d+ s left\)/);
    const before = ['results/98-keep.json', 'notebooks/98-keep.ipynb', 'html/98-keep.html'].map(
      (f) => readFileSync(join(out, f), 'utf8'),
    );

    notebookFile(join(nb, '98-keep.ipynb'), [
      "import { Report } from 'sat-rnn/lib/notebook';\nconst report = Report.open('98-keep');",
      "throw new Error('broken on purpose');",
    ]);
    const bad = await runNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/The outputs of earlier runs are kept/);
    expect(
      ['results/98-keep.json', 'notebooks/98-keep.ipynb', 'html/98-keep.html'].map((f) =>
        readFileSync(join(out, f), 'utf8'),
      ),
    ).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(runFolders('98-keep')).toEqual([]);
  }, 120_000);

  it('reuses unchanged notebooks (cached) and re-runs only the one whose markdown changed, or all with --force', async () => {
    const { nb, out } = fixtureFolders('nbcache-');
    claimNotebook(nb, '95-first', '# First');
    claimNotebook(nb, '96-second', '# Second');
    const args = ['--dir', nb, '--model', MODEL, '--out', out, '--jobs', '2'];
    const results = () =>
      ['95-first', '96-second'].map((n) => readFileSync(join(out, 'results', `${n}.json`), 'utf8'));
    const timings = () => JSON.parse(readFileSync(join(out, 'timings.json'), 'utf8')) as RunTimings;
    const cachedOnes = () =>
      Object.entries(timings().notebooks)
        .filter(([, t]) => t.cached)
        .map(([n]) => n);

    const cold = await runNotebooks(args);
    expect(cold.status, cold.stdout + cold.stderr).toBe(0);
    expect(cachedOnes()).toEqual([]);
    expect(timings().jobs).toBe(2);
    const [first, second] = results().map((r) => JSON.parse(r) as ReportJson);
    for (const r of [first, second]) {
      expect(r.run.key).toMatch(/^[0-9a-f]{64}$/);
      expect(timings().notebooks[r.notebook]).toMatchObject({ cached: false, key: r.run.key });
    }
    expect(first.run.key).not.toBe(second.run.key);
    expect(cold.stdout).toMatch(/^\[95\] 95-first: executing$/m);
    expect(cold.stdout).toMatch(/^stage times/m);
    // Drawn in the tests' shared browser (test/global-setup.ts), which this run does not count.
    expect(timings().figureServer).toBe(inject('figureServer'));
    expect(cold.stdout).toContain(
      `chromium: the figure server's at ${inject('figureServer')}, not counted; jobs 2`,
    );

    const before = results();
    const warm = await runNotebooks(args);
    expect(warm.status, warm.stdout + warm.stderr).toBe(0);
    expect(warm.stdout).toMatch(/95-first: cached \(made /);
    expect(warm.stdout).toMatch(/96-second: cached \(made /);
    expect(warm.stdout).not.toMatch(/executing/);
    expect(cachedOnes()).toEqual(['95-first', '96-second']);
    expect(results()).toEqual(before);

    claimNotebook(nb, '96-second', '# Second, reworded');
    const touched = await runNotebooks(args);
    expect(touched.status, touched.stdout + touched.stderr).toBe(0);
    expect(cachedOnes()).toEqual(['95-first']);
    const [firstAgain, secondAgain] = results();
    expect(firstAgain).toBe(before[0]);
    const second2 = JSON.parse(secondAgain) as ReportJson;
    expect(second2.run.key).not.toBe(second.run.key);
    expect(second2.run.madeAt > second.run.madeAt).toBe(true);
    expect(second2.claims).toEqual(second.claims);

    const forced = await runNotebooks([...args, '--force', '--only', '95']);
    expect(forced.status, forced.stdout + forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/95-first: executing/);
    const firstForced = JSON.parse(results()[0]) as ReportJson;
    expect(firstForced.run.key).toBe(first.run.key);
    expect(firstForced.run.madeAt > first.run.madeAt).toBe(true);
  }, 300_000);

  it('SIGINT stops the run, removes its staging and run folders, and keeps earlier outputs', async () => {
    const { nb, out } = fixtureFolders('nbint-');
    mkdirSync(join(out, 'results'), { recursive: true });
    writeFileSync(join(out, 'results', '97-slow.json'), '{"earlier": true}\n');
    notebookFile(join(nb, '97-slow.ipynb'), ['await new Promise((r) => setTimeout(r, 60000));']);
    const run = startNotebooks(['--dir', nb, '--model', MODEL, '--out', out]);
    for (
      const t0 = Date.now();
      !/97-slow: executing/.test(run.output()) && Date.now() - t0 < 30_000;
    )
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // the kernel is running the cell
    run.p.kill('SIGINT');
    const r = await run.exited;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping; the outputs of earlier runs are kept/);
    expect(readFileSync(join(out, 'results', '97-slow.json'), 'utf8')).toBe('{"earlier": true}\n');
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(runFolders('97-slow')).toEqual([]);
  }, 120_000);
});
