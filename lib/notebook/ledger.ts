/**
 * The claims ledger: each notebook states what the paper (a seed document) says beside what this
 * code measured, with a verdict computed from a stated tolerance, never typed in.
 *
 *   verdict = not-in-paper   when paper is null
 *           = reproduces     when |measured − paper| ≤ max(abs, rel·|paper|)
 *           = differs        otherwise (also when measured is not finite)
 *
 * A claim with a paper value states why its tolerance is what it is (`toleranceWhy`), and a claim
 * that differs carries a cause: why the paper's number is not ours, from a closed vocabulary
 * (`CAUSE_KINDS`). A differing claim whose notebook gives no cause is `unexplained`.
 */

import type { Candidate } from '../core/types.js';
import { originalFile } from './sources.js';

export type Verdict = 'reproduces' | 'differs' | 'not-in-paper';

/**
 * Why a claim differs from the paper, one of:
 *
 * - `unpublished-input`: the paper's number was made on an input we do not have (the unpublished
 *   model, the ~521-byte text; docs/original-work.md "Numbers from an unpublished model or text"),
 *   or on another text than this run's.
 * - `typed-constant`: the program prints a constant typed into it, not a computation.
 * - `program-not-public`: the program that printed it is not public; our reading of the prose is stated.
 * - `rule-differs`: the paper's number comes from another rule or protocol; `evidence` names the
 *   claim, in the same notebook run, that measures under that rule and reproduces the paper's value.
 * - `our-definition`: the seeds define the quantity too loosely to compute it; ours is written out.
 * - `chaotic-training`: the number depends on one training run; `evidence` names a claim that
 *   measures the spread, where one exists.
 * - `paper-inconsistent`: the seeds contradict themselves; `because` cites both places.
 * - `unexplained`: none of the above is shown yet.
 *
 * `program-not-public` and `our-definition` say what is missing from the public record, so they
 * list the public files read for the claim (`consulted`) and `because` says what those settle.
 */
export const CAUSE_KINDS = [
  'unpublished-input',
  'typed-constant',
  'program-not-public',
  'rule-differs',
  'our-definition',
  'chaotic-training',
  'paper-inconsistent',
  'unexplained',
] as const;

export type CauseKind = (typeof CAUSE_KINDS)[number];

/** Why a differing claim differs. */
export interface Cause {
  readonly kind: CauseKind;
  /** One sentence a reader understands without the notebook open. */
  readonly because: string;
  /** A claim id of the same notebook run (required for `rule-differs`). */
  readonly evidence?: string;
  /**
   * The public files of the original work read for this claim, each `inimino/hutter@<commit>:<file>`
   * (lib/notebook/sources.ts); required, non-empty, for `program-not-public` and `our-definition`.
   */
  readonly consulted?: readonly string[];
}

/** The cause kinds that must list the public files read for them. */
export const KINDS_NEEDING_CONSULTED: readonly CauseKind[] = [
  'program-not-public',
  'our-definition',
];

/** The cause a differing claim gets when its notebook gives none. */
export const NO_CAUSE_SHOWN: Cause = {
  kind: 'unexplained',
  because: 'no cause has been shown yet',
};

/** How far a measurement may be from the paper's value and still reproduce it. */
export interface Tolerance {
  /** Absolute tolerance in the claim's unit (default 0). */
  readonly abs?: number;
  /** Relative tolerance as a fraction of |paper| (default 0). */
  readonly rel?: number;
}

export interface ClaimInput {
  /** Stable identifier, dotted lower case, e.g. `satrnn.bpc`. */
  readonly id: string;
  readonly description: string;
  /** The seed's value, or null when the paper does not state one. */
  readonly paper: number | null;
  /** What our code computed in this run. */
  readonly measured: number;
  /** Unit of `paper` and `measured`, e.g. `bpc`, `parameters`, `fraction`. */
  readonly unit: string;
  /** Required when `paper` is a number. */
  readonly tolerance?: Tolerance;
  /** Why the tolerance is this wide (the paper's printed precision, float32 vs float64, …); required when `paper` is a number. */
  readonly toleranceWhy?: string;
  /** Why the claim differs, should it differ; kept only when the verdict is `differs`. */
  readonly cause?: Cause;
}

