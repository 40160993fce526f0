import type { Module } from '../module.js';
import { SparseVariationalLayer, type Sparsity } from './sparse-variational-base.js';

/** One row of {@link SparsityReport}: a sparse variational layer and its pruned weights. */
export interface LayerSparsity extends Sparsity {
  /** The layer's name in `namedModules()` ('' for the root itself). */
  name: string;
}

/** {@link sparsityReport}'s answer: each sparse variational layer, then the whole model. */
export interface SparsityReport extends Sparsity {
  /** One row per sparse variational layer (`LinearSVD`, `Conv2dSVD`) in the model, in `namedModules()` order. */
  layers: LayerSparsity[];
}

/**
 * The fraction of weights a model prunes at inference: for every sparse variational layer in it (`LinearSVD`, `Conv2dSVD`), the
 * weights whose log α exceeds that layer's threshold, then the total over all of them (other
 * layers' weights are not counted). Molchanov et al. (2017) report about 98 % for LeNet-300-100.
 *
 * @param model - Any module tree.
 * @example
 * ```ts
 * import { LinearSVD, ReLU, Sequential, sparsityReport } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const net = new Sequential(
 *   new LinearSVD(784, 300, { generator: g, datasetSize: 60000 }),
 *   new ReLU(),
 *   new LinearSVD(300, 10, { generator: g, datasetSize: 60000 }),
 * );
 * const { layers, fraction } = sparsityReport(net); // layers[0].name === '0'
 * ```
 */
export function sparsityReport(model: Module): SparsityReport {
  const layers = model
    .namedModules()
    .filter(
      (entry): entry is [string, SparseVariationalLayer] =>
        entry[1] instanceof SparseVariationalLayer,
    )
    .map(([name, layer]) => ({ name, ...layer.sparsity() }));
  const pruned = layers.reduce((n, l) => n + l.pruned, 0);
  const total = layers.reduce((n, l) => n + l.total, 0);
  return { layers, pruned, total, fraction: total > 0 ? pruned / total : 0 };
}
