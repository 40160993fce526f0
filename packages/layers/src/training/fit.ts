import { backward, noGrad } from '@lacuna/autograd';
import {
  argmax,
  checkOptionKeys,
  equal,
  type Generator,
  type GeneratorState,
  LacunaError,
  sum,
  type Tensor,
} from '@lacuna/tensor';
import { DropoutLayer } from '../dropout/base.js';
import type { Module } from '../module.js';
import type { CheckpointError } from './checkpoint-error.js';
import { restoreTrainingState } from './resume.js';

/** A batch of inputs and targets. */
export interface Batch {
  /** Inputs, first axis = examples. */
  x: Tensor;
  /** Targets (int32 labels for classification), first axis = examples. */
  y: Tensor;
}

/** Anything that yields one epoch of batches per call (a DataLoader). */
export interface BatchSource {
  /** One epoch of batches. */
  batches(): Iterable<Batch>;
}

/** Something whose state a checkpoint saves: an optimizer, a schedule. */
export interface Stateful {
  /**
   * A snapshot made of plain objects, arrays, numbers (NaN, ±Infinity and -0 included), strings,
   * booleans, null, undefined, Float32Array, Float64Array and Int32Array; checkpoints keep it
   * exactly and refuse anything else (Map, Date, class instances, functions).
   */
  stateDict(): unknown;
  /**
   * Restores a snapshot. It should check the whole snapshot before changing anything and throw a
   * LacunaError when it does not fit: `fit` then puts back whatever it had already restored.
   */
  loadStateDict(state: never): void;
}

/** An optimizer as the loop uses it (every @lacuna/optim optimizer fits). */
export interface TrainableOptimizer extends Stateful {
  /** Clears the parameters' gradients. */
  zeroGrad(): void;
  /** Applies one update. */
  step(): void;
}

/** Loss and accuracy (accuracy only for integer labels). */
export interface Metrics {
  /** Mean loss over the examples. */
  loss: number;
  /** Fraction classified correctly, or null when targets are not class labels. */
  accuracy: number | null;
}

/** One epoch's record. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Training-set metrics, measured in inference mode after the epoch (not the running average). */
  train: Metrics;
  /** Validation metrics, when a validation set was given. */
  validation: Metrics | null;
  /** Wall-clock seconds the epoch's training took. */
  seconds: number;
}

/** Everything a checkpoint holds: enough to continue bit for bit. */
export interface TrainingState {
  /** The last finished epoch. */
  epoch: number;
  /** Parameters and buffers. */
  model: Map<string, Tensor>;
  /** Each stateful object's snapshot (the optimizer under 'optimizer'). */
  stateful: Record<string, unknown>;
  /** Each generator's state (dropout layers under 'dropout:<name>'). */
  generators: Record<string, GeneratorState>;
  /** The epochs so far. */
  history: EpochLog[];
}

/** Where checkpoints go: files in Node (`fileCheckpointer` in @lacuna/layers/node), or memory. */
export interface Checkpointer {
  /** Persists a state; a crash during save must leave the previous one intact. */
  save(state: TrainingState): Promise<void>;
  /** The latest saved state, or null. */
  load(): Promise<TrainingState | null>;
}

/** Hooks called during {@link fit}. Returning 'stop' from onEpochEnd ends training early. */
export interface Callback {
  /** Before each epoch. */
  onEpochStart?(epoch: number, epochs: number): void;
  /** After each batch, with its loss. */
  onBatchEnd?(batch: number, batches: number | null, loss: number): void;
  /**
   * After each epoch's evaluation and before its checkpoint is saved, so that state stepped here
   * (a schedule registered under `stateful`) is part of the checkpoint.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: `async () => {}` returns Promise<void>, which Promise<undefined | 'stop'> would refuse.
  onEpochEnd?(log: EpochLog): void | 'stop' | Promise<void | 'stop'>;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Training batches; each `batches()` call is one epoch. */
  data: BatchSource;
  /** The optimizer, over the model's parameters. */
  optimizer: TrainableOptimizer;
  /** Loss of (model output, targets), e.g. crossEntropy. */
  loss: (output: Tensor, targets: Tensor) => Tensor;
  /** Epochs to train in total (a resumed run continues up to this number). */
  epochs: number;
  /** The training set for the end-of-epoch metrics (default: none). */
  trainEval?: Batch;
  /** A validation set, evaluated after each epoch in inference mode. */
  validation?: Batch;
  /** Batch size for evaluation (default 1000). */
  evalBatchSize?: number;
  /** Hooks: progress, early stopping, logging. */
  callbacks?: Callback[];
  /** Saves a checkpoint after every epoch. */
  checkpoint?: Checkpointer;
  /** Continue from the checkpoint's latest state when there is one, once it is checked to fit this run. */
  resume?: boolean;
  /** Generators that are not inside the model (the data loader's) to save and restore. */
  generators?: Record<string, Generator>;
  /** More state to save and restore (schedules). */
  stateful?: Record<string, Stateful>;
  /** Called after each optimizer step (a schedule's step, max-norm). */
  afterStep?: () => void;
}

