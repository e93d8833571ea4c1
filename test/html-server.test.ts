/**
 * The runner's HTML renderer (tools/html-server.ts): one Python process renders notebooks to the
 * same bytes as `jupyter nbconvert --to html`, answers in order, and names a notebook it cannot find.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htmlServer, jupyterPython } from '../tools/html-server.js';

/** A small executed notebook: markdown with math, a code cell with a stream and an HTML output. */
function notebook(title: string): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'markdown',
        id: 'm1',
        metadata: {},
        source: `# ${title}\n\nThe loss $L = -\\log_2 p$.`,
      },
      {
        cell_type: 'code',
        id: 'c1',
        metadata: {},
        execution_count: 1,
        source: 'const x = 1 + 1;',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: `${title}: 2\n` },
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'text/html': `<table><tr><td>${title}</td></tr></table>` },
          },
        ],
      },
    ],
    metadata: {
      kernelspec: { name: 'sat-rnn-tslab', display_name: 'TypeScript', language: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

describe('HTML server', () => {
  it('renders the bytes of jupyter nbconvert --to html, in order, and names a missing notebook', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'html-server-'));
    const tracked: boolean[] = [];
    const server = htmlServer(process.cwd(), process.env, (_c, running) => tracked.push(running));
    try {
      const names = ['alpha', 'beta'];
      for (const n of names) writeFileSync(join(dir, `${n}.ipynb`), notebook(n));
      expect(tracked).toEqual([]); // nothing starts before the first render
      await Promise.all(
        names.map((n) => server.render(join(dir, `${n}.ipynb`), join(dir, 'served'), `${n}.html`)),
      );
      await expect(
        server.render(join(dir, 'missing.ipynb'), join(dir, 'served'), 'missing.html'),
      ).rejects.toThrow(/missing\.ipynb: no such notebook/);
      for (const n of names) {
        const r = spawnSync(
          'jupyter',
          [
            'nbconvert',
            '--to',
            'html',
            '--output-dir',
            join(dir, 'cli'),
            '--output',
            `${n}.html`,
            join(dir, `${n}.ipynb`),
          ],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
        const served = readFileSync(join(dir, 'served', `${n}.html`), 'utf8');
        expect(served).toContain(`${n}: 2`);
        expect(
          served === readFileSync(join(dir, 'cli', `${n}.html`), 'utf8'),
          `${n}.html differs from jupyter nbconvert's`,
        ).toBe(true);
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(tracked).toEqual([true, false]);
  }, 60_000);

  it("finds the Python on the jupyter command's #! line, and says so when there is none", () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupyter-py-'));
    try {
      writeFileSync(join(dir, 'jupyter'), '#!/opt/py/bin/python3.11 -I\nprint()\n', {
        mode: 0o755,
      });
      expect(jupyterPython(dir)).toBe('/opt/py/bin/python3.11');
      expect(() => jupyterPython(join(dir, 'none'))).toThrow(
        /jupyter: not found on PATH; run npm run setup/,
      );
      writeFileSync(join(dir, 'jupyter'), 'no shebang\n', { mode: 0o755 });
      expect(() => jupyterPython(dir)).toThrow(/no #! line naming its Python/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
