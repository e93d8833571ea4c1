/**
 * The claims ledger: each notebook states what the paper (a seed document) says beside what this
 * code measured, with a verdict computed from a stated tolerance, never typed in.
 *
 *   verdict = not-in-paper   when paper is null
 *           = reproduces     when |measured − paper| ≤ max(abs, rel·|paper|)
 *           = differs        otherwise (also when measured is not finite)
 */

export type Verdict = 'reproduces' | 'differs' | 'not-in-paper';

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
}

export interface Claim {
  readonly id: string;
  readonly description: string;
  readonly paper: number | null;
  readonly measured: number;
  readonly unit: string;
  readonly tolerance: Tolerance | null;
  readonly verdict: Verdict;
}

const CLAIM_ID = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;

/** The verdict of a measurement against the paper's value under a tolerance. */
export function verdict(paper: number | null, measured: number, tolerance: Tolerance | null): Verdict {
  if (paper === null) return 'not-in-paper';
  if (tolerance === null) throw new RangeError('verdict: a tolerance is required when the paper states a value');
  if (!Number.isFinite(measured)) return 'differs';
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(paper));
  return Math.abs(measured - paper) <= allowed ? 'reproduces' : 'differs';
}

/** Validate a claim and compute its verdict. Throws naming the claim id and the bad field. */
export function makeClaim(c: ClaimInput): Claim {
  if (!CLAIM_ID.test(c.id)) throw new RangeError(`claim id '${c.id}': expected dotted lower-case words, e.g. satrnn.bpc`);
  if (c.description.trim() === '') throw new RangeError(`claim ${c.id}: description is empty`);
  if (c.unit.trim() === '') throw new RangeError(`claim ${c.id}: unit is empty (use e.g. 'bpc', 'count', 'fraction')`);
  if (c.paper !== null && !Number.isFinite(c.paper)) throw new RangeError(`claim ${c.id}: paper must be a finite number or null, got ${c.paper}`);
  if (typeof c.measured !== 'number') throw new TypeError(`claim ${c.id}: measured must be a number, got ${typeof c.measured}`);
  const tol = c.tolerance ?? null;
  if (c.paper !== null && tol === null) throw new RangeError(`claim ${c.id}: the paper states ${c.paper}; give a tolerance {abs, rel}`);
  if (tol !== null) {
    for (const k of ['abs', 'rel'] as const) {
      const v = tol[k];
      if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new RangeError(`claim ${c.id}: tolerance.${k} must be a finite number ≥ 0, got ${v}`);
    }
  }
  return {
    id: c.id, description: c.description, paper: c.paper, measured: c.measured, unit: c.unit,
    tolerance: tol, verdict: verdict(c.paper, c.measured, tol),
  };
}

/** Human-readable tolerance, e.g. `±0.005` or `±5%`. */
export function formatTolerance(t: Tolerance | null): string {
  if (t === null) return '';
  const parts: string[] = [];
  if (t.abs !== undefined) parts.push(`±${t.abs}`);
  if (t.rel !== undefined) parts.push(`±${+(t.rel * 100).toPrecision(6)}%`);
  return parts.join(' or ');
}

/** The ledger as table rows (the last table of every notebook). */
export function claimRows(claims: readonly Claim[]): Array<Record<string, string | number | null>> {
  return claims.map((c) => ({
    id: c.id, description: c.description, paper: c.paper, measured: c.measured, unit: c.unit,
    tolerance: formatTolerance(c.tolerance), verdict: c.verdict,
  }));
}
