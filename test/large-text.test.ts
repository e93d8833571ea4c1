/**
 * Texts of any length: the fast kernels work block by block (bit-identical to the reference), their
 * memory does not grow with the text, training plans of many chunks work, and texts that would never
 * end or exceed the stated limit are refused before they are read.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, ftruncateSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, run, scoreStates, bpc } from '../lib/core/rnn.js';
import { BLOCK } from '../lib/fast/rnn.js';
import { fastTrainSession } from '../lib/fast/train.js';
import { chunks } from '../lib/core/train.js';
import { loadBytes, MAX_TEXT_BYTES } from '../lib/core/data.js';
import { GlibcRand } from '../lib/core/glibc-rand.js';
import { ROOT, randomModel } from './helpers.js';

/** A seeded text of n bytes over a small alphabet. */
function text(n: number, seed: number): Uint8Array {
  const r = new GlibcRand(seed);
  return Uint8Array.from({ length: n }, () => 97 + (r.next() % 20));
}

describe('texts longer than one kernel block', () => {
  const m = randomModel(16, 4, 1.2);
  const bytes = text(2 * BLOCK + 1234, 7);

  it('evaluate, run and scoreStates are bit-identical to the reference across blocks', () => {
    for (const opts of [
      {},
      { resetEvery: 50 },
      { resetEvery: 3000 },
      { sign: true },
      { h0: Float64Array.from({ length: 16 }, (_, i) => Math.sin(i)) },
    ]) {
      const fast = evaluate(m, bytes, opts),
        ref = evaluate(m, bytes, { ...opts, kernel: 'reference' });
      expect(fast.bpc).toBe(ref.bpc);
      expect(Array.from(fast.bits)).toEqual(Array.from(ref.bits));
      const fr = run(m, bytes, opts),
        rr = run(m, bytes, { ...opts, kernel: 'reference' });
      expect(Array.from(fr.h)).toEqual(Array.from(rr.h));
      expect(Array.from(fr.pre)).toEqual(Array.from(rr.pre));
    }
    const states = run(m, bytes).h;
    const from = BLOCK - 3,
      to = bytes.length - 1;
    expect(scoreStates(m.Wy, m.by, 16, states, bytes, from, to).bpc).toBe(
      scoreStates(m.Wy, m.by, 16, states, bytes, from, to, 'reference').bpc,
    );
    expect(bpc(m, bytes)).toBe(evaluate(m, bytes, { kernel: 'reference' }).bpc);
  });

  it("evaluating a longer text does not grow the kernels' memory", () => {
    // A fresh process, so that no earlier test has grown the shared kernel instance.
    const script = `
      import { evaluate } from '${ROOT}lib/core/rnn.ts';
      import { kernels } from '${ROOT}lib/fast/wasm.ts';
      import { randomModel } from '${ROOT}test/helpers.ts';
      const m = randomModel(16, 4, 1.2);
      const mib = () => kernels().memory.buffer.byteLength / 2 ** 20;
      evaluate(m, new Uint8Array(2000).fill(97));
      const small = mib();
      evaluate(m, new Uint8Array(200000).fill(97));
      console.log(JSON.stringify({ small, large: mib() }));`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const { small, large } = JSON.parse(out.trim().split('\n').pop()!);
    // One pass over 200,000 bytes kept whole would need 200,000 × 16 × 16 bytes = 49 MiB of states.
    expect(large - small).toBeLessThan(4);
  }, 60_000);
});

describe('training plans of many chunks', () => {
  it('a fused SGD session starts on a 10 MB text (200,000 chunks)', () => {
    const bytes = new Uint8Array(10_000_000).fill(98);
    const plan = chunks(bytes.length, 50);
    expect(plan.length).toBe(200_000);
    expect(fastTrainSession(randomModel(8, 1, 0.1), bytes, plan, { clip: 5 })).not.toBeNull();
  });
});

describe('text files', () => {
  it('refuses a device that never ends and a file past the size limit, before reading it', () => {
    expect(() => loadBytes('/dev/zero')).toThrow(/\/dev\/zero: not a regular file/);
    const dir = mkdtempSync(join(tmpdir(), 'sat-big-'));
    try {
      const big = join(dir, 'big.txt');
      const fd = openSync(big, 'w');
      ftruncateSync(fd, MAX_TEXT_BYTES + 1); // sparse: takes no disk space
      closeSync(fd);
      expect(() => loadBytes(big)).toThrow(/100,000,001 bytes, more than the limit of 100,000,000/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
