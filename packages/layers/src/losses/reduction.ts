import {
  checkOptionKeys,
  type LossReduction,
  mean,
  optionEnum,
  sum,
  type Tensor,
} from '@lacuna/tensor';

/** How per-example losses are combined: their mean (default), their sum, or none (one per example). */
export type Reduction = LossReduction;

/** Reads a loss's `reduction` option ('mean' when absent), naming the loss in errors. @internal */
export function checkReduction(op: string, reduction: unknown): Reduction {
  return optionEnum(op, 'reduction', reduction, ['mean', 'sum', 'none'], 'mean');
}

/** Applies a reduction to per-example losses. @internal */
export function reduce(op: string, losses: Tensor, reduction: Reduction = 'mean'): Tensor {
  const how = checkReduction(op, reduction);
  if (how === 'mean') return mean(losses);
  if (how === 'sum') return sum(losses);
  return losses;
}

/**
 * Rejects a loss's unknown option keys (`label_smoothing`, `reduce`), suggesting the valid one;
 * losses without more options take just `reduction`. @internal
 */
export function checkLossOptions(
  op: string,
  options: unknown,
  known: readonly string[] = ['reduction'],
): void {
  checkOptionKeys(op, options, known);
}
