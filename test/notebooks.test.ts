/**
 * Executes notebook 00 through the real toolchain (npm run notebooks → nbconvert → tslab kernel →
 * chromium) and checks its results, tables and figure files; checks that a cell with a type error
 * fails the run loudly.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../lib/model.js';
import { loadBytes, sha256, ENWIK_1024_SHA256 } from '../lib/data.js';
import { evaluate } from '../lib/rnn.js';
import { verdict } from '../lib/notebook/ledger.js';
import type { ReportJson } from '../lib/notebook/report.js';
import { ARCHIVE_MODEL, ROOT, TRAIN_TEXT } from './helpers.js';

/** Our trained model when present, else the published one (both are valid inputs for notebook 00). */
const MODEL = existsSync(join(ROOT, 'data/sat_model.bin')) ? join(ROOT, 'data/sat_model.bin') : ARCHIVE_MODEL;

/** Run the notebook runner without blocking the test worker (vitest's RPC needs its event loop). */
function runNotebooks(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/run-notebooks.ts'), ...args], {
      cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT },
    });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', fail);
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(b: Buffer): [number, number] {
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('npm run notebooks', () => {
  it('executes notebook 00 and writes its ledger, tables and figures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nb00-'));
    const r = await runNotebooks(['--only', '00', '--model', MODEL, '--out', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[1\/1\] 00-sat-rnn: done/);

    const json = JSON.parse(readFileSync(join(out, 'results/00-sat-rnn.json'), 'utf8')) as ReportJson;
    const model = loadModel(MODEL, null);
    const bytes = loadBytes(TRAIN_TEXT);
    expect(json.notebook).toBe('00-sat-rnn');
    expect(json.model.sha256).toBe(sha256(readFileSync(MODEL)));
    expect(json.model.bpc).toBeCloseTo(evaluate(model, bytes).bpc, 9);
    expect(json.data).toEqual({ path: 'data/enwik_1024.txt', sha256: ENWIK_1024_SHA256, bytes: 1024 });

    const claims = new Map(json.claims.map((c) => [c.id, c]));
    expect(claims.get('satrnn.params')).toMatchObject({ paper: 82304, measured: 82304, verdict: 'reproduces' });
    expect(claims.get('satrnn.bpc')).toMatchObject({ paper: 0.079 });
    expect(claims.get('satrnn.bpc')!.measured).toBeCloseTo(json.model.bpc, 12);
    const sat = claims.get('satrnn.saturation')!;
    expect(sat).toMatchObject({ paper: null, verdict: 'not-in-paper', unit: 'fraction' });
    expect(sat.measured).toBeGreaterThan(0);
    expect(sat.measured).toBeLessThanOrEqual(1);
    for (const c of json.claims) expect(c.verdict, c.id).toBe(verdict(c.paper, c.measured, c.tolerance));

    const tables = Object.keys(json.tables);
    expect(tables).toContain('inventory');
    for (const t of [...tables, 'claims']) {
      const csv = readFileSync(join(out, `results/00-sat-rnn/${t}.csv`), 'utf8');
      expect(csv.trim().split('\n').length, t).toBe(t === 'claims' ? json.claims.length + 1 : json.tables[t].length + 1);
      expect(readFileSync(join(out, `results/00-sat-rnn/${t}.tex`), 'utf8')).toMatch(/\\begin\{tabular\}[\s\S]*\\bottomrule/);
    }
    const inventory = json.tables.inventory;
    expect(inventory.reduce((s, row) => s + (typeof row.parameters === 'number' ? row.parameters : 0), 0)).toBe(2 * 82304);

    const figures = Object.keys(json.figures);
    expect(figures.length).toBeGreaterThanOrEqual(5);
    for (const f of figures) {
      const base = join(out, 'figures/00-sat-rnn', f);
      const svg = readFileSync(`${base}.svg`, 'utf8');
      expect(svg, f).toMatch(/^<svg[^>]* width="(\d+)" height="(\d+)"/);
      expect(svg.trimEnd().endsWith('</svg>'), f).toBe(true);
      const [, w, h] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      expect(pngSize(readFileSync(`${base}.png`)), f).toEqual([2 * w, 2 * h]);
      const pdf = readFileSync(`${base}.pdf`);
      expect(pdf.toString('latin1', 0, 5), f).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF'), f).toBe(true);
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length, f).toBe(1);
    }

    const nb = readFileSync(join(out, 'notebooks/00-sat-rnn.ipynb'), 'utf8');
    expect(JSON.parse(nb).cells.flatMap((c: { outputs?: Array<{ output_type: string }> }) => c.outputs ?? []).some((o: { output_type: string }) => o.output_type === 'error')).toBe(false);
    expect(nb.split('plotly.js v2').length - 1).toBe(1);
    expect(readFileSync(join(out, 'html/00-sat-rnn.html'), 'utf8')).toContain('satfig-00-sat-rnn-');
  });

  it('fails loudly, showing the cell, when a cell has a type error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbbad-'));
    mkdirSync(join(dir, 'nb'));
    const cell = (src: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: src });
    writeFileSync(join(dir, 'nb', '99-broken.ipynb'), JSON.stringify({
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: 'sat-rnn-tslab', display_name: 'TypeScript (sat-rnn, tslab)', language: 'typescript' } },
      cells: [cell("import { parameterCount } from 'sat-rnn/lib/model';\nconst n: string = parameterCount(128);"), cell("console.log('SECOND CELL RAN');")],
    }));
    const r = await runNotebooks(['--dir', join(dir, 'nb'), '--model', MODEL, '--out', join(dir, 'out')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CELL 0 FAILED/);
    expect(r.stderr).toContain('const n: string = parameterCount(128);');
    expect(r.stderr).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(r.stderr).toMatch(/FAILED: notebook 99-broken.ipynb/);
    expect(r.stdout + r.stderr).not.toContain('SECOND CELL RAN');
    expect(existsSync(join(dir, 'out/notebooks/99-broken.ipynb'))).toBe(false);
  });
});
