/**
 * The explorable figures of the notebooks, built from frames that lib computes (each figure's
 * frames come from the folder of its idea; this module only draws them with `explorableFigure`):
 *   stateExplorer     00, 03  the hidden state's signs position by position, with the readout's top predictions
 *   gridExplorer      03      the analytic readout's bpc over the (α, scale) grid under the three rules
 *   continuumExplorer 04      the learning curves of the continuum, one update at a time
 *   gapExplorer       05      the export gap per layer as α moves, with and without clipping
 * and one static figure drawn with the same sign colours:
 *   registerHeatmap   03      the carrier's signs over the first positions, each labelled by its input byte
 */
import { byteLabel } from '../prediction/anatomy.js';
import type { StateFrame } from '../core/frames.js';
import type { AnalyticGrid, ContinuumFrame, RuleScores } from '../construction/fits.js';
import { gridChoice } from '../construction/fits.js';
import type { LayerGapFrame } from '../sn/gap.js';
import { explorableFigure } from './explorable.js';
import type { FigureSpec, Trace } from './figure.js';
import { OKABE_ITO, byteTickLabel } from './figure.js';

const SIGN_COLOURS = [
  [0, OKABE_ITO[1]],
  [0.5, OKABE_ITO[1]],
  [0.5, OKABE_ITO[0]],
  [1, OKABE_ITO[0]],
];

/** Options of `stateExplorer`. */
export interface StateExplorerOptions {
  /** The H units drawn as a rows × cols grid, unit r·cols + c in row r. */
  readonly rows: number;
  readonly cols: number;
  readonly rowTitle: string;
  readonly colTitle: string;
  /** Text beside each row for a frame (e.g. the byte a register group holds), [rows]. */
  readonly rowText?: (f: StateFrame) => string[];
  /** Position of the static copy (default: the last frame). */
  readonly staticT?: number;
  readonly play?: boolean;
}

/**
 * The hidden state of a run stepped position by position: left, sign h_j(t) of every unit as a
 * grid; right, the readout's top predictions for x_{t+1}, the byte that came in green.
 */
export function stateExplorer(frames: readonly StateFrame[], o: StateExplorerOptions): FigureSpec {
  if (frames.length === 0) throw new RangeError('stateExplorer: no frames');
  const H = frames[0].signs.length;
  if (o.rows * o.cols !== H)
    throw new RangeError(
      `stateExplorer: rows × cols = ${o.rows * o.cols}, the state has ${H} units`,
    );
  const k = frames[0].top.length;
  const name = (f: StateFrame) => `t${f.t}`;
  const label = (f: StateFrame) =>
    `${f.t}: read ${byteLabel(f.read)}${f.next === null ? '' : ` → next ${byteLabel(f.next)} (p = ${f.pNext!.toFixed(3)})`}`;
  const ranks = Array.from({ length: k }, (_, i) => i + 1);
  return explorableFigure({
    frames: frames.map((f) => ({
      name: name(f),
      label: label(f),
      data: [
        {
          type: 'heatmap',
          z: Array.from({ length: o.rows }, (_, r) =>
            Array.from(f.signs.subarray(r * o.cols, (r + 1) * o.cols)),
          ),
          zmin: -1,
          zmax: 1,
          colorscale: SIGN_COLOURS,
          showscale: false,
          xgap: 1,
          ygap: 1,
          hovertemplate: 'row %{y}, column %{x}: sign %{z}<extra></extra>',
        },
        {
          type: 'scatter',
          mode: 'text',
          x: Array(o.rows).fill(o.cols - 0.4),
          y: Array.from({ length: o.rows }, (_, r) => r),
          text: o.rowText ? o.rowText(f) : Array(o.rows).fill(''),
          textposition: 'middle right',
          textfont: { size: 10 },
          showlegend: false,
          hoverinfo: 'skip',
          cliponaxis: false,
        },
        {
          type: 'bar',
          orientation: 'h',
          xaxis: 'x2',
          yaxis: 'y2',
          y: ranks,
          x: f.top.map((p) => p.p),
          text: f.top.map((p) => byteLabel(p.byte)),
          textposition: 'outside',
          cliponaxis: false,
          marker: { color: f.top.map((p) => (p.byte === f.next ? OKABE_ITO[2] : '#999999')) },
          showlegend: false,
          hovertemplate: '%{text}: p = %{x:.3f}<extra></extra>',
        },
      ],
    })),
    staticFrame: name(frames.find((f) => f.t === o.staticT) ?? frames[frames.length - 1]),
    slider: 'position t = ',
    play: o.play ?? true,
    layout: {
      // Room right of the grid for the row texts (points outside an axis range are not drawn).
      xaxis: {
        title: { text: o.colTitle },
        domain: [0, 0.55],
        range: [-0.5, o.rowText ? o.cols + 2.5 : o.cols - 0.5],
        tickvals: Array.from({ length: o.cols }, (_, c) => c),
      },
      yaxis: { title: { text: o.rowTitle }, autorange: 'reversed', dtick: 1 },
      xaxis2: { title: { text: 'p(next byte)' }, domain: [0.72, 1], range: [0, 1.15] },
      yaxis2: {
        title: { text: 'rank of the prediction' },
        anchor: 'x2',
        autorange: 'reversed',
        dtick: 1,
      },
      margin: { r: 30 },
    },
    width: 900,
    height: 560,
  });
}

