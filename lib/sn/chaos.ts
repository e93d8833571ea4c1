/**
 * Measures of how unstable the sat-rnn recurrence is along the data, each a candidate reading of
 * the weight-construction page's "3.44 trained Lyapunov exponent (> 1 = chaos)" (seed 000, §7),
 * which does not say how it was computed.
 *
 * Float (tangent-map) measures, with J_t = diag(1 − h_t²)·Wh the Jacobian ∂h_t/∂h_{t−1}:
 *   - the largest Lyapunov exponent λ₁ (lib/sn/dynamics.ts), in nats and bits per step, and exp(λ₁);
 *   - ‖Wh‖₂ (largest singular value) and the spectral radius of Wh;
 *   - ‖J_t‖₂ along the trajectory, its mean and its maximum (`jacobianNorms`).
 * Boolean (sign) measures, the "> 1 = chaos" convention of Boolean networks (Derrida; the average
 * sensitivity: how many units change sign, on average, when one unit's sign is flipped):
 *   - `booleanSensitivity`: on the float trajectory, negate h_j(t) and recompute sign h_i(t+1)
 *     with input x_{t+1} (the Boolean influence estimator of seed §2, at 50 evenly spaced
 *     positions); the number of flipped units i, averaged over j and the positions;
 *   - `signDynamicsSensitivity`: the same on the pure sign dynamics s_t = sign(bh + Wx[:, x_t] + Wh·s_{t−1}).
 */
import type { SatRnn } from '../core/model.js';
import { VOCAB } from '../core/model.js';
import { run, type Trajectory } from '../core/rnn.js';
import {
  lanczosStart,
  lanczosTop,
  largestSingularValue,
  spectralRadius,
  type SymmetricOperator,
} from '../math/linalg.js';
import { lyapunovExponents } from './dynamics.js';
import { evenlySpaced, signFlips } from '../core/sign-flips.js';

import type { Candidate } from '../core/types.js';

/**
 * ‖J_t‖₂ = ‖diag(1 − h_t²)·Wh‖₂ for every t of a stored trajectory (`states` = h_t, [n][H]); `Wh`
 * is [H][H]. ‖J_t‖₂² is the largest eigenvalue of J_t·J_tᵀ = D_t·G·D_t with D_t = diag(1 − h_t²)
 * and G = Wh·Whᵀ formed once, found by `lanczosTop` (lib/math/linalg.ts, relative precision
 * 1e-10): one product with G per Lanczos step where JᵀJ needs two with J.
 */
export function jacobianNorms(
  Wh: ArrayLike<number>,
  hidden: number,
  states: Float64Array,
): Float64Array {
  const H = hidden;
  if (Wh.length !== H * H) throw new RangeError(`Wh: ${Wh.length} values, expected ${H}×${H}`);
  if (states.length % H !== 0 || states.length === 0)
    throw new RangeError(
      `states: ${states.length} values is not a positive multiple of hidden=${H}`,
    );
  const n = states.length / H;
  const G = new Float64Array(H * H);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += Wh[i * H + k] * Wh[j * H + k];
      G[i * H + j] = s;
    }
  const d = new Float64Array(H),
    dq = new Float64Array(H);
  const dgd: SymmetricOperator = (q, out) => {
    for (let j = 0; j < H; j++) dq[j] = d[j] * q[j];
    for (let i = 0; i < H; i++) out[i] = d[i] * dot(G, i * H, dq);
  };
  const start = lanczosStart(H);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < H; i++) {
      const h = states[t * H + i];
      d[i] = 1 - h * h;
    }
    out[t] = Math.sqrt(Math.max(0, lanczosTop(dgd, H, start, 1e-10)));
  }
  return out;
}

/** Σ_j a[off + j]·v[j] over j < v.length, in four interleaved partial sums (latency, not order, bound). */
function dot(a: Float64Array, off: number, v: Float64Array): number {
  const n = v.length,
    n4 = n - (n % 4);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let j = 0; j < n4; j += 4) {
    s0 += a[off + j] * v[j];
    s1 += a[off + j + 1] * v[j + 1];
    s2 += a[off + j + 2] * v[j + 2];
    s3 += a[off + j + 3] * v[j + 3];
  }
  for (let j = n4; j < n; j++) s0 += a[off + j] * v[j];
  return s0 + s1 + (s2 + s3);
}

