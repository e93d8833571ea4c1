/**
 * Explorable figures: a plotly figure with a slider (and an optional play button) that steps
 * through frames, for teaching a derivation one step at a time. Shown through `Report.figure`
 * like every figure: inline and in the HTML renders and the book the slider works offline (plotly
 * animation frames, no kernel); the static copies (SVG, PNG, PDF, the handout, the paper bundle)
 * show one named frame, which the caption states.
 *
 * Frames are sent once, as data: the traces that never change (reference lines, paper points)
 * are drawn from `fixed`, and each frame carries only the moving traces, which plotly swaps in
 * by index (`Frame.traces`).
 */
import type { FigureSpec, Frame, Layout, Trace } from './figure.js';

/** One position of the slider: its label under the slider and the moving traces it shows. */
export interface ExplorableFrame {
  /** Unique name (plotly animates to frames by name). */
  readonly name: string;
  /** Text under the slider tick and in the current-value readout (default: the name). */
  readonly label?: string;
  /** The moving traces, the same number in every frame. */
  readonly data: readonly Trace[];
}

export interface ExplorableOptions {
  /** Traces drawn in every frame, beneath the moving ones. */
  readonly fixed?: readonly Trace[];
  readonly frames: readonly ExplorableFrame[];
  /** Name of the frame the figure opens on and its static copies show. */
  readonly staticFrame: string;
  /** What the slider moves, shown before the current value (e.g. `position t = `). */
  readonly slider: string;
  /** Add a play / pause button (ms per frame, default 400). */
  readonly play?: boolean | number;
  readonly layout?: Layout;
  readonly width?: number;
  readonly height?: number;
}

/** Above this many steps the slider's tick labels would overlap: only the current value is written. */
const MAX_TICK_LABELS = 40;

/** The plotly `animate` arguments that jump to one frame at once (redraw: heatmaps and bars need it). */
function jumpTo(names: readonly (string | null)[] | null, duration: number): unknown[] {
  return [
    names,
    {
      mode: 'immediate',
      frame: { duration, redraw: true },
      transition: { duration: 0 },
      fromcurrent: true,
    },
  ];
}

/**
 * A figure spec with frames and a slider (see the module comment), for `Report.figure`.
 *
 * Shapes: every frame holds the same number k ≥ 1 of traces, which replace traces
 * fixed.length … fixed.length + k − 1; `data` of the spec is `fixed` followed by the static frame's
 * traces, so a viewer without scripts, and every static copy, sees that frame.
 *
 * @example
 * const spec = explorableFigure({
 *   frames: [1, 2].map((a) => ({ name: `a${a}`, label: String(a), data: [{ type: 'scatter', x: [0, 1], y: [0, a] }] })),
 *   staticFrame: 'a2', slider: 'slope a = ', layout: { xaxis: { title: 'x' }, yaxis: { title: 'y' } },
 * });
 * [spec.data.length, spec.frames.length, spec.staticFrame]; // → [1, 2, '2']
 */
export function explorableFigure(o: ExplorableOptions): FigureSpec {
  const { frames } = o;
  if (frames.length < 2)
    throw new RangeError(`explorableFigure: expected at least 2 frames, got ${frames.length}`);
  const k = frames[0].data.length;
  if (k === 0) throw new RangeError('explorableFigure: frames hold no traces');
  const names = new Set<string>();
  for (const f of frames) {
    if (f.name.trim() === '' || names.has(f.name))
      throw new RangeError(
        `explorableFigure: frame names must be unique and non-empty ('${f.name}')`,
      );
    names.add(f.name);
    if (f.data.length !== k)
      throw new RangeError(
        `explorableFigure: frame '${f.name}' has ${f.data.length} traces, the first has ${k}`,
      );
  }
  const active = frames.findIndex((f) => f.name === o.staticFrame);
  if (active < 0)
    throw new RangeError(`explorableFigure: staticFrame '${o.staticFrame}' is not a frame name`);
  const fixed = o.fixed ?? [];
  const moving = Array.from({ length: k }, (_, i) => fixed.length + i);
  const label = (f: ExplorableFrame) => f.label ?? f.name;
  const dense = frames.length > MAX_TICK_LABELS;
  const layout = o.layout ?? {};
  const margin = (layout.margin ?? {}) as Record<string, unknown>;
  const slider = {
    active,
    pad: { t: 55, b: 0 },
    x: 0.05,
    len: 0.95,
    y: 0,
    yanchor: 'top',
    currentvalue: {
      prefix: o.slider,
      visible: true,
      xanchor: 'left',
      font: { size: 13, color: '#222' },
    },
    // Dense sliders keep their ticks but draw their labels transparent; the readout names the frame.
    font: dense ? { color: 'rgba(0,0,0,0)', size: 8 } : { size: 10 },
    steps: frames.map((f) => ({ method: 'animate', label: label(f), args: jumpTo([f.name], 0) })),
  };
  const ms = typeof o.play === 'number' ? o.play : 400;
  const buttons = o.play
    ? [
        {
          type: 'buttons',
          direction: 'left',
          showactive: false,
          x: 0,
          xanchor: 'right',
          y: 0,
          yanchor: 'top',
          pad: { t: 62, r: 10 },
          buttons: [
            { label: '▶', method: 'animate', args: jumpTo(null, ms) },
            { label: '❚❚', method: 'animate', args: jumpTo([null], 0) },
          ],
        },
      ]
    : [];
  return {
    data: [...fixed, ...frames[active].data],
    frames: frames.map((f): Frame => ({ name: f.name, data: f.data, traces: moving })),
    staticFrame: label(frames[active]),
    layout: {
      ...layout,
      margin: { l: 70, r: 20, t: 30, ...margin, b: Math.max(Number(margin.b ?? 0), 60) + 90 },
      sliders: [slider],
      ...(o.play ? { updatemenus: buttons } : {}),
    },
    ...(o.width === undefined ? {} : { width: o.width }),
    ...(o.height === undefined ? {} : { height: o.height }),
  };
}
