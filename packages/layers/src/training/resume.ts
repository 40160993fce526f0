import {
  describeValue,
  type GeneratorState,
  isPlainObject,
  LacunaError,
  Tensor,
} from '@lacuna/tensor';
import type { Module } from '../module.js';
import { CheckpointError } from './checkpoint-error.js';
import { copyTensors } from './checkpointing.js';
import type { EpochLog, Stateful, TrainingState } from './fit-types.js';

/** A generator as the loop sees it: the data loader's, or a dropout layer's. @internal */
export interface GeneratorSlot {
  get(): GeneratorState;
  set(state: GeneratorState): void;
}

/** Everything a run would restore from a checkpoint. @internal */
export interface RunState {
  model: Module;
  stateful: Record<string, Stateful>;
  generators: Record<string, GeneratorSlot>;
  epochs: number;
}

const STATE_KEYS = ['epoch', 'model', 'stateful', 'generators', 'history'];
const LOG_KEYS = ['epoch', 'train', 'validation', 'seconds'];
const METRIC_KEYS = ['loss', 'accuracy'];
const GENERATOR_KEYS = ['algorithm', 'c', 's0', 's1', 's2'];

const fail = (argument: string, detail: string, cause?: unknown) =>
  new CheckpointError('fit', argument, detail, cause === undefined ? undefined : { cause });

/** Exactly the keys `expected`: names what is missing and what is unknown. */
function checkKeys(value: unknown, expected: readonly string[], argument: string): void {
  if (!isPlainObject(value))
    throw fail(argument, `must be a plain object, got ${describeValue(value)}`);
  const keys = Object.keys(value);
  const missing = expected.filter((k) => !Object.hasOwn(value, k));
  const unknown = keys.filter((k) => !expected.includes(k));
  if (missing.length || unknown.length)
    throw fail(
      argument,
      [
        missing.length ? `is missing ${missing.map((k) => `'${k}'`).join(', ')}` : '',
        unknown.length
          ? `has ${unknown.map((k) => `'${k}'`).join(', ')}, which this run does not have`
          : '',
      ]
        .filter(Boolean)
        .join(' and ') + ` (this run has ${expected.map((k) => `'${k}'`).join(', ') || 'none'})`,
    );
}

function checkGenerator(value: unknown, argument: string): void {
  checkKeys(value, GENERATOR_KEYS, argument);
  const s = value as Record<string, unknown>;
  if (s.algorithm !== 'alea')
    throw fail(`${argument}.algorithm`, `must be 'alea', got ${describeValue(s.algorithm)}`);
  const c = s.c;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 2 ** 32)
    throw fail(
      `${argument}.c`,
      `must be a non-negative integer (Alea's carry), got ${describeValue(c)}`,
    );
  for (const k of ['s0', 's1', 's2']) {
    const v = s[k];
    if (typeof v !== 'number' || !(v >= 0 && v < 1))
      throw fail(`${argument}.${k}`, `must be a number in [0, 1), got ${describeValue(v)}`);
  }
}

function checkMetrics(value: unknown, argument: string): void {
  checkKeys(value, METRIC_KEYS, argument);
  const m = value as Record<string, unknown>;
  // NaN is the loss of an epoch without `trainEval`; ±Infinity can be a real (diverged) loss.
  if (typeof m.loss !== 'number')
    throw fail(`${argument}.loss`, `must be a number, got ${describeValue(m.loss)}`);
  const a = m.accuracy;
  if (a !== null && !(typeof a === 'number' && a >= 0 && a <= 1))
    throw fail(
      `${argument}.accuracy`,
      `must be null or a number in [0, 1], got ${describeValue(a)}`,
    );
}

function checkHistory(value: unknown, epoch: number): void {
  if (!Array.isArray(value))
    throw fail('checkpoint.history', `must be an array of epoch logs, got ${describeValue(value)}`);
  if (value.length !== epoch)
    throw fail(
      'checkpoint.history',
      `holds ${value.length} epoch logs, but the checkpoint is at epoch ${epoch}`,
    );
  value.forEach((log: unknown, i) => {
    const at = `checkpoint.history[${i}]`;
    checkKeys(log, LOG_KEYS, at);
    const l = log as Record<string, unknown>;
    if (l.epoch !== i + 1)
      throw fail(`${at}.epoch`, `must be ${i + 1}, got ${describeValue(l.epoch)}`);
    checkMetrics(l.train, `${at}.train`);
    if (l.validation !== null) checkMetrics(l.validation, `${at}.validation`);
    if (typeof l.seconds !== 'number' || !(l.seconds >= 0) || l.seconds === Infinity)
      throw fail(`${at}.seconds`, `must be a finite number ≥ 0, got ${describeValue(l.seconds)}`);
  });
}

