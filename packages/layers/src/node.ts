/**
 * `@lacuna/layers/node`: checkpoint files for Node.js. Writes go to a temporary file in the same
 * directory and are renamed into place, so a crash never leaves a half-written checkpoint.
 *
 * @packageDocumentation
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSafetensors, serializeSafetensors } from './checkpoint/safetensors.js';
import type { LoadStateDictOptions, Module } from './module.js';
import { decodeTrainingState, encodeTrainingState } from './training/encode.js';
import type { Checkpointer } from './training/fit.js';

/**
 * Writes `bytes` to `path` atomically: to a temporary sibling first (flushed to disk), then
 * renamed over `path`.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@lacuna/layers/node';
 * await writeFileAtomic('/tmp/example.bin', new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves a module's parameters and buffers to a safetensors file, atomically.
 *
 * @param path - Destination, conventionally `*.safetensors`.
 * @param module - The model.
 * @param metadata - Optional string metadata stored in the header.
 * @example
 * ```ts
 * import { Linear } from '@lacuna/layers';
 * import { loadCheckpoint, saveCheckpoint } from '@lacuna/layers/node';
 * import { Generator } from '@lacuna/tensor';
 * const fc = new Linear(2, 2, { generator: new Generator(0) });
 * await saveCheckpoint('/tmp/fc.safetensors', fc);
 * await loadCheckpoint('/tmp/fc.safetensors', new Linear(2, 2, { generator: new Generator(1) }));
 * ```
 */
export async function saveCheckpoint(
  path: string,
  module: Module,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(
    path,
    serializeSafetensors(module.stateDict(), { format: 'lacuna', ...metadata }),
  );
}

/**
 * Loads a safetensors file into a module, checking names, shapes and dtypes (see
 * `Module.loadStateDict`); returns the file's metadata.
 *
 * @param path - The checkpoint.
 * @param module - The model to fill.
 * @param options - `strict` (default true).
 */
export async function loadCheckpoint(
  path: string,
  module: Module,
  options: LoadStateDictOptions = {},
): Promise<Record<string, string>> {
  const { tensors, metadata } = parseSafetensors(new Uint8Array(await readFile(path)), path);
  module.loadStateDict(tensors, options);
  return metadata;
}

/**
 * A checkpointer for `fit` that keeps the latest training state in one safetensors file
 * (`<dir>/training.safetensors`), replaced atomically after every epoch: a run killed at any
 * moment resumes from its last finished epoch.
 *
 * @param dir - Directory for the checkpoint (created if missing).
 * @example
 * ```ts
 * import { fileCheckpointer } from '@lacuna/layers/node';
 * const checkpoint = fileCheckpointer('/tmp/run-1');
 * ```
 */
export function fileCheckpointer(dir: string): Checkpointer {
  const path = join(dir, 'training.safetensors');
  return {
    async save(state) {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(path, encodeTrainingState(state));
    },
    async load() {
      const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      return bytes ? decodeTrainingState(new Uint8Array(bytes), path) : null;
    },
  };
}
