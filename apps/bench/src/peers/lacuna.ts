import { backward, noGrad } from '@lacuna/autograd';
import { crossEntropy, Dropout, Linear, ReLU, Sequential } from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import {
  conv2d,
  dropout,
  Generator,
  keep,
  matmul,
  randint,
  scope,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { type Run, sizes, type WorkloadId } from './types.js';

/**
 * Lacuna's implementation of each workload. Inputs are made in a scope and kept, so they live in
 * the wasm memory; each timed call runs in a scope, so its outputs reuse the memory of the call
 * before (what fit, evaluate and mcPredict do per step).
 */
export function prepareLacuna(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Run {
  const run = prepareUnscoped(id, quick);
  return () => scope(run);
}

/** A tensor made in a scope and kept: it lives in the wasm memory until the process ends. */
function resident(make: () => Tensor): Tensor {
  return scope(() => keep(make()));
}

function prepareUnscoped(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Run {
  const s = sizes(quick);
  const g = new Generator(0);
  if (id === 'W1' || id === 'W2') {
    const x = resident(() => uniform(s.dropout, { generator: g }));
    if (id === 'W1') return () => void dropout(x, { p: 0.5, training: true, generator: g });
    x.requiresGrad = true;
    return () => {
      x.grad = null;
      backward(sum(dropout(x, { p: 0.5, training: true, generator: g })));
      x.grad = null;
    };
  }
  if (id === 'W4') {
    const n = s.matmul;
    const a = resident(() => uniform([n, n], { generator: g }));
    const b = resident(() => uniform([n, n], { generator: g }));
    return () => void matmul(a, b);
  }
  if (id === 'W7' || id === 'W8') {
    const c = s.conv;
    const x = resident(() => uniform([c.batch, c.channels, c.size, c.size], { generator: g }));
    const w = resident(() =>
      uniform([c.filters, c.channels, 3, 3], { generator: g, low: -0.1, high: 0.1 }),
    );
    if (id === 'W8') return () => void conv2d(x, w, { padding: 1 });
    x.requiresGrad = true;
    w.requiresGrad = true;
    return () => {
      x.grad = null;
      w.grad = null;
      backward(sum(conv2d(x, w, { padding: 1 })));
      x.grad = null;
      w.grad = null;
    };
  }
  const h = s.hidden;
  const net = new Sequential(
    new Dropout(0.2, { generator: g.fork() }),
    new Linear(784, h, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(h, h, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(h, 10, { generator: g }),
  );
  if (id === 'W3') {
    const opt = new SGD(net.parameters(), { lr: 0.01 });
    const x = resident(() => uniform([s.batch, 784], { generator: g }));
    const y = resident(() => randint(0, 10, [s.batch], { generator: g }));
    // Cleared before the scope ends, as fit does, so the gradients' memory is reused too.
    return () => {
      opt.zeroGrad();
      backward(crossEntropy(net.forward(x), y));
      opt.step();
      opt.zeroGrad();
    };
  }
  net.eval();
  const x = resident(() => uniform([s.inferBatch, 784], { generator: g }));
  return () => void noGrad(() => net.forward(x));
}
