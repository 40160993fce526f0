import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printTable, wrap } from '../src/common.js';
import { BAR_SIZE, barFormat, epochLine, LINE_WIDTH, lossText } from '../src/progress.js';
import type { EvalPoint } from '../src/train.js';

const main = join(import.meta.dirname, '..', 'dist', 'main.js');
const width = (s: string) => [...s].length;

const point = (loss: number, accuracy: number | null): EvalPoint => ({
  epoch: 1000,
  runningLoss: loss,
  train: { loss, accuracy },
  test: { loss, accuracy },
});

describe('epochLine fits 80 columns', () => {
  const longName = 'dropout p=0.5 with max-norm 3.5 and L2 1e-4';
  it.each([0.1234, 12.3456, 9999.9999, 123_456.7, 1e9, -2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'with a long name, epoch 1000/1000 and loss %d',
    (loss) => {
      for (const accuracy of [0, 1, 0.934, null]) {
        const line = epochLine(longName, 1000, 1000, loss, point(loss, accuracy));
        expect(width(line), line).toBeLessThanOrEqual(LINE_WIDTH);
        expect(line.startsWith('dropout p=0.5 w… 1000/1000 loss ')).toBe(true);
      }
      expect(width(epochLine(longName, 1000, 1000, loss, null))).toBeLessThanOrEqual(LINE_WIDTH);
    },
  );

  it('keeps the numbers readable: fixed point below 10,000, exponent form above', () => {
    expect(epochLine('no dropout', 7, 40, 0.12345, point(0.5, 0.9306))).toBe(
      'no dropout         7/40 loss 0.1235 test 0.5000 acc  93.1% / 93.1%',
    );
    expect(lossText(0.12345)).toBe('0.1235');
    expect(lossText(9999.5)).toBe('9999.5000');
    expect(lossText(123_456.7)).toBe('1.23e+5');
    expect(lossText(1e9, 3)).toBe('1.00e+9');
    expect(lossText(Number.NaN)).toBe('NaN');
  });
});

describe('the progress bar fits 80 columns', () => {
  it.each([
    ['epoch 1000/1000', '3750/3750', `loss ${lossText(1e12, 3)}`],
    ['epoch 1000/1000', '3750/3750', `loss ${lossText(9999.999, 3)}`],
    ['eval train', '60000/60000', ''],
  ])('%s, %s %s, with a long name', (label, counts, extra) => {
    const line = barFormat('a configuration with a very long name', label)
      .replace('{bar}', '█'.repeat(BAR_SIZE))
      .replace('{value}/{total}', counts)
      .replace('{extra}', extra);
    expect(width(line), line).toBeLessThanOrEqual(LINE_WIDTH);
  });
});

describe('printed tables and text fit 80 columns', () => {
  it('a table too wide for aligned columns becomes one block per row', () => {
    const table = {
      columns: [
        'configuration',
        'train accuracy',
        'test accuracy',
        'gap',
        'test loss',
        'entropy (clean)',
        'entropy (noisy)',
      ],
      rows: [
        [
          'dropout p=0.5 + max-norm',
          '99.95 % ± 0.05',
          '97.12 % ± 0.11',
          '2.83 pts ± 0.10',
          '0.0912 ± 0.0021',
          '0.1234',
          '1.2345',
        ],
      ],
    };
    const text = printTable(table);
    for (const line of text.split('\n')) expect(width(line), line).toBeLessThanOrEqual(LINE_WIDTH);
    expect(text.split('\n')[0]).toBe('dropout p=0.5 + max-norm');
  });

  it('wrap keeps lines within the width and a number with its unit', () => {
    const text = wrap(
      'Test accuracy: 97.12 % with dropout against 95.40 % with no dropout (+1.72 points, 3 seeds, spread 0.11 points): an effect well outside the seed spread.',
      LINE_WIDTH,
      '  ',
    );
    for (const line of text.split('\n')) expect(width(line)).toBeLessThanOrEqual(LINE_WIDTH);
    expect(text).not.toMatch(/\n *%/); // '97.12' never ends a line without its ' %'
    expect(text.split('\n').length).toBeGreaterThan(1);
  });

  it('a --quick run prints no line wider than 80 columns when stdout is not a terminal', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lacuna-terminal-'));
    try {
      const r = spawnSync(process.execPath, [main, 'compare', '--quick', '--out', out], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.split('\n');
      // Progress lines, the table, the findings, the smoke-test notice.
      expect(lines.filter((l) => /^(no dropout|dropout) +\d+\/10 loss /.test(l)).length).toBe(20);
      // A path is as long as the folder it names; everything else fits a terminal.
      const wide = lines.filter(
        (l) => width(l) > 80 && !/^(report|metrics|all reports): \//.test(l),
      );
      expect(wide).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
