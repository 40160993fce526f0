import { backward } from '@lacuna/autograd';
import {
  Dropout,
  Linear,
  LinearSVD,
  type Module,
  Sequential,
  VariationalLinear,
} from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import { add, Generator, keep, scope, sum, uniform } from '@lacuna/tensor';
import type { Run } from './peers/types.js';
import { sizes, type WorkloadId } from './peers/types.js';

/** The layers W9–W11 time: a learned-rate layer, or the fixed-rate pair it replaces. */
export type VariationalStepKind = 'svd' | 'vd' | 'vd-unit' | 'dropout';

/** The learned-rate layer each of W9–W11 times. */
export const LEARNED_RATE_KIND: Partial<Record<WorkloadId, VariationalStepKind>> = {
  W9: 'svd',
  W10: 'vd',
  W11: 'vd-unit',
};

/**
 * One training step of an h→h layer, batch `sizes().batch` (1024→1024, 128 in a full run):
 * `svd` is LinearSVD (W9), `vd` VariationalLinear with one α per weight (W10) — both the local
 * reparameterisation, two matmuls forward and two backward (the input needs no gradient), plus
 * the KL term over their h² weights — `vd-unit` VariationalLinear with one α per output unit (W11:
 * the same matmuls, a KL term over h α), and `dropout` is Linear then Dropout(0.5), the fixed-rate
 * layer they replace (one matmul forward, one backward). Each
 * step: forward, loss = Σ outputs (+ the KL / N for the learned-rate layers), backward, SGD.
 * Inputs live in the pool and every step runs in a scope, as in the other Lacuna workloads.
 */
export function prepareVariationalStep(kind: VariationalStepKind, quick: boolean): Run {
  const run = scope(() => {
    const h = sizes(quick).hidden;
    const g = new Generator(0);
    const net: Module =
      kind === 'svd'
        ? new LinearSVD(h, h, { generator: g, datasetSize: 60000 })
        : kind === 'vd' || kind === 'vd-unit'
          ? new VariationalLinear(h, h, {
              generator: g,
              alpha: kind === 'vd' ? 'weight' : 'unit',
              datasetSize: 60000,
            })
          : new Sequential(new Linear(h, h, { generator: g }), new Dropout(0.5, { generator: g }));
    const opt = new SGD(net.parameters(), { lr: 0.01 });
    const x = keep(uniform([sizes(quick).batch, h], { generator: g }), { pooled: true });
    return () => {
      opt.zeroGrad();
      const data = sum(net.forward(x));
      backward(kind === 'dropout' ? data : add(data, net.regularization()));
      opt.step();
      opt.zeroGrad();
    };
  });
  return () => scope(run);
}
