import {
  ArgumentRangeError,
  Generator,
  LacunaError,
  mul,
  randint,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import type { Dropout } from '../dropout/dropout.js';
import { crossEntropy } from '../losses/classification.js';
import { rDropLoss } from '../losses/r-drop.js';
import { Module } from '../module.js';
import { Linear } from '../modules/linear.js';
import { setup, sgd, type TrainOptions, train } from '../test-util/training-run.js';
import { memoryCheckpointer } from './checkpointing.js';
import { fit } from './fit.js';
import type { Batch } from './fit-types.js';

/** One forward call as the spy saw it. */
interface Call {
  x: Tensor;
  training: boolean;
  /** The dropout layer's generator state before the call. */
  before: string;
  out: number[][];
}

/** Wraps a model and records every forward call: its input tensor, mode, masks' generator state, output. */
class Spy extends Module {
  readonly calls: Call[] = [];
  constructor(
    readonly inner: Module,
    readonly dropout: Dropout,
  ) {
    super();
    this.registerModule('inner', inner);
  }
  forward(x: Tensor): Tensor {
    const before = JSON.stringify(this.dropout.randomState());
    const out = this.inner.forward(x);
    this.calls.push({ x, training: this.training, before, out: out.toArray() as number[][] });
    return out;
  }
}

function spied(seed: number) {
  const run = setup(seed);
  return { ...run, spy: new Spy(run.model, run.model.namedChildren()[2]![1] as Dropout) };
}

/** A run of test-util's fixture with R-Drop at α = 1.5 (unless `rDrop` says otherwise). */
async function trainRDrop(seed: number, epochs: number, options: TrainOptions = {}) {
  const { history, params } = await train(seed, epochs, { rDrop: { alpha: 1.5 }, ...options });
  return { history, params: params.map((p) => Array.from(p)) };
}

describe('fit with rDrop', () => {
  it('runs two passes per step over the batch tensor itself with fresh masks, minimising rDropLoss', async () => {
    const { spy, data, optimizer, train } = spied(0);
    const seen: Batch[] = [];
    const losses: number[] = [];
    const history = await fit(spy, {
      data: {
        batches: () => {
          const epoch = Array.from(data.batches());
          seen.push(...epoch);
          return epoch;
        },
      },
      optimizer,
      loss: crossEntropy,
      epochs: 4,
      trainEval: train,
      rDrop: { alpha: 1 },
      callbacks: [{ onBatchEnd: (_i, _n, l) => void losses.push(l) }],
    });
    const steps = losses.length;
    expect(steps).toBe(4 * 6);
    const training = spy.calls.filter((c) => c.training);
    expect(training.length).toBe(2 * steps);
    // Evaluation: one pass per epoch, in inference mode.
    const evaluation = spy.calls.filter((c) => !c.training);
    expect(evaluation.map((c) => c.x.shape)).toEqual(Array(4).fill([96, 4]));
    for (let s = 0; s < steps; s++) {
      const [a, b] = [training[2 * s]!, training[2 * s + 1]!];
      // The batch's own tensor both times: no concatenated [2N, F] copy.
      expect(a.x).toBe(seen[s]!.x);
      expect(b.x).toBe(seen[s]!.x);
      // Each pass draws its own masks: the generator moved on between them, the outputs differ.
      expect(b.before).not.toBe(a.before);
      expect(b.out).not.toEqual(a.out);
    }
    expect(new Set(training.map((c) => c.before)).size).toBe(2 * steps);
    // A step's loss is rDropLoss of its two outputs.
    for (const s of [0, steps - 1]) {
      const [a, b] = [training[2 * s]!, training[2 * s + 1]!];
      const want = rDropLoss(tensor(a.out), tensor(b.out), seen[s]!.y, { alpha: 1 }).item();
      expect(losses[s]).toBeCloseTo(want, 5);
    }
    expect(history.epochs[3]!.train.loss).toBeLessThan(history.epochs[0]!.train.loss);
  });

  it('learns a synthetic task: the class is the largest of the first three features', async () => {
    const run = setup(3);
    const g = new Generator(4);
    const batches = Array.from({ length: 8 }, () => {
      const x = uniform([32, 4], { generator: g, low: -1, high: 1 });
      const rows = x.toArray() as number[][];
      const y = rows.map((r) => r.slice(0, 3).indexOf(Math.max(...r.slice(0, 3))));
      return { x, y: tensor(y, { dtype: 'int32' }) };
    });
    const history = await fit(run.model, {
      data: { batches: () => batches },
      optimizer: sgd(run.model.parameters(), 0.05),
      loss: crossEntropy,
      epochs: 15,
      trainEval: batches[0]!,
      validation: batches[7]!,
      rDrop: { alpha: 1 },
    });
    const last = history.epochs[14]!;
    expect(last.train.loss).toBeLessThan(history.epochs[0]!.train.loss * 0.7);
    expect(last.validation!.accuracy).toBeGreaterThan(0.75);
  });

  it('resumed from a checkpoint, it ends bit-identical to an uninterrupted run', async () => {
    const full = await trainRDrop(7, 6);
    const checkpoint = memoryCheckpointer();
    await trainRDrop(7, 3, { checkpoint });
    const resumed = await trainRDrop(7, 6, { checkpoint, resume: true });
    expect(resumed.history.resumedFrom).toBe(3);
    expect(resumed.params).toEqual(full.params);
    expect(resumed.history.epochs.map((e) => e.train)).toEqual(
      full.history.epochs.map((e) => e.train),
    );
    // And R-Drop changed the run: a plain one ends elsewhere.
    const plain = await train(7, 6);
    expect(plain.params.map((p) => Array.from(p))).not.toEqual(full.params);
  });

  it('composes with regularization: each pass adds the model’s loss term', async () => {
    // Without dropout both passes agree (KL = 0): the first step's loss is 2·(CE + term).
    const net = new Penalised();
    const g = new Generator(5);
    const x = uniform([16, 8], { generator: g });
    const y = randint(0, 3, [16], { generator: g });
    const term = net.regularization().item();
    const want = 2 * (crossEntropy(net.forward(x), y).item() + term);
    const losses: number[] = [];
    await fit(net, {
      data: { batches: () => [{ x, y }] },
      optimizer: sgd(net.parameters(), 0.1),
      loss: crossEntropy,
      epochs: 1,
      regularization: true,
      rDrop: { alpha: 3 },
      callbacks: [{ onBatchEnd: (_i, _n, l) => void losses.push(l) }],
    });
    expect(term).toBeGreaterThan(0.1);
    expect(losses[0]).toBeCloseTo(want, 5);
  });

  it('rejects bad rDrop options with typed errors before training', async () => {
    const attempt = (rDrop: unknown) => {
      const run = setup(1);
      return fit(run.model, {
        data: run.data,
        optimizer: run.optimizer,
        loss: crossEntropy,
        epochs: 1,
        rDrop: rDrop as never,
      });
    };
    await expect(attempt({ alpah: 1 })).rejects.toThrow(
      /fit: argument 'rDrop.alpah' is not a known option. did you mean 'alpha'/,
    );
    await expect(attempt(0.5)).rejects.toThrow(/fit: argument 'rDrop' must be an object/);
    for (const alpha of [-1, Number.NaN, Number.POSITIVE_INFINITY, '2', undefined]) {
      await expect(attempt({ alpha })).rejects.toThrow(ArgumentRangeError);
      await expect(attempt({ alpha })).rejects.toThrow(
        /fit: argument 'rDrop.alpha' must be a finite number ≥ 0/,
      );
    }
    await expect(attempt({ alpha: 1, extra: 1 })).rejects.toThrow(LacunaError);
  });
});

/** A Linear (no dropout) with the extra loss term Σw². */
class Penalised extends Module {
  readonly inner = this.registerModule('inner', new Linear(8, 3, { generator: new Generator(4) }));
  forward(x: Tensor): Tensor {
    return this.inner.forward(x);
  }
  override lossTerm(): Tensor {
    return sum(mul(this.inner.weight, this.inner.weight));
  }
}