// Every key of FitOptions: a record, so the compiler flags a key missing from or extra to it.
const FIT_KEYS = Object.keys({
  data: 1,
  optimizer: 1,
  loss: 1,
  epochs: 1,
  trainEval: 1,
  validation: 1,
  evalBatchSize: 1,
  callbacks: 1,
  checkpoint: 1,
  resume: 1,
  generators: 1,
  stateful: 1,
  afterStep: 1,
} satisfies Record<keyof FitOptions, 1>);

/** What {@link fit} returns. */
export interface History {
  /** One log per epoch, including epochs before a resume. */
  epochs: EpochLog[];
  /** Epoch the run started from (0, or the checkpoint's epoch when resumed). */
  resumedFrom: number;
  /** Whether a callback stopped training early. */
  stopped: boolean;
}

/**
 * Loss and accuracy of a model on a set, in inference mode, without recording a graph, in
 * batches. The model's modes are restored afterwards.
 *
 * @example
 * ```ts
 * import { crossEntropy, evaluate, Linear } from '@lacuna/layers';
 * import { Generator, tensor } from '@lacuna/tensor';
 * const net = new Linear(2, 2, { generator: new Generator(0) });
 * evaluate(net, { x: tensor([[1, 2]]), y: tensor([1], { dtype: 'int32' }) }, crossEntropy);
 * ```
 */
export function evaluate(
  model: Module,
  data: Batch,
  loss: (output: Tensor, targets: Tensor) => Tensor,
  batchSize = 1000,
): Metrics {
  const restoreModes = model.saveModes();
  model.eval();
  try {
    return noGrad(() => {
      const n = data.x.shape[0] ?? 0;
      const classify = data.y.dtype === 'int32' && data.y.rank === 1;
      let totalLoss = 0;
      let correct = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const rows = (t: Tensor) => {
          const row = t.size / n;
          return new (t.constructor as typeof Tensor)(
            t.storage.subarray(start * row, end * row),
            [end - start, ...t.shape.slice(1)],
            t.dtype,
          );
        };
        const out = model.forward(rows(data.x));
        const y = rows(data.y);
        totalLoss += loss(out, y).item() * (end - start);
        if (classify) correct += sum(equal(argmax(out, 1), y)).item();
      }
      return {
        loss: totalLoss / Math.max(n, 1),
        accuracy: classify ? correct / Math.max(n, 1) : null,
      };
    });
  } finally {
    restoreModes();
  }
}

function dropoutLayers(model: Module): [string, DropoutLayer][] {
  return model
    .namedModules()
    .filter((e): e is [string, DropoutLayer] => e[1] instanceof DropoutLayer);
}

/**
 * A reusable training loop: epochs over a batch source, an optimizer step per batch, metrics on
 * the training and validation sets after each epoch, callbacks, and a checkpoint after each epoch
 * holding the model, the optimizer, every generator (the dropout layers' and the data loader's)
 * and the history. With `resume`, a run killed at any point continues from its last checkpoint
 * and ends with parameters bit-identical to an uninterrupted run with the same seed.
 *
 * Order within an epoch: `onEpochStart` callbacks, the batches (each: zeroGrad, forward, loss,
 * backward, `optimizer.step()`, `afterStep`, `onBatchEnd`), evaluation, `onEpochEnd` callbacks,
 * then the checkpoint. Rule: anything a callback changes that the run depends on (a schedule
 * stepped in `onEpochEnd`) must be registered under `stateful`; since the checkpoint is written
 * after every callback has run, it holds that change and a resumed run matches an uninterrupted
 * one. State kept inside a callback itself (earlyStopping's counter) is not saved.
 *
 * On resume, the checkpoint is checked against this run before anything is restored: the epoch is
 * an integer in `0..epochs`; there is exactly one entry for the optimizer, for each `stateful`
 * object and for each generator (the `generators` option's and every dropout layer's, under
 * `dropout:<name>`), no missing and no unknown one; each generator state is well-formed; the
 * history holds `epoch` well-formed logs numbered 1..epoch. Then the model, the stateful objects
 * and the generators are restored; if any `loadStateDict` refuses its part, the parts already
 * restored are put back. Any failure is a {@link CheckpointError} (or the model's own ShapeError /
 * DTypeError) naming the part, and the run is left untouched.
 *
 * @param model - The model (set to training mode for each epoch).
 * @param options - See {@link FitOptions}.
 * @throws CheckpointError when `resume` finds a checkpoint that does not fit this run.
 * @example
 * ```ts
 * import { crossEntropy, Dropout, fit, Linear, ReLU, Sequential } from '@lacuna/layers';
 * import { Generator, randint, uniform } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const net = new Sequential(new Linear(2, 16, { generator: g }), new ReLU(), new Dropout(0.5, { generator: g.fork() }), new Linear(16, 2, { generator: g }));
 * const x = uniform([64, 2], { generator: g });
 * const y = randint(0, 2, [64], { generator: g });
 * const optimizer = { zeroGrad: () => net.zeroGrad(), step: () => {}, stateDict: () => ({}), loadStateDict: () => {} };
 * const history = await fit(net, { data: { batches: () => [{ x, y }] }, optimizer, loss: crossEntropy, epochs: 2 });
 * ```
 */
