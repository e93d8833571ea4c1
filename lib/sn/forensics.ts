/**
 * Forensics for notebook 05 ("The SN Export Gap"): for each paper number that we do not reproduce,
 * the candidate rules that might have produced it and what each gives on the run's model and text.
 * The programs that printed those numbers (byte_weight_test*.c, the UM runner, the bias version of
 * sat_sn_full.c) are in no commit of inimino/hutter, so every candidate is a rule we can state:
 * another reading of the paper's mapping (α per layer, rounding, clip, biases), another arithmetic
 * (C float32), another start state, another output temperature, another set of scored positions,
 * or a rule of the public record (lib/sn/original.ts: the public α = 2 inventory of sat_sn_full.c,
 * the evaluator of sat_train.c, the rounding idiom (int)(x + 0.5f) in float32).
 *
 * Every function returns `Candidate`s, `{ candidate, value }`, with the notebook's adopted reading
 * first; the notebook ranks them against the paper with `candidateRows` (lib/notebook).
 *
 * Float32 arithmetic (`evaluateF32`) follows the forward pass of the public tools (sat_calibrate.c,
 * sat_train.c): the pre-activation starts from bh + the Wx column, adds the Wh·h products in order
 * of j, and tanh is applied, every operation rounded to float32 (tanhf taken as tanh rounded to
 * float32; glibc's may differ in the last bit); logits are summed in float32, the softmax in
 * float64. `evalBpcOriginal` (lib/sn/original.ts) is the whole public evaluator, softmax included.
 */
import { VOCAB, TENSOR_NAMES, type SatRnn, type TensorName } from '../core/model.js';
import { run, scoreStates } from '../core/rnn.js';
import { modelBpc, runStates } from './memo.js';
import { ISOLATION_READINGS, WEIGHT_MATRICES, logScaleModel, specFor } from './gap.js';
import { exportPatterns, countPatterns } from './export.js';
import {
  MAX_STRENGTH,
  encodeStrengths,
  linearQuantizer,
  logQuantizer,
  magnitudeStats,
  maxAbs,
  quantizeModel,
  sigmoid,
  strengthStats,
  umEvaluate,
  umNet,
  type QuantSpec,
  type Quantizer,
  type Strengths,
} from './um.js';

import {
  ORIGINAL_P_FLOOR,
  forwardF32,
  snFullStrengths,
  evalBpcOriginal,
  cQuantizeModel,
  cPerLayerAlpha,
  type CMap,
} from './original.js';
import type { Candidate } from '../core/types.js';

const f32 = Math.fround;

/** A float32 run: bpc over all n − 1 positions, states and pre-activations ([n][H], float32 values). */
export interface F32Score {
  readonly bpc: number;
  readonly h: Float32Array;
  readonly pre: Float32Array;
}

/**
 * The bpc protocol (h(−1) = 0 unless `h0`, all n − 1 positions) in C float32 arithmetic (see the
 * module comment). Every state is a float32 value.
 */
export function evaluateF32(m: SatRnn, bytes: Uint8Array, h0?: ArrayLike<number>): F32Score {
  const n = bytes.length;
  const f = forwardF32(m, bytes, h0);
  let sum = 0;
  for (let t = 0; t < n - 1; t++) {
    const z = f.logits.subarray(t * VOCAB, (t + 1) * VOCAB);
    let mx = -Infinity;
    for (let o = 0; o < VOCAB; o++) if (z[o] > mx) mx = z[o];
    let Z = 0;
    for (let o = 0; o < VOCAB; o++) Z += Math.exp(z[o] - mx);
    sum += -(z[bytes[t + 1]] - mx - Math.log(Z)) / Math.LN2;
  }
  return { bpc: sum / (n - 1), h: f.h.slice(), pre: f.pre.slice() };
}

