import { Generator, LacunaError, permutation, randint, type Tensor, uniform } from '@lacuna/tensor';
import { Dropout } from '../dropout/dropout.js';
import { crossEntropy } from '../losses/classification.js';
import { ReLU } from '../modules/activations.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { fit } from '../training/fit.js';
import type {
  Batch,
  Callback,
  Checkpointer,
  RDropFitOptions,
  Stateful,
} from '../training/fit-types.js';

/** Test fixtures for `fit`: a run built from a seed, with its own optimizer and schedule. */

const bad = (op: string, detail: string) => new LacunaError(op, 'state', detail);

/**
 * A momentum SGD written here, so layers' tests need no optimizer package. Its loadStateDict
 * checks the whole state first, like @lacuna/optim's, so an accepted state is restored exactly.
 */
export function sgd(params: Tensor[], lr: number) {
  let buffers: Float32Array[] = params.map((p) => new Float32Array(p.size));
  const opt = {
    lr,
    zeroGrad: () => {
      for (const p of params) p.grad = null;
    },
    step: () => {
      params.forEach((p, k) => {
        const b = buffers[k]!;
        for (let i = 0; i < p.size; i++) {
          b[i] = 0.9 * b[i]! + p.grad!.storage[i]!;
          p.storage[i] = p.storage[i]! - opt.lr * b[i]!;
        }
      });
    },
    stateDict: () => ({ lr: opt.lr, buffers: buffers.map((b) => Array.from(b)) }),
    loadStateDict: (s: { lr: number; buffers: number[][] }) => {
      if (s === null || typeof s !== 'object' || Object.keys(s).sort().join() !== 'buffers,lr')
        throw bad('sgd', 'must be {lr, buffers}');
      if (typeof s.lr !== 'number' || !Number.isFinite(s.lr)) throw bad('sgd', 'lr');
      if (!Array.isArray(s.buffers) || s.buffers.length !== params.length)
        throw bad('sgd', 'buffers');
      s.buffers.forEach((b, k) => {
        if (
          !Array.isArray(b) ||
          b.length !== params[k]!.size ||
          !b.every(
            (v) => typeof v === 'number' && Object.is(Math.fround(v), v) && Number.isFinite(v),
          )
        )
          throw bad('sgd', `buffer ${k}`);
      });
      opt.lr = s.lr;
      buffers = s.buffers.map((b) => Float32Array.from(b));
    },
  };
  return opt;
}

/** Halves the optimizer's learning rate every `every` epochs, counting steps in its own state. */
export function stepSchedule(opt: { lr: number }, every: number): Stateful & { step(): void } {
  const base = opt.lr;
  let epoch = 0;
  return {
    step() {
      epoch++;
      opt.lr = base * 0.5 ** Math.floor(epoch / every);
    },
    stateDict: () => ({ epoch }),
    loadStateDict(s: { epoch: number }) {
      if (
        s === null ||
        typeof s !== 'object' ||
        Object.keys(s).join() !== 'epoch' ||
        !Number.isInteger(s.epoch) ||
        s.epoch < 0
      )
        throw bad('stepSchedule', 'must be {epoch}');
      epoch = s.epoch;
    },
  };
}

/** A run from a seed: model, data, shuffling loader, optimizer, schedule, all built fresh. */
export function setup(seed: number, size = 96) {
  const g = new Generator(seed);
  const model = new Sequential(
    new Linear(4, 32, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(32, 3, { generator: g }),
  );
  const x = uniform([size, 4], { generator: g, low: -1, high: 1 });
  const y = randint(0, 3, [size], { generator: g });
  const shuffle = new Generator(seed + 1);
  const data = {
    batches: function* (): Iterable<Batch> {
      const order = permutation(size, { generator: shuffle }).storage;
      for (let s = 0; s < size; s += 16) {
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
  const optimizer = sgd(model.parameters(), 0.05);
  const schedule = stepSchedule(optimizer, 2);
  return { model, data, optimizer, schedule, shuffle, train: { x, y } };
}

/** Options of {@link train}. */
export interface TrainOptions {
  checkpoint?: Checkpointer;
  resume?: boolean;
  /** Step the schedule in an onEpochEnd callback and save it under `stateful.schedule`. */
  schedule?: boolean;
  callbacks?: Callback[];
  /** Train with R-Drop. */
  rDrop?: RDropFitOptions;
}

/** Builds a run from `seed` and trains it; returns its history and final parameters. */
export async function train(seed: number, epochs: number, options: TrainOptions = {}) {
  const run = setup(seed);
  const history = await fit(run.model, {
    data: run.data,
    optimizer: run.optimizer,
    loss: crossEntropy,
    epochs,
    trainEval: run.train,
    validation: run.train,
    generators: { shuffle: run.shuffle },
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    resume: options.resume ?? false,
    ...(options.rDrop ? { rDrop: options.rDrop } : {}),
    ...(options.schedule ? { stateful: { schedule: run.schedule } } : {}),
    callbacks: [
      ...(options.schedule ? [{ onEpochEnd: () => run.schedule.step() }] : []),
      ...(options.callbacks ?? []),
    ],
  });
  return { history, params: run.model.parameters().map((p) => p.data()), run };
}