export interface Claim {
  readonly id: string;
  readonly description: string;
  readonly paper: number | null;
  readonly measured: number;
  readonly unit: string;
  readonly tolerance: Tolerance | null;
  readonly toleranceWhy: string | null;
  readonly verdict: Verdict;
  /** Non-null exactly when the verdict is `differs` (`NO_CAUSE_SHOWN` when none was given). */
  readonly cause: Cause | null;
}

const CLAIM_ID = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;

/** The verdict of a measurement against the paper's value under a tolerance. */
export function verdict(
  paper: number | null,
  measured: number,
  tolerance: Tolerance | null,
): Verdict {
  if (paper === null) return 'not-in-paper';
  if (tolerance === null)
    throw new RangeError('verdict: a tolerance is required when the paper states a value');
  if (!Number.isFinite(measured)) return 'differs';
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(paper));
  return Math.abs(measured - paper) <= allowed ? 'reproduces' : 'differs';
}

/**
 * Validate a cause: its kind from the closed vocabulary, a non-empty `because`, an `evidence` id
 * where the kind needs one. Throws naming the claim.
 *
 * @example
 * checkCause('x.y', { kind: 'typed-constant', because: 'printed, not computed' }).kind; // → 'typed-constant'
 */
export function checkCause(id: string, cause: Cause): Cause {
  if (!(CAUSE_KINDS as readonly string[]).includes(cause.kind)) {
    throw new RangeError(
      `claim ${id}: unknown cause kind '${cause.kind}'; expected one of ${CAUSE_KINDS.join(', ')}`,
    );
  }
  if (typeof cause.because !== 'string' || cause.because.trim() === '')
    throw new RangeError(`claim ${id}: cause ${cause.kind} needs a non-empty 'because'`);
  if (cause.evidence !== undefined && !CLAIM_ID.test(cause.evidence))
    throw new RangeError(`claim ${id}: cause evidence '${cause.evidence}' is not a claim id`);
  if (cause.kind === 'rule-differs' && cause.evidence === undefined)
    throw new RangeError(
      `claim ${id}: cause rule-differs needs 'evidence', the claim that measures under the paper's rule`,
    );
  if (cause.evidence === id)
    throw new RangeError(`claim ${id}: a cause cannot name its own claim as evidence`);
  const consulted = cause.consulted ?? [];
  if (consulted.length === 0 && KINDS_NEEDING_CONSULTED.includes(cause.kind)) {
    throw new RangeError(
      `claim ${id}: cause ${cause.kind} needs 'consulted', the public files of the original work read for it (inimino/hutter@<commit>:<file>)`,
    );
  }
  for (const ref of consulted) {
    try {
      originalFile(ref);
    } catch (e) {
      throw new RangeError(`claim ${id}: cause ${cause.kind} consulted ${(e as Error).message}`);
    }
  }
  if (new Set(consulted).size !== consulted.length)
    throw new RangeError(`claim ${id}: cause ${cause.kind} lists a consulted file twice`);
  return {
    kind: cause.kind,
    because: cause.because.trim(),
    ...(cause.evidence === undefined ? {} : { evidence: cause.evidence }),
    ...(consulted.length === 0 ? {} : { consulted: [...consulted] }),
  };
}