/**
 * The sign of every unit of a shift-register carrier over its first `positions` positions: rows the
 * H units (row 8g + j is bit j of group g, ticked every `bits` rows as g0, g1, …), columns the
 * positions, each ticked by t and its input byte x_t drawn by `byteTickLabel` (any byte value,
 * control characters included, is a safe label; hex labels staggered over two lines). `states` is [n][H] row-major (`carrierStates`),
 * `bytes` [n], positions ≤ n.
 */
export function registerHeatmap(
  states: Float64Array,
  hidden: number,
  bytes: Uint8Array,
  positions: number,
  bits: number,
): FigureSpec {
  const n = bytes.length;
  if (states.length !== n * hidden)
    throw new RangeError(
      `registerHeatmap: states hold ${states.length} values, expected n × H = ${n} × ${hidden}`,
    );
  if (!Number.isInteger(positions) || positions < 1 || positions > n)
    throw new RangeError(
      `registerHeatmap: positions ${positions}, expected 1 … ${n} (the text's length)`,
    );
  if (!Number.isInteger(bits) || bits < 1 || hidden % bits !== 0)
    throw new RangeError(`registerHeatmap: ${bits} bits per group do not divide H = ${hidden}`);
  const ts = Array.from({ length: positions }, (_, t) => t);
  const signs = Array.from({ length: hidden }, (_, i) =>
    ts.map((t) => (states[t * hidden + i] >= 0 ? 1 : -1)),
  );
  const groups = Array.from({ length: hidden / bits }, (_, g) => g);
  // Hex labels (0x07) are wider than a column: staggered over two lines, odd positions one line lower, they do not touch.
  const labels = ts.map((t) => byteTickLabel(bytes[t]));
  const stagger = labels.some((l) => l.startsWith('0x'));
  return {
    data: [
      {
        type: 'heatmap',
        z: signs,
        x: ts,
        zmin: -1,
        zmax: 1,
        colorscale: SIGN_COLOURS,
        colorbar: { title: { text: 'sign h' }, tickvals: [-1, 1] },
      },
    ],
    layout: {
      xaxis: {
        title: { text: 'position t (input byte x_t below the tick)' },
        tickvals: ts,
        ticktext: ts.map((t) => `${t}<br>${stagger && t % 2 === 1 ? '<br>' : ''}${labels[t]}`),
        tickfont: { size: 9 },
        tickangle: 0,
      },
      yaxis: {
        title: { text: `hidden unit ${bits}g + j (group g = offset in steps)` },
        autorange: 'reversed',
        tickvals: groups.map((g) => bits * g),
        ticktext: groups.map((g) => `g${g}`),
      },
    },
    width: 900,
    height: 520,
  };
}

