/** Mean, sample standard deviation, minimum and maximum of a set of numbers (one per seed). */
export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

/** The spread of `values` (at least one). */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) throw new RangeError('spreadOf: needs at least one value');
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

/** Element-wise spread of several equally long series (one per seed); nulls are skipped. */
export function seriesSpread(series: readonly (readonly (number | null)[])[]): {
  mean: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
} {
  const length = Math.max(0, ...series.map((s) => s.length));
  const mean: (number | null)[] = [];
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    const values = series.map((s) => s[i]).filter((v): v is number => typeof v === 'number');
    if (values.length === 0) {
      mean.push(null);
      low.push(null);
      high.push(null);
      continue;
    }
    const s = spreadOf(values);
    mean.push(s.mean);
    low.push(s.min);
    high.push(s.max);
  }
  return { mean, low, high };
}
