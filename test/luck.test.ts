import { describe, expect, it } from 'vitest';
import { spread, zScore, rankAmong } from '../lib/math/stats.js';
import { fate, headlineSpread, placeIn, CONCLUSIONS, HEADLINES } from '../lib/prediction/luck.js';
import { parseSeeds, runFileName, logFileFor } from '../lib/core/zoo.js';
import {
  heldoutPath,
  trainLogBeside,
  fromRoot,
  DEFAULT_HELDOUT,
  PAPER_TEXT_SHA256,
} from '../lib/notebook/inputs.js';
import { byteTickLabel } from '../lib/notebook/figure.js';
import { errorText } from '../lib/notebook/report.js';

describe('spread, zScore, rankAmong', () => {
  it('match the closed forms on a small sample', () => {
    const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect([s.min, s.max, s.n]).toEqual([2, 9, 8]);
    expect(zScore(5 + s.sd, s)).toBeCloseTo(1, 14);
    expect(spread([3]).sd).toBe(0);
    expect(zScore(3, spread([3, 3]))).toBeNaN();
    expect(rankAmong(4, [2, 4, 4, 9])).toBe(2);
    expect(rankAmong(10, [2, 4, 9])).toBe(4);
    expect(() => spread([])).toThrow(/empty/);
    expect(() => spread([1, NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('luck helpers', () => {
  it('a headline spread counts only the runs where it is defined, null when none', () => {
    const vs = [{ a: 1 }, { a: NaN }, { a: 3 }];
    expect(headlineSpread(vs, 'a')).toMatchObject({ id: 'a', n: 2, mean: 2 });
    expect(headlineSpread([{ a: NaN }], 'a')).toBeNull();
    const p = placeIn(3, spread([1, 3]), [1, NaN, 3]);
    expect(p.rank).toBe(2);
    expect(p.z).toBeCloseTo(Math.SQRT1_2, 14);
  });
  it('fate: survives on every run, fails on none, luck in between', () => {
    expect(fate([true, true])).toBe('survives');
    expect(fate([false, false])).toBe('fails');
    expect(fate([true, false])).toBe('luck');
  });
  it('every conclusion reads headlines that exist, and the seeds say each holds', () => {
    const ids = new Set(HEADLINES.map((h) => h.id));
    const v = Object.fromEntries([...ids].map((id) => [id, NaN]));
    for (const c of CONCLUSIONS) {
      expect(c.paperHolds).toBe(true);
      expect(typeof c.holds(v, { analytic: { all: 1, test: 1 }, pi: { all: 1, test: 1 } })).toBe(
        'boolean',
      );
    }
  });
});

describe('zoo names', () => {
  it('parses seed lists, names runs and their logs', () => {
    expect(parseSeeds('1..3, 42')).toEqual([1, 2, 3, 42]);
    expect(() => parseSeeds('1,x')).toThrow(/'x' is not a seed/);
    expect(() => parseSeeds('5,5')).toThrow(/seed 5 given twice/);
    expect(runFileName(7)).toBe('seed-007.bin');
    expect(logFileFor('a/seed-007.bin')).toBe('a/seed-007.train.csv');
  });
});

describe('notebook inputs for any text', () => {
  it('held out: --heldout wins; enwik8 1024–2047 for the paper text; none for another text', () => {
    expect(heldoutPath(PAPER_TEXT_SHA256, {})).toBe(fromRoot(DEFAULT_HELDOUT));
    expect(heldoutPath('0'.repeat(64), {})).toBeNull();
    expect(heldoutPath('0'.repeat(64), { SAT_HELDOUT: 'data/x.txt' })).toBe(fromRoot('data/x.txt'));
    expect(() => heldoutPath(PAPER_TEXT_SHA256, { SAT_HELDOUT: ' ' })).toThrow(
      /SAT_HELDOUT: set but empty/,
    );
  });
  it('the log beside a model', () => {
    expect(trainLogBeside(fromRoot('data/sat_model.bin'))).toBe(
      fromRoot('data/sat_model.train.csv'),
    );
    expect(trainLogBeside(fromRoot('data/zoo/enwik_1024/seed-042.bin'))).toBe(
      fromRoot('data/zoo/enwik_1024/seed-042.train.csv'),
    );
    expect(trainLogBeside(fromRoot('data/no-such-model.bin'))).toBeNull();
  });
  it('every byte value is a label without control characters or raw markup', () => {
    for (let x = 0; x < 256; x++)
      expect(byteTickLabel(x)).toMatch(/^(?:[\x21-\x7e]|&\w+;|&#\d+;|⏎|␣)+$/);
    expect(byteTickLabel(38)).toBe('&amp;');
    expect(byteTickLabel(0)).toBe('0x00');
  });
  it('errorText is never empty', () => {
    expect(errorText(new Error(''))).toBe('Error without a message');
    expect(errorText(undefined)).toBe('undefined was thrown');
    expect(errorText({ type: 'error' })).toBe('{"type":"error"}');
    expect(errorText('')).toMatch(/empty string/);
  });
});

describe("the dashboard's zoo spread", () => {
  it('pairs luck.<id>.mean with .sd and the zoo size, keyed by the claim id', async () => {
    const { zooSpreads } = await import('../lib/publish/book.js');
    const { makeClaim } = await import('../lib/notebook/ledger.js');
    const c = (id: string, measured: number) =>
      makeClaim({ id, description: id, paper: null, measured, unit: 'x' });
    const m = zooSpreads([
      c('luck.runs', 8),
      c('luck.satrnn.bpc.mean', 0.4),
      c('luck.satrnn.bpc.sd', 0.5),
      c('luck.holds.x', 1),
      c('satrnn.bpc', 0.08),
    ]);
    expect([...m.entries()]).toEqual([['satrnn.bpc', { mean: 0.4, sd: 0.5, n: 8 }]]);
    expect(zooSpreads([c('luck.satrnn.bpc.mean', 0.4), c('luck.satrnn.bpc.sd', 0.5)]).size).toBe(0);
  });
});
