/** A mathjs derivation (lib/math/derivations.ts) as a notebook shows it: its steps as display math, then its checks. */
import type { Derivation } from '../math/derivations.js';

/**
 * Markdown of a derivation: each step's label and its TeX (from mathjs's `toTex`) as display
 * math, then one line per numerical check with its largest absolute difference.
 *
 * @example
 * const d = { steps: [{ label: 'slope', tex: 'x^2' }], checks: [{ what: 'at 1', maxAbsDiff: 0 }] };
 * derivationMarkdown(d); // → '1. slope:\n$$x^2$$\n\n**Checked numerically:** at 1: max |difference| = 0.'
 */
export function derivationMarkdown(d: Derivation): string {
  const steps = d.steps.map((s, k) => `${k + 1}. ${s.label}:\n$$${s.tex}$$`).join('\n');
  const checks = d.checks
    .map(
      (c) =>
        `${c.what}: max |difference| = ${c.maxAbsDiff === 0 ? '0' : c.maxAbsDiff.toExponential(1)}`,
    )
    .join('; ');
  return `${steps}\n\n**Checked numerically:** ${checks}.`;
}