/**
 * Checks that `saved` holds exactly what this run needs, in the right form, before anything is
 * restored: an integer epoch in `0..epochs`, a Map of tensors for the model, one entry per
 * stateful object and per generator of this run (no more, no fewer), and a history of `epoch`
 * well-formed logs. The model's tensors and the stateful snapshots are checked by their own
 * `loadStateDict` while restoring.
 *
 * @internal
 */
export function checkTrainingState(saved: unknown, run: RunState): asserts saved is TrainingState {
  checkKeys(saved, STATE_KEYS, 'checkpoint');
  const s = saved as Record<string, unknown>;
  const epoch = s.epoch;
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0)
    throw fail('checkpoint.epoch', `must be a non-negative integer, got ${describeValue(epoch)}`);
  if (epoch > run.epochs)
    throw fail(
      'checkpoint.epoch',
      `is ${epoch}, past this run's ${run.epochs} epochs; raise 'epochs' to continue it`,
    );
  if (!(s.model instanceof Map))
    throw fail('checkpoint.model', `must be a Map of tensors, got ${describeValue(s.model)}`);
  for (const [k, t] of s.model)
    if (!(t instanceof Tensor))
      throw fail(
        'checkpoint.model',
        `entry ${JSON.stringify(k)} must be a Tensor, got ${describeValue(t)}`,
      );
  checkKeys(s.stateful, Object.keys(run.stateful), 'checkpoint.stateful');
  checkKeys(s.generators, Object.keys(run.generators), 'checkpoint.generators');
  for (const [k, g] of Object.entries(s.generators as Record<string, unknown>))
    checkGenerator(g, `checkpoint.generators.${k}`);
  checkHistory(s.history, epoch);
}

/** A deep copy for rollback; falls back to the value itself when it cannot be cloned. */
function copy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/**
 * Restores a checked state into the run, all or nothing: the model, then each stateful object,
 * then each generator. When any `loadStateDict` refuses its part, everything already restored is
 * put back as it was and a CheckpointError names the part (a refusal that is not a LacunaError is
 * wrapped, with the original as `cause`).
 *
 * @returns The checkpoint's epoch and a copy of its history.
 * @internal
 */
export function restoreTrainingState(
  saved: unknown,
  run: RunState,
): { epoch: number; history: EpochLog[] } {
  checkTrainingState(saved, run);
  const before = {
    model: copyTensors(run.model.stateDict()),
    stateful: Object.fromEntries(
      Object.entries(run.stateful).map(([k, s]) => [k, copy(s.stateDict())]),
    ),
    generators: Object.fromEntries(Object.entries(run.generators).map(([k, g]) => [k, g.get()])),
  };
  const undo: (() => void)[] = [];
  const step = (argument: string, apply: () => void, revert: () => void) => {
    try {
      apply();
    } catch (error) {
      // Best effort: put back every part in reverse order, then report the first refusal.
      for (const u of [revert, ...undo.reverse()]) {
        try {
          u();
        } catch {}
      }
      if (error instanceof LacunaError && argument === 'checkpoint.model') throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw fail(argument, `was refused: ${message}`, error);
    }
    undo.push(revert);
  };
  step(
    'checkpoint.model',
    () => run.model.loadStateDict(saved.model),
    () => run.model.loadStateDict(before.model),
  );
  for (const [k, s] of Object.entries(run.stateful))
    step(
      `checkpoint.stateful.${k}`,
      () => s.loadStateDict(copy(saved.stateful[k]) as never),
      () => s.loadStateDict(before.stateful[k] as never),
    );
  for (const [k, g] of Object.entries(run.generators))
    step(
      `checkpoint.generators.${k}`,
      () => g.set(saved.generators[k]!),
      () => g.set(before.generators[k]!),
    );
  return { epoch: saved.epoch, history: copy(saved.history) };
}
