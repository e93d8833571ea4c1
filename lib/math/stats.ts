/**
 * Descriptive statistics used to compare a data-derived estimate with trained weights:
 * means, Pearson correlation (over all entries, over a subset, per neuron), and the
 * least-squares scale that maps an estimate onto the trained values.
 *
 * Arrays are flat, row-major; "rows × cols" is given explicitly where a matrix shape matters.
 */

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length)
    throw new RangeError(`${what}: x has ${a.length} values but y has ${b.length}`);
  if (a.length === 0) throw new RangeError(`${what}: x and y are empty`);
}

/** Arithmetic mean; throws on an empty array. */
export function mean(x: ArrayLike<number>): number {
  if (x.length === 0) throw new RangeError('mean: x is empty');
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return s / x.length;
}

/**
 * Pearson correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²), computed in two passes (centred)
 * for accuracy. Returns NaN when either input is constant (r is undefined there).
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // → 0.99340
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 'pearson');
  const mx = mean(x),
    my = mean(y);
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let k = 0; k < x.length; k++) {
    const dx = x[k] - mx,
      dy = y[k] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Indices k with |values[k]| ≥ threshold (e.g. the "large" trained weights). */
export function indicesAbsAtLeast(values: ArrayLike<number>, threshold: number): Uint32Array {
  if (!(threshold >= 0))
    throw new RangeError(`threshold: expected a non-negative number, got ${threshold}`);
  const out: number[] = [];
  for (let k = 0; k < values.length; k++) if (Math.abs(values[k]) >= threshold) out.push(k);
  return Uint32Array.from(out);
}

/** values[idx[0]], values[idx[1]], … as a new Float64Array. */
export function pick(values: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (!(i >= 0 && i < values.length))
      throw new RangeError(`idx[${k}] = ${i} is outside 0..${values.length - 1}`);
    out[k] = values[i];
  }
  return out;
}

/** Pearson r restricted to the entries `idx` (NaN when fewer than 2 entries: r is undefined). */
export function pearsonAt(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  idx: ArrayLike<number>,
): number {
  checkPair(x, y, 'pearsonAt');
  return idx.length < 2 ? NaN : pearson(pick(x, idx), pick(y, idx));
}

/**
 * Pearson r per row (`axis = 'row'`, one r per row over its `cols` entries) or per column
 * (`axis = 'column'`, one r per column over its `rows` entries) of two rows × cols matrices.
 * Neurons are rows of Wx [H][256] and columns of Wy [256][H].
 */
export function pearsonPer(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  axis: 'row' | 'column',
): Float64Array {
  checkPair(x, y, 'pearsonPer');
  if (!(
    Number.isInteger(rows) &&
    Number.isInteger(cols) &&
    rows > 0 &&
    cols > 0 &&
    rows * cols === x.length
  )) {
    throw new RangeError(`rows × cols: ${rows} × ${cols} does not match ${x.length} values`);
  }
  const count = axis === 'row' ? rows : cols,
    len = axis === 'row' ? cols : rows;
  const out = new Float64Array(count);
  const a = new Float64Array(len),
    b = new Float64Array(len);
  for (let u = 0; u < count; u++) {
    for (let v = 0; v < len; v++) {
      const k = axis === 'row' ? u * cols + v : v * cols + u;
      a[v] = x[k];
      b[v] = y[k];
    }
    out[u] = pearson(a, b);
  }
  return out;
}

/** Mean of |values| over the finite entries; NaN when there are none. */
export function meanAbsFinite(values: ArrayLike<number>): number {
  let s = 0,
    c = 0;
  for (let k = 0; k < values.length; k++)
    if (Number.isFinite(values[k])) {
      s += Math.abs(values[k]);
      c++;
    }
  return c === 0 ? NaN : s / c;
}

/** Indices of the k entries with the largest |value| (NaN last), largest first; ties by index. */
export function topAbs(values: ArrayLike<number>, k: number): number[] {
  if (!(Number.isInteger(k) && k >= 0))
    throw new RangeError(`k: expected a non-negative integer, got ${k}`);
  const key = (i: number) => (Number.isNaN(values[i]) ? -1 : Math.abs(values[i]));
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((i, j) => key(j) - key(i) || i - j)
    .slice(0, k);
}

/**
 * Least-squares scale s minimising Σ (trained − s·estimate)²: s = Σ trained·estimate / Σ estimate².
 * Throws when the estimate is all zeros (no scale is defined).
 *
 * @example
 * leastSquaresScale([2, 4], [1, 2]); // → 2
 */
export function leastSquaresScale(trained: ArrayLike<number>, estimate: ArrayLike<number>): number {
  checkPair(trained, estimate, 'leastSquaresScale');
  let num = 0,
    den = 0;
  for (let k = 0; k < trained.length; k++) {
    num += trained[k] * estimate[k];
    den += estimate[k] * estimate[k];
  }
  if (den === 0) throw new RangeError('leastSquaresScale: estimate is all zeros, no scale fits');
  return num / den;
}

/** Agreement of an estimate with trained values: entries compared, Pearson r and R² = r². */
export interface Agreement {
  readonly entries: number;
  /** NaN when undefined (fewer than 2 entries, or a constant input). */
  readonly r: number;
  readonly rSquared: number;
}

/** Pearson r and R² of `estimate` against `trained`, over all entries or only those in `idx`. */
export function agreement(
  estimate: ArrayLike<number>,
  trained: ArrayLike<number>,
  idx?: ArrayLike<number>,
): Agreement {
  const r = idx ? pearsonAt(estimate, trained, idx) : pearson(estimate, trained);
  return { entries: idx ? idx.length : estimate.length, r, rSquared: r * r };
}

/** Spread of a sample: n, mean, sample standard deviation (n − 1; 0 for one value), min, max. */
export interface Spread {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The spread of a sample of finite values; throws on an empty sample or a non-finite value.
 *
 * @example
 * spread([1, 2, 3, 6]).mean; // → 3
 * spread([1, 2, 3, 6]).sd; // → 2.1602
 */
export function spread(x: ArrayLike<number>): Spread {
  if (x.length === 0) throw new RangeError('spread: empty sample');
  for (let k = 0; k < x.length; k++)
    if (!Number.isFinite(x[k]))
      throw new RangeError(`spread: value ${k} is ${x[k]}, expected a finite number`);
  const m = mean(x);
  let ss = 0,
    min = Infinity,
    max = -Infinity;
  for (let k = 0; k < x.length; k++) {
    ss += (x[k] - m) ** 2;
    min = Math.min(min, x[k]);
    max = Math.max(max, x[k]);
  }
  return { n: x.length, mean: m, sd: x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0, min, max };
}

/** (v − mean) / sd of a spread; NaN when sd = 0 (every value equal: no scale). */
export function zScore(v: number, s: Spread): number {
  return s.sd === 0 ? NaN : (v - s.mean) / s.sd;
}

/**
 * Rank of `v` among `sample` from the smallest: 1 + the number of values below it (ties share the
 * lowest rank), so 1 … n + 1 for a value outside the sample.
 *
 * @example
 * rankAmong(0.5, [0.2, 0.9, 0.4]); // → 3
 */
export function rankAmong(v: number, sample: ArrayLike<number>): number {
  let below = 0;
  for (let k = 0; k < sample.length; k++) if (sample[k] < v) below++;
  return below + 1;
}
