import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@lacuna/tensor';
import * as tensorNode from '@lacuna/tensor/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from './checkpoint/safetensors.js';
import { Linear } from './modules/linear.js';
import {
  FileError,
  fileCheckpointer,
  loadCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
} from './node.js';
import { CheckpointError } from './training/checkpoint-error.js';
import type { TrainingState } from './training/fit-types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-layers-node-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const linear = (seed: number) => new Linear(3, 2, { generator: new Generator(seed) });
const state = (): TrainingState => ({
  epoch: 1,
  model: linear(0).stateDict(),
  stateful: {},
  generators: {},
  history: [{ epoch: 1, train: { loss: 1, accuracy: null }, validation: null, seconds: 0 }],
});

describe('@lacuna/layers/node', () => {
  it('re-exports the one atomic writer of @lacuna/tensor/node', () => {
    expect(writeFileAtomic).toBe(tensorNode.writeFileAtomic);
    expect(FileError).toBe(tensorNode.FileError);
  });

  it('20 concurrent saveCheckpoint calls to one path all succeed and leave one valid file', async () => {
    const sub = join(dir, 'concurrent');
    const path = join(sub, 'model.safetensors');
    const models = Array.from({ length: 20 }, (_, i) => linear(i));
    await Promise.all(models.map((m, i) => saveCheckpoint(path, m, { run: String(i) })));
    expect(await readdir(sub)).toEqual(['model.safetensors']);
    const target = linear(99);
    const meta = await loadCheckpoint(path, target);
    const winner = models[Number(meta.run)]!;
    expect(target.parameters().map((p) => p.data())).toEqual(
      winner.parameters().map((p) => p.data()),
    );
  });

  it('saveCheckpoint refuses non-string metadata before writing anything', async () => {
    const path = join(dir, 'meta.safetensors');
    const bad = { epoch: 3 } as unknown as Record<string, string>;
    await expect(saveCheckpoint(path, linear(0), bad)).rejects.toThrow(SafetensorsError);
    await expect(saveCheckpoint(path, linear(0), bad)).rejects.toThrow(
      /saveCheckpoint: argument 'metadata\.epoch' must be a string \(safetensors metadata holds only strings\), got 3 \(a number\)/,
    );
    await expect(
      saveCheckpoint(path, linear(0), null as unknown as Record<string, string>),
    ).rejects.toThrow(/must be a plain object of strings, got null/);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    await saveCheckpoint(path, linear(0), { epoch: '3' });
    expect((await loadCheckpoint(path, linear(1))).epoch).toBe('3');
  });

  it("saveCheckpoint writes format 'lacuna' unless the metadata names its own format", async () => {
    const path = join(dir, 'format.safetensors');
    await saveCheckpoint(path, linear(0));
    expect(await loadCheckpoint(path, linear(1))).toEqual({ format: 'lacuna' });
    // Documented: the caller's format wins (Hugging Face's loaders want format 'pt').
    await saveCheckpoint(path, linear(0), { format: 'pt', epoch: '2' });
    expect(await loadCheckpoint(path, linear(1))).toEqual({ format: 'pt', epoch: '2' });
  });

  it('loadCheckpoint names the path of a missing file in a FileError', async () => {
    const call = loadCheckpoint(join(dir, 'nope.safetensors'), linear(0));
    await expect(call).rejects.toThrow(FileError);
    await expect(loadCheckpoint(join(dir, 'nope.safetensors'), linear(0))).rejects.toThrow(
      /loadCheckpoint: argument 'path' \(".*nope.safetensors"\) could not be read/,
    );
  });

  it('fileCheckpointer saves, loads, returns null when empty and refuses a corrupted file', async () => {
    const run = join(dir, 'run', 'deep');
    const checkpoint = fileCheckpointer(run);
    expect(await checkpoint.load()).toBeNull();
    await checkpoint.save(state());
    expect((await checkpoint.load())?.epoch).toBe(1);
    const file = join(run, 'training.safetensors');
    const bytes = new Uint8Array(await readFile(file));
    bytes[bytes.length - 1]! ^= 4;
    await writeFile(file, bytes);
    await expect(checkpoint.load()).rejects.toThrow(CheckpointError);
    await expect(checkpoint.load()).rejects.toThrow(/training.safetensors' fails its checksum/);
  });

  it.runIf(process.platform === 'linux')(
    "fileCheckpointer('/proc/…') fails fast with a FileError instead of hanging",
    async () => {
      const call = fileCheckpointer('/proc/lacuna-test/x').save(state());
      await expect(call).rejects.toThrow(FileError);
      await expect(fileCheckpointer('/proc/lacuna-test/x').save(state())).rejects.toThrow(
        /fileCheckpointer.save: argument 'dir'/,
      );
    },
  );
});
