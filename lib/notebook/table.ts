/**
 * Tables for notebooks and papers: rows (one object per row, same keys in every row) become a
 * danfojs DataFrame, rendered inline as HTML and exported as CSV (full precision) and LaTeX
 * (booktabs, rounded to `digits` significant digits).
 */
import { createRequire } from 'node:module';
import type { DataFrame } from 'danfojs-node';

/**
 * danfojs (with TensorFlow.js) takes seconds of CPU to load: it is loaded by the first table, not
 * by everything that imports the formatting helpers below (the runner, the book, the paper bundle).
 */
function danfo(): typeof import('danfojs-node') {
  return createRequire(import.meta.url)('danfojs-node') as typeof import('danfojs-node');
}

/** One table cell; null is a missing value (shown as an em dash). */
export type Cell = string | number | boolean | null;
/** One table row: column name → cell. */
export type Row = Readonly<Record<string, Cell>>;

export interface TableFormat {
  /** Significant digits of non-integer numbers in HTML and LaTeX (default 4). */
  readonly digits?: number;
  /** Caption shown above the table and used in LaTeX. */
  readonly caption?: string;
}

/** Column names that danfojs turns into properties shadowing the DataFrame's own. */
const RESERVED_COLUMNS = new Set([
  'values',
  'columns',
  'index',
  'shape',
  'dtypes',
  'size',
  'ndim',
  'config',
]);

/** Column names of `rows`; throws naming `name` when rows are empty or their keys differ. */
export function tableColumns(name: string, rows: readonly Row[]): string[] {
  if (rows.length === 0) throw new RangeError(`table ${name}: no rows`);
  const cols = Object.keys(rows[0]);
  if (cols.length === 0) throw new RangeError(`table ${name}: row 0 has no columns`);
  for (const c of cols) {
    if (RESERVED_COLUMNS.has(c) || c.startsWith('$')) {
      throw new RangeError(
        `table ${name}: column '${c}' clashes with a danfojs DataFrame property; rename it (e.g. 'dims' instead of 'shape')`,
      );
    }
  }
  rows.forEach((r, i) => {
    const keys = Object.keys(r);
    if (keys.length !== cols.length || keys.some((k, j) => k !== cols[j])) {
      throw new RangeError(
        `table ${name}: row ${i} has columns [${keys.join(', ')}], expected [${cols.join(', ')}] as in row 0`,
      );
    }
    for (const k of keys) {
      const v = r[k];
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
        throw new TypeError(
          `table ${name}: row ${i} column ${k} is a ${typeof v}; cells are string, number, boolean or null`,
        );
      }
    }
  });
  return cols;
}

/** A danfojs DataFrame holding `rows` (validated as in `tableColumns`). */
export function toDataFrame(name: string, rows: readonly Row[]): DataFrame {
  const columns = tableColumns(name, rows);
  return new (danfo().DataFrame)(
    rows.map((r) => columns.map((c) => r[c])),
    { columns },
  );
}

/** The rows of a DataFrame as plain objects. */
export function dataFrameRows(df: DataFrame): Row[] {
  const cols = df.columns;
  return (df.values as Cell[][]).map((v) =>
    Object.fromEntries(cols.map((c, j) => [c, v[j] ?? null])),
  );
}

/** A number for display: integers exactly, others to `digits` significant digits. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(digits - 1);
  return String(+v.toPrecision(digits));
}

/** Cell text for display. */
export function formatCell(v: Cell, digits = 4): string {
  if (v === null) return '—';
  if (typeof v === 'number') return formatNumber(v, digits);
  return String(v);
}

/** Cell text for CSV: numbers at full precision, RFC 4180 quoting. */
function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header line. */
export function toCsv(df: DataFrame): string {
  const lines = [df.columns.map(csvCell).join(',')];
  for (const r of df.values as Cell[][]) lines.push(r.map((v) => csvCell(v ?? null)).join(','));
  return lines.join('\n') + '\n';
}

const HTML_ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESC[c]);
}

/** True when every non-null cell of column j is a number (right-aligned). */
function numericColumn(values: Cell[][], j: number): boolean {
  return values.every((r) => r[j] === null || r[j] === undefined || typeof r[j] === 'number');
}

