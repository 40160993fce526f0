import { noGrad } from '@lacuna/autograd';
import { argmax, equal, scope, sum, type Tensor } from '@lacuna/tensor';
import type { Module } from '../module.js';
import type { Batch, Metrics } from './fit-types.js';

/**
 * Loss and accuracy of a model on a set, in inference mode, without recording a graph, in
 * batches. The model's modes are restored afterwards.
 *
 * The loss is the mean over examples (each batch's mean loss weighted by its size); accuracy is
 * the fraction whose argmax over axis 1 equals the label, measured only when the targets are
 * rank-1 int32 labels (otherwise null).
 *
 * @param model - The model (put in inference mode while it runs).
 * @param data - The set: inputs and targets, first axis = examples.
 * @param loss - Loss of (model output, targets), e.g. crossEntropy.
 * @param batchSize - Examples per forward pass (default 1000).
 * @example
 * ```ts
 * import { crossEntropy, evaluate, Linear } from '@lacuna/layers';
 * import { Generator, tensor } from '@lacuna/tensor';
 * const net = new Linear(2, 2, { generator: new Generator(0) });
 * evaluate(net, { x: tensor([[1, 2]]), y: tensor([1], { dtype: 'int32' }) }, crossEntropy);
 * ```
 */
export function evaluate(
  model: Module,
  data: Batch,
  loss: (output: Tensor, targets: Tensor) => Tensor,
  batchSize = 1000,
): Metrics {
  const restoreModes = model.saveModes();
  model.eval();
  try {
    return noGrad(() => {
      const n = data.x.shape[0] ?? 0;
      const classify = data.y.dtype === 'int32' && data.y.rank === 1;
      let totalLoss = 0;
      let correct = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        // One scope per batch: the next batch reuses this one's memory.
        const [batchLoss, batchCorrect] = scope(() => {
          const out = model.forward(rows(data.x, n, start, end));
          const y = rows(data.y, n, start, end);
          return [loss(out, y).item(), classify ? sum(equal(argmax(out, 1), y)).item() : 0];
        });
        totalLoss += batchLoss * (end - start);
        correct += batchCorrect;
      }
      return {
        loss: totalLoss / Math.max(n, 1),
        accuracy: classify ? correct / Math.max(n, 1) : null,
      };
    });
  } finally {
    restoreModes();
  }
}

/** Rows `start..end` of a tensor with `n` rows on its first axis: a view of its storage, no copy. */
function rows(t: Tensor, n: number, start: number, end: number): Tensor {
  const row = t.size / n;
  return new (t.constructor as typeof Tensor)(
    t.storage.subarray(start * row, end * row),
    [end - start, ...t.shape.slice(1)],
    t.dtype,
  );
}
