import { describe, expect, it } from 'vitest';
import { progress } from '../src/progress.js';
import type { EvalPoint } from '../src/train.js';

/** The escape character that starts cursor-control sequences, and such a sequence. */
const ESC = '\u001b';
const CONTROL = new RegExp(`${ESC}(?:\\[[0-9;?]*[A-Za-z]|[78])`, 'g');

/** A stand-in for a terminal: records what is written, answers cursor calls. */
function fakeTerminal() {
  const writes: string[] = [];
  const stream = {
    isTTY: true,
    columns: 80,
    write: (s: string) => {
      writes.push(s);
      return true;
    },
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

const point: EvalPoint = {
  epoch: 2,
  runningLoss: 0.5,
  train: { loss: 0.4, accuracy: 0.9 },
  test: { loss: 0.45, accuracy: 0.88 },
};

describe('progress on a terminal', () => {
  it('shows a bar while the test set is evaluated, then one epoch line within 80 columns', () => {
    const { stream, writes } = fakeTerminal();
    const p = progress('no dropout', false, stream);
    p.onEpochStart?.(2, 10);
    p.onBatchEnd?.(1, 4, 0.7);
    p.evaluating('test', 2000, 10000);
    const during = writes.join('');
    expect(during).toMatch(/eval test/);
    expect(during).toMatch(/\d+\/10000/); // the bar counts test examples
    p.epochDone(2, 10, 0.5, point);
    const last = writes[writes.length - 1]!;
    expect(last).toMatch(/^no dropout +2\/10 loss 0\.5000 test 0\.4500 acc +90\.0% \/ +88\.0%\n$/);
    // Each redraw starts with a cursor-control sequence: split there, then drop the sequences.
    const shown = writes.join('').split(new RegExp(`[\\r\\n]|${ESC}\\[1G`));
    for (const line of shown) expect([...line.replace(CONTROL, '')].length).toBeLessThanOrEqual(80);
  });

  it('prints only evaluated epochs when stdout is not a terminal', () => {
    const { stream, writes } = fakeTerminal();
    (stream as { isTTY: boolean }).isTTY = false;
    const p = progress('dropout', false, stream);
    p.evaluating('test', 10, 100);
    p.epochDone(1, 10, 0.6, null);
    expect(writes).toEqual([]);
    p.epochDone(2, 10, 0.5, point);
    expect(writes).toHaveLength(1);
  });
});