/** Validate a claim and compute its verdict. Throws naming the claim id and the bad field. */
export function makeClaim(c: ClaimInput): Claim {
  if (!CLAIM_ID.test(c.id))
    throw new RangeError(`claim id '${c.id}': expected dotted lower-case words, e.g. satrnn.bpc`);
  if (c.description.trim() === '') throw new RangeError(`claim ${c.id}: description is empty`);
  if (c.unit.trim() === '')
    throw new RangeError(`claim ${c.id}: unit is empty (use e.g. 'bpc', 'count', 'fraction')`);
  if (c.paper !== null && !Number.isFinite(c.paper))
    throw new RangeError(`claim ${c.id}: paper must be a finite number or null, got ${c.paper}`);
  if (typeof c.measured !== 'number')
    throw new TypeError(`claim ${c.id}: measured must be a number, got ${typeof c.measured}`);
  const tol = c.tolerance ?? null;
  if (c.paper !== null && tol === null)
    throw new RangeError(`claim ${c.id}: the paper states ${c.paper}; give a tolerance {abs, rel}`);
  if (tol !== null) {
    for (const k of ['abs', 'rel'] as const) {
      const v = tol[k];
      if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
        throw new RangeError(`claim ${c.id}: tolerance.${k} must be a finite number ≥ 0, got ${v}`);
    }
  }
  const why = c.toleranceWhy?.trim() ?? '';
  if (c.paper !== null && why === '')
    throw new RangeError(
      `claim ${c.id}: the paper states ${c.paper}; say why the tolerance is ${formatTolerance(tol)} (toleranceWhy)`,
    );
  const cause = c.cause === undefined ? null : checkCause(c.id, c.cause);
  const v = verdict(c.paper, c.measured, tol);
  return {
    id: c.id,
    description: c.description,
    paper: c.paper,
    measured: c.measured,
    unit: c.unit,
    tolerance: tol,
    toleranceWhy: why === '' ? null : why,
    verdict: v,
    cause: v === 'differs' ? (cause ?? NO_CAUSE_SHOWN) : null,
  };
}

/**
 * Check the evidence of every cause against the claims of the same run: an evidence id must name
 * one of them, and a `rule-differs` cause's evidence must reproduce the same paper value. Throws
 * naming both ids otherwise.
 */
export function checkEvidence(claims: readonly Claim[]): void {
  const byId = new Map(claims.map((c) => [c.id, c]));
  for (const c of claims) {
    const ev = c.cause?.evidence;
    if (ev === undefined) continue;
    const e = byId.get(ev);
    if (e === undefined)
      throw new RangeError(
        `claim ${c.id}: cause ${c.cause!.kind} names evidence ${ev}, which is not a claim of this run`,
      );
    if (c.cause!.kind !== 'rule-differs') continue;
    if (e.verdict !== 'reproduces') {
      throw new RangeError(
        `claim ${c.id}: cause rule-differs rejected: its evidence ${ev} does not reproduce the paper (verdict ${e.verdict}, measured ${e.measured}, paper ${e.paper})`,
      );
    }
    if (e.paper !== c.paper)
      throw new RangeError(
        `claim ${c.id}: cause rule-differs rejected: its evidence ${ev} reproduces paper value ${e.paper}, not this claim's ${c.paper}`,
      );
  }
}

/** Human-readable tolerance, e.g. `±0.005` or `±5%`. */
export function formatTolerance(t: Tolerance | null): string {
  if (t === null) return '';
  const parts: string[] = [];
  if (t.abs !== undefined) parts.push(`±${t.abs}`);
  if (t.rel !== undefined) parts.push(`±${+(t.rel * 100).toPrecision(6)}%`);
  return parts.join(' or ');
}

/** A cause's sentence with its evidence and the files read: `because (evidence: id) (consulted: ref, ref)`. */
function becauseText(c: Cause): string {
  return `${c.because}${c.evidence === undefined ? '' : ` (evidence: ${c.evidence})`}${c.consulted === undefined ? '' : ` (consulted: ${c.consulted.join(', ')})`}`;
}

/** A cause as one line of text: `kind: because (evidence: id) (consulted: ref, …)`. */
export function formatCause(c: Cause | null): string {
  return c === null ? '' : `${c.kind}: ${becauseText(c)}`;
}

/** Counts of a ledger: reproduce, not in the paper, and differ by cause kind (every kind listed, 0 included). */
export interface LedgerSummary {
  readonly claims: number;
  readonly reproduces: number;
  readonly notInPaper: number;
  readonly differs: number;
  readonly byCause: Readonly<Record<CauseKind, number>>;
}

/**
 * Summarise verdicts and causes.
 *
 * @example
 * summarize([]).byCause.unexplained; // → 0
 */
