/**
 * Derivations that compute: the formulas the notebooks derive, derived again symbolically with
 * mathjs (`derivative`, `simplify`), rendered with `toTex` for the notebook's math, and evaluated
 * so that a notebook can check them against the lib kernel that uses them.
 *   crossEntropyDerivation  00  ∂L/∂z = p − onehot through the softmax, ∂tanh = 1 − tanh²
 *   bpttExample             00  the gradient of a 3-step loss of a 2-unit RNN, symbol by symbol
 *   matchingDerivation      05  the binary-ES matching condition D = 2·pre/ln 2
 */
import { derivative, parse, simplify, type MathNode } from 'mathjs';
import { VOCAB, zeroModel, type SatRnn } from '../core/model.js';

/** One step of a derivation: what it says and its formula in TeX (from mathjs's `toTex`). */
export interface DerivationStep {
  readonly label: string;
  readonly tex: string;
}

/** A derivation and the numerical checks of its result (largest absolute differences). */
export interface Derivation {
  readonly steps: readonly DerivationStep[];
  readonly checks: ReadonlyArray<{ readonly what: string; readonly maxAbsDiff: number }>;
}

const tex = (n: MathNode | string) =>
  (typeof n === 'string' ? parse(n) : n).toTex({ parenthesis: 'auto', implicit: 'hide' });

/** max over xs of |f(x)| (a loop: spreading a trajectory's 10⁵ values into Math.max overflows the stack). */
function maxAbsOf(xs: readonly number[], f: (x: number) => number): number {
  let m = 0;
  for (const x of xs) m = Math.max(m, Math.abs(f(x)));
  return m;
}

/** Evaluate a node with a scope of numbers. */
const valueOf = (n: MathNode, scope: Record<string, number>): number =>
  Number(n.compile().evaluate({ ...scope }));

/**
 * The cross-entropy of a 3-way softmax (target 1) differentiated by its logits, and tanh by its
 * input: mathjs's simplified derivatives are p₁ − 1 and p₂, and sech² a = 1 − tanh² a, checked at
 * the logits `z` [3] and the pre-activations `a`.
 */
export function crossEntropyDerivation(
  z: readonly [number, number, number],
  a: readonly number[],
): Derivation {
  const L = parse('-log(exp(z1) / (exp(z1) + exp(z2) + exp(z3)))');
  const d1 = simplify(derivative(L, 'z1'));
  const d2 = simplify(derivative(L, 'z2'));
  const dtanh = derivative(parse('tanh(a)'), 'a');
  const scope = { z1: z[0], z2: z[1], z3: z[2] };
  const zmax = Math.max(...z);
  const e = z.map((v) => Math.exp(v - zmax));
  const p = e.map((v) => v / (e[0] + e[1] + e[2]));
  return {
    steps: [
      { label: 'the loss of one position whose next byte is output 1', tex: `L = ${tex(L)}` },
      {
        label: 'its derivative by the target logit, simplified',
        tex: `\\frac{\\partial L}{\\partial z_1} = ${tex(d1)} = p_1 - 1`,
      },
      {
        label: 'its derivative by another logit, simplified',
        tex: `\\frac{\\partial L}{\\partial z_2} = ${tex(d2)} = p_2`,
      },
      {
        label: 'the hidden unit',
        tex: `\\frac{\\partial}{\\partial a}\\tanh a = ${tex(dtanh)} = 1 - \\tanh^2 a`,
      },
    ],
    checks: [
      {
        what: '∂L/∂z₁ − (p₁ − 1) and ∂L/∂z₂ − p₂ at z',
        maxAbsDiff: Math.max(
          Math.abs(valueOf(d1, scope) - (p[0] - 1)),
          Math.abs(valueOf(d2, scope) - p[1]),
        ),
      },
      {
        what: 'sech² a − (1 − tanh² a)',
        maxAbsDiff: maxAbsOf(a, (v) => valueOf(dtanh, { a: v }) - (1 - Math.tanh(v) ** 2)),
      },
    ],
  };
}

/** A small BPTT case: a 2-unit RNN, a 4-byte text (3 scored positions) and its loss as one mathjs expression. */
export interface BpttExample {
  /** The model: 2 hidden units; only the inputs and outputs of the text's bytes are non-zero. */
  readonly model: SatRnn;
  readonly bytes: Uint8Array;
  /** L = −Σ_t ln softmax(by + Wy h_t)[x_{t+1}], t = 0, 1, 2, from h(−1) = 0, every parameter a symbol. */
  readonly loss: MathNode;
  /** Each non-zero parameter: its symbol, tensor, flat index into the tensor, value and ∂L/∂ it by mathjs. */
  readonly parameters: ReadonlyArray<{
    readonly symbol: string;
    readonly tensor: 'Wx' | 'Wh' | 'bh' | 'Wy' | 'by';
    readonly index: number;
    readonly value: number;
    readonly symbolic: number;
  }>;
}

/**
 * The loss of a 3-step example written out symbol by symbol (every h_t inlined, so the chain
 * rule through tanh and time is mathjs's), differentiated by each of its 21 parameters and
 * evaluated. The other 253 outputs have zero weights, so their logits are 0 and they add
 * 253 = 253·e⁰ to the softmax's denominator. Compare `parameters[k].symbolic` with the BPTT kernel
 * (lib/core/bptt.ts) on `model` and `bytes`.
 */
