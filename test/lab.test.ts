/**
 * `npm run lab` in a real browser: Jupyter Notebook serves the project's kernel; notebook 00, run
 * through the page, executes every cell without an error and renders each figure as an
 * interactive plotly plot, and the slider of its explorable figure redraws it. A screenshot is saved in the test's temporary folder.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../lib/notebook/export.js';
import { ROOT, moveSlider } from './helpers.js';

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('npm run lab', () => {
  it('serves the kernel, and notebook 00 runs in the browser with every figure interactive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-'));
    const nb = join(dir, 'nb');
    mkdirSync(join(nb, 'node_modules'), { recursive: true });
    copyFileSync(join(ROOT, 'notebooks/00-sat-rnn.ipynb'), join(nb, '00-sat-rnn.ipynb'));
    // A folder outside the project resolves the compiled lib like the project's notebooks/ does.
    symlinkSync(join(ROOT, 'node_modules/sat-rnn'), join(nb, 'node_modules/sat-rnn'));
    const port = await freePort();
    const lab = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'tools/lab.ts'),
        '--port',
        String(port),
        '--token',
        't',
        '--no-browser',
        '--dir',
        nb,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, SAT_OUT: join(dir, 'out'), INIT_CWD: ROOT },
      },
    );
    let log = '';
    lab.stdout.on('data', (d) => {
      log += d;
    });
    lab.stderr.on('data', (d) => {
      log += d;
    });
    const exited = new Promise<number | null>((done) => lab.on('exit', (code) => done(code)));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
    try {
      let specs: { default: string; kernelspecs: Record<string, unknown> } | null = null;
      for (const t0 = Date.now(); specs === null && Date.now() - t0 < 60_000; await sleep(300)) {
        try {
          specs = await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=t`)).json();
        } catch {
          /* not up yet */
        }
      }
      expect(specs, log).not.toBeNull();
      expect(Object.keys(specs!.kernelspecs)).toContain('sat-rnn-tslab');

      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(`http://127.0.0.1:${port}/notebooks/00-sat-rnn.ipynb?token=t`);
      type J = {
        notebook: {
          kernel: { is_connected(): boolean; name: string };
          execute_all_cells(): void;
          execute_cells(indices: number[]): void;
          get_cells(): {
            cell_type: string;
            input_prompt_number?: number | string;
            output_area?: { outputs: { output_type: string; name?: string; text?: string }[] };
          }[];
        };
      };
      await page.waitForFunction(
        () => (window as unknown as { Jupyter?: J }).Jupyter?.notebook?.kernel?.is_connected(),
        null,
        { timeout: 60_000 },
      );
      expect(
        await page.evaluate(
          () => (window as unknown as { Jupyter: J }).Jupyter.notebook.kernel.name,
        ),
      ).toBe('sat-rnn-tslab');
      await page.evaluate(() =>
        (window as unknown as { Jupyter: J }).Jupyter.notebook.execute_all_cells(),
      );
      // Done when every code cell has its execution number and the kernel is idle.
      await page.waitForFunction(
        () => {
          const cells = (window as unknown as { Jupyter: J }).Jupyter.notebook
            .get_cells()
            .filter((c) => c.cell_type === 'code');
          return (
            cells.every((c) => typeof c.input_prompt_number === 'number') &&
            /idle/.test(document.querySelector('#kernel_indicator_icon')?.className ?? '')
          );
        },
        null,
        { timeout: 180_000, polling: 500 },
      );
      const outputs = await page.evaluate(() =>
        (window as unknown as { Jupyter: J }).Jupyter.notebook
          .get_cells()
          .flatMap((c) => c.output_area?.outputs ?? []),
      );
      // tslab reports a failing cell as an error reply with its message on stderr
      expect(
        outputs
          .filter((o) => o.output_type === 'error' || o.name === 'stderr')
          .map((o) => o.text ?? o.output_type),
      ).toEqual([]);
      const source = JSON.parse(readFileSync(join(nb, '00-sat-rnn.ipynb'), 'utf8')) as {
        cells: { cell_type: string; source: string[] }[];
      };
      const figures = source.cells
        .filter((c) => c.cell_type === 'code')
        .reduce((n, c) => n + (c.source.join('').match(/report\.figure\(/g) ?? []).length, 0);
      expect(figures).toBeGreaterThan(0);
      expect(await page.locator('.js-plotly-plot').count()).toBe(figures);
      // The explorable figure works in the lab after running the notebook: its slider redraws it.
      expect(await moveSlider(page, 'satfig-00-sat-rnn-state-explorer', 0.98)).toBe(true);
      // An exercise's edit-and-rerun: a cell that records a claim and a table runs again in the same
      // kernel, and what it records replaces the first record instead of failing as a duplicate.
      const again = source.cells.findIndex((c) =>
        c.source.join('').includes("report.measure('satrnn.bpc'"),
      );
      expect(again).toBeGreaterThan(0);
      const before = await page.evaluate(
        (i) =>
          (window as unknown as { Jupyter: J }).Jupyter.notebook.get_cells()[i].input_prompt_number,
        again,
      );
      await page.evaluate(
        (i) => (window as unknown as { Jupyter: J }).Jupyter.notebook.execute_cells([i]),
        again,
      );
      await page.waitForFunction(
        ([i, n]) => {
          const c = (window as unknown as { Jupyter: J }).Jupyter.notebook.get_cells()[i as number];
          return typeof c.input_prompt_number === 'number' && c.input_prompt_number > (n as number);
        },
        [again, before],
        { timeout: 60_000, polling: 250 },
      );
      const rerun = await page.evaluate(
        (i) =>
          (window as unknown as { Jupyter: J }).Jupyter.notebook.get_cells()[i].output_area
            ?.outputs ?? [],
        again,
      );
      expect(rerun.filter((o) => o.output_type === 'error' || o.name === 'stderr')).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.screenshot({ path: join(dir, 'lab-00-sat-rnn.png'), fullPage: false });
    } finally {
      await browser.close();
      lab.kill('SIGINT');
    }
    expect(await exited).toBe(130); // Ctrl-C stops the server and its kernels
  }, 300_000);
});
