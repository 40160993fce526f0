import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, LacunaError, tensor } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../dropout/dropout.js';
import { BatchNorm1d } from '../modules/batch-norm.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from '../node.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from './safetensors.js';

const model = (seed: number) => {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(3, 4, { generator: g }),
    new BatchNorm1d(4),
    new Dropout(0.2, { generator: g }),
    new Linear(4, 2, { generator: g }),
  );
};

/**
 * An independent safetensors writer, written from the format description rather than with the
 * library's serializer: u64 little-endian header size, JSON header, raw little-endian bytes.
 */
function handWritten(
  entries: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[],
  headerOverride?: string,
): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const e of entries) {
    header[e.name] = {
      dtype: e.dtype,
      shape: e.shape,
      data_offsets: [offset, offset + e.bytes.length],
    };
    offset += e.bytes.length;
  }
  const json = new TextEncoder().encode(headerOverride ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const e of entries) {
    out.set(e.bytes, p);
    p += e.bytes.length;
  }
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer); // little-endian host

describe('safetensors', () => {
  it('reads a file made by an independent writer', () => {
    const bytes = handWritten([
      { name: 'weight', dtype: 'F32', shape: [2, 2], bytes: f32([1, -2, 3.5, 4]) },
      {
        name: 'steps',
        dtype: 'I32',
        shape: [1],
        bytes: new Uint8Array(new Int32Array([7]).buffer),
      },
      { name: 'mask', dtype: 'BOOL', shape: [3], bytes: new Uint8Array([1, 0, 1]) },
    ]);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('weight')?.toArray()).toEqual([
      [1, -2],
      [3.5, 4],
    ]);
    expect(tensors.get('steps')?.toArray()).toEqual([7]);
    expect(tensors.get('mask')?.toArray()).toEqual([true, false, true]);
  });

  it('round-trips exactly, with an 8-byte aligned data section', () => {
    const state = new Map([
      ['a', tensor([[Math.PI, -0, 1e-38, Number.MAX_VALUE > 0 ? 3.4e38 : 0]])],
      ['ß', tensor([1, 2], { dtype: 'int32' })],
    ]);
    const bytes = serializeSafetensors(state, { note: 'x' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = parseSafetensors(bytes);
    expect(back.tensors.get('a')?.data()).toEqual(state.get('a')?.data());
    expect(back.tensors.get('ß')?.toArray()).toEqual([1, 2]);
    expect(back.metadata).toEqual({ note: 'x' });
  });

  it('rejects malformed files with a clear error', () => {
    const good = [{ name: 'w', dtype: 'F32', shape: [2], bytes: f32([1, 2]) }];
    const bad = (bytes: Uint8Array, pattern: RegExp) => {
      expect(() => parseSafetensors(bytes, 'f.safetensors')).toThrow(SafetensorsError);
      expect(() => parseSafetensors(bytes, 'f.safetensors')).toThrow(pattern);
    };
    bad(new Uint8Array(5), /shorter than the 8-byte header length/);
    const huge = handWritten(good);
    new DataView(huge.buffer).setUint32(0, 0xffffffff, true);
    new DataView(huge.buffer).setUint32(4, 0xff, true);
    bad(huge, /over the 100000000-byte limit/);
    const long = handWritten(good);
    new DataView(long.buffer).setUint32(0, 5000, true);
    bad(long, /declares a 5000-byte header/);
    bad(handWritten(good, '{"w": '), /not valid UTF-8 JSON/);
    bad(handWritten(good, '[1,2]'), /not a JSON object/);
    bad(
      handWritten(good, '{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}'),
      /unsupported dtype "F64"/,
    );
    bad(handWritten(good, '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}'), /needs 12/);
    bad(
      handWritten(good, '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}'),
      /past the 8-byte data section/,
    );
    bad(
      handWritten(
        good,
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}',
      ),
      /overlaps/,
    );
    bad(handWritten(good, '{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'), /gap/);
    bad(
      handWritten(good, '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'),
      /4 trailing bytes/,
    );
    bad(
      handWritten(good, '{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}'),
      /invalid data_offsets/,
    );
  });
});

describe('checkpoints on disk', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lacuna-ckpt-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('save → load round-trips parameters and buffers exactly', async () => {
    const a = model(1);
    a.forward(
      tensor([
        [1, 2, 3],
        [0, 1, 0],
      ]),
    ); // moves batch-norm running statistics
    const path = join(dir, 'model.safetensors');
    await saveCheckpoint(path, a, { epoch: '3' });
    const b = model(2);
    const meta = await loadCheckpoint(path, b);
    expect(meta.epoch).toBe('3');
    for (const [name, t] of a.stateDict())
      expect(b.stateDict().get(name)?.data()).toEqual(t.data());
    expect([...a.stateDict().keys()]).toContain('1.runningMean');
    expect(await readdir(dir)).toEqual(['model.safetensors']); // no temporary file left behind
  });

  it('refuses checkpoints whose names, shapes or dtypes do not fit, writing nothing', async () => {
    const path = join(dir, 'small.safetensors');
    await saveCheckpoint(path, new Linear(3, 4, { generator: new Generator(0) }));
    const target = model(3);
    const before = target.parameters().map((p) => p.data());
    await expect(loadCheckpoint(path, target)).rejects.toThrow(
      /missing 0\.weight.*unexpected weight, bias/,
    );
    expect(target.parameters().map((p) => p.data())).toEqual(before);
    const wrongShape = new Linear(3, 5, { generator: new Generator(0) });
    await expect(loadCheckpoint(path, wrongShape)).rejects.toThrow(
      /'weight' has shape \[4,3\], expected \[5,3\]/,
    );
    await writeFile(join(dir, 'broken.safetensors'), new Uint8Array([1, 2, 3]));
    await expect(loadCheckpoint(join(dir, 'broken.safetensors'), wrongShape)).rejects.toThrow(
      LacunaError,
    );
  });

  it('writes atomically: a failed write leaves the old file intact and no temporary file', async () => {
    const path = join(dir, 'atomic.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFile(join(dir, 'a-file'), 'x');
    await expect(
      writeFileAtomic(join(dir, 'a-file', 'x.bin'), new Uint8Array([9])),
    ).rejects.toThrow(/a-file is a file/);
    // A "crash" between the temporary write and the rename: the destination keeps its old bytes.
    await expect(writeFileAtomic(path, { length: 1 } as unknown as Uint8Array)).rejects.toThrow();
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