/** A self-contained HTML table (inline styles, so it renders the same in Jupyter, HTML and GitHub). */
export function toHtml(df: DataFrame, fmt: TableFormat = {}): string {
  const values = df.values as Cell[][];
  const cols = df.columns;
  const right = cols.map((_, j) => numericColumn(values, j));
  const cell = (tag: string, s: string, j: number) =>
    `<${tag} style="text-align:${right[j] ? 'right' : 'left'};padding:2px 8px${tag === 'th' ? ';white-space:nowrap' : ''}">${escapeHtml(s)}</${tag}>`;
  const head = `<tr style="border-bottom:1px solid #333">${cols.map((c, j) => cell('th', c, j)).join('')}</tr>`;
  const body = values
    .map(
      (r) =>
        `<tr>${r.map((v, j) => cell('td', formatCell(v ?? null, fmt.digits), j)).join('')}</tr>`,
    )
    .join('\n');
  const caption = fmt.caption
    ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(fmt.caption)}</caption>`
    : '';
  return `<table style="border-collapse:collapse;font-family:'DejaVu Sans',Arial,sans-serif;font-size:13px;border-top:2px solid #333;border-bottom:2px solid #333">${caption}\n<thead>${head}</thead>\n<tbody>${body}</tbody></table>`;
}

/** LaTeX for characters that are special in text mode or outside pdflatex's T1 text encoding. */
const TEX_ESC: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '[': '{[}',
  ']': '{]}',
  '‖': '$\\Vert$',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '|': '$|$',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '−': '$-$',
  '±': '$\\pm$',
  '×': '$\\times$',
  '·': '$\\cdot$',
  '≥': '$\\geq$',
  '≤': '$\\leq$',
  '≈': '$\\approx$',
  '≠': '$\\neq$',
  '∈': '$\\in$',
  '→': '$\\rightarrow$',
  '←': '$\\leftarrow$',
  '↔': '$\\leftrightarrow$',
  '∞': '$\\infty$',
  '√': '$\\surd$',
  '∑': '$\\sum$',
  '⊕': '$\\oplus$',
  '°': '\\textdegree{}',
  '…': '\\dots{}',
  '—': '---',
  '–': '--',
  '‘': '`',
  '’': "'",
  '“': '``',
  '”': "''",
  '§': '\\S{}',
  '¶': '\\P{}',
  '²': '\\textsuperscript{2}',
  '³': '\\textsuperscript{3}',
  '¹': '\\textsuperscript{1}',
  '⁰': '\\textsuperscript{0}',
  '₀': '$_0$',
  '₁': '$_1$',
  '₂': '$_2$',
  '₃': '$_3$',
  α: '$\\alpha$',
  β: '$\\beta$',
  γ: '$\\gamma$',
  δ: '$\\delta$',
  ε: '$\\varepsilon$',
  η: '$\\eta$',
  θ: '$\\theta$',
  λ: '$\\lambda$',
  μ: '$\\mu$',
  π: '$\\pi$',
  ρ: '$\\rho$',
  σ: '$\\sigma$',
  τ: '$\\tau$',
  φ: '$\\phi$',
  ω: '$\\omega$',
  Δ: '$\\Delta$',
  Σ: '$\\Sigma$',
  Λ: '$\\Lambda$',
  Ω: '$\\Omega$',
  '⏎': '\\textbackslash{}n',
  '␣': '\\textvisiblespace{}',
};

/**
 * Escape text for LaTeX (text mode, pdflatex with T1 fonts): the specials, and Unicode mapped to
 * LaTeX. Latin-1 letters (é, ü, …) pass through for inputenc; any other character becomes its code
 * point, e.g. `{[}U+2603{]}`, so a table always compiles. Brackets are braced: after a row's `\\`
 * a cell starting with `[` would be read as the row's optional spacing argument.
 */
export function escapeLatex(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    out +=
      TEX_ESC[c] ??
      (code < 0x80 || (code >= 0xc0 && code <= 0xff && code !== 0xd7 && code !== 0xf7)
        ? c
        : `{[}U+${code.toString(16).toUpperCase().padStart(4, '0')}{]}`);
  }
  return out;
}

/** A formatted number in LaTeX math mode: `1.5e-7` → `$1.5\times10^{-7}$`. */
function texNumber(s: string): string {
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  if (m) return `$${m[1]}\\times10^{${Number(m[2])}}$`;
  return `$${s.replace('−∞', '-\\infty').replace('∞', '\\infty')}$`;
}

/** A booktabs LaTeX table; `label` becomes `tab:<label>`. */
export function toLatex(df: DataFrame, label: string, fmt: TableFormat = {}): string {
  const values = df.values as Cell[][];
  const cols = df.columns;
  const align = cols.map((_, j) => (numericColumn(values, j) ? 'r' : 'l')).join('');
  const row = (cells: string[]) => `    ${cells.join(' & ')} \\\\`;
  const lines = [
    '% needs \\usepackage{booktabs,graphicx}; \\sattablefit shrinks a table wider than the text to fit',
    '\\providecommand{\\sattablefit}[1]{\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{#1}}',
    '\\begin{table}[ht]',
    '  \\centering',
    ...(fmt.caption ? [`  \\caption{${escapeLatex(fmt.caption)}}`] : []),
    `  \\label{tab:${label}}`,
    '  \\sattablefit{%',
    `  \\begin{tabular}{${align}}`,
    '    \\toprule',
    row(cols.map(escapeLatex)),
    '    \\midrule',
    ...values.map((r) =>
      row(
        r.map((v) => {
          const s = formatCell(v ?? null, fmt.digits);
          return typeof v === 'number' ? texNumber(s) : escapeLatex(s);
        }),
      ),
    ),
    '    \\bottomrule',
    '  \\end{tabular}}',
    '\\end{table}',
  ];
  return lines.join('\n') + '\n';
}
