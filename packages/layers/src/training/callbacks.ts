import { checkOptionKeys } from '@lacuna/tensor';
import type { Callback } from './fit-types.js';

/**
 * Early stopping: stops when the monitored loss has not improved by `minDelta` for `patience`
 * epochs in a row.
 *
 * The monitored loss is the epoch's validation loss, or its training loss when `fit` has no
 * validation set. An epoch improves when its loss is below `best - minDelta`, where `best` is the
 * lowest loss that counted as an improvement so far; training stops after `patience` epochs
 * without one. The counter lives in the callback and is not saved in checkpoints.
 *
 * @param options - `patience` (epochs to wait) and `minDelta` (default 0).
 *
 * @example
 * ```ts
 * import { earlyStopping } from '@lacuna/layers';
 * const stopper = earlyStopping({ patience: 3 });
 * ```
 */
export function earlyStopping(options: { patience: number; minDelta?: number }): Callback {
  checkOptionKeys('earlyStopping', options, ['patience', 'minDelta']);
  let best = Number.POSITIVE_INFINITY;
  let waited = 0;
  return {
    onEpochEnd(log) {
      const current = log.validation?.loss ?? log.train.loss;
      if (current < best - (options.minDelta ?? 0)) {
        best = current;
        waited = 0;
        return;
      }
      waited++;
      return waited >= options.patience ? 'stop' : undefined;
    },
  };
}
