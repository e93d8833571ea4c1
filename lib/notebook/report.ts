/**
 * A notebook's report: the inputs it ran on, its claims ledger, its tables and figures.
 *
 *   const report = Report.open('00-sat-rnn');        // model + data from SAT_MODEL / SAT_DATA
 *   report.claim({ id, description, paper, measured, unit, tolerance });
 *   report.table('inventory', rows, { caption });     // inline HTML + results/<nb>/<name>.{csv,tex}
 *   await report.figure('bpc', spec, 'caption');      // inline + figures/<nb>/<name>.{svg,png,pdf}
 *   await report.finish();                            // ledger table + results/<nb>.json
 *
 * Every file is written atomically under the run's output folder (SAT_OUT, default build/).
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, isAbsolute } from 'node:path';
import type { DataFrame } from 'danfojs-node';
import type { SatRnn } from '../core/model.js';
import { writeFileAtomic } from '../core/files.js';
import { loadBytes, sha256 } from '../core/data.js';
import { evaluate } from '../core/rnn.js';
import {
  experimentInputs,
  fromRoot,
  heldoutPath,
  projectRoot,
  PAPER_TEXT_SHA256,
  PUBLISHED_MODEL_SHA256,
  ZOO_TEXTS,
  type ExperimentInputs,
  type InputPaths,
} from './inputs.js';
import {
  claimRows,
  makeClaim,
  formatTolerance,
  formatCause,
  checkEvidence,
  type Cause,
  type Claim,
  type ClaimInput,
} from './ledger.js';
import {
  toDataFrame,
  dataFrameRows,
  toCsv,
  toHtml,
  toLatex,
  formatCell,
  escapeHtml,
  type Row,
  type TableFormat,
} from './table.js';
import {
  styleFigure,
  figureHtml,
  figureCaption,
  plotlyScriptTag,
  plainArrays,
  type FigureSpec,
} from './figure.js';
import { exportFigure, closeExporter } from './export.js';
import { displayBundle, displayHtml, inKernel } from './display.js';
import {
  answerFromSheet,
  claimFromSheet,
  fillText,
  resolveCheck,
  selfCheck,
  type NotebookSheets,
  type ResolvedCheck,
  type SheetValues,
} from './sheets.js';
import { NOTEBOOK_SHEETS } from './sheets/index.js';
import { armCheck, showAnswer } from './answers.js';

/** The results file of one notebook run (`results/<notebook>.json`). */
export interface ReportJson {
  notebook: string;
  model: { path: string; sha256: string; bpc: number };
  data: { path: string; sha256: string; bytes: number };
  /** The run's held-out text (`Report.heldout`), or null when the run has none. */
  heldout: { path: string; sha256: string; bytes: number } | null;
  claims: Claim[];
  tables: Record<string, Row[]>;
  /**
   * Each figure's caption and files, the paths relative to the output folder (figures/<notebook>/<name>.svg,
   * .png, .pdf in the screen style, and .json: the spec as given, which the paper bundle draws in its preset).
   */
  figures: Record<string, { caption: string; files: string[] }>;
  /** Each exercise's check as this run resolved it (answers measured on the run's model). */
  checks: Record<string, ResolvedCheck>;
  /**
   * When these results were made, and the runner's cache key of that execution (null outside
   * `npm run notebooks`): a result the runner reuses says so by its key and time.
   */
  run: { key: string | null; madeAt: string };
}

/** Set by the runner: the cache key of this execution, recorded in the results (`run.key`). */
export const RUN_KEY_ENV = 'SAT_RUN_KEY';
/** Set by the runner: a file each figure's cost is appended to, one JSON line `{ figure, seconds }`. */
export const FIGURE_TIMES_ENV = 'SAT_FIGURE_TIMES';

