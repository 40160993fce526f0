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

// vitest.config.ts runs this package's test workers with --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Bytes held by ArrayBuffers after a full collection. Tensor storage lives in typed arrays, whose
 * bytes sit outside the V8 heap: `heapUsed` would not see them, `arrayBuffers` does.
 */
function arrayBytesAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().arrayBuffers;
}

const BATCH = 1024;
const HIDDEN = 256;
/** One hidden activation: 1 MiB of float32, so a leaked step dwarfs collector noise (a few KiB). */
const ACTIVATION_BYTES = BATCH * HIDDEN * 4;
const STEPS = 12;
/**
 * Growth over {@link STEPS} steps that counts as a leak. A released graph keeps only each loss's
 * 4-byte scalar (measured: 48 bytes in all); a kept graph keeps at least one hidden activation per
 * step, ≥ 12 MiB (measured: 48.7 MiB, four activations a step). The second test shows that this
 * bound catches a kept graph; the first fails the same way if backward stops releasing nodes.
 */
const LEAK_BOUND = 4 * ACTIVATION_BYTES;

/**
 * Trains a small network for {@link STEPS} steps while keeping every loss alive in a history
 * array (as a user plotting a loss curve does), and returns how much ArrayBuffer memory grew.
 */
function growthWhileHoldingLosses(retainGraph: boolean): { growth: number; history: Tensor[] } {
  const g = new Generator(0);
  const param = (shape: number[]) => {
    const t = uniform(shape, { generator: g, low: -0.3, high: 0.3 });
    t.requiresGrad = true;
    return t;
  };
  const w1 = param([HIDDEN, 16]);
  const b1 = param([HIDDEN]);
  const w2 = param([4, HIDDEN]);
  const x = uniform([BATCH, 16], { generator: g });
  const y = oneHot(randint(0, 4, [BATCH], { generator: g }), 4);
  const params: Tensor[] = [w1, b1, w2];
  const history: Tensor[] = [];
  const step = () => {
    const h = dropout(relu(add(matmul(x, w1, { transB: true }), b1)), {
      p: 0.5,
      training: true,
      generator: g,
    });
    const loss = mean(
      mul(sum(mul(logSoftmax(matmul(h, w2, { transB: true })), y), { axis: 1 }), -1),
    );
    backward(loss, { retainGraph });
    history.push(loss);
    noGrad(() => {
      for (const p of params) {
        p.storage.set(sub(p, mul(p.grad!, 0.05)).storage);
        p.grad = null;
      }
    });
  };
  // Warm-up: the wasm backend's memory grows to its working size on the first steps, once.
  for (let i = 0; i < 3; i++) step();
  history.length = 0;
  const before = arrayBytesAfterGc();
  for (let i = 0; i < STEPS; i++) step();
  const growth = arrayBytesAfterGc() - before;
  return { growth, history };
}

describe('memory', () => {
  it('losses kept across steps do not keep their graphs: backward released the activations', () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const { growth, history } = growthWhileHoldingLosses(false);
    expect(history).toHaveLength(STEPS);
    expect(growth).toBeLessThan(LEAK_BOUND);
  });

  it('the same measurement sees a kept graph (retainGraph while holding the losses) grow past the bound', () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const { growth, history } = growthWhileHoldingLosses(true);
    expect(history).toHaveLength(STEPS);
    expect(growth).toBeGreaterThan(LEAK_BOUND);
    // At least one hidden activation per step stays reachable from each held loss.
    expect(growth).toBeGreaterThanOrEqual(STEPS * ACTIVATION_BYTES);
  });
});