/** How a run is scored, other than the bpc protocol. */
export interface ScoreVariant {
  /** Output gain g: P(o) ∝ exp(g · logit_o); ln 2 is a base-2 softmax of the logits (default 1). */
  readonly outputGain?: number;
  /** Start state h(−1) (default 0). */
  readonly h0?: Float64Array;
  /** First scored position (default 0). */
  readonly from?: number;
  /** Divide the summed bits by the text length n instead of the number of scored positions. */
  readonly perByte?: boolean;
}

/** bpc of a model's run under a scoring variant (float64, the lib/core/rnn.ts kernels). */
export function scoreVariant(m: SatRnn, bytes: Uint8Array, v: ScoreVariant = {}): number {
  const g = v.outputGain ?? 1;
  if (!(g > 0) || !Number.isFinite(g))
    throw new RangeError(`outputGain: expected a finite positive number, got ${g}`);
  const states = runStates(m, bytes, v.h0);
  const Wy = g === 1 ? m.Wy : Float64Array.from(m.Wy, (w) => g * w);
  const by = g === 1 ? m.by : Float64Array.from(m.by, (b) => g * b);
  const s = scoreStates(Wy, by, m.hidden, states, bytes, v.from ?? 0);
  return v.perByte ? (s.bpc * s.positions) / bytes.length : s.bpc;
}

/** Integer rounding of a strength α|w| ≥ 0. */
export type Rounding = 'round' | 'floor' | 'ceil';

const ROUND: Record<Rounding, (x: number) => number> = {
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
};

/** Temperature-compensated linear weights ŵ = sign(w) · r(α|w|)/α under a rounding rule r, clipped at 255 when `clip`. */
export function roundedWeights(
  w: ArrayLike<number>,
  alpha: number,
  rounding: Rounding,
  clip: boolean,
): Float32Array {
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new RangeError(`alpha: expected a finite positive number, got ${alpha}`);
  const r = ROUND[rounding];
  return Float32Array.from({ length: w.length }, (_, k) => {
    let s = r(alpha * Math.abs(w[k]));
    if (clip) s = Math.min(s, MAX_STRENGTH);
    return s === 0 ? 0 : (Math.sign(w[k]) * s) / alpha;
  });
}

/** The model with each listed tensor replaced by `roundedWeights` at its α. */
export function roundedModel(
  m: SatRnn,
  alphas: Partial<Record<TensorName, number>>,
  rounding: Rounding,
  clip: boolean,
): SatRnn {
  const t = (name: TensorName) => {
    const a = alphas[name];
    return a === undefined ? m[name].slice() : roundedWeights(m[name], a, rounding, clip);
  };
  return { hidden: m.hidden, Wx: t('Wx'), Wh: t('Wh'), bh: t('bh'), Wy: t('Wy'), by: t('by') };
}

/**
 * The protocol candidates of one quantized model: C float32 arithmetic, a start state `perturb`
 * instead of 0, a base-2 output softmax, the mean over n bytes, a 50-step warm-up.
 */
export function protocolCandidates(
  label: string,
  qm: SatRnn,
  bytes: Uint8Array,
  perturb: Float64Array,
): Candidate[] {
  const eps = Math.hypot(...Array.from(perturb));
  return [
    {
      candidate: `${label}; float32 arithmetic (C float, tanhf)`,
      value: evaluateF32(qm, bytes).bpc,
    },
    {
      candidate: `${label}; started from h(−1) of norm ${eps.toExponential(0)} instead of 0`,
      value: scoreVariant(qm, bytes, { h0: perturb }),
    },
    {
      candidate: `${label}; base-2 output softmax (P ∝ 2^logit)`,
      value: scoreVariant(qm, bytes, { outputGain: Math.LN2 }),
    },
    {
      candidate: `${label}; bits summed over n − 1 positions, divided by n`,
      value: scoreVariant(qm, bytes, { perByte: true }),
    },
    {
      candidate: `${label}; scored from t = 50 (BPTT-horizon warm-up)`,
      value: scoreVariant(qm, bytes, { from: 50 }),
    },
  ];
}

