/**
 * The project stands on its own: a copy of the repository (the files git tracks or would track, as
 * a clone gets them) in a folder with nothing beside it, so no `../shared`, and no published model
 * installed. In it: no file a reader meets names anything outside the repository; the tests that
 * need the published model are skipped with the reason and the install command in their names;
 * `npm run notebooks -- --only 00` succeeds on the default model, shows the training log saved
 * beside it, and its book lists the source documents with their public addresses. Packages are
 * linked from this checkout's node_modules, one link per package (so the copy's build links its
 * own lib snapshot, never this checkout's).
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SOURCE_DOCUMENTS, ORIGINAL_REPOSITORY } from '../lib/notebook/sources.js';
import { INSTALL_COMMAND, PUBLISHED_MODEL } from '../lib/core/published-model.js';
import { ROOT } from './helpers.js';

/** What a reader meets: no reference to a file outside the repository may appear in these. */
const READER_FACING = /^(notebooks|lib|tools|cli|docs)\/|^(README\.md|environment\.md)$/;
/** References to what lies outside the repository. */
const OUTSIDE = /DESIGN\.md|\.\.\/shared|shared\/seeds/;

/** The repository's files as a clone gets them (tracked, plus untracked files git does not ignore). */
function repositoryFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return r.stdout.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)));
}

/** A copy of the repository at <fresh tmp>/clone, with node_modules linked package by package. */
function standaloneCopy(): string {
  const clone = join(mkdtempSync(join(tmpdir(), 'standalone-')), 'clone');
  for (const f of repositoryFiles()) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(clone, f));
  }
  mkdirSync(join(clone, 'node_modules'));
  for (const e of readdirSync(join(ROOT, 'node_modules'))) {
    if (e !== 'sat-rnn') symlinkSync(join(ROOT, 'node_modules', e), join(clone, 'node_modules', e));
  }
  return clone;
}

/** Run a command in `cwd` without blocking the test worker. */
function run(
  cwd: string,
  cmd: string,
  args: string[],
): Promise<{ status: number | null; out: string }> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: cwd };
    for (const k of Object.keys(env))
      if (k.startsWith('VITEST') || k.startsWith('SAT_')) delete env[k];
    const p = spawn(cmd, args, { cwd, env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', fail);
    p.on('close', (status) => done({ status, out }));
  });
}

describe('a clone with nothing beside it', () => {
  const clone = standaloneCopy();

  it('has nothing beside it and no published model', () => {
    expect(existsSync(join(clone, '..', 'shared'))).toBe(false);
    expect(existsSync(join(clone, PUBLISHED_MODEL))).toBe(false);
  });

  it('names nothing outside the repository in notebooks, lib, tools, cli, docs, README.md and environment.md', () => {
    const offending = repositoryFiles().filter(
      (f) => READER_FACING.test(f) && OUTSIDE.test(readFileSync(join(clone, f), 'utf8')),
    );
    expect(offending).toEqual([]);
  });

  it('skips the tests that need the published model, naming why and the install command', async () => {
    // Only the tests about the published model (the others run in this suite already, and the CLI's
    // signal tests are slow on a loaded machine).
    const r = await run(clone, process.execPath, [
      join(clone, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=verbose',
      '-t',
      'published model',
      'test/rnn.test.ts',
      'test/cli.test.ts',
      'test/fast.test.ts',
      'test/sn.test.ts',
    ]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(
      /published model.*skipped: the published model is not installed at data\/published\/sat_model\.bin/,
    );
    expect(r.out).toContain(INSTALL_COMMAND);
    expect(r.out).not.toMatch(/\bfailed\b/i);
  }, 300_000);

  it('runs notebook 00 on the default model, showing the training log saved beside it, and its book lists the source documents with their public addresses', async () => {
    const out = join(clone, 'build');
    const r = await run(clone, process.execPath, [
      '--import',
      'tsx',
      'tools/run-notebooks.ts',
      '--only',
      '00',
      '--jobs',
      '1',
      '--out',
      out,
    ]);
    expect(r.status, r.out).toBe(0);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const d of SOURCE_DOCUMENTS) expect(index).toContain(`href="${d.url}"`);
    expect(index).toContain(`href="${ORIGINAL_REPOSITORY.url}"`);
    expect(existsSync(join(out, 'docs', 'original-work.md'))).toBe(true);
    expect(OUTSIDE.test(index)).toBe(false);
    // The default model, data/sat_model.bin, has its training log beside it: notebook 00 shows that log.
    const html = readFileSync(join(out, 'html/00-sat-rnn.html'), 'utf8');
    expect(html).toMatch(
      /Training log: <code>sat_model\.train\.csv<\/code>, saved beside the model in use/,
    );
    const log = readFileSync(join(clone, 'data/sat_model.train.csv'), 'utf8').trim().split('\n');
    const json = JSON.parse(readFileSync(join(out, 'results/00-sat-rnn.json'), 'utf8'));
    expect(json.model.path).toBe('data/sat_model.bin');
    expect(json.tables['training-log'][0].epochs).toBe(log.length - 1);
  }, 600_000);
});
