import { backward } from '@lacuna/autograd';
import {
  add,
  checkOptionKeys,
  LacunaError,
  mul,
  optionBoolean,
  scope,
  type Tensor,
} from '@lacuna/tensor';
import { checkAlpha, symmetricKlDivergence } from '../losses/r-drop.js';
import type { Module } from '../module.js';
import type { CheckpointError } from './checkpoint-error.js';
import { captureTrainingState, generatorSlots } from './checkpointing.js';
import { evaluate } from './evaluate.js';
import {
  type Batch,
  type BatchSource,
  type Callback,
  type Checkpointer,
  type EpochLog,
  FIT_KEYS,
  type FitOptions,
  type History,
  type Stateful,
} from './fit-types.js';
import { type RunState, restoreTrainingState } from './resume.js';

/**
 * A reusable training loop: epochs over a batch source, an optimizer step per batch, metrics on
 * the training and validation sets after each epoch, callbacks, and a checkpoint after each epoch
 * holding the model, the optimizer, every generator (the dropout layers' and the data loader's)
 * and the history. With `resume`, a run killed at any point continues from its last checkpoint
 * and ends with parameters bit-identical to an uninterrupted run with the same seed.
 *
 * Order within an epoch: `onEpochStart` callbacks, the batches (each: zeroGrad, forward (twice
 * with `rDrop`), loss, backward, `optimizer.step()`, `afterStep`, zeroGrad, `onBatchEnd`),
 * evaluation, `onEpochEnd` callbacks, then the checkpoint. Each step runs in a `scope` (from
 * `@lacuna/tensor`): its
 * tensors (the model's, the loss's, `afterStep`'s) are released when it ends and the next step
 * reuses their memory; the gradients are cleared before it ends, so read them in `afterStep`, not
 * in `onBatchEnd`, and pass to `keep()` any tensor made in the step that must outlive it. Rule: anything a callback changes that the run depends on (a schedule
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
  checkFitOptions(options);
  const { epochs, callbacks = [], checkpoint } = options;
  const stateful: Record<string, Stateful> = { optimizer: options.optimizer, ...options.stateful };
  // Built at each use: the dropout layers' generators are found by walking the model.
  const run = (): RunState => ({
    model,
    stateful,
    generators: generatorSlots(model, options.generators),
    epochs,
  });

  const { epoch: resumedFrom, history } =
    options.resume && checkpoint ? await resume(checkpoint, run) : { epoch: 0, history: [] };
  let stopped = false;
  for (let epoch = resumedFrom + 1; epoch <= epochs && !stopped; epoch++) {
    for (const cb of callbacks) cb.onEpochStart?.(epoch, epochs);
    const seconds = trainEpoch(model, options, callbacks);
    const log: EpochLog = { epoch, ...measure(model, options), seconds };
    history.push(log);
    // Callbacks first, checkpoint after: whatever they step (a schedule) is in the checkpoint.
    for (const cb of callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stopped = true;
    if (checkpoint) await checkpoint.save(captureTrainingState(run(), epoch, history));
  }
  return { epochs: history, resumedFrom, stopped };
}

function checkFitOptions(options: FitOptions): void {
  checkOptionKeys('fit', options, FIT_KEYS);
  optionBoolean('fit', 'regularization', options.regularization, false);
  if (options.rDrop !== undefined) {
    checkOptionKeys('fit', options.rDrop, ['alpha'], 'rDrop');
    checkAlpha('fit', 'rDrop.alpha', options.rDrop.alpha);
  }
  const { epochs } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new LacunaError('fit', 'epochs', `must be a positive integer, got ${epochs}`);
  if (options.resume && !options.checkpoint)
    throw new LacunaError('fit', 'resume', 'needs a checkpoint to resume from');
}

/** The checkpoint's epoch and history, restored into the run; epoch 0 when there is none yet. */
async function resume(
  checkpoint: Checkpointer,
  run: () => RunState,
): Promise<{ epoch: number; history: EpochLog[] }> {
  const saved = await checkpoint.load();
  // Checks the whole state against this run, then restores it all or nothing.
  return saved ? restoreTrainingState(saved, run()) : { epoch: 0, history: [] };
}

/** One pass over the training batches in training mode; returns the seconds it took. */
function trainEpoch(model: Module, options: FitOptions, callbacks: Callback[]): number {
  const { data, optimizer } = options;
  model.train();
  const began = performance.now();
  const batches = data.batches();
  const count = batchCount(data, batches);
  let i = 0;
  for (const batch of batches) {
    // One scope per step: activations and gradients are released at its end and their memory
    // reused by the next step. The gradients are cleared before it ends (the next step would
    // clear them anyway): a gradient still held by a parameter would outlive the scope, copied
    // out to fresh memory every step.
    const value = scope(() => {
      optimizer.zeroGrad();
      const lossValue = stepLoss(model, batch, options);
      backward(lossValue);
      optimizer.step();
      options.afterStep?.();
      optimizer.zeroGrad();
      return lossValue.item();
    });
    i++;
    for (const cb of callbacks) cb.onBatchEnd?.(i, count, value);
  }
  return (performance.now() - began) / 1000;
}

/**
 * A step's loss: `loss(model(x), y)`, plus `model.regularization()` when asked; with `rDrop`, two
 * passes over the same `x` (each with its own masks) and
 * `Σₖ [loss(zᵏ, y) + regularization] + α·symmetricKlDivergence(z¹, z²)`.
 */
function stepLoss(model: Module, batch: Batch, options: FitOptions): Tensor {
  const { loss, rDrop } = options;
  const regularize = optionBoolean('fit', 'regularization', options.regularization, false);
  if (!rDrop) {
    const dataLoss = loss(model.forward(batch.x), batch.y);
    return regularize ? add(dataLoss, model.regularization()) : dataLoss;
  }
  const first = model.forward(batch.x);
  const second = model.forward(batch.x);
  const both = add(loss(first, batch.y), loss(second, batch.y));
  const total = add(both, mul(symmetricKlDivergence(first, second), rDrop.alpha));
  return regularize ? add(total, mul(model.regularization(), 2)) : total;
}

/** An epoch's batch count when known without iterating: an array's length, a DataLoader's `numBatches`. */
function batchCount(data: BatchSource, batches: Iterable<unknown>): number | null {
  if (Array.isArray(batches)) return batches.length;
  return (data as { numBatches?: number }).numBatches ?? null;
}

/** End-of-epoch metrics in inference mode: the `trainEval` set's (NaN loss without one) and the validation set's. */
function measure(model: Module, options: FitOptions): Pick<EpochLog, 'train' | 'validation'> {
  const { loss, trainEval, validation, evalBatchSize } = options;
  return {
    train: trainEval
      ? evaluate(model, trainEval, loss, evalBatchSize)
      : { loss: Number.NaN, accuracy: null },
    validation: validation ? evaluate(model, validation, loss, evalBatchSize) : null,
  };
}