/**
 * The public-record candidates of one adopted model `adopted` of the float model `m` (lib/sn/original.ts): the adopted model scored
 * by the public evaluator (eval_bpc of sat_train.c: float32 throughout, p ≥ 1e-8), and the same map
 * made in the public programs' arithmetic (strengths (int)(x + 0.5f) in float32, α in float32) and
 * scored by that evaluator.
 */
export function publicRecordCandidates(
  label: string,
  m: SatRnn,
  adopted: SatRnn,
  maps: Partial<Record<TensorName, CMap>>,
  bytes: Uint8Array,
): Candidate[] {
  return [
    {
      candidate: `${label}; scored by the public evaluator (sat_train.c eval_bpc: float32, p ≥ 1e-8)`,
      value: evalBpcOriginal(adopted, bytes),
    },
    {
      candidate: `${label}; made in the public programs' arithmetic ((int)(x + 0.5f) strengths, float32) and scored by the public evaluator`,
      value: evalBpcOriginal(cQuantizeModel(m, maps), bytes),
    },
  ];
}

/** The bias that goes with a weight matrix (its layer's bias). */
const LAYER_BIAS: Record<string, TensorName> = { Wx: 'bh', Wh: 'bh', Wy: 'by' };

/**
 * Table 2 (layer isolation) candidates for one layer set: every α reading of lib/sn/gap.ts
 * (`ISOLATION_READINGS`, the first is the adopted one), per-layer α computed in float32, floor
 * and ceil instead of round, each layer's bias quantized with it, and the protocol candidates of
 * the adopted model.
 */
export function isolationCandidates(
  m: SatRnn,
  bytes: Uint8Array,
  tensors: readonly TensorName[],
  perturb: Float64Array,
): Candidate[] {
  if (tensors.length === 0) throw new RangeError('isolationCandidates: no tensors');
  const alpha = (n: TensorName) => 255 / maxAbs(m[n], n);
  const spec = (q: (n: TensorName) => Quantizer) =>
    Object.fromEntries(tensors.map((n) => [n, q(n)])) as QuantSpec;
  const perLayer = Object.fromEntries(tensors.map((n) => [n, alpha(n)])) as Partial<
    Record<TensorName, number>
  >;
  const adopted = quantizeModel(
    m,
    spec((n) => linearQuantizer(alpha(n), true)),
  );
  const withBias: QuantSpec = spec((n) => linearQuantizer(alpha(n), true));
  for (const n of tensors) {
    const b = LAYER_BIAS[n];
    if (b && !(b in withBias)) withBias[b] = linearQuantizer(alpha(n), true);
  }
  return [
    ...ISOLATION_READINGS.map((r) => ({
      candidate: r.name,
      value: modelBpc(
        quantizeModel(
          m,
          spec((n) => r.quantizerFor(m[n], n)),
        ),
        bytes,
      ),
    })),
    {
      candidate: 'per-layer α = 255/max|W| computed in float32',
      value: modelBpc(
        quantizeModel(
          m,
          spec((n) => linearQuantizer(f32(255 / f32(maxAbs(m[n], n))), true)),
        ),
        bytes,
      ),
    },
    {
      candidate: 'per-layer α, floor instead of round',
      value: modelBpc(roundedModel(m, perLayer, 'floor', true), bytes),
    },
    {
      candidate: 'per-layer α, ceil instead of round',
      value: modelBpc(roundedModel(m, perLayer, 'ceil', true), bytes),
    },
    {
      candidate: "per-layer α, each layer's bias (bh or by) quantized with it",
      value: modelBpc(quantizeModel(m, withBias), bytes),
    },
    ...protocolCandidates('per-layer α', adopted, bytes, perturb),
    ...publicRecordCandidates(
      'per-layer α',
      m,
      adopted,
      Object.fromEntries(
        tensors.map((n) => [n, { kind: 'linear', alpha: cPerLayerAlpha(m[n]), clip: true }]),
      ),
      bytes,
    ),
  ];
}

/**
 * Table 3/4 candidates at one α: the adopted reading (Wx, Wh, Wy quantized, biases float), biases
 * quantized too, floor and ceil, a base-2 output softmax with biases quantized, the float model
 * under a base-2 output (what the output rule alone gives), and the protocol candidates.
 */
