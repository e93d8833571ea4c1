import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_MODEL, HAVE_ARCHIVE, ROOT } from './helpers.js';
import { loadModel } from '../lib/model.js';

function sat(...args: string[]) {
  const r = spawnSync(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}cli/sat.ts`, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run sat', () => {
  it('rejects an unknown command and a missing --model with usage and exit 2', () => {
    const a = sat('frobnicate');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/unknown command 'frobnicate'/);
    expect(a.err).toMatch(/usage: npm run sat/);
    const b = sat('eval');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--model <file> is required/);
    expect(sat('train', '--epochs', 'x', '--out', '/tmp/x.bin').err).toMatch(/--epochs: expected a non-negative integer, got 'x'/);
  });

  it('names a missing model file', () => {
    const r = sat('eval', '--model', 'nope.bin');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/model file nope.bin: cannot be read/);
  });

  it('trains, saves atomically with its log, and evaluates what it saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sat-cli-'));
    const out = join(dir, 'm.bin');
    const t = sat('train', '--epochs', '2', '--out', out);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/positions\/s/);
    expect(loadModel(out).hidden).toBe(128);
    const log = readFileSync(join(dir, 'm.train.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('epoch,lr,train_bpc');
    expect(log.length).toBe(3);
    const e = JSON.parse(sat('eval', '--model', out, '--json').out);
    expect(e.positions).toBe(1023);
    expect(e.bpc).toBeGreaterThan(5);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });
});

describe.skipIf(!HAVE_ARCHIVE)(`npm run sat on the archive model (needs ${ARCHIVE_MODEL}; skipped when absent)`, () => {
  it('eval --json prints bpc 0.0792 ± 0.0005 and info prints shapes and the spectral radius', () => {
    const e = JSON.parse(sat('eval', '--model', ARCHIVE_MODEL, '--json').out);
    expect(Math.abs(e.bpc - 0.0792)).toBeLessThan(0.0005);
    expect(e.positions).toBe(1023);
    const info = sat('info', '--model', ARCHIVE_MODEL);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/82304 parameters/);
    expect(info.out).toMatch(/Wh\s+128x128/);
    expect(info.out).toMatch(/spectral radius of Wh: 2\.76/);
  });
});
