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
import { sizes } from './peers/types.js';

/** The layers W9 and W10 time: a learned-rate layer, or the fixed-rate pair it replaces. */
export type VariationalStepKind = 'svd' | 'vd' | 'dropout';

/**
 * One training step of an h→h layer, batch `sizes().batch` (1024→1024, 128 in a full run):
 * `svd` is LinearSVD (W9), `vd` VariationalLinear with one α per weight (W10) — both the local
 * reparameterisation, two matmuls forward and four backward, plus the KL term over their h²
 * weights — and `dropout` is Linear then Dropout(0.5), the fixed-rate layer they replace. Each
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
        : kind === 'vd'
          ? new VariationalLinear(h, h, { generator: g, alpha: 'weight', datasetSize: 60000 })
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
