/**
 * The sign-flip kernel of the recurrence: how often negating one unit's state flips the sign of
 * another unit's next state. Notebook 01's Boolean-influence estimate of Wh
 * (lib/prediction/estimators.ts) and notebook 03's Boolean sensitivity (lib/sn/chaos.ts) both
 * count these flips; the kernel lives here, below both.
 */
import type { Trajectory } from './rnn.js';

/** `samples` evenly spaced positions t_s = ⌊s·(T−1)/samples⌋, s = 0 … samples−1 (the original protocol's sampling). */
export function evenlySpaced(T: number, samples: number): number[] {
  return Array.from({ length: samples }, (_, s) => Math.floor((s * (T - 1)) / samples));
}

/**
 * Sign flips of the recurrence: flips[i][j] = the number of the given positions t at which
 * negating h_j(t) changes the sign of h_i(t+1) (input x_{t+1} unchanged: pre_i(t+1) − 2·Wh[i][j]·h_j(t)
 * against pre_i(t+1), sign(0) = +1). `traj` must be the tanh trajectory of the model whose `Wh`
 * ([H][H]) is given, and every t < traj.n − 1. [H][H].
 */
export function signFlips(
  Wh: ArrayLike<number>,
  traj: Trajectory,
  positions: ArrayLike<number>,
): Float64Array {
  const H = traj.hidden;
  if (Wh.length !== H * H) throw new RangeError(`Wh: ${Wh.length} values, expected ${H}×${H}`);
  const flips = new Float64Array(H * H);
  for (let k = 0; k < positions.length; k++) {
    const t = positions[k];
    if (!(Number.isInteger(t) && t >= 0 && t + 1 < traj.n))
      throw new RangeError(
        `positions: ${t} is not a state followed by another (0 … ${traj.n - 2})`,
      );
    for (let i = 0; i < H; i++) {
      const pre = traj.pre[(t + 1) * H + i],
        orig = pre >= 0,
        row = i * H;
      for (let j = 0; j < H; j++) {
        if (pre - 2 * Wh[row + j] * traj.h[t * H + j] >= 0 !== orig) flips[row + j]++;
      }
    }
  }
  return flips;
}
