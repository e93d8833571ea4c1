/**
 * Where a `npm run notebooks` run spends its time: written to <out>/timings.json and printed as a
 * table at the end of the run. Wall seconds per stage; `cpu` is the whole run's CPU time (the
 * runner and every process it started: kernels, nbconvert, chromium), read from Linux /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The file, relative to the output folder. */
export const TIMINGS_FILE = 'timings.json';

/** One figure's `report.figure` call, measured in the kernel (styling, export, files, display). */
export interface FigureTiming {
  readonly figure: string;
  readonly seconds: number;
}

/** A notebook executed in this run: seconds per stage (execute includes its figures). */
export interface ExecutedTimings {
  readonly cached: false;
  readonly key: string;
  readonly execute: number;
  readonly figures: readonly FigureTiming[];
  readonly html: number;
  readonly handout: number;
  readonly total: number;
}

/** A notebook executed in this run, or one whose outputs were reused (cached). */
export type NotebookTimings =
  ExecutedTimings | { readonly cached: true; readonly key: string; readonly madeAt: string };

export interface RunTimings {
  readonly jobs: number;
  readonly force: boolean;
  readonly cpus: number;
  readonly notebooks: Readonly<Record<string, NotebookTimings>>;
  readonly libBuild: number;
  readonly book: number;
  readonly paper: number;
  /** The whole run, wall seconds. */
  readonly wall: number;
  /** The whole run, CPU seconds of the runner and every process it started. */
  readonly cpu: number;
  /** Of `cpu`, the shared browser's processes (figures, handouts, paper figures). */
  readonly browserCpu: number;
  /** The figure server the run drew through instead of a browser of its own (its CPU is not counted), or null. */
  readonly figureServer: string | null;
}

/** One /proc/<pid>/stat line: the fields this module reads (CPU in clock ticks). */
interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly ticks: number;
  readonly childTicks: number;
}

function parseStat(pid: number, text: string): ProcStat {
  const close = text.lastIndexOf(')'); // comm may hold spaces and parentheses
  const f = text.slice(close + 2).split(' '); // f[0] is the state, f[1] ppid, ...
  return {
    pid,
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    ticks: Number(f[11]) + Number(f[12]),
    childTicks: Number(f[13]) + Number(f[14]),
  };
}

/** Every live process (those that vanish while being read are skipped). */
function processes(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push(parseStat(Number(d), readFileSync(`/proc/${d}/stat`, 'utf8')));
    } catch {
      /* exited */
    }
  }
  return out;
}

let clockTicks = 0;
function ticksPerSecond(): number {
  clockTicks ||=
    Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return clockTicks;
}

/** CPU seconds of this process and of every child it has reaped (kernels through their nbconvert). */
export function cpuSecondsWithChildren(): number {
  const me = parseStat(process.pid, readFileSync('/proc/self/stat', 'utf8'));
  return (me.ticks + me.childTicks) / ticksPerSecond();
}

/**
 * CPU seconds of this process's chromium browsers so far: every live process in their process
 * groups, with the children those have reaped. Read before the browser closes: its renderers and
 * zygote are not reaped into this process's accounting when it closes, so `cpuSecondsWithChildren`
 * alone misses most of the browser (measured: 16 s of 45 s for the paper figures of a run).
 */
export function browserCpuSeconds(): number {
  const all = processes();
  const groups = new Set(
    all.filter((p) => p.ppid === process.pid && /^chrom/.test(p.comm)).map((p) => p.pgrp),
  );
  return (
    all.filter((p) => groups.has(p.pgrp)).reduce((a, p) => a + p.ticks + p.childTicks, 0) /
    ticksPerSecond()
  );
}

/** Median of a non-empty list. */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The summary table the runner prints. */
export function formatTimings(t: RunTimings): string {
  const f = (v: number) => v.toFixed(1).padStart(7);
  const lines = ['stage times (wall s)       execute  figures (n, s)     HTML  handout    total'];
  const figureSeconds: number[] = [];
  for (const [name, n] of Object.entries(t.notebooks)) {
    if (n.cached) {
      lines.push(`${name.padEnd(26)} cached, made ${n.madeAt}`);
      continue;
    }
    const fig = n.figures.reduce((a, x) => a + x.seconds, 0);
    figureSeconds.push(...n.figures.map((x) => x.seconds));
    lines.push(
      `${name.padEnd(26)}${f(n.execute)}  ${`${n.figures.length}, ${fig.toFixed(1)}`.padStart(14)}  ${f(n.html)}  ${f(n.handout)}  ${f(n.total)}`,
    );
  }
  lines.push(
    `lib build ${t.libBuild.toFixed(1)} s · book ${t.book.toFixed(1)} s · paper bundle ${t.paper.toFixed(1)} s · whole run ${t.wall.toFixed(1)} s wall, ${t.cpu.toFixed(1)} s CPU (${t.figureServer === null ? `of it chromium ${t.browserCpu.toFixed(1)} s` : `chromium: the figure server's at ${t.figureServer}, not counted`}; jobs ${t.jobs})`,
  );
  if (figureSeconds.length > 0) {
    lines.push(
      `report.figure: median ${median(figureSeconds).toFixed(2)} s, max ${Math.max(...figureSeconds).toFixed(2)} s over ${figureSeconds.length} figures (all drawn in ${t.figureServer === null ? "the runner's browser; the first may wait for it to start" : `the figure server's browser at ${t.figureServer}`})`,
    );
  }
  return lines.join('\n');
}
