import { describe, expect, it } from 'vitest';
import { compareSamples, formatPercent, formatPoints, formatSpread } from '../src/claims.js';
import { printTable, wrap } from '../src/common.js';
import { seriesSpread, spreadOf } from '../src/stats.js';

// Synthetic metrics: every sentence must follow from the numbers, whatever they are.
const accuracy = { name: 'test accuracy', unit: 'percent', better: 'higher' } as const;
const loss = { name: 'test loss', unit: 'number', better: 'lower' } as const;
const gap = { name: 'generalisation gap', unit: 'points', better: 'lower' } as const;
const plain = (...values: number[]) => ({ name: 'no dropout', values });
const dropout = (...values: number[]) => ({ name: 'dropout', values });

describe('compareSamples: the verdict and its sentence come from the numbers', () => {
  it('a clear effect: better, and far outside the seed spread', () => {
    const c = compareSamples(accuracy, plain(0.9, 0.901, 0.899), dropout(0.92, 0.921, 0.919));
    expect(c.verdict).toBe('effect');
    expect(c.difference).toBeCloseTo(0.02, 12);
    expect(c.seedSpread).toBeCloseTo(0.001, 12);
    expect(c.baseline).toMatchObject({ n: 3, min: 0.899, max: 0.901 });
    expect(c.sentence).toBe(
      'Test accuracy: 92.00 % with dropout against 90.00 % with no dropout (+2.00 points, mean of 3 seeds; seed spread ±0.10 points): dropout is better, well outside the seed spread.',
    );
  });

  it('no effect: a difference inside the spread is said to be inside it, not claimed', () => {
    const c = compareSamples(accuracy, plain(0.9, 0.91), dropout(0.905, 0.915));
    expect(c.verdict).toBe('within-spread');
    expect(c.sentence).toContain('+0.50 points');
    expect(c.sentence).toContain('seed spread ±0.71 points');
    expect(c.sentence).toMatch(/inside the seed spread, so no effect is shown\.$/);
    expect(c.sentence).not.toMatch(/better|worse/);
  });

  it('ranges that do not overlap are not enough: the difference must exceed twice the spread', () => {
    // 10.5 apart, but the standard deviation over seeds is 7.07: not well outside it.
    const c = compareSamples(loss, plain(0, 10), dropout(10.5, 20.5));
    expect(c.treatment.min).toBeGreaterThan(c.baseline.max);
    expect(c.verdict).toBe('within-spread');
  });

  it('a reversed effect is stated as such', () => {
    const c = compareSamples(accuracy, plain(0.94, 0.941), dropout(0.93, 0.931));
    expect(c.verdict).toBe('reversed');
    expect(c.difference).toBeCloseTo(-0.01, 12);
    expect(c.sentence).toContain('(−1.00 points, mean of 2 seeds');
    expect(c.sentence).toMatch(/dropout is worse here, well outside the seed spread\.$/);
  });

  it('one seed: the difference is stated, the spread is said to be unmeasured', () => {
    const c = compareSamples(accuracy, plain(0.9), dropout(0.95));
    expect(c.verdict).toBe('single-seed');
    expect(c.seedSpread).toBe(0);
    expect(c.sentence).toBe(
      'Test accuracy: 95.00 % with dropout against 90.00 % with no dropout (+5.00 points, one seed): the spread over seeds is unmeasured, so this may be noise; run with --seeds 3 to measure it.',
    );
    // One seed on either side is enough to make the spread unknown.
    expect(compareSamples(accuracy, plain(0.9, 0.91), dropout(0.95)).verdict).toBe('single-seed');
  });

  it('lower is better: a lower loss is an effect, a higher one reversed, with the ratio', () => {
    const lower = compareSamples(loss, plain(0.35, 0.36), dropout(0.28, 0.29));
    expect(lower.verdict).toBe('effect');
    expect(lower.difference).toBeCloseTo(-0.07, 12);
    expect(lower.sentence).toContain(
      'Test loss: 0.2850 with dropout against 0.3550 with no dropout (−0.0700, −20 %, mean of 2 seeds; seed spread ±0.0071)',
    );
    const higher = compareSamples(loss, plain(0.28, 0.29), dropout(0.35, 0.36));
    expect(higher.verdict).toBe('reversed');
    expect(higher.sentence).toContain('(+0.0700, +25 %');
  });

  it('points: a gap is shown in points throughout, never as a percentage', () => {
    const c = compareSamples(gap, plain(0.07, 0.071), dropout(0.05, 0.051));
    expect(c.verdict).toBe('effect');
    expect(c.sentence).toContain(
      'Generalisation gap: 5.05 points with dropout against 7.05 points with no dropout (−2.00 points',
    );
    expect(c.sentence).toContain('seed spread ±0.07 points');
    expect(c.sentence).not.toContain('%');
    // A negative gap (test above train) reads with a minus sign, not a hyphen.
    const negative = compareSamples(gap, plain(0.02, 0.021), dropout(-0.012, -0.0125));
    expect(negative.sentence).toContain('−1.23 points with dropout against 2.05 points');
  });

  it('a zero baseline gives no ratio instead of dividing by zero', () => {
    const c = compareSamples(loss, plain(0, 0), dropout(0.5, 0.5));
    expect(c.sentence).toContain('(+0.5000, mean of 2 seeds');
    expect(c.sentence).not.toMatch(/Infinity|NaN/);
  });
});

