import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../losses/classification.js';
import { fileCheckpointer } from '../node.js';
import { setup, sgd, train as trainRun } from '../test-util/training-run.js';
import { earlyStopping } from './callbacks.js';
import { memoryCheckpointer } from './checkpointing.js';
import { decodeTrainingState, encodeTrainingState } from './encode.js';
import { fit } from './fit.js';
import type { Checkpointer } from './fit-types.js';

async function train(seed: number, epochs: number, checkpoint?: Checkpointer, resume = false) {
  return trainRun(seed, epochs, { ...(checkpoint ? { checkpoint } : {}), resume });
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