const NOTEBOOK_ID = /^\d\d[a-z0-9]*-[a-z0-9-]+$/;
const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** A text file as captions name it: its file name, and what it is when it is one of the project's texts (ZOO_TEXTS). */
function textLabelOf(path: string): string {
  const known = ZOO_TEXTS.find((t) => fromRoot(t.text) === path);
  return known === undefined ? basename(path) : `${basename(path)}, ${known.label}`;
}

/** A path for the results file: relative to the project root when inside it. */
function portablePath(p: string): string {
  const rel = relative(projectRoot(), p);
  return rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

let plotlyEmbedded = false;

export class Report {
  readonly notebook: string;
  readonly inputs: ExperimentInputs;
  /** bpc of the run's model on the run's text (the bpc protocol). */
  readonly bpc: number;
  /** sha256 of the model file as read. */
  readonly modelSha256: string;
  /** sha256 of the text. */
  readonly textSha256: string;
  private readonly claims: Claim[] = [];
  private readonly tables: Record<string, Row[]> = {};
  private readonly figures: ReportJson['figures'] = {};
  private readonly checks: ReportJson['checks'] = {};
  private readonly answered = new Set<string>();
  private finished = false;

  private constructor(notebook: string, inputs: ExperimentInputs) {
    if (!NOTEBOOK_ID.test(notebook))
      throw new RangeError(
        `notebook '${notebook}': expected the file name without .ipynb, e.g. 00-sat-rnn`,
      );
    this.notebook = notebook;
    this.inputs = inputs;
    this.bpc = evaluate(inputs.model, inputs.bytes).bpc;
    this.modelSha256 = sha256(readFileSync(inputs.modelPath));
    this.textSha256 = sha256(inputs.bytes);
  }

  /** Open the report of `notebook` (its file name without .ipynb) on this run's model and text. */
  static open(notebook: string, choice: Partial<InputPaths> = {}): Report {
    return new Report(notebook, experimentInputs(choice));
  }

  /** The run's model. */
  get model(): SatRnn {
    return this.inputs.model;
  }
  /** The run's text, [n]. */
  get bytes(): Uint8Array {
    return this.inputs.bytes;
  }

  /**
   * The run's held-out text (`--heldout`; by default enwik8 bytes 1024–2047 for the paper's text and
   * none for another text: see `heldoutPath`), read once; null when there is none.
   */
  get heldout(): {
    readonly path: string;
    readonly label: string;
    readonly bytes: Uint8Array;
  } | null {
    if (this.heldoutText === undefined) {
      const path = heldoutPath(this.textSha256);
      this.heldoutText =
        path === null ? null : { path, label: textLabelOf(path), bytes: loadBytes(path) };
    }
    return this.heldoutText;
  }
  private heldoutText:
    | { readonly path: string; readonly label: string; readonly bytes: Uint8Array }
    | null
    | undefined;

  /**
   * One markdown sentence on the run's held-out text: its label and size, or that there is none,
   * why, and how to give one. Notebooks show it where they introduce their held-out columns.
   */
  heldoutNote(): string {
    const h = this.heldout;
    return h !== null
      ? `**Held-out text**: \`${h.label}\` (${h.bytes.length} bytes); it is only scored: the model and every fit of the notebook come from the training text.`
      : `**No held-out text** in this run: the text \`${this.textLabel}\` is not the paper's, and a held-out text belongs to the text it is held out from, so every held-out column, trace, sentence and claim is left out. ` +
          'Give one with `npm run notebooks -- --heldout <file>`.';
  }

  /** results/<notebook>/ */
  private resultsDir(): string {
    return join(this.inputs.outDir, 'results', this.notebook);
  }
  /** figures/<notebook>/ */
  private figuresDir(): string {
    return join(this.inputs.outDir, 'figures', this.notebook);
  }

  private checkOpen(what: string): void {
    if (!this.finished) return;
    // In the lab a cell run again after the last one reopens the report; finish() writes it again.
    if (this.rerunReplaces) this.finished = false;
    else throw new Error(`${this.notebook}: ${what} after finish()`);
  }

  /**
   * In the lab (a kernel the runner did not start), a reader edits a cell and runs it again, as the
   * exercises ask: what the cell records again replaces what it recorded before. Under the runner
   * and outside a kernel a second record of one name is a mistake, and throws.
   */
  private get rerunReplaces(): boolean {
    return inKernel() && !process.env[RUN_KEY_ENV];
  }

  private checkName(kind: string, name: string, taken: boolean): void {
    if (!NAME.test(name))
      throw new RangeError(`${kind} name '${name}': expected lower-case letters, digits, - or _`);
    if (taken && !this.rerunReplaces)
      throw new RangeError(`${this.notebook}: ${kind} '${name}' was already recorded`);
  }

  /** True when this run reads the text every paper number was measured on (enwik_1024.txt, by sha256). */
  get onPaperText(): boolean {
    return this.textSha256 === PAPER_TEXT_SHA256;
  }

  /** True when this run's model is the original published model (by sha256). */
  get onArchiveModel(): boolean {
    return this.modelSha256 === PUBLISHED_MODEL_SHA256;
  }

  /**
   * The cause for a number that depends on the trained model: `onArchive` when this run's model is
   * the published one (none: `unexplained` should the claim differ there), else `chaotic-training`
   * (another model of a chaotic recipe). Use it for causes that hold only on the archive model,
   * e.g. a `rule-differs` whose evidence is measured on that model.
   */
  modelCause(onArchive?: Cause): Cause | undefined {
    return this.onArchiveModel
      ? onArchive
      : {
          kind: 'chaotic-training',
          because: `the paper measured the published model; this run's model (${basename(this.inputs.modelPath)}) is another run of a chaotic training recipe, whose weights land elsewhere`,
        };
  }

  /**
   * Record a claim (verdict computed from its tolerance) and show it on one line. On a text other
   * than the paper's, a differing claim's cause is `unpublished-input` whatever the notebook says:
   * the paper never measured this text.
   */
  claim(c: ClaimInput): void {
    this.checkOpen('claim');
    const before = this.claims.findIndex((k) => k.id === c.id);
    if (before >= 0 && !this.rerunReplaces)
      throw new RangeError(`${this.notebook}: claim ${c.id} was already recorded`);
    if (before >= 0) this.claims.splice(before, 1);
    const otherText: Cause = {
      kind: 'unpublished-input',
      because: `the paper measured enwik_1024.txt; this run reads ${this.textLabel} (sha256 ${this.textSha256.slice(0, 12)}…)`,
    };
    const k = makeClaim(c.paper !== null && !this.onPaperText ? { ...c, cause: otherText } : c);
    this.claims.push(k);
    const paper =
      k.paper === null
        ? 'not stated in the paper'
        : `paper ${formatCell(k.paper, 6)} ${k.unit} (tolerance ${formatTolerance(k.tolerance)})`;
    const why = k.cause === null ? '' : ` (${formatCause(k.cause)})`;
    const text = `claim ${k.id}: measured ${formatCell(k.measured, 6)} ${k.unit}; ${paper} → ${k.verdict}${why}`;
    displayHtml(
      `<p style="font-family:'DejaVu Sans',Arial,sans-serif;font-size:13px"><b>${k.id}</b>: measured ${formatCell(k.measured, 6)} ${k.unit}; ${paper} → <b>${k.verdict}</b>${escapeHtml(why)}</p>`,
      text,
    );
  }

  /** This notebook's sheets (lib/notebook/sheets/<notebook>.ts). */
  get sheets(): NotebookSheets {
    const s = NOTEBOOK_SHEETS[this.notebook];
    if (s === undefined)
      throw new RangeError(
        `${this.notebook}: no sheets; add lib/notebook/sheets/${this.notebook}.ts and list it in lib/notebook/sheets/index.ts`,
      );
    return s;
  }

  /**
   * Record the claim `id` of this notebook's claim sheet with the value the cell measured; `values`
   * fill the sheet's quoted values (`{{name}}`) in its description, tolerance reason and cause.
   * With `byModel`, the sheet's cause is the one for the published model, and on another model the
   * cause is that model's training (`modelCause`): for claims that depend on the trained weights.
   * A cause the run chooses otherwise is `cause`: it maps the sheet's cause to this run's.
   */
  measure(
    id: string,
    measured: number,
    values: SheetValues = {},
    opts: {
      readonly byModel?: boolean;
      readonly cause?: (sheetCause: Cause | undefined) => Cause | undefined;
    } = {},
  ): void {
    if (opts.byModel && opts.cause)
      throw new RangeError(`claim ${id}: give byModel or cause, not both`);
    const c = claimFromSheet(this.sheets.claims, id, measured, values);
    const chosen = opts.byModel
      ? this.modelCause(c.cause)
      : opts.cause
        ? opts.cause(c.cause)
        : c.cause;
    this.claim({ ...c, cause: chosen });
  }

  /**
   * Show the worked answer of exercise `id` from the answer sheet (folded; not in the student
   * edition) and arm its check, `check(id, answer)`. `values` are what the cell measured for it.
   */
  answer(id: string, values: SheetValues = {}): void {
    this.checkOpen('answer');
    if (this.answered.has(id) && !this.rerunReplaces)
      throw new RangeError(`${this.notebook}: exercise ${id} was already answered`);
    const a = answerFromSheet(this.sheets.answers, id);
    const worked = fillText(a.worked, values, `exercise ${id} (worked answer)`);
    if (a.check !== undefined) {
      const c = resolveCheck(id, a.check, values);
      selfCheck(id, c);
      this.checks[id] = c;
      armCheck(id, c);
    }
    this.answered.add(id);
    showAnswer(id, a.asks, worked);
  }

  /** The claims recorded so far. */
  get claimsSoFar(): readonly Claim[] {
    return this.claims;
  }

  /** Record, export (CSV, LaTeX) and show a table (rows, or a danfojs DataFrame). */
  table(name: string, rows: readonly Row[] | DataFrame, fmt: TableFormat = {}): void {
    this.checkOpen('table');
    if (name === 'claims')
      throw new RangeError(`table name 'claims' is the ledger's: choose another`);
    this.checkName('table', name, name in this.tables);
    this.writeTable(name, rows, fmt);
  }

  private writeTable(name: string, rows: readonly Row[] | DataFrame, fmt: TableFormat): void {
    const df = Array.isArray(rows)
      ? toDataFrame(name, rows as readonly Row[])
      : (rows as DataFrame);
    const plain = dataFrameRows(df);
    if (plain.length === 0) throw new RangeError(`table ${name}: no rows`);
    mkdirSync(this.resultsDir(), { recursive: true });
    writeFileAtomic(join(this.resultsDir(), `${name}.csv`), toCsv(df));
    writeFileAtomic(
      join(this.resultsDir(), `${name}.tex`),
      toLatex(df, `${this.notebook}-${name}`, fmt),
    );
    if (name !== 'claims') this.tables[name] = plain;
    displayHtml(toHtml(df, fmt), `${fmt.caption ?? name}\n${df.toString()}`);
  }

  /**
   * Style, export (SVG, PNG, PDF) and show a figure (interactive inline, static fallback). A figure
   * with frames (`explorableFigure`) gets a slider inline; its static copies show `staticFrame`.
   */
  async figure(name: string, spec: FigureSpec, text: string): Promise<void> {
    this.checkOpen('figure');
    this.checkName('figure', name, name in this.figures);
    if (text.trim() === '') throw new RangeError(`figure ${name}: caption is empty`);
    const caption = figureCaption(text, spec);
    const t0 = performance.now();
    const fig = styleFigure(name, spec);
    let files: Awaited<ReturnType<typeof exportFigure>>;
    try {
      files = await exportFigure(fig);
    } catch (e) {
      // The browser can reject with a non-Error (an event, undefined) or an empty message; tslab
      // would then show a bare `<Error>:`. Name the figure and say what came back.
      throw new Error(`figure ${name}: export failed: ${errorText(e)}`);
    }
    const dir = this.figuresDir();
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, `${name}.svg`), files.svg);
    writeFileAtomic(join(dir, `${name}.png`), files.png);
    writeFileAtomic(join(dir, `${name}.pdf`), files.pdf);
    // The spec as given (typed arrays made plain): the paper bundle draws it again in a paper preset.
    writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(plainArrays(spec)));
    // Relative to the output folder: the runner builds outputs in a staging folder, then moves them.
    this.figures[name] = {
      caption,
      files: ['svg', 'png', 'pdf', 'json'].map((e) => `figures/${this.notebook}/${name}.${e}`),
    };
    const png = Buffer.from(files.png).toString('base64');
    const html =
      (plotlyEmbedded ? '' : plotlyScriptTag() + '\n') +
      figureHtml(`satfig-${this.notebook}-${name}`, fig, png, caption);
    plotlyEmbedded = true;
    displayBundle({
      'text/html': html,
      'image/png': png,
      'text/plain': `Figure ${name}: ${caption}`,
    });
    const times = process.env[FIGURE_TIMES_ENV];
    if (times)
      appendFileSync(
        times,
        JSON.stringify({ figure: name, seconds: (performance.now() - t0) / 1000 }) + '\n',
      );
  }

  /**
   * The model as captions should name it: file name and sha256 prefix, never a machine's path
   * (a caption travels into papers).
   */
  get modelLabel(): string {
    return `${basename(this.inputs.modelPath)} (sha256 ${this.modelSha256.slice(0, 12)}…)`;
  }

  /** The text as captions should name it: its file name. */
  get textLabel(): string {
    return basename(this.inputs.dataPath);
  }

  /** The results as `finish` writes them. */
  json(): ReportJson {
    const { modelPath, dataPath, bytes } = this.inputs;
    const h = this.heldout;
    return {
      notebook: this.notebook,
      model: { path: portablePath(modelPath), sha256: this.modelSha256, bpc: this.bpc },
      data: { path: portablePath(dataPath), sha256: this.textSha256, bytes: bytes.length },
      heldout:
        h === null
          ? null
          : { path: portablePath(h.path), sha256: sha256(h.bytes), bytes: h.bytes.length },
      claims: [...this.claims],
      tables: { ...this.tables },
      figures: { ...this.figures },
      checks: { ...this.checks },
      run: { key: process.env[RUN_KEY_ENV] || null, madeAt: new Date().toISOString() },
    };
  }

  /** Show the claims ledger (the last table), write results/<notebook>.json, close the browser. */
  async finish(): Promise<void> {
    this.checkOpen('finish');
    if (this.claims.length === 0)
      throw new RangeError(
        `${this.notebook}: no claims recorded; every notebook states at least one`,
      );
    checkEvidence(this.claims);
    this.writeTable('claims', claimRows(this.claims), {
      caption: `Claims ledger of ${this.notebook}: the paper's value beside ours; verdict from the stated tolerance`,
      digits: 6,
    });
    const json = this.json();
    mkdirSync(join(this.inputs.outDir, 'results'), { recursive: true });
    writeFileAtomic(
      join(this.inputs.outDir, 'results', `${this.notebook}.json`),
      JSON.stringify(json, null, 2) + '\n',
    );
    this.finished = true;
    await closeExporter();
  }
}

/** A readable text for any thrown value: an Error's message (or its name), else its JSON or String form. */
export function errorText(e: unknown): string {
  if (e instanceof Error)
    return e.message.trim() !== '' ? e.message : `${e.name} without a message`;
  if (typeof e === 'string') return e.trim() !== '' ? e : 'an empty string was thrown';
  try {
    const json = JSON.stringify(e);
    if (json !== undefined && json !== '{}') return json;
  } catch {
    /* not serialisable */
  }
  return `${String(e)} was thrown`;
}
