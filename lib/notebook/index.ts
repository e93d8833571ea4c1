/**
 * The notebook toolkit, imported in notebooks as `sat-rnn/lib/notebook` (see notebooks/README.md):
 * run inputs, the Report (claims ledger, tables, figures), display helpers and the paper style.
 */
export {
  experimentInputs,
  inputPaths,
  projectRoot,
  fromRoot,
  heldoutPath,
  trainLogBeside,
  zooFolder,
  zoosSha256,
  DEFAULT_MODEL,
  DEFAULT_DATA,
  DEFAULT_HELDOUT,
  DEFAULT_OUT,
  ENV,
  PAPER_TEXT_SHA256,
  UNPUBLISHED_TEXT_BYTES,
  PUBLISHED_MODEL,
  PUBLISHED_MODEL_SHA256,
  publishedModelMissing,
  hasPublishedModel,
  ZOO_TEXTS,
  type ExperimentInputs,
  type InputPaths,
  type ZooText,
} from './inputs.js';
export { Report, type ReportJson } from './report.js';
export {
  makeClaim,
  verdict,
  CAUSE_KINDS,
  summarize,
  formatSummary,
  differencesMarkdown,
  candidateRows,
  type Claim,
  type ClaimInput,
  type Tolerance,
  type Verdict,
  type Cause,
  type CauseKind,
  type Candidate,
  type LedgerSummary,
} from './ledger.js';
export {
  toDataFrame,
  formatNumber,
  escapeHtml,
  type Row,
  type Cell,
  type TableFormat,
} from './table.js';
export {
  OKABE_ITO,
  FONT_FAMILY,
  byteTickLabel,
  type FigureSpec,
  type Frame,
  type Trace,
  type Layout,
} from './figure.js';
export {
  displayHtml,
  displayMarkdown,
  progressLine,
  inKernel,
  type ProgressLine,
} from './display.js';
export { explorableFigure, type ExplorableFrame, type ExplorableOptions } from './explorable.js';
export {
  stateExplorer,
  gridExplorer,
  continuumExplorer,
  gapExplorer,
  registerHeatmap,
  type StateExplorerOptions,
  type ContinuumCurve,
} from './explorables.js';
export { derivationMarkdown } from './derivation.js';
export {
  fillText,
  judge,
  type ClaimSheet,
  type AnswerSheet,
  type NotebookSheets,
  type SheetClaim,
  type SheetAnswer,
  type SheetValues,
  type CheckResult,
} from './sheets.js';
export { check, edition, answerHtml, markdownHtml, EDITION_ENV, type Edition } from './answers.js';
