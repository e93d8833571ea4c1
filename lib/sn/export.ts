/**
 * The SN pattern inventory: signed strengths (lib/sn/um.ts, S = sign(w)·s) as a list of patterns
 * "source event → target event, strength s ≥ 1" in a documented text format, and its parser.
 *
 * Events: `i<x>` input byte x (0–255); `h<j>+`, `h<j>-` the binary ES of hidden neuron j;
 * `o<x>` output byte x; `bias` the constant source (support 1) and `bias-` its contrast side
 * (activation −1, used only for negative output biases, which no single `bias → o<x>` can carry).
 * One line per exported weight (|S| ≥ 1; S = 0 is dropped), in the order Wx, Wh, Wy, bh, by:
 *   Wx[j][x] = S:  i<x> → h<j>+ if S > 0, i<x> → h<j>- if S < 0
 *   Wh[j][k] = S:  h<k>+ → h<j>+ if S > 0, h<k>+ → h<j>- if S < 0; the line stands for the mirrored
 *                  pair (its twin h<k>- → h<j>- resp. h<k>- → h<j>+ has the same strength)
 *   Wy[o][k] = S:  h<k>+ → o<o> if S > 0, h<k>- → o<o> if S < 0
 *   bh[j] = S:     bias → h<j>+ / bias → h<j>-
 *   by[o] = S:     bias → o<o> if S > 0, bias- → o<o> if S < 0
 *
 * File format "sn-patterns/1" (UTF-8 text, '\n' line ends):
 *   # sn-patterns/1
 *   # hidden: 128
 *   # mapping: <one line describing how strengths were made>
 *   # counts: Wx=522 Wh=1006 Wy=1471 bh=26 by=23 total=3048
 *   <source> <target> <strength>          one pattern per line, single spaces
 * Other lines starting with '#' are comments. Strengths are written with JavaScript's shortest
 * round-trip number form (integers as integers), so parsing gives back the same values.
 */
import { VOCAB, tensorSizes, TENSOR_NAMES, type TensorName } from '../core/model.js';
import { writeFileAtomic } from '../core/files.js';
import type { Strengths } from './um.js';

export const FORMAT = 'sn-patterns/1';

export interface Pattern {
  readonly matrix: TensorName;
  readonly source: string;
  readonly target: string;
  /** s ≥ 1 (the sign lives in the wiring). */
  readonly strength: number;
}

export interface Inventory {
  readonly hidden: number;
  /** One line describing the mapping that made the strengths. */
  readonly mapping: string;
  readonly patterns: readonly Pattern[];
}

/** Pattern counts per matrix and in total. */
export type Counts = Record<TensorName, number> & { total: number };

export function countPatterns(patterns: readonly Pattern[]): Counts {
  const c: Counts = { Wx: 0, Wh: 0, bh: 0, Wy: 0, by: 0, total: patterns.length };
  for (const p of patterns) c[p.matrix]++;
  return c;
}

const sideOf = (s: number) => (s > 0 ? '+' : '-');

/** Patterns of every |S| ≥ 1 entry, in the order Wx, Wh, Wy, bh, by (row-major within a tensor). */
export function exportPatterns(hidden: number, S: Strengths): Pattern[] {
  const sizes = tensorSizes(hidden);
  for (const name of TENSOR_NAMES) {
    if (S[name].length !== sizes[name])
      throw new RangeError(
        `strengths ${name}: ${S[name].length} values, expected ${sizes[name]} for hidden=${hidden}`,
      );
  }
  const out: Pattern[] = [];
  const add = (matrix: TensorName, s: number, source: string, target: string) => {
    if (!Number.isFinite(s))
      throw new RangeError(`strengths ${matrix}: ${s} (${source} → ${target}) is not finite`);
    if (Math.abs(s) >= 1) out.push({ matrix, source, target, strength: Math.abs(s) });
  };
  for (let j = 0; j < hidden; j++)
    for (let x = 0; x < VOCAB; x++) {
      const s = S.Wx[j * VOCAB + x];
      add('Wx', s, `i${x}`, `h${j}${sideOf(s)}`);
    }
  for (let j = 0; j < hidden; j++)
    for (let k = 0; k < hidden; k++) {
      const s = S.Wh[j * hidden + k];
      add('Wh', s, `h${k}+`, `h${j}${sideOf(s)}`);
    }
  for (let o = 0; o < VOCAB; o++)
    for (let k = 0; k < hidden; k++) {
      const s = S.Wy[o * hidden + k];
      add('Wy', s, `h${k}${sideOf(s)}`, `o${o}`);
    }
  for (let j = 0; j < hidden; j++) add('bh', S.bh[j], 'bias', `h${j}${sideOf(S.bh[j])}`);
  for (let o = 0; o < VOCAB; o++) add('by', S.by[o], S.by[o] > 0 ? 'bias' : 'bias-', `o${o}`);
  return out;
}

/** The inventory as "sn-patterns/1" text. */
export function formatInventory(inv: Inventory): string {
  if (/[\r\n]/.test(inv.mapping)) throw new RangeError('mapping: must be a single line');
  const c = countPatterns(inv.patterns);
  const lines = [
    `# ${FORMAT}`,
    `# hidden: ${inv.hidden}`,
    `# mapping: ${inv.mapping}`,
    `# counts: ${TENSOR_NAMES.map((n) => `${n}=${c[n]}`).join(' ')} total=${c.total}`,
    ...inv.patterns.map((p) => `${p.source} ${p.target} ${p.strength}`),
  ];
  return lines.join('\n') + '\n';
}

