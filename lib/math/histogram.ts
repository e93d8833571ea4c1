/** Fixed-width histograms of numeric samples. */

export interface Histogram {
  /** Bin edges, [bins + 1], increasing; bin k is [edges[k], edges[k+1]) (the last bin is closed). */
  readonly edges: Float64Array;
  /** Samples per bin, [bins]. */
  readonly counts: Float64Array;
  /** Samples outside [min, max] (not counted in any bin). */
  readonly outside: number;
}

/** Histogram of `values` over [min, max] in `bins` equal bins (non-finite values count as outside). */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  min: number,
  max: number,
): Histogram {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min))
    throw new RangeError(`histogram: need finite min < max, got [${min}, ${max}]`);
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = min + ((max - min) * k) / bins;
  const counts = new Float64Array(bins);
  let outside = 0;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (!(v >= min && v <= max)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins))]++;
  }
  return { edges, counts, outside };
}

/** Bin centres of a histogram, [bins]. */
export function binCentres(h: Histogram): Float64Array {
  const c = new Float64Array(h.counts.length);
  for (let k = 0; k < c.length; k++) c[k] = (h.edges[k] + h.edges[k + 1]) / 2;
  return c;
}

/** Histogram over the values' own range [min, max] (widened by ±0.5 when all values are equal). */
export function histogramOfRange(values: ArrayLike<number>, bins: number): Histogram {
  let lo = Infinity,
    hi = -Infinity;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi)))
    throw new RangeError(`histogramOfRange: no finite values among ${values.length}`);
  return lo === hi ? histogram(values, bins, lo - 0.5, hi + 0.5) : histogram(values, bins, lo, hi);
}
