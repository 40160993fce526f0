/**
 * What `fit` puts in a checkpoint and where it finds it: the generators of a run, the state
 * captured after an epoch, and a checkpointer that keeps it in memory. The checks and the
 * all-or-nothing restore are in `resume.ts`; the file checkpointer is in `../node.ts`.
 */
import type { Generator, Tensor } from '@lacuna/tensor';
import { DropoutLayer } from '../dropout/base.js';
import type { Module } from '../module.js';
import type { Checkpointer, EpochLog, TrainingState } from './fit-types.js';
import type { GeneratorSlot, RunState } from './resume.js';

/**
 * Every generator a run saves and restores: the `generators` option's under their own keys, and
 * each dropout layer's under `dropout:<name>` (its path in the model).
 *
 * @internal
 */
export function generatorSlots(
  model: Module,
  generators: Record<string, Generator> = {},
): Record<string, GeneratorSlot> {
  return {
    ...Object.fromEntries(
      Object.entries(generators).map(([k, g]) => [
        k,
        { get: () => g.getState(), set: (s) => g.setState(s) } satisfies GeneratorSlot,
      ]),
    ),
    ...Object.fromEntries(
      dropoutLayers(model).map(([name, layer]) => [
        `dropout:${name}`,
        {
          get: () => layer.randomState(),
          set: (s) => layer.setRandomState(s),
        } satisfies GeneratorSlot,
      ]),
    ),
  };
}

function dropoutLayers(model: Module): [string, DropoutLayer][] {
  return model
    .namedModules()
    .filter((e): e is [string, DropoutLayer] => e[1] instanceof DropoutLayer);
}

/**
 * The state a checkpoint holds after `epoch`: the model's parameters and buffers, each stateful
 * object's snapshot, each generator's state, and the history so far.
 *
 * @internal
 */
export function captureTrainingState(
  run: RunState,
  epoch: number,
  history: EpochLog[],
): TrainingState {
  return {
    epoch,
    model: run.model.stateDict(),
    stateful: Object.fromEntries(Object.entries(run.stateful).map(([k, s]) => [k, s.stateDict()])),
    generators: Object.fromEntries(Object.entries(run.generators).map(([k, g]) => [k, g.get()])),
    history,
  };
}

/** A copy of named tensors that shares no storage with them. @internal */
export function copyTensors(tensors: Map<string, Tensor>): Map<string, Tensor> {
  return new Map(
    [...tensors].map(([k, t]) => [
      k,
      new (t.constructor as typeof Tensor)(t.data(), t.shape, t.dtype),
    ]),
  );
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
        model: copyTensors(state.model),
      };
    },
    async load() {
      return store.latest;
    },
  };
}