const RULES: ReadonlyArray<{
  rule: keyof RuleScores;
  name: string;
  colour: string;
  symbol: string;
}> = [
  { rule: 'all', name: 'all positions', colour: OKABE_ITO[6], symbol: 'circle' },
  { rule: 'train', name: 'train half', colour: OKABE_ITO[0], symbol: 'square' },
  { rule: 'test', name: 'test half', colour: OKABE_ITO[1], symbol: 'diamond' },
];

/**
 * The analytic grid stepped along α: bpc against the scale under `all`, the train half and the
 * test half for one α per frame; fixed markers at the point each rule selects over the whole
 * grid, at that point's score under the rule and on the test half (the test-selection leak: the
 * point picked by the test half scores best there by construction).
 */
export function gridExplorer(g: AnalyticGrid, staticAlpha?: number): FigureSpec {
  const S = g.scales.length;
  const picks = RULES.map((r) => ({ ...r, pick: gridChoice(g, r.rule) }));
  const values = g.scores.flatMap((s) => [s.all, s.train, s.test]);
  const lo = Math.min(...values),
    hi = Math.min(Math.max(...values), 8);
  const fixed: Trace[] = picks.flatMap(({ rule, name, colour, symbol, pick }) => [
    {
      type: 'scatter',
      mode: 'markers',
      name: `picked by ${name} (α = ${pick.alpha}, s = ${pick.scale}): ${name} bpc`,
      x: [pick.scale],
      y: [pick.scores[rule]],
      marker: {
        symbol: `${symbol}-open`,
        size: 14,
        color: colour,
        line: { width: 2.5, color: colour },
      },
    },
    ...(rule === 'test'
      ? []
      : [
          {
            type: 'scatter',
            mode: 'markers',
            name: `picked by ${name}: its test-half bpc`,
            x: [pick.scale],
            y: [pick.scores.test],
            marker: {
              symbol: 'x-thin-open',
              size: 12,
              color: colour,
              line: { width: 2.5, color: colour },
            },
          },
        ]),
  ]);
  return explorableFigure({
    fixed,
    frames: g.alphas.map((alpha, a) => ({
      name: `a${alpha}`,
      label: String(alpha),
      data: RULES.map(({ rule, name, colour }) => ({
        type: 'scatter',
        mode: 'lines',
        name: `${name}, this α`,
        x: g.scales,
        y: g.scores.slice(a * S, (a + 1) * S).map((s) => s[rule]),
        line: { color: colour, width: 2 },
      })),
    })),
    staticFrame: `a${staticAlpha ?? picks[2].pick.alpha}`,
    slider: 'smoothing α = ',
    layout: {
      xaxis: { title: { text: 'readout scale s' } },
      yaxis: { title: { text: 'bits per character (bpc)' }, range: [Math.max(0, lo - 0.2), hi] },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: 11 } },
      margin: { t: 130 },
    },
    width: 860,
    height: 620,
  });
}

/** One learning curve of the continuum: bpc after each update (`ConstructionFit.curve`). */
export interface ContinuumCurve {
  readonly name: string;
  readonly colour: string;
  readonly bpc: Float64Array;
}

/**
 * The continuum one update at a time: every learning curve faint in full, a marker where each
 * method is after k updates (the slider), the references (closed forms, trained model) as
 * horizontal lines and the paper's points as black crosses.
 */
