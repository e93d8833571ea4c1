/**
 * The layout of lib/ (lib/README.md): folders by idea, imports pointing one way
 *   publish → notebook → sections (prediction, construction, sn, counting) → core, math → fast
 * and no notebook importing lib/publish (the runner publishes; a notebook only reports).
 * with no import cycle anywhere (type-only imports included). The fast kernels take plain typed
 * arrays and the shared shapes of core/types.ts and core/model.ts, and import nothing else above.
 * And the test suite's own order (test/sequencer.ts).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { TestSpecification, Vitest } from 'vitest/node';
import { ROOT } from './helpers.js';
import SlowFilesFirst, { SLOW_FILES } from './sequencer.js';

const LIB = join(ROOT, 'lib');

/** Every .ts file under lib/, relative to lib/. */
function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? libFiles(p) : e.name.endsWith('.ts') ? [relative(LIB, p)] : [];
  });
}

/** The lib files a file imports (static, re-export and dynamic; type-only included). */
function importsOf(file: string): string[] {
  const src = readFileSync(join(LIB, file), 'utf8');
  const specs = [...src.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1],
  );
  return specs.map((s) =>
    relative(LIB, resolve(dirname(join(LIB, file)), s.replace(/\.js$/, '.ts'))),
  );
}

/** Layer of a lib file: −1 publish, 0 notebook, 1 sections, 2 core and math, 3 fast. */
function layer(file: string): number {
  const top = file.split('/')[0];
  const layers: Record<string, number> = {
    publish: -1,
    notebook: 0,
    prediction: 1,
    construction: 1,
    sn: 1,
    counting: 1,
    core: 2,
    math: 2,
    fast: 3,
  };
  if (!(top in layers))
    throw new Error(`lib/${file}: not in one of the folders ${Object.keys(layers).join(', ')}`);
  return layers[top];
}

/** What the fast kernels may import from above them: shapes and types only. */
const SHARED_SHAPES = new Set(['core/types.ts', 'core/model.ts']);

/** Imports that point upward (`from → to`), the fast kernels' shared shapes excepted. */
function upwardImports(g: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [f, deps] of g) {
    for (const d of deps) {
      if (layer(d) >= layer(f) || (f.startsWith('fast/') && SHARED_SHAPES.has(d))) continue;
      out.push(`lib/${f} → lib/${d}`);
    }
  }
  return out;
}

/** The import cycles found by a depth-first walk, each as `a → b → … → a`. */
function cyclesOf(g: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const d of g.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of g.keys()) visit(f, []);
  return cycles;
}

const files = libFiles();
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('lib/ layout', () => {
  it('every module sits in a folder of an idea, and every import resolves to a lib file', () => {
    for (const [f, deps] of graph) {
      layer(f);
      for (const d of deps)
        expect(graph.has(d), `lib/${f} imports lib/${d}, which does not exist`).toBe(true);
    }
  });

  it('no notebook imports lib/publish: only the runner publishes', () => {
    const nbDir = join(ROOT, 'notebooks');
    const importers = readdirSync(nbDir).filter(
      (f) =>
        f.endsWith('.ipynb') && /sat-rnn\/lib\/publish/.test(readFileSync(join(nbDir, f), 'utf8')),
    );
    expect(importers).toEqual([]);
  });

  it('imports point one way: publish → notebook → sections → core/math → fast', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('the checks find an upward import and a cycle when there is one', () => {
    const bad = new Map([
      ['fast/k.ts', ['core/types.ts', 'construction/readout.ts']],
      ['core/types.ts', []],
      ['construction/readout.ts', ['core/rnn.ts']],
      ['core/rnn.ts', ['fast/k.ts', 'core/bptt.ts']],
      ['core/bptt.ts', ['core/rnn.ts']],
    ]);
    expect(upwardImports(bad)).toEqual(['lib/fast/k.ts → lib/construction/readout.ts']);
    expect(cyclesOf(bad).sort()).toEqual([
      'core/rnn.ts → core/bptt.ts → core/rnn.ts',
      'fast/k.ts → construction/readout.ts → core/rnn.ts → fast/k.ts',
    ]);
  });
});

describe('the test suite', () => {
  it('starts the slow files first, slowest first, and the others in vitest order (by size in a fresh clone)', async () => {
    const names = readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts'));
    for (const f of SLOW_FILES) expect(names, f).toContain(`${f}.test.ts`);
    // A fresh clone: no durations on record, so vitest orders by size.
    const sizes: Record<string, number> = { 'a.test.ts': 10, 'b.test.ts': 30, 'cli.test.ts': 5 };
    const ctx = {
      config: { root: ROOT },
      cache: {
        getFileTestResults: () => undefined,
        getFileStats: (key: string) => ({ size: sizes[key.split('/').pop()!] ?? 1 }),
      },
    };
    const spec = (name: string) =>
      ({ moduleId: join(ROOT, 'test', name), project: { name: '' } }) as TestSpecification;
    const files = ['a.test.ts', 'cli.test.ts', 'b.test.ts', 'notebooks.test.ts'].map(spec);
    const sorted = await new SlowFilesFirst(ctx as unknown as Vitest).sort(files);
    expect(sorted.map((f) => f.moduleId.split('/').pop())).toEqual([
      'notebooks.test.ts',
      'cli.test.ts',
      'b.test.ts',
      'a.test.ts',
    ]);
  });
});