export function alphaCandidates(
  m: SatRnn,
  bytes: Uint8Array,
  alpha: number,
  clip: boolean,
  perturb: Float64Array,
): Candidate[] {
  const q = linearQuantizer(alpha, clip);
  const adopted = quantizeModel(m, specFor(WEIGHT_MATRICES, q));
  const all = quantizeModel(m, specFor(TENSOR_NAMES, q));
  const weights = Object.fromEntries(WEIGHT_MATRICES.map((n) => [n, alpha])) as Partial<
    Record<TensorName, number>
  >;
  const label = `α = ${alpha}${clip ? ', clipped' : ', no clip'}`;
  return [
    {
      candidate: `${label}: Wx, Wh, Wy quantized, biases float (adopted)`,
      value: modelBpc(adopted, bytes),
    },
    { candidate: `${label}: weights and biases quantized`, value: modelBpc(all, bytes) },
    {
      candidate: `${label}: floor instead of round`,
      value: modelBpc(roundedModel(m, weights, 'floor', clip), bytes),
    },
    {
      candidate: `${label}: ceil instead of round`,
      value: modelBpc(roundedModel(m, weights, 'ceil', clip), bytes),
    },
    {
      candidate: `${label}: weights and biases quantized; base-2 output softmax`,
      value: scoreVariant(all, bytes, { outputGain: Math.LN2 }),
    },
    {
      candidate: 'float model (no quantization); base-2 output softmax',
      value: scoreVariant(m, bytes, { outputGain: Math.LN2 }),
    },
    ...protocolCandidates(label, adopted, bytes, perturb),
    ...publicRecordCandidates(
      label,
      m,
      adopted,
      Object.fromEntries(WEIGHT_MATRICES.map((n) => [n, { kind: 'linear', alpha, clip }])),
      bytes,
    ),
  ];
}

/** Eq. 5 with a rounding rule: ŵ = sign(w)·(exp(s·L/255) − 1)/c, s = r(255·ln(1 + c|w|)/L), L = ln(1 + c·wmax). */
function logRounded(
  w: ArrayLike<number>,
  c: number,
  wmax: number,
  rounding: Rounding,
): Float32Array {
  const L = Math.log1p(c * wmax),
    r = ROUND[rounding];
  return Float32Array.from({ length: w.length }, (_, k) => {
    const s = Math.min(r((MAX_STRENGTH * Math.log1p(c * Math.abs(w[k]))) / L), MAX_STRENGTH);
    return s === 0 ? 0 : (Math.sign(w[k]) * Math.expm1((s * L) / MAX_STRENGTH)) / c;
  });
}

/**
 * Table 5 candidates at one c_Wh (c_Wx = c_Wy = 1000): the adopted per-layer eq. 5, floor in
 * eq. 5, one wmax (the largest of the three matrices) for every layer, c_Wh for every layer, and
 * the protocol candidates.
 */
export function logScaleCandidates(
  m: SatRnn,
  bytes: Uint8Array,
  cWh: number,
  perturb: Float64Array,
): Candidate[] {
  const adopted = logScaleModel(m, cWh);
  const cs: Record<string, number> = { Wx: 1000, Wh: cWh, Wy: 1000 };
  const floorModel: SatRnn = {
    ...m,
    Wx: logRounded(m.Wx, 1000, maxAbs(m.Wx, 'Wx'), 'floor'),
    Wh: logRounded(m.Wh, cWh, maxAbs(m.Wh, 'Wh'), 'floor'),
    Wy: logRounded(m.Wy, 1000, maxAbs(m.Wy, 'Wy'), 'floor'),
  };
  const gmax = Math.max(...WEIGHT_MATRICES.map((n) => maxAbs(m[n], n)));
  const oneWmax = quantizeModel(
    m,
    Object.fromEntries(
      WEIGHT_MATRICES.map((n) => [n, logQuantizer(cs[n], m[n], gmax)]),
    ) as QuantSpec,
  );
  const label = `log-scale, c_Wh = ${cWh}`;
  return [
    { candidate: `${label}, per-layer wmax (adopted)`, value: modelBpc(adopted, bytes) },
    { candidate: `${label}, floor in eq. 5`, value: modelBpc(floorModel, bytes) },
    { candidate: `${label}, one wmax = max over Wx, Wh, Wy`, value: modelBpc(oneWmax, bytes) },
    {
      candidate: `log-scale, c = ${cWh} for Wx, Wh and Wy`,
      value: modelBpc(logScaleModel(m, cWh, cWh, cWh), bytes),
    },
    ...protocolCandidates(label, adopted, bytes, perturb),
    ...publicRecordCandidates(
      label,
      m,
      adopted,
      { Wx: { kind: 'log', c: 1000 }, Wh: { kind: 'log', c: cWh }, Wy: { kind: 'log', c: 1000 } },
      bytes,
    ),
  ];
}

