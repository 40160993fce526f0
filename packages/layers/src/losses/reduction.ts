import { LacunaError, mean, sum, type Tensor } from '@lacuna/tensor';

/** How per-example losses are combined: their mean (default), their sum, or none (one per example). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Applies a reduction to per-example losses. @internal */
export function reduce(op: string, losses: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'mean') return mean(losses);
  if (reduction === 'sum') return sum(losses);
  if (reduction === 'none') return losses;
  throw new LacunaError(
    op,
    'reduction',
    `must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`,
  );
}
