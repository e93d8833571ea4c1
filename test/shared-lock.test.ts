/**
 * The lock behind a zoo's manifest updates (withSharedLock in lib/core/files.ts): processes that
 * record runs at once (the tasks of a Slurm job array) never drop each other's record, and a lock
 * left behind is taken over by the rules for this host and for another host.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { withSharedLock } from '../lib/core/files.js';
import { readManifest } from '../lib/core/zoo.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'sat-lock-'));

/** Run `code` (an ES module body; `zoo` is lib/core/zoo.ts) in a separate node process. */
function nodeProcess(code: string): Promise<{ code: number | null; err: string }> {
  return new Promise((res) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import * as zoo from ${JSON.stringify(`${ROOT}lib/core/zoo.ts`)};\n${code}`,
      ],
      { cwd: ROOT },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (c) => res({ code: c, err }));
  });
}

describe('withSharedLock', () => {
  it('four processes recording 30 runs each into one zoo.json at once: all 120 runs are kept', async () => {
    const dir = tempDir();
    const recipe = {
      epochs: 1,
      optimizer: 'sgd',
      kernel: 'fast',
      data: 't.txt',
      dataBytes: 2,
      dataSha256: 'x',
    };
    const writers = [0, 1, 2, 3].map((w) =>
      nodeProcess(
        `for (let k = 0; k < 30; k++) {
           const seed = ${w} * 1000 + k;
           zoo.recordRun(${JSON.stringify(dir)}, ${JSON.stringify(recipe)},
             { seed, model: 'm' + seed, log: 'l', bpc: 1, bestEpoch: 1, seconds: 0 });
         }`,
      ),
    );
    for (const r of await Promise.all(writers)) expect(r.code, r.err).toBe(0);
    const seeds = readManifest(dir)!.runs.map((r) => r.seed);
    expect(seeds.length).toBe(120);
    expect(new Set(seeds).size).toBe(120);
    expect(existsSync(join(dir, 'zoo.json.lock'))).toBe(false);
  }, 120_000);

  it('takes over a lock of this host whose process is gone, and an old lock of another host', () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    // pid 2^22 + 1 is above Linux's largest pid, so no process has it.
    writeFileSync(`${file}.lock`, `${hostname()} 4194305\n`);
    expect(withSharedLock(file, () => 'ran', { waitMs: 0 })).toBe('ran');
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(`${file}.lock`, `node-b.cluster 123\n`);
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${file}.lock`, old, old);
    expect(withSharedLock(file, () => 'ran', { waitMs: 0, staleMs: 60_000 })).toBe('ran');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a live holder (a recent lock of another host, or a live process here), then gives up naming it', () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    for (const holder of ['node-b.cluster 123', `${hostname()} ${process.pid}`]) {
      writeFileSync(`${file}.lock`, `${holder}\n`);
      let ran = false;
      expect(() =>
        withSharedLock(
          file,
          () => {
            ran = true;
          },
          { waitMs: 100 },
        ),
      ).toThrow(`waited 0.1 s for the lock ${file}.lock held by ${holder}`);
      expect(ran).toBe(false);
      expect(existsSync(`${file}.lock`)).toBe(true);
    }
  });
});