/** Which activation a hidden source carries in the UM runner. */
export type UmSource = 'contrast' | 'plus';

export interface UmRunnerOptions {
  /** 'contrast': P(h+) − P(h−) = h through mirrored pairs (eq. 3); 'plus': P(h+) alone, one pattern per weight (the public sat_sn_full.c wiring: Wh source h_k+, Wy source h_k± by sign). */
  readonly source: UmSource;
  readonly biases: 'quantized' | 'dropped';
  /** g_h: P(h+) = σ(g_h · D). */
  readonly hiddenGain: number;
  /** g_y: P(o) ∝ exp(g_y · A_o). */
  readonly outputGain: number;
  /**
   * 'soft' (default): a source event carries its probability P(h+) (or P(h−)); 'hard': each binary
   * ES is read as a fact, its more probable side active (P(h+) = 1 if D > 0, 0 if D < 0, 1/2 at 0).
   */
  readonly activation?: 'soft' | 'hard';
  /** Probabilities of the next byte below this are raised to it before the log (default 0: none). */
  readonly pFloor?: number;
}

/**
 * The UM runner on byte strengths S = sign(w)·s under a wiring and gains (all n − 1 positions,
 * h(−1) = 0, i.e. P(h+) = 1/2). With source 'contrast', soft activations and no floor this is
 * `umEvaluate` on the same strengths.
 */
export function umRunnerBpc(
  H: number,
  S: Strengths,
  bytes: Uint8Array,
  o: UmRunnerOptions,
): number {
  const hard = (o.activation ?? 'soft') === 'hard',
    floor = o.pFloor ?? 0;
  if (!(floor >= 0 && floor < 1))
    throw new RangeError(`pFloor: expected a number in [0, 1), got ${floor}`);
  if (o.source === 'contrast' && !hard && floor === 0) {
    const zero = (name: TensorName) =>
      o.biases === 'dropped' && (name === 'bh' || name === 'by')
        ? new Float64Array(S[name].length)
        : S[name];
    return umEvaluate(
      umNet(
        H,
        { Wx: S.Wx, Wh: S.Wh, bh: zero('bh'), Wy: S.Wy, by: zero('by') },
        o.hiddenGain,
        o.outputGain,
      ),
      bytes,
    ).bpc;
  }
  const n = bytes.length,
    bias = o.biases === 'quantized',
    plus = o.source === 'plus';
  // Only patterns carry support: each row's nonzero strengths, in column order. A zero strength
  // adds nothing to an output; to a hidden D it adds a signed zero, which can change only the sign
  // of a D that is 0, and σ(±0) = 1/2 (hard: ±0 is neither side), so skipping it changes no bit.
  const Wh = nonzeroRows(S.Wh, H, H),
    Wy = nonzeroRows(S.Wy, VOCAB, H);
  let P = new Float64Array(H).fill(0.5);
  const src = new Float64Array(H);
  const A = new Float64Array(VOCAB);
  let sum = 0;
  for (let t = 0; t < n - 1; t++) {
    const x = bytes[t],
      next = new Float64Array(H);
    for (let k = 0; k < H; k++) src[k] = plus ? P[k] : 2 * P[k] - 1;
    for (let j = 0; j < H; j++) {
      let d = (bias ? S.bh[j] : 0) + S.Wx[j * VOCAB + x];
      for (let e = Wh.start[j]; e < Wh.start[j + 1]; e++) d += Wh.value[e] * src[Wh.column[e]];
      next[j] = hard ? (d > 0 ? 1 : d < 0 ? 0 : 0.5) : sigmoid(o.hiddenGain * d);
    }
    P = next;
    let mx = -Infinity;
    for (let q = 0; q < VOCAB; q++) {
      let a = bias ? S.by[q] : 0;
      for (let e = Wy.start[q]; e < Wy.start[q + 1]; e++) {
        const s = Wy.value[e],
          k = Wy.column[e];
        if (!plus) a += s * (2 * P[k] - 1);
        else if (s > 0) a += s * P[k];
        else a -= s * (1 - P[k]);
      }
      A[q] = o.outputGain * a;
      if (A[q] > mx) mx = A[q];
    }
    let Z = 0;
    for (let q = 0; q < VOCAB; q++) Z += Math.exp(A[q] - mx);
    const lnP = A[bytes[t + 1]] - mx - Math.log(Z);
    sum += -Math.max(lnP, floor > 0 ? Math.log(floor) : -Infinity) / Math.LN2;
  }
  return sum / (n - 1);
}