export function continuumExplorer(
  curves: readonly ContinuumCurve[],
  frames: readonly ContinuumFrame[],
  extra: {
    references: ReadonlyArray<{ name: string; bpc: number; colour: string }>;
    paper: { x: readonly number[]; y: readonly number[] };
    staticK?: number;
  },
): FigureSpec {
  if (frames.some((f) => f.k < 1))
    throw new RangeError(
      'continuumExplorer: iterations are on a log axis, so frames start at k = 1',
    );
  const last = Math.max(...curves.map((c) => c.bpc.length - 1));
  const fixed: Trace[] = [
    ...curves.map((c) => ({
      type: 'scatter',
      mode: 'lines',
      name: c.name,
      x: Array.from({ length: c.bpc.length - 1 }, (_, k) => k + 1),
      y: Array.from(c.bpc.subarray(1)),
      line: { color: c.colour, width: 1.5 },
      opacity: 0.45,
    })),
    ...extra.references.map((r) => ({
      type: 'scatter',
      mode: 'lines',
      name: r.name,
      x: [1, last],
      y: [r.bpc, r.bpc],
      line: { dash: 'dot', color: r.colour },
    })),
    {
      type: 'scatter',
      mode: 'markers',
      name: 'paper',
      x: extra.paper.x,
      y: extra.paper.y,
      marker: {
        symbol: 'x-thin-open',
        size: 12,
        color: OKABE_ITO[6],
        line: { width: 3, color: OKABE_ITO[6] },
      },
    },
  ];
  return explorableFigure({
    fixed,
    frames: frames.map((f) => ({
      name: `k${f.k}`,
      label: String(f.k),
      data: [
        {
          type: 'scatter',
          mode: 'markers+text',
          name: 'after k updates',
          showlegend: false,
          x: f.points.map(() => f.k),
          y: f.points.map((p) => p.bpc),
          text: f.points.map((p) => `${p.bpc.toFixed(3)}${p.stopped ? ' (done)' : ''}`),
          textposition: 'middle right',
          textfont: { size: 10 },
          marker: {
            size: 11,
            color: curves.map((c) => c.colour),
            line: { width: 1, color: '#222' },
          },
          cliponaxis: false,
        },
      ],
    })),
    staticFrame: `k${extra.staticK ?? frames[frames.length - 1].k}`,
    slider: 'updates k = ',
    play: 250,
    layout: {
      xaxis: {
        title: { text: 'iterations k (full-batch updates of Wy, by; log scale)' },
        type: 'log',
      },
      yaxis: { title: { text: 'bits per character (bpc, log scale)' }, type: 'log' },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: 11 } },
      margin: { t: 110, r: 90 },
    },
    width: 860,
    height: 620,
  });
}

/**
 * The export gap per layer set as α moves (one frame per α): bars of the quantized model's bpc,
 * clipped at 255 and without clip, over a dotted line at the float model's bpc (the gap is the
 * height above it; the hover text gives it, negative where quantizing happens to help).
 */
export function gapExplorer(frames: readonly LayerGapFrame[], staticAlpha: number): FigureSpec {
  if (frames.length === 0) throw new RangeError('gapExplorer: no frames');
  const alphas = [...new Set(frames.map((f) => f.alpha))];
  const at = (alpha: number, clip: boolean) => {
    const f = frames.find((x) => x.alpha === alpha && x.clip === clip);
    if (!f) throw new RangeError(`gapExplorer: no frame for α = ${alpha}, clip = ${clip}`);
    return f;
  };
  const all = frames.flatMap((f) => f.bpc);
  const { floatBpc, layers } = frames[0];
  const bars = (f: LayerGapFrame, colour: string) => ({
    type: 'bar',
    name: f.clip ? 'clipped at 255' : 'no clip',
    x: f.layers,
    y: f.bpc,
    customdata: f.bpc.map((b) => b - f.floatBpc),
    marker: { color: colour },
    hovertemplate: `%{x}, ${f.clip ? 'clipped' : 'no clip'}: %{y:.4f} bpc, gap %{customdata:+.4f}<extra></extra>`,
  });
  const label = (a: number) => (Number.isInteger(a) ? String(a) : a.toFixed(1));
  return explorableFigure({
    fixed: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'float model',
        x: layers,
        y: layers.map(() => floatBpc),
        line: { dash: 'dot', color: OKABE_ITO[6] },
      },
    ],
    frames: alphas.map((a) => ({
      name: `a${a}`,
      label: label(a),
      data: [bars(at(a, true), OKABE_ITO[1]), bars(at(a, false), OKABE_ITO[0])],
    })),
    staticFrame: `a${staticAlpha}`,
    slider: 'α = ',
    play: 600,
    layout: {
      barmode: 'group',
      xaxis: { title: { text: 'matrices quantized (biases float)' } },
      yaxis: {
        title: { text: 'bits per character (bpc, log scale)' },
        type: 'log',
        range: [Math.log10(Math.min(...all, floatBpc)) - 0.1, Math.log10(Math.max(...all)) + 0.1],
      },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
      margin: { t: 60 },
    },
    width: 760,
    height: 520,
  });
}
