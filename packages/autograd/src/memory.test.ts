import {
  add,
  dropout,
  Generator,
  logSoftmax,
  matmul,
  mean,
  mul,
  oneHot,
  randint,
  relu,
  sub,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { noGrad } from './grad.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

describe('memory', () => {
  it('400 training steps of a small network keep the heap flat (the graph is released)', () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const g = new Generator(0);
    const param = (shape: number[]) => {
      const t = uniform(shape, { generator: g, low: -0.3, high: 0.3 });
      t.requiresGrad = true;
      return t;
    };
    const w1 = param([32, 16]);
    const b1 = param([32]);
    const w2 = param([4, 32]);
    const x = uniform([64, 16], { generator: g });
    const y = oneHot(randint(0, 4, [64], { generator: g }), 4);
    const params: Tensor[] = [w1, b1, w2];
    const step = () => {
      const h = dropout(relu(add(matmul(x, w1, { transB: true }), b1)), {
        p: 0.5,
        training: true,
        generator: g,
      });
      const loss = mean(
        mul(sum(mul(logSoftmax(matmul(h, w2, { transB: true })), y), { axis: 1 }), -1),
      );
      backward(loss);
      noGrad(() => {
        for (const p of params) {
          p.storage.set(sub(p, mul(p.grad!, 0.05)).storage);
          p.grad = null;
        }
      });
    };
    for (let i = 0; i < 50; i++) step();
    const before = heapAfterGc();
    for (let i = 0; i < 400; i++) step();
    const after = heapAfterGc();
    // A leaked graph would hold every step's activations: ~30 KB per step, ~12 MB over 400
    // steps, six times the bound. 400 steps (not 1,000) keep the test well under a second.
    expect(after - before).toBeLessThan(2 * 1024 * 1024);
  });
});