/** The nonzero entries of each row of a [rows][cols] matrix, in column order (compressed rows). */
function nonzeroRows(
  M: ArrayLike<number>,
  rows: number,
  cols: number,
): { start: Int32Array; column: Int32Array; value: Float64Array } {
  const start = new Int32Array(rows + 1),
    column: number[] = [],
    value: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (M[r * cols + c] === 0) continue;
      column.push(c);
      value.push(M[r * cols + c]);
    }
    start[r + 1] = column.length;
  }
  return { start, column: Int32Array.from(column), value: Float64Array.from(value) };
}

/** Label of the adopted UM-runner reading (the first candidate of `umRunnerCandidates`). */
export const UM_RUNNER_ADOPTED =
  'public sat_sn_full.c inventory (float (int)(2|w| + 0.5) strengths, no bias patterns, sources P(h_k+) / P(h_k±) by sign), soft sources, base-2 support';

/**
 * UM-runner candidates at α = 2. First the adopted reading: the public α = 2 inventory of
 * sat_sn_full.c (lib/sn/original.ts `snFullStrengths`: no bias patterns, Wh read from h_k+, Wy from
 * h_k+ or h_k− by sign) run with soft sources and base-2 support. Then the same inventory with the
 * public evaluators' floor p ≥ 1e-8, with temperature compensation (g_h = 2/α, g_y = 1/α), read as
 * hard events, and read through mirrored pairs; then the paper's eq. 3 wiring on s = round(2|w|)
 * (contrast sources, mirrored Wh pairs) × bias patterns (quantized or none) × support, our reading
 * before the public exporter was read.
 */
