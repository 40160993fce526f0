import type { Callback } from '@lacuna/layers';
import cliProgress from 'cli-progress';
import type { EvalPoint } from './train.js';

const pct = (v: number | null) => (v === null ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** The widest a progress line gets: it fits an 80-column terminal. */
export const LINE_WIDTH = 79;

const fit = (name: string) => (name.length > 16 ? `${name.slice(0, 15)}…` : name.padEnd(16));

/**
 * A loss in at most `digits + 5` characters: fixed-point below 10,000, else in exponent form
 * (a diverging run's 1e9 would otherwise widen the line past 80 columns).
 */
export const lossText = (v: number, digits = 4) =>
  Number.isFinite(v) && Math.abs(v) < 1e4 ? v.toFixed(digits) : v.toExponential(2);

/** The live bar's format (cli-progress placeholders); at most 79 characters once filled in. */
export const barFormat = (name: string, label: string) =>
  `${fit(name)} ${label.padEnd(12)} [{bar}] {value}/{total} {extra}`;

/** The bar's width in characters. */
export const BAR_SIZE = 20;

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
  const head = `${fit(name)} ${String(epoch).padStart(3)}/${epochs} loss ${lossText(runningLoss)}`;
  if (!point) return head;
  return `${head} test ${lossText(point.test.loss)} acc ${pct(point.train.accuracy)} /${pct(point.test.accuracy)}`;
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
        format: barFormat(name, label),
        barsize: BAR_SIZE,
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
      bar?.update(batch, { extra: `loss ${lossText(loss, 3)}` });
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
