import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, permutation, randint, type Tensor, uniform } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from '../dropout/dropout.js';
import { crossEntropy } from '../losses/classification.js';
import { ReLU } from '../modules/activations.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { fileCheckpointer } from '../node.js';
import { decodeTrainingState, encodeTrainingState } from './encode.js';
import { type Batch, type Checkpointer, earlyStopping, fit, memoryCheckpointer } from './fit.js';

/** A momentum SGD written here, so layers' tests need no optimizer package. */
function sgd(params: Tensor[], lr: number) {
  let buffers: Float32Array[] = params.map((p) => new Float32Array(p.size));
  return {
    zeroGrad: () => {
      for (const p of params) p.grad = null;
    },
    step: () => {
      params.forEach((p, k) => {
        const b = buffers[k]!;
        for (let i = 0; i < p.size; i++) {
          b[i] = 0.9 * b[i]! + p.grad!.storage[i]!;
          p.storage[i] = p.storage[i]! - lr * b[i]!;
        }
      });
    },
    stateDict: () => ({ buffers: buffers.map((b) => Array.from(b)) }),
    loadStateDict: (s: { buffers: number[][] }) => {
      buffers = s.buffers.map((b) => Float32Array.from(b));
    },
  };
}

/** A run from a seed: model, data, shuffling loader, optimizer, all built fresh. */
function setup(seed: number) {
  const g = new Generator(seed);
  const model = new Sequential(
    new Linear(4, 32, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(32, 3, { generator: g }),
  );
  const x = uniform([96, 4], { generator: g, low: -1, high: 1 });
  const y = randint(0, 3, [96], { generator: g });
  const shuffle = new Generator(seed + 1);
  const data = {
    batches: function* (): Iterable<Batch> {
      const order = permutation(96, { generator: shuffle }).storage;
      for (let s = 0; s < 96; s += 16) {
        const idx = Array.from(order.subarray(s, s + 16));
        const rows = (t: Tensor, w: number) =>
          new (t.constructor as typeof Tensor)(
            Float32Array.from(idx.flatMap((i) => Array.from(t.storage.subarray(i * w, i * w + w)))),
            [idx.length, w].slice(0, t.rank),
            'float32',
          );
        yield {
          x: rows(x, 4),
          y: new (y.constructor as typeof Tensor)(
            Int32Array.from(idx.map((i) => y.storage[i]!)),
            [idx.length],
            'int32',
          ),
        };
      }
    },
  };
  return { model, data, optimizer: sgd(model.parameters(), 0.05), shuffle, train: { x, y } };
}

async function train(seed: number, epochs: number, checkpoint?: Checkpointer, resume = false) {
  const run = setup(seed);
  const history = await fit(run.model, {
    data: run.data,
    optimizer: run.optimizer,
    loss: crossEntropy,
    epochs,
    trainEval: run.train,
    validation: run.train,
    generators: { shuffle: run.shuffle },
    ...(checkpoint ? { checkpoint } : {}),
    resume,
  });
  return { history, params: run.model.parameters().map((p) => p.data()) };
}

describe('fit', () => {
  it('trains, records metrics per epoch and calls back', async () => {
    const events: string[] = [];
    const run = setup(0);
    const history = await fit(run.model, {
      data: run.data,
      optimizer: run.optimizer,
      loss: crossEntropy,
      epochs: 5,
      trainEval: run.train,
      callbacks: [
        {
          onEpochStart: (e) => events.push(`start ${e}`),
          onBatchEnd: (b) => b === 6 && events.push('batch 6'),
          onEpochEnd: (l) => void events.push(`end ${l.epoch}`),
        },
      ],
    });
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(events.slice(0, 3)).toEqual(['start 1', 'batch 6', 'end 1']);
    expect(history.epochs[4]!.train.loss).toBeLessThan(history.epochs[0]!.train.loss);
    expect(history.epochs[4]!.train.accuracy).toBeGreaterThan(0.4);
    expect(run.model.training).toBe(true);
  });

  it('stops early when the monitored loss stops improving', async () => {
    const run = setup(1);
    const history = await fit(run.model, {
      data: run.data,
      optimizer: sgd(run.model.parameters(), 0),
      loss: crossEntropy,
      epochs: 50,
      validation: run.train,
      callbacks: [earlyStopping({ patience: 2 })],
    });
    expect(history.stopped).toBe(true);
    expect(history.epochs.length).toBeLessThan(6);
  });

  it('resumed from an in-memory checkpoint, it ends bit-identical to an uninterrupted run', async () => {
    const full = await train(7, 6);
    const checkpoint = memoryCheckpointer();
    await train(7, 3, checkpoint);
    expect(checkpoint.latest?.epoch).toBe(3);
    const resumed = await train(7, 6, checkpoint, true);
    expect(resumed.history.resumedFrom).toBe(3);
    expect(resumed.history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(resumed.params).toEqual(full.params);
    const fresh = await train(8, 6);
    expect(fresh.params).not.toEqual(full.params);
  });

  it('resumes from a file checkpoint the same way; the encoding round-trips exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lacuna-fit-'));
    try {
      const full = await train(9, 4);
      await train(9, 2, fileCheckpointer(dir));
      const resumed = await train(9, 4, fileCheckpointer(dir), true);
      expect(resumed.params).toEqual(full.params);
      const state = await fileCheckpointer(dir).load();
      const again = decodeTrainingState(encodeTrainingState(state!));
      expect(again.epoch).toBe(4);
      expect(again.stateful).toEqual(state!.stateful);
      expect(again.generators).toEqual(state!.generators);
      expect([...again.model.keys()]).toEqual([...state!.model.keys()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates its options', async () => {
    const run = setup(0);
    await expect(
      fit(run.model, { data: run.data, optimizer: run.optimizer, loss: crossEntropy, epochs: 0 }),
    ).rejects.toThrow(/epochs/);
    await expect(
      fit(run.model, {
        data: run.data,
        optimizer: run.optimizer,
        loss: crossEntropy,
        epochs: 1,
        resume: true,
      }),
    ).rejects.toThrow(/needs a checkpoint/);
  });
});