/** Write the inventory atomically (temporary file, then rename). */
export function writeInventory(path: string, inv: Inventory): void {
  writeFileAtomic(path, formatInventory(inv));
}

/** A parsed event: kind, index (byte or neuron; −1 for the bias) and side ('+' for i and o events). */
interface Ev {
  kind: 'i' | 'o' | 'h' | 'bias';
  index: number;
  side: '+' | '-';
}

function parseEvent(tok: string, hidden: number, where: string): Ev {
  if (tok === 'bias') return { kind: 'bias', index: -1, side: '+' };
  if (tok === 'bias-') return { kind: 'bias', index: -1, side: '-' };
  const m = /^([ioh])(\d+)([+-]?)$/.exec(tok);
  if (!m) throw new RangeError(`${where}: bad event "${tok}"`);
  const kind = m[1] as 'i' | 'o' | 'h';
  const index = Number(m[2]);
  if (index >= (kind === 'h' ? hidden : VOCAB) || (kind === 'h') !== (m[3] !== ''))
    throw new RangeError(`${where}: bad event "${tok}"`);
  return { kind, index, side: kind === 'h' ? (m[3] as '+' | '-') : '+' };
}

/** Which matrix a (source, target) pair belongs to, or null if no weight wires them. */
function matrixOf(src: Ev, dst: Ev): TensorName | null {
  if (dst.kind === 'h') {
    if (src.kind === 'i') return 'Wx';
    if (src.kind === 'h' && src.side === '+') return 'Wh';
    if (src.kind === 'bias' && src.side === '+') return 'bh';
  } else if (dst.kind === 'o') {
    if (src.kind === 'h') return 'Wy';
    if (src.kind === 'bias') return 'by';
  }
  return null;
}

/** Parse "sn-patterns/1" text; checks the header, every line, and the declared counts. */
export function parseInventory(text: string): Inventory {
  const lines = text.split('\n');
  if (lines[0] !== `# ${FORMAT}`)
    throw new RangeError(`inventory: first line must be "# ${FORMAT}", got "${lines[0]}"`);
  let hidden = NaN,
    mapping = '',
    declared: string | null = null;
  const patterns: Pattern[] = [];
  lines.forEach((line, ln) => {
    const where = `inventory line ${ln + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const h = /^# (hidden|mapping|counts): (.*)$/.exec(line);
      if (h?.[1] === 'hidden') hidden = Number(h[2]);
      if (h?.[1] === 'mapping') mapping = h[2];
      if (h?.[1] === 'counts') declared = h[2];
      return;
    }
    if (!Number.isInteger(hidden) || hidden < 1)
      throw new RangeError(`${where}: a pattern before a valid "# hidden: H" header`);
    const parts = line.split(' ');
    if (parts.length !== 3)
      throw new RangeError(`${where}: expected "<source> <target> <strength>", got "${line}"`);
    const src = parseEvent(parts[0], hidden, where),
      dst = parseEvent(parts[1], hidden, where);
    const matrix = matrixOf(src, dst);
    if (!matrix) throw new RangeError(`${where}: no weight wires ${parts[0]} to ${parts[1]}`);
    const strength = Number(parts[2]);
    if (!Number.isFinite(strength) || strength < 1)
      throw new RangeError(`${where}: strength "${parts[2]}" is not a number ≥ 1`);
    patterns.push({ matrix, source: parts[0], target: parts[1], strength });
  });
  if (!Number.isInteger(hidden) || hidden < 1)
    throw new RangeError('inventory: missing or bad "# hidden: H" header');
  const c = countPatterns(patterns);
  const actual = `${TENSOR_NAMES.map((n) => `${n}=${c[n]}`).join(' ')} total=${c.total}`;
  if (declared !== actual)
    throw new RangeError(
      `inventory: header counts "${declared}" do not match the patterns (${actual})`,
    );
  return { hidden, mapping, patterns };
}

/** Rebuild the signed strength tensors from patterns (entries without a pattern are 0). */
export function strengthsFromPatterns(hidden: number, patterns: readonly Pattern[]): Strengths {
  const sizes = tensorSizes(hidden);
  const S = {} as Strengths;
  for (const name of TENSOR_NAMES) S[name] = new Float64Array(sizes[name]);
  for (const p of patterns) {
    const src = parseEvent(p.source, hidden, 'pattern'),
      dst = parseEvent(p.target, hidden, 'pattern');
    if (matrixOf(src, dst) !== p.matrix)
      throw new RangeError(`pattern ${p.source} → ${p.target}: does not belong to ${p.matrix}`);
    // Hidden targets carry the sign on the target side, output targets on the source side.
    const sign = (dst.kind === 'h' ? dst.side : src.side) === '+' ? 1 : -1;
    const idx =
      p.matrix === 'bh' || p.matrix === 'by'
        ? dst.index
        : dst.index * (p.matrix === 'Wx' ? VOCAB : hidden) + src.index;
    if (S[p.matrix][idx] !== 0)
      throw new RangeError(`pattern ${p.source} → ${p.target}: duplicate ${p.matrix} entry`);
    S[p.matrix][idx] = sign * p.strength;
  }
  return S;
}
