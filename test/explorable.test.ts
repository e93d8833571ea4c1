/**
 * Explorable figures: the slider helper (frames sent once, the static frame named), the frame
 * functions of each notebook's figure (against the kernels they reuse), the mathjs derivations
 * (against the BPTT kernel and the binary-ES functions), and a page in chromium whose slider is
 * moved: the drawn data change, with no console error, and the static export has no slider.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { explorableFigure } from '../lib/notebook/explorable.js';
import {
  stateExplorer,
  gridExplorer,
  continuumExplorer,
  gapExplorer,
} from '../lib/notebook/explorables.js';
import { derivationMarkdown } from '../lib/notebook/derivation.js';
import {
  figureCaption,
  figureHtml,
  plotlyScriptTag,
  staticLayout,
  styleFigure,
  PLOTLY_TRACE_TYPES,
} from '../lib/notebook/figure.js';
import { CHROMIUM, CHROMIUM_ARGS, closeExporter, exportFigure } from '../lib/notebook/export.js';
import { stateFrames } from '../lib/core/frames.js';
import { run, scoreStates } from '../lib/core/rnn.js';
import { loadBytes } from '../lib/core/data.js';
import { chunkGradient, zeroGrads } from '../lib/core/bptt.js';
import {
  analyticGrid,
  gridChoice,
  constructionTask,
  carrierJob,
  continuumFrames,
  continuumSteps,
} from '../lib/construction/fits.js';
import { carrierStates, registerContents } from '../lib/construction/shift-register.js';
import { HASHES } from '../lib/construction/hash.js';
import { layerGapSweep, alphaSweep, LAYER_GAP_SETS } from '../lib/sn/gap.js';
import { binaryEsActivation, matchingSupport } from '../lib/sn/um.js';
import {
  crossEntropyDerivation,
  bpttExample,
  matchingDerivation,
} from '../lib/math/derivations.js';
import { moveSlider, randomModel, TRAIN_TEXT } from './helpers.js';

const axes = { xaxis: { title: 'x' }, yaxis: { title: 'y' } };
const line = (a: number) => ({ type: 'scatter', mode: 'lines', x: [0, 1, 2], y: [0, a, 2 * a] });

describe('explorableFigure', () => {
  const spec = explorableFigure({
    fixed: [{ type: 'scatter', mode: 'markers', x: [1], y: [1] }],
    frames: [1, 2, 3].map((a) => ({ name: `a${a}`, label: `slope ${a}`, data: [line(a)] })),
    staticFrame: 'a2',
    slider: 'a = ',
    play: true,
    layout: axes,
  });

  it('draws the static frame after the fixed traces and sends each frame once, as the moving traces only', () => {
    expect(spec.data).toEqual([{ type: 'scatter', mode: 'markers', x: [1], y: [1] }, line(2)]);
    expect(spec.frames!.map((f) => [f.name, f.traces, f.data])).toEqual(
      [1, 2, 3].map((a) => [`a${a}`, [1], [line(a)]]),
    );
    expect(spec.staticFrame).toBe('slope 2');
    const slider = (
      spec.layout!.sliders as Array<{
        active: number;
        steps: Array<{ label: string; args: unknown[] }>;
      }>
    )[0];
    expect(slider.active).toBe(1);
    expect(slider.steps.map((s) => [s.label, (s.args[0] as string[])[0]])).toEqual([
      ['slope 1', 'a1'],
      ['slope 2', 'a2'],
      ['slope 3', 'a3'],
    ]);
    expect(spec.layout!.updatemenus).toHaveLength(1);
    // One copy of each frame's data in the page: the spec holds the static frame twice (data and its frame), no more.
    expect(JSON.stringify(spec).split('"y":[0,3,6]').length - 1).toBe(1);
  });

  it('refuses frames it cannot animate, naming the problem', () => {
    const f = (name: string, n = 1) => ({ name, data: Array(n).fill(line(1)) });
    expect(() => explorableFigure({ frames: [f('a')], staticFrame: 'a', slider: '' })).toThrow(
      /at least 2 frames/,
    );
    expect(() =>
      explorableFigure({ frames: [f('a'), f('a')], staticFrame: 'a', slider: '' }),
    ).toThrow(/unique/);
    expect(() =>
      explorableFigure({ frames: [f('a'), f('b', 2)], staticFrame: 'a', slider: '' }),
    ).toThrow(/frame 'b' has 2 traces, the first has 1/);
    expect(() =>
      explorableFigure({ frames: [f('a'), f('b')], staticFrame: 'c', slider: '' }),
    ).toThrow(/staticFrame 'c'/);
  });

  it('keeps frames through styling, names the static frame in the caption, and static copies drop the slider', () => {
    const styled = styleFigure('e', spec);
    expect(styled.frames).toHaveLength(3);
    expect(staticLayout(styled.layout)).not.toHaveProperty('sliders');
    expect(staticLayout(styled.layout)).not.toHaveProperty('updatemenus');
    expect(staticLayout(styled.layout).xaxis).toEqual(styled.layout.xaxis);
    expect(figureCaption('Lines.', spec)).toBe(
      'Lines. Static copies show the frame slope 2; the HTML and the lab step through all 3 frames with the slider.',
    );
    expect(figureCaption('Lines.', { data: [line(1)] })).toBe('Lines.');
    expect(() => styleFigure('e', { ...spec, staticFrame: undefined })).toThrow(
      /figure e: a figure with frames names the frame/,
    );
    // The page hands plotly data, layout and frames together (frames are lost when only data and layout are passed).
    const html = figureHtml('fig-e', styled, 'iVBORw0KGgo=', 'c');
    expect(html).toMatch(
      /Plotly\.newPlot\(el, \{"data":\[.*\],"layout":\{.*\},"frames":\[\{"name":"a1"/,
    );
  });

  it('hides the tick labels of a dense slider but keeps the current value readable', () => {
    const dense = explorableFigure({
      frames: Array.from({ length: 50 }, (_, k) => ({ name: `k${k}`, data: [line(k)] })),
      staticFrame: 'k0',
      slider: 'k = ',
      layout: axes,
    });
    const s = (
      dense.layout!.sliders as Array<{
        font: { color: string };
        currentvalue: { font: { color: string } };
      }>
    )[0];
    expect(s.font.color).toBe('rgba(0,0,0,0)');
    expect(s.currentvalue.font.color).toBe('#222');
  });
});

describe('frames computed by lib', () => {
  const bytes = loadBytes(TRAIN_TEXT);
  const m = randomModel(16, 7, 0.5);

  it('stateFrames: signs of the state, the top predictions in order, and p(next) = 2^−bits of scoreStates', () => {
    const h = run(m, bytes.subarray(0, 40)).h;
    const bits = scoreStates(m.Wy, m.by, 16, h, bytes.subarray(0, 40)).bits;
    const frames = stateFrames(h, 16, bytes.subarray(0, 40), m, [0, 5, 39], 4);
    expect(frames.map((f) => [f.t, f.read, f.next])).toEqual([
      [0, bytes[0], bytes[1]],
      [5, bytes[5], bytes[6]],
      [39, bytes[39], null],
    ]);
    for (const f of frames) {
      expect(Array.from(f.signs)).toEqual(
        Array.from(h.subarray(f.t * 16, f.t * 16 + 16), (v) => (v >= 0 ? 1 : -1)),
      );
      expect(f.top).toHaveLength(4);
      for (let k = 1; k < 4; k++) expect(f.top[k].p).toBeLessThanOrEqual(f.top[k - 1].p);
      if (f.next !== null) expect(f.pNext).toBeCloseTo(2 ** -bits[f.t], 12);
    }
    expect(frames[2].pNext).toBeNull();
    expect(() => stateFrames(h, 16, bytes.subarray(0, 40), m, [40])).toThrow(
      /positions: 40 is outside/,
    );
    expect(() => stateFrames(h, 8, bytes.subarray(0, 40), m, [0])).toThrow(
      /states: 640 values, expected 40 positions × 8 hidden/,
    );
  });

  it("registerContents: the byte whose hash pattern each group carries (the carrier's signs agree from t ≥ g)", () => {
    const spec = { hash: HASHES.mixed, groups: 16, bits: 8 };
    const text = bytes.subarray(0, 60),
      states = carrierStates(spec, text);
    for (const t of [0, 3, 17, 59]) {
      registerContents(16, text, t).forEach((x, g) => {
        if (x === null) {
          expect(t).toBeLessThan(g);
          return;
        }
        for (let j = 0; j < 8; j++)
          expect(Math.sign(states[t * 128 + g * 8 + j])).toBe(spec.hash.sign(x, j));
      });
    }
  });

  it("analyticGrid: every rule's pick is the readout the fits pick (halves: the test half; original: all), with the same scores to rounding", () => {
    const spec = { hash: HASHES.mixed, groups: 16, bits: 8 };
    const text = bytes.subarray(0, 300);
    for (const [name, rule] of [
      ['original-halves', 'test'],
      ['original', 'all'],
    ] as const) {
      const g = analyticGrid(spec, text, name);
      expect(g.scores).toHaveLength(g.alphas.length * g.scales.length);
      const fit = constructionTask({
        carrier: carrierJob(spec),
        bytes: text,
        protocol: name,
        method: 'analytic',
      });
      const pick = gridChoice(g, rule);
      expect([pick.alpha, pick.scale]).toEqual([fit.alpha, fit.scale]);
      // The grid scores through the scale sweep's products (D·h once per α, then s·(D·h)), the fit
      // through its readout (s·D)·h: the same numbers to float64 rounding (measured 5e-16 apart).
      for (const r of ['all', 'train', 'test', 'fit'] as const)
        expect(Math.abs(pick.scores[r] - fit.scores[r]), r).toBeLessThan(1e-12);
      // Selected on the test half, the test half can only look better than when selected on the train half.
      expect(gridChoice(g, 'test').scores.test).toBeLessThanOrEqual(
        gridChoice(g, 'train').scores.test,
      );
    }
  });

  it('continuumFrames and continuumSteps: curve[k] after k updates, a finished curve stays at its end', () => {
    const a = Float64Array.from([5, 4, 3, 2, 1]),
      b = Float64Array.from([9, 8]);
    expect(continuumFrames([a, b], [0, 1, 4, 7])).toEqual([
      {
        k: 0,
        points: [
          { bpc: 5, stopped: false },
          { bpc: 9, stopped: false },
        ],
      },
      {
        k: 1,
        points: [
          { bpc: 4, stopped: false },
          { bpc: 8, stopped: false },
        ],
      },
      {
        k: 4,
        points: [
          { bpc: 1, stopped: false },
          { bpc: 8, stopped: true },
        ],
      },
      {
        k: 7,
        points: [
          { bpc: 1, stopped: true },
          { bpc: 8, stopped: true },
        ],
      },
    ]);
    const steps = continuumSteps(1000);
    expect(steps.slice(0, 21)).toEqual(Array.from({ length: 21 }, (_, k) => k));
    expect(steps[steps.length - 1]).toBe(1000);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
    expect(() => continuumSteps(0)).toThrow(/last ≥ 1/);
  });

  it("layerGapSweep: the all-matrices bar is alphaSweep's bpc, one layer alone matches its quantized model, and a fine α closes the gap", () => {
    const text = bytes.subarray(0, 200);
    const frames = layerGapSweep(m, text, [4, 1e6]);
    expect(frames.map((f) => [f.alpha, f.clip])).toEqual([
      [4, true],
      [4, false],
      [1e6, true],
      [1e6, false],
    ]);
    expect(frames[0].layers).toEqual(LAYER_GAP_SETS.map((s) => s.label));
    const sweep = alphaSweep(m, text, [4], false)[0];
    expect(frames[1].bpc[3]).toBe(sweep.bpc);
    const fine = frames[3];
    for (const b of fine.bpc) expect(Math.abs(b - fine.floatBpc)).toBeLessThan(1e-4);
  });

  it('the figure builders draw those frames with titled axes', () => {
    const h = run(m, bytes.subarray(0, 30)).h;
    const sf = stateFrames(h, 16, bytes.subarray(0, 30), m, [0, 1, 2]);
    const st = styleFigure(
      's',
      stateExplorer(sf, {
        rows: 4,
        cols: 4,
        rowTitle: 'r',
        colTitle: 'c',
        rowText: (f) => [String(f.t), '', '', ''],
      }),
    );
    expect(st.frames).toHaveLength(3);
    expect((st.frames[1].data[1] as { text: string[] }).text[0]).toBe('1');
    expect(() => stateExplorer(sf, { rows: 3, cols: 4, rowTitle: 'r', colTitle: 'c' })).toThrow(
      /rows × cols = 12, the state has 16 units/,
    );
    const g = analyticGrid(
      { hash: HASHES.mixed, groups: 16, bits: 8 },
      bytes.subarray(0, 100),
      'original-halves',
      { alphas: [1, 2], scales: [0.1, 0.2, 0.3] },
    );
    const gs = styleFigure('g', gridExplorer(g));
    expect(gs.frames.map((f) => f.name)).toEqual(['a1', 'a2']);
    expect((gs.frames[1].data[2] as { y: number[] }).y).toEqual(
      g.scores.slice(3).map((s) => s.test),
    );
    const cs = continuumExplorer(
      [{ name: 'a', colour: '#000', bpc: Float64Array.from([3, 2, 1]) }],
      continuumFrames([Float64Array.from([3, 2, 1])], [1, 2]),
      { references: [], paper: { x: [2], y: [1] } },
    );
    expect(cs.staticFrame).toBe('2');
    expect(styleFigure('c', cs).frames).toHaveLength(2);
    const gap = styleFigure('p', gapExplorer(layerGapSweep(m, bytes.subarray(0, 50), [8, 16]), 16));
    expect(gap.frames.map((f) => (f.data[0] as { y: number[] }).y.length)).toEqual([4, 4]);
  });
});

describe('derivations with mathjs', () => {
  it('the cross-entropy through softmax and tanh: p − onehot and 1 − tanh², checked numerically', () => {
    const d = crossEntropyDerivation([1.5, -0.3, 0.8], [-4, -0.5, 0, 2]);
    expect(d.steps.map((s) => s.tex).join(' ')).toMatch(/p_1 - 1[\s\S]*p_2[\s\S]*sech/);
    for (const c of d.checks) expect(c.maxAbsDiff, c.what).toBeLessThan(1e-15);
    expect(derivationMarkdown(d)).toMatch(/^1\. .*:\n\$\$L = /);
  });

  it("the 3-step example: mathjs's derivative of the written-out loss equals the BPTT kernel's gradient, parameter by parameter", () => {
    const ex = bpttExample('abca');
    const g = zeroGrads(2);
    const loss = chunkGradient(
      ex.model,
      ex.bytes,
      0,
      3,
      new Float64Array(2),
      g,
      new Float64Array(2),
    );
    const scope = Object.fromEntries(ex.parameters.map((p) => [p.symbol, p.value]));
    expect(Number(ex.loss.compile().evaluate(scope))).toBeCloseTo(loss, 12);
    expect(ex.parameters).toHaveLength(21);
    for (const p of ex.parameters)
      expect(Math.abs(p.symbolic - g[p.tensor][p.index]), p.symbol).toBeLessThan(1e-12);
    // Every non-zero gradient entry of the recurrence is one of the symbols (the other outputs' zero Wy, by rows get p·h and p, not differentiated here).
    const covered = new Set(ex.parameters.map((p) => `${p.tensor}:${p.index}`));
    for (const t of ['Wx', 'Wh', 'bh'] as const)
      g[t].forEach((v, i) => {
        if (v !== 0) expect(covered.has(`${t}:${i}`), `${t}[${i}]`).toBe(true);
      });
    expect(() => bpttExample('ab')).toThrow(/4 ASCII characters/);
  }, 60_000);

  it('the matching condition: k = 2/ln 2 from the slopes, and h(2 pre/ln 2) simplifies to the binary ES the UM runner uses', () => {
    const pre = Array.from({ length: 401 }, (_, i) => -10 + i / 20);
    const d = matchingDerivation(pre, binaryEsActivation, matchingSupport);
    for (const c of d.checks) expect(c.maxAbsDiff, c.what).toBeLessThan(1e-14);
    expect(d.steps[3].tex).toMatch(/\\exp\\left\(-\\left\(2\\cdot pre\\right\)\\right\)/);
    // A whole trajectory's pre-activations (131,072 for the sat-rnn on 1024 bytes) are checked too.
    const many = Array.from({ length: 131_072 }, (_, i) => Math.sin(i) * 12);
    expect(
      matchingDerivation(many, binaryEsActivation, matchingSupport).checks[3].maxAbsDiff,
    ).toBeLessThan(1e-14);
    // The check can fail: a wrong support (D = pre/ln 2) is caught.
    expect(
      matchingDerivation(pre, binaryEsActivation, (p) => p / Math.LN2).checks[3].maxAbsDiff,
    ).toBeGreaterThan(0.1);
  });
});

describe('in a browser', () => {
  afterAll(closeExporter);

  it('the slider redraws the figure without console errors, and the static export shows the named frame without a slider', async () => {
    const spec = explorableFigure({
      frames: [1, 2, 3, 4].map((a) => ({ name: `a${a}`, data: [line(a)] })),
      staticFrame: 'a1',
      slider: 'a = ',
      play: true,
      layout: axes,
    });
    const styled = styleFigure('e', spec);
    const dir = mkdtempSync(join(tmpdir(), 'explorable-'));
    const page = join(dir, 'page.html');
    writeFileSync(
      page,
      `<!doctype html><html><head><meta charset="utf-8"></head><body>${plotlyScriptTag()}${figureHtml('fig-e', styled, 'iVBORw0KGgo=', figureCaption('c', spec))}</body></html>`,
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
    try {
      const p = await browser.newPage();
      const problems: string[] = [];
      p.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(msg.text());
      });
      p.on('pageerror', (e) => problems.push(String(e)));
      await p.goto(pathToFileURL(page).href);
      const ys = () =>
        p.evaluate(
          () =>
            (document.getElementById('fig-e') as unknown as { data: Array<{ y: number[] }> })
              .data[0].y,
        );
      expect(await ys()).toEqual([0, 1, 2]);
      expect(await moveSlider(p, 'fig-e', 0.99)).toBe(true);
      expect(await ys()).toEqual([0, 4, 8]);
      expect(problems).toEqual([]);
      // The bundle registers exactly the trace types styleFigure lets through.
      expect(
        await p.evaluate(() =>
          Object.keys(
            (
              window as unknown as {
                Plotly: { PlotSchema: { get(): { traces: Record<string, unknown> } } };
              }
            ).Plotly.PlotSchema.get().traces,
          ).sort(),
        ),
      ).toEqual([...PLOTLY_TRACE_TYPES].sort());
    } finally {
      await browser.close();
    }
    const files = await exportFigure(styled);
    expect(files.svg).not.toContain('slider');
    expect(files.svg).not.toContain('updatemenu');
  }, 60_000);
});