export async function fit(model: Module, options: FitOptions): Promise<History> {
  checkOptionKeys('fit', options, FIT_KEYS);
  const { data, optimizer, loss, epochs, callbacks = [], checkpoint } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new LacunaError('fit', 'epochs', `must be a positive integer, got ${epochs}`);
  if (options.resume && !checkpoint)
    throw new LacunaError('fit', 'resume', 'needs a checkpoint to resume from');
  const stateful: Record<string, Stateful> = { optimizer, ...options.stateful };
  const generators = (): Record<
    string,
    { get(): GeneratorState; set(s: GeneratorState): void }
  > => ({
    ...Object.fromEntries(
      Object.entries(options.generators ?? {}).map(([k, g]) => [
        k,
        { get: () => g.getState(), set: (s: GeneratorState) => g.setState(s) },
      ]),
    ),
    ...Object.fromEntries(
      dropoutLayers(model).map(([name, layer]) => [
        `dropout:${name}`,
        { get: () => layer.randomState(), set: (s: GeneratorState) => layer.setRandomState(s) },
      ]),
    ),
  });

  let history: EpochLog[] = [];
  let start = 0;
  if (options.resume) {
    const saved = await checkpoint!.load();
    if (saved) {
      // Checks the whole state against this run, then restores it all or nothing.
      const restored = restoreTrainingState(saved, {
        model,
        stateful,
        generators: generators(),
        epochs,
      });
      history = restored.history;
      start = restored.epoch;
    }
  }

  let stopped = false;
  for (let epoch = start + 1; epoch <= epochs && !stopped; epoch++) {
    for (const cb of callbacks) cb.onEpochStart?.(epoch, epochs);
    model.train();
    const began = performance.now();
    const batches = data.batches();
    const count = Array.isArray(batches)
      ? batches.length
      : ((data as { numBatches?: number }).numBatches ?? null);
    let i = 0;
    for (const batch of batches) {
      optimizer.zeroGrad();
      const value = loss(model.forward(batch.x), batch.y);
      backward(value);
      optimizer.step();
      options.afterStep?.();
      i++;
      for (const cb of callbacks) cb.onBatchEnd?.(i, count, value.item());
    }
    const seconds = (performance.now() - began) / 1000;
    const log: EpochLog = {
      epoch,
      train: options.trainEval
        ? evaluate(model, options.trainEval, loss, options.evalBatchSize)
        : { loss: Number.NaN, accuracy: null },
      validation: options.validation
        ? evaluate(model, options.validation, loss, options.evalBatchSize)
        : null,
      seconds,
    };
    history.push(log);
    // Callbacks first, checkpoint after: whatever they step (a schedule) is in the checkpoint.
    for (const cb of callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stopped = true;
    if (checkpoint) {
      const gens = generators();
      await checkpoint.save({
        epoch,
        model: model.stateDict(),
        stateful: Object.fromEntries(Object.entries(stateful).map(([k, s]) => [k, s.stateDict()])),
        generators: Object.fromEntries(Object.entries(gens).map(([k, g]) => [k, g.get()])),
        history,
      });
    }
  }
  return { epochs: history, resumedFrom: start, stopped };
}

/**
 * Early stopping: stops when the validation loss has not improved by `minDelta` for `patience`
 * epochs.
 *
 * @example
 * ```ts
 * import { earlyStopping } from '@lacuna/layers';
 * const stopper = earlyStopping({ patience: 3 });
 * ```
 */
export function earlyStopping(options: { patience: number; minDelta?: number }): Callback {
  checkOptionKeys('earlyStopping', options, ['patience', 'minDelta']);
  let best = Number.POSITIVE_INFINITY;
  let waited = 0;
  return {
    onEpochEnd(log) {
      const current = log.validation?.loss ?? log.train.loss;
      if (current < best - (options.minDelta ?? 0)) {
        best = current;
        waited = 0;
        return;
      }
      waited++;
      return waited >= options.patience ? 'stop' : undefined;
    },
  };
}

/** A {@link Checkpointer} that also exposes what it holds. */
export interface MemoryCheckpointer extends Checkpointer {
  /** The latest saved state (a copy), or null before the first save. */
  readonly latest: TrainingState | null;
}

/**
 * A checkpointer that keeps the latest state in memory (tests, browsers).
 *
 * @example
 * ```ts
 * import { memoryCheckpointer } from '@lacuna/layers';
 * const checkpoint = memoryCheckpointer();
 * ```
 */
export function memoryCheckpointer(): MemoryCheckpointer {
  const store: { latest: TrainingState | null } = { latest: null };
  return {
    get latest() {
      return store.latest;
    },
    async save(state) {
      store.latest = {
        ...structuredClone({ ...state, model: null }),
        model: new Map(
          [...state.model].map(([k, t]) => [
            k,
            new (t.constructor as typeof Tensor)(t.data(), t.shape, t.dtype),
          ]),
        ),
      };
    },
    async load() {
      return store.latest;
    },
  };
}
