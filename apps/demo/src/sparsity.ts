/**
 * Statistics of hidden activations and first-layer features for the `coadaptation` command
 * (Srivastava et al. 2014, Figures 7 and 8). Pure functions over plain arrays, tested directly.
 */

/** How sparse a layer's activations are on a set of inputs. */
export interface ActivationStats {
  /** Fraction of all activations (inputs × units) that are exactly 0. */
  zeroShare: number;
  /** Mean activation over all inputs and units. */
  meanActivation: number;
  /** Fraction of units that are 0 on every input (dead units make sparsity trivial). */
  deadShare: number;
  /** Mean activation of each unit over the inputs. */
  unitMeans: number[];
}

/**
 * Sparsity of activations `h`, stored row-major as [inputs, units]: the share of exact zeros,
 * the mean, the share of dead units and each unit's mean activation.
 *
 * @example
 * ```ts
 * activationStats([0, 2, 0, 4], 2); // zeroShare 0.5, meanActivation 1.5, deadShare 0.5, unitMeans [0, 3]
 * ```
 */
export function activationStats(h: ArrayLike<number>, units: number): ActivationStats {
  const n = h.length / units;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`activationStats: h has ${h.length} values, not a multiple of ${units}`);
  const sums = new Array<number>(units).fill(0);
  const active = new Array<number>(units).fill(0);
  let zeros = 0;
  let total = 0;
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    const u = i % units;
    sums[u]! += v;
    total += v;
    if (v === 0) zeros++;
    else active[u]!++;
  }
  return {
    zeroShare: zeros / h.length,
    meanActivation: total / h.length,
    deadShare: active.filter((a) => a === 0).length / units,
    unitMeans: sums.map((s) => s / n),
  };
}

/**
 * Shares of `values` in the bins `[edges[k], edges[k + 1])`; values below the first edge count in
 * the first bin and values at or above the last edge in the last, so the shares sum to 1.
 *
 * @example
 * ```ts
 * histogramShares([0.1, 0.6, 0.7, 5], [0, 0.5, 1]); // [0.25, 0.75]
 * ```
 */
export function histogramShares(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let b = 0;
    while (b < bins - 1 && v >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  return counts.map((c) => (values.length ? c / values.length : 0));
}

/**
 * A histogram of non-negative activations with exact zeros in a bin of their own: bin 0 holds
 * the zeros, then `bins` equal-width bins (k·w, (k+1)·w] with w = top / bins, the last also
 * holding values above `top`. Returns the bin labels and the share of activations in each (summing to 1).
 *
 * @example
 * ```ts
 * activationHistogram([0, 0, 0.5, 3], 2, 2).shares; // [0.5, 0.25, 0.25]
 * ```
 */
export function activationHistogram(
  h: ArrayLike<number>,
  top: number,
  bins: number,
): { labels: string[]; shares: number[] } {
  const width = top / bins;
  const counts = new Array<number>(bins + 1).fill(0);
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    counts[v <= 0 ? 0 : Math.min(bins, Math.max(1, Math.ceil(v / width)))]!++;
  }
  const digits = top >= 10 ? 0 : top >= 1 ? 1 : 2;
  const labels = [
    '0',
    ...Array.from({ length: bins }, (_, k) =>
      k === bins - 1
        ? `≥ ${(k * width).toFixed(digits)}`
        : `${(k * width).toFixed(digits)}–${((k + 1) * width).toFixed(digits)}`,
    ),
  ];
  return { labels, shares: counts.map((c) => (h.length ? c / h.length : 0)) };
}

/** The `q`-quantile (0..1) of `values` (nearest rank; 0 for an empty list). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * How smooth a feature image is: the Pearson correlation between horizontally and vertically
 * neighbouring pixels' weights (pooled). Random weights give about 0; stroke- and blob-like
 * detectors give values well above 0.
 *
 * @param w - One feature, row-major `height × width`.
 * @example
 * ```ts
 * neighbourCorrelation([1, 1, 0, 0], 2, 2); // 1/3 (rows equal, columns differ)
 * ```
 */
export function neighbourCorrelation(w: ArrayLike<number>, width: number, height: number): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < height; i++)
    for (let j = 0; j < width; j++) {
      const v = w[i * width + j]!;
      if (j + 1 < width) {
        a.push(v);
        b.push(w[i * width + j + 1]!);
      }
      if (i + 1 < height) {
        a.push(v);
        b.push(w[(i + 1) * width + j]!);
      }
    }
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < a.length; k++) {
    sab += (a[k]! - ma) * (b[k]! - mb);
    saa += (a[k]! - ma) ** 2;
    sbb += (b[k]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