export function bpttExample(text = 'abca'): BpttExample {
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  if (bytes.length !== 4 || bytes.some((b) => b > 127))
    throw new RangeError(`text: expected 4 ASCII characters, got '${text}'`);
  const H = 2,
    symbols = [...new Set(bytes)];
  const m = zeroModel(H);
  const parameters: {
    symbol: string;
    tensor: 'Wx' | 'Wh' | 'bh' | 'Wy' | 'by';
    index: number;
    value: number;
  }[] = [];
  // Fixed, varied values of order 1 (a deterministic stand-in for trained weights).
  const add = (symbol: string, tensor: 'Wx' | 'Wh' | 'bh' | 'Wy' | 'by', index: number) => {
    const value = Math.fround(1.2 * Math.cos(1 + 1.7 * parameters.length)); // the model stores float32
    m[tensor][index] = value;
    parameters.push({ symbol, tensor, index, value });
    return symbol;
  };
  for (let j = 0; j < H; j++) for (const x of symbols) add(`Wx_${j}_${x}`, 'Wx', j * VOCAB + x);
  for (let j = 0; j < H; j++) for (let k = 0; k < H; k++) add(`Wh_${j}_${k}`, 'Wh', j * H + k);
  for (let j = 0; j < H; j++) add(`bh_${j}`, 'bh', j);
  for (const o of symbols) for (let j = 0; j < H; j++) add(`Wy_${o}_${j}`, 'Wy', o * H + j);
  for (const o of symbols) add(`by_${o}`, 'by', o);
  // h_t as expressions, h(−1) = 0.
  let h: string[] = Array(H).fill('0');
  const terms: string[] = [];
  for (let t = 0; t < 3; t++) {
    const prev = h;
    h = Array.from(
      { length: H },
      (_, j) =>
        `tanh(bh_${j} + Wx_${j}_${bytes[t]}${prev.map((p, k) => (p === '0' ? '' : ` + Wh_${j}_${k} * ${p}`)).join('')})`,
    );
    const logit = (o: number) =>
      `(by_${o} + ${h.map((v, j) => `Wy_${o}_${j} * ${v}`).join(' + ')})`;
    terms.push(
      `log(${VOCAB - symbols.length} + ${symbols.map((o) => `exp${logit(o)}`).join(' + ')}) - ${logit(bytes[t + 1])}`,
    );
  }
  const loss = parse(terms.map((s) => `(${s})`).join(' + '));
  const scope = Object.fromEntries(parameters.map((p) => [p.symbol, p.value]));
  return {
    model: m,
    bytes,
    loss,
    parameters: parameters.map((p) => ({
      ...p,
      symbolic: Number(
        derivative(loss, p.symbol, { simplify: false })
          .compile()
          .evaluate({ ...scope }),
      ),
    })),
  };
}

/**
 * The matching condition of the binary ES (seed 003, eq. 2): h(D) = 2/(1 + 2^−D) − 1 against
 * tanh(pre). With D = k·pre the slopes at 0 are k·ln2/2 and 1, so k = 2/ln 2; rewriting 2^x as
 * e^{x ln 2} then turns h(2·pre/ln 2) into 2/(1 + e^{−2 pre}) − 1 = tanh(pre). Checked at `pre`
 * against tanh and against `binaryES` ∘ `support` (lib/sn/um.ts: binaryEsActivation, matchingSupport).
 */
export function matchingDerivation(
  pre: readonly number[],
  binaryES: (D: number) => number,
  support: (pre: number) => number,
): Derivation {
  const h = parse('2 / (1 + 2^(-D)) - 1');
  const slopeOfK = simplify(derivative(parse('2 / (1 + 2^(-k * pre)) - 1'), 'pre'));
  const slopeAt0 = simplify(
    slopeOfK.transform((n) => ('name' in n && n.name === 'pre' ? parse('0') : n)),
  );
  const k = 1 / valueOf(slopeAt0, { k: 1 });
  const matched = simplify(parse('2 / (1 + 2^(-2 * pre / log(2))) - 1'), [
    'n1 ^ n2 -> exp(n2 * log(n1))',
    ...simplify.rules,
  ]);
  const hOfPre = matched.compile();
  return {
    steps: [
      { label: 'the binary ES in base 2, D = A⁺ − A⁻', tex: `h(D) = ${tex(h)}` },
      {
        label: 'with D = k·pre, its slope by pre (simplified; mathjs evaluates ln 2 = 0.693…)',
        tex: `\\frac{\\partial h}{\\partial\\,\\mathrm{pre}} = ${tex(slopeOfK)}`,
      },
      {
        label: 'at pre = 0 this is k·ln2/2, while tanh has slope 1 there',
        tex: `\\left.\\frac{\\partial h}{\\partial\\,\\mathrm{pre}}\\right|_{0} = ${tex(slopeAt0)} = 1 \\;\\Rightarrow\\; k = ${k.toFixed(6)} = \\frac{2}{\\ln 2}`,
      },
      {
        label: 'substituted and simplified with 2^x = e^{x ln 2}',
        tex: `h\\!\\left(\\tfrac{2\\,\\mathrm{pre}}{\\ln 2}\\right) = ${tex(matched)} = \\tanh(\\mathrm{pre})`,
      },
    ],
    checks: [
      { what: 'k − 2/ln 2 (the slope condition)', maxAbsDiff: Math.abs(k - 2 / Math.LN2) },
      { what: 'k − D(1) of lib/sn/um.ts matchingSupport', maxAbsDiff: Math.abs(k - support(1)) },
      {
        what: 'the simplified h(2·pre/ln 2) − tanh(pre)',
        maxAbsDiff: maxAbsOf(pre, (p) => Number(hOfPre.evaluate({ pre: p })) - Math.tanh(p)),
      },
      {
        what: 'the simplified h(2·pre/ln 2) − lib binaryEsActivation(matchingSupport(pre))',
        maxAbsDiff: maxAbsOf(
          pre,
          (p) => Number(hOfPre.evaluate({ pre: p })) - binaryES(support(p)),
        ),
      },
    ],
  };
}