export function summarize(claims: readonly Claim[]): LedgerSummary {
  const byCause = Object.fromEntries(CAUSE_KINDS.map((k) => [k, 0])) as Record<CauseKind, number>;
  let reproduces = 0,
    notInPaper = 0,
    differs = 0;
  for (const c of claims) {
    if (c.verdict === 'reproduces') reproduces++;
    else if (c.verdict === 'not-in-paper') notInPaper++;
    else {
      differs++;
      byCause[(c.cause ?? NO_CAUSE_SHOWN).kind]++;
    }
  }
  return { claims: claims.length, reproduces, notInPaper, differs, byCause };
}

/** A summary as one sentence: `81 with a paper value: 30 reproduce; 51 differ (12 unpublished-input, …, 2 unexplained); 59 not in the paper`. */
export function formatSummary(s: LedgerSummary): string {
  const kinds = CAUSE_KINDS.filter((k) => s.byCause[k] > 0 || k === 'unexplained').map(
    (k) => `${s.byCause[k]} ${k}`,
  );
  return `${s.reproduces + s.differs} with a paper value: ${s.reproduces} reproduce; ${s.differs} differ (${kinds.join(', ')}); ${s.notInPaper} not in the paper`;
}

/** The ledger as table rows (the last table of every notebook). */
export function claimRows(claims: readonly Claim[]): Array<Record<string, string | number | null>> {
  return claims.map((c) => ({
    id: c.id,
    description: c.description,
    paper: c.paper,
    measured: c.measured,
    unit: c.unit,
    tolerance: formatTolerance(c.tolerance),
    verdict: c.verdict,
    cause: c.cause?.kind ?? '',
    because: c.cause === null ? '' : becauseText(c.cause),
  }));
}

/**
 * The "why they differ" section of a notebook, generated from the ledger so prose and ledger
 * cannot disagree: one bullet per cause kind, naming each differing claim and its `because`.
 */
export function differencesMarkdown(claims: readonly Claim[]): string {
  const differing = claims.filter((c) => c.verdict === 'differs');
  if (differing.length === 0) return 'Every claim with a paper value reproduces on this run.';
  const lines: string[] = [];
  for (const kind of CAUSE_KINDS) {
    const of = differing.filter((c) => c.cause!.kind === kind);
    if (of.length === 0) continue;
    lines.push(`- **${kind}** (${of.length}):`);
    for (const c of of) {
      const { because, evidence, consulted } = c.cause!;
      lines.push(
        `  - \`${c.id}\` (paper ${c.paper}, measured ${Number.isInteger(c.measured) || !Number.isFinite(c.measured) ? c.measured : +c.measured.toPrecision(4)}): ${because}` +
          `${evidence === undefined ? '' : ` Evidence: \`${evidence}\`.`}${consulted === undefined ? '' : ` Consulted: ${consulted.map((r) => `[\`${r}\`](${originalFile(r).url})`).join(', ')}.`}`,
      );
    }
  }
  return lines.join('\n');
}

export type { Candidate };

/**
 * The forensics table of one paper number: every candidate with its value and distance to the
 * paper, nearest first, the nearest marked, and whether it lies within `tolerance`.
 *
 * @example
 * candidateRows(3.44, [{ candidate: 'a', value: 2 }, { candidate: 'b', value: 3.4 }], { abs: 0.05 })[0].candidate; // → 'b'
 */
export function candidateRows(
  paper: number,
  candidates: readonly Candidate[],
  tolerance: Tolerance,
): Array<{
  candidate: string;
  value: number;
  paper: number;
  distance: number;
  'within tolerance': boolean;
  nearest: boolean;
}> {
  if (candidates.length === 0) throw new RangeError('candidateRows: no candidates');
  const rows = candidates.map((c) => ({
    candidate: c.candidate,
    value: c.value,
    paper,
    distance: Number.isFinite(c.value) ? Math.abs(c.value - paper) : Infinity,
  }));
  rows.sort((a, b) => a.distance - b.distance);
  return rows.map((r, i) => ({
    ...r,
    'within tolerance': verdict(paper, r.value, tolerance) === 'reproduces',
    nearest: i === 0,
  }));
}
