/**
 * `@lacuna/layers/node`: checkpoint files and a metrics logger for Node.js. Checkpoint writes go
 * to a temporary file in the same directory and are renamed into place, so a crash never leaves a
 * half-written checkpoint.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, FileError, writeFileAtomic } from '@lacuna/tensor/node';
import {
  checkSafetensorsMetadata,
  parseSafetensors,
  serializeSafetensors,
} from './checkpoint/safetensors.js';
import type { LoadStateDictOptions, Module } from './module.js';
import { decodeTrainingState, encodeTrainingState } from './training/encode.js';
import type { Checkpointer } from './training/fit-types.js';

// One atomic-write helper for the whole workspace: re-exported so `@lacuna/layers/node` keeps it.
export { FileError, type WriteFileAtomicOptions, writeFileAtomic } from '@lacuna/tensor/node';
export type { MetricValue } from './training/metrics-format.js';
export { type MetricsLoggerOptions, metricsLogger } from './training/metrics-logger.js';

async function read(path: string, op: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && op === 'fileCheckpointer.load') return null;
    throw new FileError(
      op,
      'path',
      path,
      `could not be read: ${(error as Error).message}`,
      typeof code === 'string' ? code : undefined,
    );
  }
}

/**
 * Saves a module's parameters and buffers to a safetensors file, atomically.
 *
 * The header's metadata is `{ format: 'lacuna', ...metadata }`: a `format` key of your own
 * replaces `'lacuna'` (Hugging Face's loaders expect `format: 'pt'`, for one); nothing reads it
 * back, so this is only a label.
 *
 * @param path - Destination, conventionally `*.safetensors`.
 * @param module - The model.
 * @param metadata - Optional metadata stored in the header: a plain object of string values.
 * @throws SafetensorsError when the metadata is not a plain object of strings (checked before
 *   anything is written); FileError when the write fails.
 * @example
 * ```ts
 * import { Linear } from '@lacuna/layers';
 * import { loadCheckpoint, saveCheckpoint } from '@lacuna/layers/node';
 * import { Generator } from '@lacuna/tensor';
 * const fc = new Linear(2, 2, { generator: new Generator(0) });
 * await saveCheckpoint('fc.safetensors', fc, { epoch: '3' });
 * await loadCheckpoint('fc.safetensors', new Linear(2, 2, { generator: new Generator(1) }));
 * ```
 */
export async function saveCheckpoint(
  path: string,
  module: Module,
  metadata: Record<string, string> = {},
): Promise<void> {
  checkSafetensorsMetadata('saveCheckpoint', metadata);
  await writeFileAtomic(
    path,
    serializeSafetensors(module.stateDict(), { format: 'lacuna', ...metadata }),
    { at: { op: 'saveCheckpoint', argument: 'path' } },
  );
}

/**
 * Loads a safetensors file into a module, checking names, shapes and dtypes (see
 * `Module.loadStateDict`); returns the file's metadata. All or nothing: the module changes only
 * if the whole file parses and every tensor fits.
 *
 * @param path - The checkpoint.
 * @param module - The model to fill.
 * @param options - `strict` (default true: missing and unexpected names are errors).
 * @returns The file's string metadata (`format: 'lacuna'` and whatever `saveCheckpoint` was
 *   given).
 * @throws FileError when the file cannot be read (its path and the system code named);
 *   SafetensorsError when it is not a valid safetensors file; ShapeError, DTypeError or
 *   LacunaError (from `loadStateDict`) when its tensors do not fit the module.
 * @example
 * ```ts
 * import { Linear } from '@lacuna/layers';
 * import { loadCheckpoint, saveCheckpoint } from '@lacuna/layers/node';
 * import { Generator } from '@lacuna/tensor';
 * await saveCheckpoint('fc.safetensors', new Linear(2, 2, { generator: new Generator(0) }), { epoch: '3' });
 * const fc = new Linear(2, 2, { generator: new Generator(1) });
 * const metadata = await loadCheckpoint('fc.safetensors', fc);
 * console.log(metadata.epoch); // '3'
 * ```
 */
export async function loadCheckpoint(
  path: string,
  module: Module,
  options: LoadStateDictOptions = {},
): Promise<Record<string, string>> {
  const { tensors, metadata } = parseSafetensors((await read(path, 'loadCheckpoint'))!, path);
  module.loadStateDict(tensors, options);
  return metadata;
}

/**
 * A checkpointer for `fit` that keeps the latest training state in one safetensors file
 * (`<dir>/training.safetensors`), replaced atomically after every epoch: a run killed at any
 * moment resumes from its last finished epoch.
 *
 * The file carries a CRC-32 of its content; `load` refuses a corrupted or foreign file with a
 * typed error, and `fit` then checks that the state fits the run before restoring any of it.
 *
 * @param dir - Directory for the checkpoint (created if missing; a FileError when it cannot be).
 * @example
 * ```ts
 * import { fileCheckpointer } from '@lacuna/layers/node';
 * const checkpoint = fileCheckpointer('run-1');
 * ```
 */
export function fileCheckpointer(dir: string): Checkpointer {
  const path = join(dir, 'training.safetensors');
  return {
    async save(state) {
      const at = { op: 'fileCheckpointer.save', argument: 'dir' };
      // Not mkdir({recursive}): it never returns under /proc; ensureDir fails fast instead.
      await ensureDir(dir, at);
      await writeFileAtomic(path, encodeTrainingState(state), { at });
    },
    async load() {
      const bytes = await read(path, 'fileCheckpointer.load');
      return bytes ? decodeTrainingState(bytes, path) : null;
    },
  };
}
