import type { Callback, EpochLog } from '@lacuna/layers';
import cliProgress from 'cli-progress';

const pct = (v: number | null) => (v === null ? '  -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** One line summarising an epoch. */
export function epochLine(name: string, log: EpochLog): string {
  const v = log.validation;
  return `${name.padEnd(18)} epoch ${String(log.epoch).padStart(3)}  train loss ${log.train.loss.toFixed(4)} acc ${pct(log.train.accuracy)}  test loss ${v ? v.loss.toFixed(4) : '-'} acc ${pct(v?.accuracy ?? null)}  ${log.seconds.toFixed(1)} s`;
}

/**
 * Progress for one configuration: a live bar per epoch on a terminal (cli-progress: a small,
 * widely used library, so the demo does not hand-roll cursor control), plain lines otherwise.
 */
export function progress(
  name: string,
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stdout,
): Callback {
  if (quiet) return {};
  if (!stream.isTTY) return { onEpochEnd: (log) => void stream.write(`${epochLine(name, log)}\n`) };
  let bar: cliProgress.SingleBar | null = null;
  return {
    onEpochStart(epoch, epochs) {
      bar = new cliProgress.SingleBar(
        {
          format: `${name.padEnd(18)} epoch ${epoch}/${epochs} [{bar}] {value}/{total} batches  loss {loss}`,
          hideCursor: true,
          clearOnComplete: true,
          stream,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { loss: '-' });
    },
    onBatchEnd(batch, batches, loss) {
      if (batches !== null) bar?.setTotal(batches);
      bar?.update(batch, { loss: loss.toFixed(4) });
    },
    onEpochEnd(log) {
      bar?.stop();
      stream.write(`${epochLine(name, log)}\n`);
    },
  };
}