/**
 * Mean Boolean sensitivity of the sign of the recurrence along a float trajectory: for unit j at
 * position t, the number of units i whose sign h_i(t+1) changes when h_j(t) is negated (input
 * x_{t+1} unchanged: pre_i(t+1) − 2·Wh[i][j]·h_j(t) against pre_i(t+1), sign(0) = +1), averaged
 * over j and over the positions. `samples` = the number of evenly spaced positions
 * t_s = ⌊s·(T−1)/samples⌋, T = n − 1, as the Boolean influence estimator of lib/prediction uses
 * (50 in the original protocol); omitted, every t = 0 … n − 2. Equals the mean over j of
 * Σ_i |booleanInfluenceWh[i][j]|.
 *
 * @example
 * booleanSensitivity([0, 2, 2, 0], { n: 3, hidden: 2, h: Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), pre: Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) }); // → 1
 */
export function booleanSensitivity(
  Wh: ArrayLike<number>,
  traj: Trajectory,
  samples?: number,
): number {
  const H = traj.hidden,
    T = traj.n - 1;
  if (T < 1) throw new RangeError(`trajectory: ${traj.n} states, need at least 2`);
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 1 && samples <= T)) {
    throw new RangeError(`samples: expected an integer in 1..${T}, got ${samples}`);
  }
  const positions =
    samples === undefined ? Array.from({ length: T }, (_, t) => t) : evenlySpaced(T, samples);
  return signFlips(Wh, traj, positions).reduce((a, f) => a + f, 0) / (positions.length * H);
}

/**
 * Mean Boolean sensitivity of the pure sign dynamics s_t = sign(bh + Wx[:, x_t] + Wh·s_{t−1})
 * (s_{−1} = 0, sign(0) = +1): at every t ≥ 1, the number of units whose sign s_i(t) changes when
 * s_j(t−1) is negated, averaged over j and t.
 */
export function signDynamicsSensitivity(m: SatRnn, bytes: Uint8Array): number {
  const H = m.hidden,
    n = bytes.length;
  if (n < 2) throw new RangeError(`bytes: ${n} bytes, need at least 2`);
  const s = new Float64Array(H),
    pre = new Float64Array(H);
  let flips = 0;
  for (let t = 0; t < n; t++) {
    const x = bytes[t];
    for (let i = 0; i < H; i++) {
      let a = m.bh[i] + m.Wx[i * VOCAB + x];
      for (let j = 0; j < H; j++) a += m.Wh[i * H + j] * s[j];
      pre[i] = a;
    }
    if (t > 0) {
      for (let i = 0; i < H; i++) {
        const orig = pre[i] >= 0,
          row = i * H;
        for (let j = 0; j < H; j++) if (pre[i] - 2 * m.Wh[row + j] * s[j] >= 0 !== orig) flips++;
      }
    }
    for (let i = 0; i < H; i++) s[i] = pre[i] >= 0 ? 1 : -1;
  }
  return flips / ((n - 1) * H);
}

/**
 * Every candidate reading of "the trained Lyapunov exponent" of seed §7 on model `m` along its
 * own trajectory over `bytes` (h_{−1} = 0), in a fixed order.
 */
export function lyapunovCandidates(m: SatRnn, bytes: Uint8Array): Candidate[] {
  const H = m.hidden;
  const traj = run(m, bytes);
  const lam = lyapunovExponents(m.Wh, H, traj.h).exponents[0];
  const norms = jacobianNorms(m.Wh, H, traj.h);
  let sum = 0,
    max = 0;
  for (const v of norms) {
    sum += v;
    max = Math.max(max, v);
  }
  return [
    { candidate: 'largest Lyapunov exponent λ₁ of the tangent map (nats/step)', value: lam },
    { candidate: 'λ₁ in bits/step', value: lam / Math.LN2 },
    { candidate: 'growth factor exp(λ₁) per step', value: Math.exp(lam) },
    { candidate: '‖Wh‖₂ (largest singular value)', value: largestSingularValue(m.Wh, H) },
    { candidate: 'spectral radius of Wh', value: spectralRadius(m.Wh, H) },
    { candidate: 'mean over t of ‖J_t‖₂, J_t = diag(1 − h_t²)·Wh', value: sum / norms.length },
    { candidate: 'largest ‖J_t‖₂ along the trajectory', value: max },
    {
      candidate:
        'Boolean sensitivity: signs flipped by negating one unit, 50 evenly spaced positions (§2 Boolean influence protocol)',
      value: booleanSensitivity(m.Wh, traj, 50),
    },
    {
      candidate: 'ln of that Boolean sensitivity (the Boolean-network Lyapunov exponent)',
      value: Math.log(booleanSensitivity(m.Wh, traj, 50)),
    },
    { candidate: 'Boolean sensitivity, every position', value: booleanSensitivity(m.Wh, traj) },
    {
      candidate: 'Boolean sensitivity of the pure sign dynamics',
      value: signDynamicsSensitivity(m, bytes),
    },
  ];
}
