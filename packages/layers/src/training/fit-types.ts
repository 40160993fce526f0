/**
 * The types of the training loop: what `fit` takes (batches, an optimizer, callbacks, a
 * checkpointer), what it records per epoch, and what a checkpoint holds.
 */
import type { Generator, GeneratorState, Tensor } from '@lacuna/tensor';

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
  /**
   * After each batch, with its 1-based number, the epoch's batch count (an array's length or the
   * source's `numBatches`; null when unknown) and its loss.
   */
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
  /**
   * Called after each optimizer step, inside the step's scope and before its gradients are
   * cleared (a schedule's step, max-norm, logging gradient norms). Tensors made here are released
   * with the step unless passed to `keep()`.
   */
  afterStep?: () => void;
  /**
   * Add `model.regularization()` (every module's extra loss term: KL divergences of variational
   * layers, learned-rate regularisers) to the loss of each training step, making the objective
   * the scaled negative ELBO for variational layers. The batch loss passed to `onBatchEnd` is
   * then that total; evaluation reports the data loss alone. Default false.
   */
  regularization?: boolean;
  /**
   * Train with R-Drop (Liang et al. 2021), for a classifier whose outputs are logits [N, C]
   * (symmetricKlDivergence's ShapeError otherwise): each step runs the model twice on the same batch
   * tensor (no concatenated copy), each pass drawing its own dropout masks from the layers'
   * generators in turn, and minimises `loss(z¹, y) + loss(z², y) + α·symmetricKlDivergence(z¹, z²)`;
   * with `loss: crossEntropy` this is `rDropLoss(z¹, z², y, { alpha })`. With `regularization`,
   * `model.regularization()` is added once per pass (twice), keeping its weight against the data
   * term what it is in a plain run. Memory: the two passes' activations live until backward, no
   * more. Evaluation stays one pass in inference mode with `loss`. Default: off.
   */
  rDrop?: RDropFitOptions;
}

/** Options of {@link FitOptions.rDrop}. */
export interface RDropFitOptions {
  /** α, finite and ≥ 0: the weight of the symmetric KL between the two passes. */
  alpha: number;
}

/**
 * Every key of {@link FitOptions}, for `fit`'s strict option check: written as a record, so the
 * compiler flags a key missing from or extra to the interface. @internal
 */
export const FIT_KEYS = Object.keys({
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
  regularization: 1,
  rDrop: 1,
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
