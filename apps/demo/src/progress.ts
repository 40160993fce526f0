import type { Callback } from '@lacuna/layers';
import cliProgress from 'cli-progress';
import type { EvalPoint } from './train.js';

const pct = (v: number | null) => (v === null ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** The widest a progress line gets: it fits an 80-column terminal. */
export const LINE_WIDTH = 79;

const fit = (name: string) => (name.length > 16 ? `${name.slice(0, 15)}…` : name.padEnd(16));

/**
 * One line per epoch, at most 79 characters: the name (cut to 16), the epoch, the mean training
 * loss of the epoch's batches, and, when the epoch was evaluated, test loss and train/test
 * accuracy.
 */
export function epochLine(
  name: string,
  epoch: number,
  epochs: number,
  runningLoss: number,
  point: EvalPoint | null,
): string {
  const head = `${fit(name)} ${String(epoch).padStart(3)}/${epochs} loss ${runningLoss.toFixed(4)}`;
  if (!point) return head;
  return `${head} test ${point.test.loss.toFixed(4)} acc ${pct(point.train.accuracy)} /${pct(point.test.accuracy)}`;
}

/** The progress display of one run: fit callbacks plus evaluation and epoch reports. */
export interface Progress extends Callback {
  /** During evaluation: `done` of `total` examples of a split. */
  evaluating(split: string, done: number, total: number): void;
  /** After an epoch, evaluated (`point`) or not. */
  epochDone(epoch: number, epochs: number, runningLoss: number, point: EvalPoint | null): void;
}

/**
 * Progress for one run: a live bar for training batches and for evaluation on a terminal
 * (cli-progress: a small, widely used library, so the demo does not hand-roll cursor control),
 * plain lines (evaluated epochs only) otherwise. Every line fits 80 columns.
 */
export function progress(
  name: string,
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stdout,
): Progress {
  if (quiet) return { evaluating() {}, epochDone() {} };
  if (!stream.isTTY)
    return {
      evaluating() {},
      epochDone(epoch, epochs, runningLoss, point) {
        if (point) stream.write(`${epochLine(name, epoch, epochs, runningLoss, point)}\n`);
      },
    };
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  const start = (label: string, total: number) => {
    bar?.stop();
    phase = label;
    bar = new cliProgress.SingleBar(
      {
        format: `${fit(name)} ${label.padEnd(12)} [{bar}] {value}/{total} {extra}`,
        barsize: 20,
        hideCursor: true,
        clearOnComplete: true,
        linewrap: false,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { extra: '' });
  };
  return {
    onEpochStart(epoch, epochs) {
      start(`epoch ${epoch}/${epochs}`, 1);
    },
    onBatchEnd(batch, batches, loss) {
      if (batches !== null) bar?.setTotal(batches);
      bar?.update(batch, { extra: `loss ${loss.toFixed(3)}` });
    },
    evaluating(split, done, total) {
      if (phase !== `eval ${split}`) start(`eval ${split}`, total);
      bar?.update(done, { extra: '' });
    },
    epochDone(epoch, epochs, runningLoss, point) {
      bar?.stop();
      bar = null;
      phase = '';
      if (point) stream.write(`${epochLine(name, epoch, epochs, runningLoss, point)}\n`);
    },
  };
}
