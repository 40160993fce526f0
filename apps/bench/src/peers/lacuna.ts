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

/** Inputs stay in the wasm memory for the whole run (kernels read them in place). */
const POOLED = { pooled: true } as const;

/**
 * Lacuna's implementation of each workload. Inputs are made inside a scope and kept in the pool,
 * so they live in the wasm memory (a module's parameters are ordinary memory, copied in by each
 * kernel call); each timed call runs in a scope, so its outputs reuse the memory of the call
 * before, as fit, evaluate and mcPredict do per step.
 */
export function prepareLacuna(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Run {
  const run = scope(() => prepareInScope(id, quick));
  return () => scope(run);
}

function prepareInScope(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Run {
  const s = sizes(quick);
  const g = new Generator(0);
  if (id === 'W1' || id === 'W2') {
    const x = keep(uniform(s.dropout, { generator: g }), POOLED);
    if (id === 'W1') return () => void dropout(x, { p: 0.5, training: true, generator: g });
    x.requiresGrad = true;
    // Gradients are cleared before the scope ends, as fit does, so their memory is reused too.
    return () => {
      x.grad = null;
      backward(sum(dropout(x, { p: 0.5, training: true, generator: g })));
      x.grad = null;
    };
  }
  if (id === 'W4') {
    const n = s.matmul;
    const a = keep(uniform([n, n], { generator: g }), POOLED);
    const b = keep(uniform([n, n], { generator: g }), POOLED);
    return () => void matmul(a, b);
  }
  if (id === 'W7' || id === 'W8') {
    const { x, w } = convOperands(quick);
    keep(x, POOLED);
    keep(w, POOLED);
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
  if (id === 'W5') {
    const { net, x } = mlpInference(quick);
    keep(x, POOLED);
    return () => void noGrad(() => net.forward(x));
  }
  const { net } = mlp(s.hidden, g);
  const opt = new SGD(net.parameters(), { lr: 0.01 });
  const x = keep(uniform([s.batch, 784], { generator: g }), POOLED);
  const y = keep(randint(0, 10, [s.batch], { generator: g }), POOLED);
  return () => {
    opt.zeroGrad();
    backward(crossEntropy(net.forward(x), y));
    opt.step();
    opt.zeroGrad();
  };
}

/**
 * The W3/W5 network, 784-h-h-10 with ReLU and dropout 0.2 / 0.5 / 0.5, and its three Linear
 * layers (weights [out, in], biases [out]) for peers that take the weights as they are.
 */
export function mlp(hidden: number, g: Generator): { net: Sequential; linears: Linear[] } {
  const linears = [
    new Linear(784, hidden, { generator: g }),
    new Linear(hidden, hidden, { generator: g }),
    new Linear(hidden, 10, { generator: g }),
  ];
  const net = new Sequential(
    new Dropout(0.2, { generator: g.fork() }),
    linears[0]!,
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    linears[1]!,
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    linears[2]!,
  );
  return { net, linears };
}

/** W5's network in eval mode and its input [inferBatch, 784], from seed 0: the same for every peer that uses them. */
export function mlpInference(quick: boolean): { net: Sequential; linears: Linear[]; x: Tensor } {
  const g = new Generator(0);
  const { net, linears } = mlp(sizes(quick).hidden, g);
  net.eval();
  return { net, linears, x: uniform([sizes(quick).inferBatch, 784], { generator: g }) };
}

/** The W7/W8 layer's input [N, C, H, W] and 3×3 weight [O, C, 3, 3], from seed 0. */
export function convOperands(quick: boolean): { x: Tensor; w: Tensor } {
  const c = sizes(quick).conv;
  const g = new Generator(0);
  const x = uniform([c.batch, c.channels, c.size, c.size], { generator: g });
  const w = uniform([c.filters, c.channels, 3, 3], { generator: g, low: -0.1, high: 0.1 });
  return { x, w };
}