export function umRunnerCandidates(m: SatRnn, bytes: Uint8Array): Candidate[] {
  const H = m.hidden,
    b2 = Math.LN2,
    comp = { hiddenGain: 1, outputGain: 0.5 };
  const pub = snFullStrengths(m);
  const run = (S: Strengths, o: UmRunnerOptions) => umRunnerBpc(H, S, bytes, o);
  const base: UmRunnerOptions = {
    source: 'plus',
    biases: 'dropped',
    hiddenGain: b2,
    outputGain: b2,
  };
  const out: Candidate[] = [
    { candidate: UM_RUNNER_ADOPTED, value: run(pub, base) },
    {
      candidate:
        'public inventory, soft sources, base-2 support; p ≥ 1e-8 as the public evaluators (sat_train.c, sat_chains.c)',
      value: run(pub, { ...base, pFloor: ORIGINAL_P_FLOOR }),
    },
    {
      candidate:
        'public inventory, soft sources, compensated (D/α before the binary ES and the output)',
      value: run(pub, { ...base, ...comp }),
    },
    {
      candidate:
        'public inventory read as hard events (the more probable side of each binary ES active), base-2 support',
      value: run(pub, { ...base, activation: 'hard' }),
    },
    {
      candidate: 'public inventory read as hard events, compensated',
      value: run(pub, { ...base, ...comp, activation: 'hard' }),
    },
    {
      candidate:
        'public inventory read through mirrored pairs (source h = P(h+) − P(h−)), base-2 support',
      value: run(pub, { ...base, source: 'contrast' }),
    },
  ];
  const q = linearQuantizer(2, true);
  const S = Object.fromEntries(
    TENSOR_NAMES.map((n) => [n, encodeStrengths(m[n], q, n)]),
  ) as Strengths;
  for (const source of ['contrast', 'plus'] as const) {
    for (const biases of ['quantized', 'dropped'] as const) {
      for (const [support, hiddenGain, outputGain] of [
        ['base-2 support', b2, b2],
        ['compensated (D/α before tanh)', 1, 0.5],
      ] as const) {
        const src =
          source === 'contrast'
            ? 'paper eq. 3 wiring (source h = P(h+) − P(h−), mirrored Wh pairs)'
            : 'source P(h+) only';
        out.push({
          candidate: `s = round(2|w|) on every tensor; ${src}; bias patterns ${biases}; ${support}`,
          value: run(S, { source, biases, hiddenGain, outputGain }),
        });
      }
    }
  }
  return out;
}

/** Which pre-activation statistic. */
export type PreStat = 'rms' | 'maxAbs';

/**
 * Candidates for RMS(pre) or max|pre| of the float trajectory: over all t = 0 … n−1 (adopted),
 * over the n − 1 states that predict (t ≤ n − 2), over t ≥ 1, without the bias, per-neuron RMS
 * averaged over neurons (rms only), and the float32 trajectory.
 */
export function preStatCandidates(m: SatRnn, bytes: Uint8Array, stat: PreStat): Candidate[] {
  const H = m.hidden,
    n = bytes.length;
  const pre = run(m, bytes).pre;
  const of = (v: ArrayLike<number>) => magnitudeStats(v)[stat];
  const noBias = Float64Array.from(pre, (p, k) => p - m.bh[k % H]);
  const out: Candidate[] = [
    { candidate: 'all positions t = 0 … n−1, all neurons (adopted)', value: of(pre) },
    {
      candidate: 'the n − 1 predicting states t = 0 … n−2',
      value: of(pre.subarray(0, (n - 1) * H)),
    },
    { candidate: 'positions t = 1 … n−1 (after the first step)', value: of(pre.subarray(H)) },
    { candidate: 'without the bias: Wx[:, x_t] + Wh·h(t−1)', value: of(noBias) },
    { candidate: 'float32 trajectory (C float, tanhf)', value: of(evaluateF32(m, bytes).pre) },
  ];
  if (stat === 'rms') {
    let acc = 0;
    for (let j = 0; j < H; j++) {
      let s2 = 0;
      for (let t = 0; t < n; t++) s2 += pre[t * H + j] ** 2;
      acc += Math.sqrt(s2 / n);
    }
    out.push({ candidate: 'mean over neurons j of RMS_t(pre_j)', value: acc / H });
  }
  return out;
}

/**
 * Candidates for the share of Wx, Wh, Wy weights dropped at α = 2: round (adopted), the public
 * sat_sn_full.c rule (int)(2.0f·fabsf(w) + 0.5f) in float32, floor (|w| < 0.5 dropped), the
 * matching α = 2/ln 2, and biases counted too.
 */