describe('spreadOf and seriesSpread', () => {
  it('spreadOf: mean, sample standard deviation (n − 1), min and max', () => {
    expect(spreadOf([1, 2, 3])).toEqual({ n: 3, mean: 2, sd: 1, min: 1, max: 3 });
    expect(spreadOf([0.5])).toEqual({ n: 1, mean: 0.5, sd: 0, min: 0.5, max: 0.5 });
    expect(spreadOf([2, 4]).sd).toBeCloseTo(Math.SQRT2, 12);
    expect(() => spreadOf([])).toThrow(/spreadOf: needs at least one value/);
  });

  it('seriesSpread: element-wise over seeds, skipping nulls and missing points', () => {
    const s = seriesSpread([
      [1, 2, null, 4],
      [3, null, null],
    ]);
    expect(s.mean).toEqual([2, 2, null, 4]);
    expect(s.low).toEqual([1, 2, null, 4]);
    expect(s.high).toEqual([3, 2, null, 4]);
    expect(seriesSpread([])).toEqual({ mean: [], low: [], high: [] });
  });
});

describe('table and text formatting', () => {
  it('formats percent, points and spreads', () => {
    expect(formatPercent(0.9306)).toBe('93.06 %');
    expect(formatPoints(0.011)).toBe('+1.10 pts');
    expect(formatPoints(-0.011)).toBe('−1.10 pts');
    expect(formatSpread(spreadOf([0.93, 0.94]), 'percent')).toBe('93.50 % ± 0.71');
    expect(formatSpread(spreadOf([0.93]), 'percent')).toBe('93.00 %');
    expect(formatSpread(spreadOf([-0.0122]), 'percent')).toBe('−1.22 %');
    expect(formatSpread(spreadOf([-0.5, -0.25]), 'number')).toBe('−0.3750 ± 0.1768');
    expect(formatSpread(spreadOf([0.3, 0.32]), 'number')).toBe('0.3100 ± 0.0141');
  });

  const sentence =
    'Test accuracy: 93.06 % with dropout against 92.14 % with no dropout (+0.92 points, mean of 3 seeds; seed spread ±0.10 points): dropout is better, well outside the seed spread.';

  it.each([20, 31, 40, 79])('wrap at %i columns: no line is longer, no word is lost', (width) => {
    const text = wrap(`- ${sentence}`, width, '  ');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
    expect(text.replace(/\n {2}/g, ' ')).toBe(`- ${sentence}`);
  });

  it('wrap keeps a number with its unit', () => {
    // At 20 columns a plain split would end a line with '93.06' and start the next with '%'.
    const text = wrap('Test accuracy: 93.06 % here', 20);
    expect(text.split('\n')).toEqual(['Test accuracy:', '93.06 % here']);
    for (const width of [10, 16, 22, 30])
      for (const line of wrap(sentence, width).split('\n')) expect(line).not.toMatch(/^%/);
  });

  it('printTable: aligned columns when they fit in 79, one block per row otherwise', () => {
    const narrow = { columns: ['configuration', 'test accuracy'], rows: [['dropout', '93.06 %']] };
    expect(printTable(narrow)).toBe(
      [
        'configuration  test accuracy',
        '─────────────  ─────────────',
        'dropout              93.06 %',
      ].join('\n'),
    );
    const wide = {
      columns: ['configuration', 'train accuracy', 'test accuracy', 'gap', 'test loss'],
      rows: [
        ['no dropout', '100.00 % ± 0.00', '92.14 % ± 0.10', '7.86 pts ± 0.10', '0.3680 ± 0.0040'],
        ['dropout', '99.90 % ± 0.05', '93.06 % ± 0.12', '6.84 pts ± 0.12', '0.2970 ± 0.0030'],
      ],
    };
    const text = printTable(wide);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(79);
    expect(text.split('\n')).toEqual([
      'no dropout',
      '  train accuracy  100.00 % ± 0.00',
      '  test accuracy   92.14 % ± 0.10',
      '  gap             7.86 pts ± 0.10',
      '  test loss       0.3680 ± 0.0040',
      'dropout',
      '  train accuracy  99.90 % ± 0.05',
      '  test accuracy   93.06 % ± 0.12',
      '  gap             6.84 pts ± 0.12',
      '  test loss       0.2970 ± 0.0030',
    ]);
    // The same table fits a wider terminal as columns.
    expect(printTable(wide, 120).split('\n')).toHaveLength(4);
  });
});
