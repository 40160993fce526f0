import { backward } from '@lacuna/autograd';
import { Dropout, Linear, LinearSVD, type Module, Sequential } from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import { add, Generator, keep, scope, sum, uniform } from '@lacuna/tensor';
import type { Run } from './peers/types.js';
import { sizes } from './peers/types.js';

/**
 * W9's two training steps on one h→h layer, batch `sizes().batch` (1024→1024, 128 in a full
 * run): `svd` is LinearSVD (local reparameterisation: two matmuls forward, four backward, plus the
 * KL term over its h² weights), `dropout` is Linear then Dropout(0.5), the fixed-rate layer it
 * replaces. Each step: forward, loss = Σ outputs (+ the KL / N for LinearSVD), backward, SGD.
 * Inputs live in the pool and every step runs in a scope, as in the other Lacuna workloads.
 */
export function prepareSvdStep(kind: 'svd' | 'dropout', quick: boolean): Run {
  const run = scope(() => {
    const h = sizes(quick).hidden;
    const g = new Generator(0);
    const net: Module =
      kind === 'svd'
        ? new LinearSVD(h, h, { generator: g, datasetSize: 60000 })
        : new Sequential(new Linear(h, h, { generator: g }), new Dropout(0.5, { generator: g }));
    const opt = new SGD(net.parameters(), { lr: 0.01 });
    const x = keep(uniform([sizes(quick).batch, h], { generator: g }), { pooled: true });
    return () => {
      opt.zeroGrad();
      const data = sum(net.forward(x));
      backward(kind === 'svd' ? add(data, net.regularization()) : data);
      opt.step();
      opt.zeroGrad();
    };
  });
  return () => scope(run);
}