export function droppedCandidates(m: SatRnn): Candidate[] {
  const share = (names: readonly TensorName[], s: (w: number) => number) => {
    let total = 0,
      dropped = 0;
    for (const n of names)
      for (const w of m[n]) {
        total++;
        if (s(w) < 1) dropped++;
      }
    return dropped / total;
  };
  const q2 = linearQuantizer(2, true);
  return [
    {
      candidate: 'round(2|w|) = 0 over Wx, Wh, Wy (adopted)',
      value: share(WEIGHT_MATRICES, (w) => Math.round(2 * Math.abs(w))),
    },
    {
      candidate: '(int)(2.0f·fabsf(w) + 0.5f) = 0 in float32 (public sat_sn_full.c)',
      value: share(WEIGHT_MATRICES, (w) => Math.trunc(f32(f32(2 * Math.abs(w)) + 0.5))),
    },
    {
      candidate: 'floor(2|w|) = 0 (truncation)',
      value: share(WEIGHT_MATRICES, (w) => Math.floor(2 * Math.abs(w))),
    },
    {
      candidate: 'round(2.885|w|) = 0 (matching α = 2/ln 2)',
      value: share(WEIGHT_MATRICES, (w) => Math.round((2 / Math.LN2) * Math.abs(w))),
    },
    {
      candidate: 'round(2|w|) = 0 over all 82,304 parameters (biases too)',
      value: (() => {
        let total = 0,
          dropped = 0;
        for (const n of TENSOR_NAMES) {
          const st = strengthStats(encodeStrengths(m[n], q2, n));
          total += st.total;
          dropped += st.dropped;
        }
        return dropped / total;
      })(),
    },
  ];
}

/**
 * Candidates for the pattern count of the full export: α = 2 with bias patterns (adopted), the
 * public sat_sn_full.c (no bias patterns), floor(2|w|) ≥ 1, the matching α = 2/ln 2, α = 128.
 */
export function patternCountCandidates(m: SatRnn): Candidate[] {
  const count = (q: Quantizer, names: readonly TensorName[] = TENSOR_NAMES) => {
    const S = Object.fromEntries(
      TENSOR_NAMES.map((n) => [
        n,
        names.includes(n) ? encodeStrengths(m[n], q, n) : new Float64Array(m[n].length),
      ]),
    ) as Strengths;
    return countPatterns(exportPatterns(m.hidden, S)).total;
  };
  return [
    {
      candidate: 'round(2|w|) ≥ 1 on Wx, Wh, Wy, bh, by (adopted)',
      value: count(linearQuantizer(2, true)),
    },
    {
      candidate: 'round(2|w|) ≥ 1 on Wx, Wh, Wy only (public sat_sn_full.c, no bias patterns)',
      value: count(linearQuantizer(2, true), WEIGHT_MATRICES),
    },
    { candidate: 'floor(2|w|) ≥ 1, i.e. |w| ≥ 0.5', value: count(linearQuantizer(1, true)) },
    {
      candidate: 'round(2.885|w|) ≥ 1 (matching α = 2/ln 2)',
      value: count(linearQuantizer(2 / Math.LN2, true)),
    },
    { candidate: 'round(128|w|) ≥ 1 (8-bit α = 128)', value: count(linearQuantizer(128, true)) },
  ];
}

/**
 * The values a byte-weight claim's cause quotes from its candidates (`protocolCandidates`,
 * `publicRecordCandidates`): the adopted reading (the first candidate), the same model in float32
 * arithmetic, scored by the public evaluator, and made in the public programs' arithmetic.
 * Throws naming the missing candidate.
 */
export function keyCandidates(cands: readonly Candidate[]): {
  adopted: number;
  float32: number;
  evaluator: number;
  arithmetic: number;
} {
  const find = (part: string) => {
    const c = cands.find((x) => x.candidate.includes(part));
    if (c === undefined) throw new RangeError(`keyCandidates: no candidate names '${part}'`);
    return c.value;
  };
  if (cands.length === 0) throw new RangeError('keyCandidates: no candidates');
  return {
    adopted: cands[0].value,
    float32: find('float32 arithmetic'),
    evaluator: find('scored by the public evaluator'),
    arithmetic: find("made in the public programs' arithmetic"),
  };
}
