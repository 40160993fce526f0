import { type Spread, spreadOf } from './stats.js';

/** A measured quantity and which direction is better. */
export interface Quantity {
  /** As it reads in a sentence: 'test accuracy', 'test loss'. */
  name: string;
  /**
   * 'percent': fractions shown as % with differences in points; 'points': differences of
   * fractions (a generalisation gap), shown in points throughout; 'number': plain.
   */
  unit: 'percent' | 'points' | 'number';
  better: 'higher' | 'lower';
}

/** One configuration's values of a quantity, one per seed. */
export interface Samples {
  /** The configuration, as it reads in a sentence: 'dropout', 'no dropout'. */
  name: string;
  values: readonly number[];
}

/**
 * What the numbers say about the treatment against the baseline:
 * - 'effect': better, and the difference is well outside the seed spread;
 * - 'reversed': worse, well outside the seed spread;
 * - 'within-spread': the difference is inside the seed spread, so no effect is shown;
 * - 'single-seed': one seed per configuration, so the spread is unknown.
 */
export type Verdict = 'effect' | 'reversed' | 'within-spread' | 'single-seed';

/** A comparison of two configurations with its verdict and the sentence that states it. */
export interface Comparison {
  verdict: Verdict;
  baseline: Spread;
  treatment: Spread;
  /** treatment − baseline, in the quantity's own units (fractions for percent). */
  difference: number;
  /** The larger of the two configurations' standard deviations over seeds. */
  seedSpread: number;
  sentence: string;
}

const value = (q: Quantity, v: number) =>
  q.unit === 'percent'
    ? `${(100 * v).toFixed(2)} %`
    : q.unit === 'points'
      ? `${v < 0 ? '−' : ''}${Math.abs(100 * v).toFixed(2)} points`
      : v.toFixed(4);
/** A difference: signed percentage points for percent quantities, else signed with the ratio. */
const delta = (q: Quantity, d: number, base: number) => {
  const sign = d >= 0 ? '+' : '−';
  if (q.unit !== 'number') return `${sign}${Math.abs(100 * d).toFixed(2)} points`;
  const relative = base !== 0 ? `, ${sign}${Math.abs((100 * d) / base).toFixed(0)} %` : '';
  return `${sign}${Math.abs(d).toFixed(4)}${relative}`;
};
const spreadText = (q: Quantity, s: number) =>
  q.unit === 'number' ? `±${s.toFixed(4)}` : `±${(100 * s).toFixed(2)} points`;

/**
 * Compares a treatment with a baseline over seeds and says, in one sentence generated from the
 * numbers, whether there is an effect. The rule: the difference of the means counts as an effect
 * only when it is larger than twice the larger standard deviation over seeds and the two ranges
 * (min to max over seeds) do not overlap; otherwise the sentence says it is inside the spread.
 * With one seed per side it states the difference and that the spread is unmeasured.
 */
export function compareSamples(q: Quantity, baseline: Samples, treatment: Samples): Comparison {
  const a = spreadOf(baseline.values);
  const b = spreadOf(treatment.values);
  const difference = b.mean - a.mean;
  const seedSpread = Math.max(a.sd, b.sd);
  const improves = q.better === 'higher' ? difference > 0 : difference < 0;
  const n = Math.min(a.n, b.n);
  const apart = b.min > a.max || a.min > b.max;
  const verdict: Verdict =
    n < 2
      ? 'single-seed'
      : apart && Math.abs(difference) > 2 * seedSpread
        ? improves
          ? 'effect'
          : 'reversed'
        : 'within-spread';
  const head = `${capitalise(q.name)}: ${value(q, b.mean)} with ${treatment.name} against ${value(q, a.mean)} with ${baseline.name} (${delta(q, difference, a.mean)}`;
  const seeds = n < 2 ? 'one seed' : `mean of ${n} seeds`;
  const tail: Record<Verdict, string> = {
    effect: `${seeds}; seed spread ${spreadText(q, seedSpread)}): ${treatment.name} is better, well outside the seed spread.`,
    reversed: `${seeds}; seed spread ${spreadText(q, seedSpread)}): ${treatment.name} is worse here, well outside the seed spread.`,
    'within-spread': `${seeds}; seed spread ${spreadText(q, seedSpread)}): the difference is inside the seed spread, so no effect is shown.`,
    'single-seed': `${seeds}): the spread over seeds is unmeasured, so this may be noise; run with --seeds 3 to measure it.`,
  };
  return {
    verdict,
    baseline: a,
    treatment: b,
    difference,
    seedSpread,
    sentence: `${head}, ${tail[verdict]}`,
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** 'mean ± sd' of a spread, for tables: '93.06 % ± 0.12' or '0.3215 ± 0.0040' (sd omitted for one seed). */
export function formatSpread(s: Spread, unit: 'percent' | 'number'): string {
  const text =
    unit === 'percent'
      ? s.n > 1
        ? `${(100 * s.mean).toFixed(2)} % ± ${(100 * s.sd).toFixed(2)}`
        : `${(100 * s.mean).toFixed(2)} %`
      : s.n > 1
        ? `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`
        : s.mean.toFixed(4);
  // A true minus sign, as everywhere else in the reports.
  return text.replace(/^-/, '−');
}

/** A signed difference in points ('+1.10 pts') for tables. */
export function formatPoints(d: number): string {
  return `${d >= 0 ? '+' : '−'}${Math.abs(100 * d).toFixed(2)} pts`;
}

/** A fraction as percent ('93.06 %') for tables and text. */
export function formatPercent(v: number): string {
  return `${(100 * v).toFixed(2)} %`;
}
