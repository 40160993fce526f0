import { LacunaError, Tensor } from '@lacuna/tensor';
import { parseSafetensors, serializeSafetensors } from '../checkpoint/safetensors.js';
import type { TrainingState } from './fit.js';

const KEY = 'lacuna.training';

/**
 * Encodes a training state as one safetensors file: the model's tensors under `model.<name>`,
 * every long number array of the optimizer and schedules as a float32 tensor under `state.<i>`
 * (exact, since those arrays hold float32 values), and the rest (epoch, generator states, history,
 * small numbers) as JSON in the header's metadata. One file, so one atomic rename saves all of it.
 *
 * @example
 * ```ts
 * import { decodeTrainingState, encodeTrainingState } from '@lacuna/layers';
 * const bytes = encodeTrainingState({ epoch: 1, model: new Map(), stateful: {}, generators: {}, history: [] });
 * decodeTrainingState(bytes).epoch; // 1
 * ```
 */
export function encodeTrainingState(state: TrainingState): Uint8Array {
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of state.model) tensors.set(`model.${name}`, t);
  let next = 0;
  const json = JSON.stringify(
    {
      epoch: state.epoch,
      stateful: state.stateful,
      generators: state.generators,
      history: state.history,
    },
    (_, value) => {
      if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
      if (Array.isArray(value) && value.length > 8 && value.every((v) => typeof v === 'number')) {
        const name = `state.${next++}`;
        tensors.set(name, new Tensor(Float32Array.from(value), [value.length], 'float32'));
        return { $tensor: name };
      }
      return value;
    },
  );
  return serializeSafetensors(tensors, { [KEY]: json });
}

/**
 * Decodes a file written by {@link encodeTrainingState}.
 *
 * @param bytes - The file.
 * @param name - For error messages.
 */
export function decodeTrainingState(bytes: Uint8Array, name = 'bytes'): TrainingState {
  const { tensors, metadata } = parseSafetensors(bytes, name);
  const json = metadata[KEY];
  if (json === undefined)
    throw new LacunaError(
      'decodeTrainingState',
      name,
      `is a safetensors file without '${KEY}' metadata: not a training checkpoint`,
    );
  const rest = JSON.parse(json, (_, value) => {
    if (value && typeof value === 'object' && '$tensor' in value) {
      const t = tensors.get(value.$tensor);
      if (!t)
        throw new LacunaError(
          'decodeTrainingState',
          name,
          `refers to missing tensor '${value.$tensor}'`,
        );
      return Array.from(t.storage);
    }
    if (value && typeof value === 'object' && '$number' in value) return Number(value.$number);
    return value;
  });
  const model = new Map(
    [...tensors]
      .filter(([k]) => k.startsWith('model.'))
      .map(([k, t]) => [k.slice('model.'.length), t]),
  );
  return { ...rest, model };
}
