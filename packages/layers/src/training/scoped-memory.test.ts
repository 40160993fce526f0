import { backward, noGrad } from '@lacuna/autograd';
import { Generator, getBackend, randint, scope, uniform } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from '../dropout/dropout.js';
import { mcPredict } from '../dropout/mc.js';
import { crossEntropy } from '../losses/classification.js';
import { ReLU } from '../modules/activations.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { sgd } from '../test-util/training-run.js';
import { fit } from './fit.js';

/** The wasm backend's heap counters (internal); undefined on a backend without a pool. */
const heap = () => (getBackend() as { heapBytes?: { highWater: number; inUse: number } }).heapBytes;

function mlp(seed: number) {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(64, 128, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(128, 10, { generator: g }),
  );
}

describe('training and inference in scopes', () => {
  it('eval inference in a scope takes no new memory after the first call', () => {
    const net = mlp(0).eval();
    const x = uniform([512, 64], { generator: new Generator(1) });
    const forward = () => scope(() => noGrad(() => net.forward(x).data()));
    const first = forward();
    const before = process.memoryUsage().arrayBuffers;
    const heapBefore = heap();
    for (let i = 0; i < 10; i++) expect(forward()).toEqual(first);
    // Ten calls of 512×128 float outputs would be 2.5 MB of new arrays if they were not reused;
    // what remains is the ten 20 KB copies returned.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(heap()).toEqual(heapBefore);
  });

  it('fit steps reuse their memory and leave no gradient behind', async () => {
    const net = mlp(2);
    const g = new Generator(3);
    const batches = Array.from({ length: 4 }, () => ({
      x: uniform([32, 64], { generator: g }),
      y: randint(0, 10, [32], { generator: g }),
    }));
    const highWater: (number | undefined)[] = [];
    await fit(net, {
      data: { batches: () => batches },
      optimizer: sgd(net.parameters(), 0.1),
      loss: crossEntropy,
      epochs: 3,
      callbacks: [{ onEpochEnd: () => void highWater.push(heap()?.highWater) }],
    });
    expect(highWater[2]).toEqual(highWater[1]);
    for (const p of net.parameters()) expect(p.grad).toBeNull();
  });

  it('a step in a scope gives the same parameters as the same step outside', () => {
    const step = (inScope: boolean) => {
      const net = mlp(4);
      const g = new Generator(5);
      const x = uniform([16, 64], { generator: g });
      const y = randint(0, 10, [16], { generator: g });
      const run = () => backward(crossEntropy(net.forward(x), y));
      if (inScope) scope(run);
      else run();
      return net.parameters().map((p) => [p.data(), p.grad!.data()]);
    };
    expect(step(true)).toEqual(step(false));
  });

  it('mcPredict gives the same numbers inside a user scope as outside, in ordinary memory', () => {
    const net = mlp(6);
    const x = uniform([8, 64], { generator: new Generator(7) });
    const outside = mcPredict(net, x, { samples: 4, generator: new Generator(8) });
    const inside = scope(() => mcPredict(net, x, { samples: 4, generator: new Generator(8) }));
    expect(inside.mean.data()).toEqual(outside.mean.data());
    expect(inside.vote.data()).toEqual(outside.vote.data());
    expect(inside.mean.storage.buffer instanceof SharedArrayBuffer).toBe(false);
  });

  it('a model built inside a scope keeps its parameters when the scope ends', () => {
    const outside = mlp(9);
    const inside = scope(() => mlp(9));
    const x = uniform([4, 64], { generator: new Generator(10) });
    for (const p of inside.parameters()) expect(p.isDisposed).toBe(false);
    const run = (net: Sequential) => noGrad(() => net.eval().forward(x).data());
    expect(run(inside)).toEqual(run(outside));
  });
});
