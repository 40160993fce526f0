import { Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from './safetensors.js';

/** A file with the given header JSON and `data` bytes after it. */
function withHeader(json: string, data = new Uint8Array(0)): Uint8Array {
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const weights = () => new Map([['w', tensor([1, 2])]]);

function refused(run: () => unknown, pattern: RegExp): void {
  expect(run).toThrow(SafetensorsError);
  expect(run).toThrow(pattern);
}

describe('serializeSafetensors refuses what it could not read back', () => {
  it('metadata values that are not strings (wrote files parseSafetensors refused)', () => {
    for (const [value, got] of [
      [3, '3 \\(a number\\)'],
      [true, 'true \\(a boolean\\)'],
      [null, 'null'],
      [{ a: '1' }, 'an object \\(Object\\)'],
      [['1'], 'an array of length 1'],
    ] as const) {
      refused(
        () => serializeSafetensors(weights(), { epoch: value } as never),
        new RegExp(
          `serializeSafetensors: argument 'metadata\\.epoch' must be a string \\(safetensors metadata holds only strings\\), got ${got}`,
        ),
      );
    }
    const bytes = serializeSafetensors(weights(), { epoch: '3', note: '' });
    expect(parseSafetensors(bytes).metadata).toEqual({ epoch: '3', note: '' });
  });

  it('metadata that is not a plain object', () => {
    refused(
      () => serializeSafetensors(weights(), ['x'] as never),
      /'metadata' must be a plain object of strings, got an array of length 1/,
    );
    refused(
      () => serializeSafetensors(weights(), new Map([['a', 'b']]) as never),
      /'metadata' must be a plain object of strings, got an object \(Map\)/,
    );
    refused(() => serializeSafetensors(weights(), null as never), /got null/);
  });

  it('tensors that are not a Map of tensors', () => {
    refused(
      () => serializeSafetensors({ w: tensor([1]) } as never),
      /'tensors' must be a Map of tensors by name, got an object \(Object\)/,
    );
    refused(
      () => serializeSafetensors(new Map([['w', [1, 2]]]) as never),
      /'tensors\.w' must be a tensor/,
    );
    refused(
      () =>
        serializeSafetensors(
          new Map([['w', { dtype: 'float32', shape: [3], storage: new Float32Array(2) }]]) as never,
        ),
      /'tensors\.w' has 2 stored elements, but its shape \[3\] needs 3/,
    );
    refused(
      () => serializeSafetensors(new Map([[1, tensor([1])]]) as never),
      /has a name that is not a string: 1 \(a number\)/,
    );
  });

  it('a tensor-like value that fits is written like a tensor', () => {
    const like = { dtype: 'float32', shape: [2], storage: Float32Array.of(1, 2) };
    const bytes = serializeSafetensors(new Map([['w', like]]) as never);
    expect(bytes).toEqual(serializeSafetensors(weights()));
  });
});

describe('names that are special in JavaScript round-trip', () => {
  it('own length/buffer/byteOffset/byteLength properties on the storage cannot change what is written', () => {
    const honest = serializeSafetensors(new Map([['w', tensor([1, 2, 3, 4])]]));
    const storage = new Float32Array([1, 2, 3, 4]);
    const decoy = new Float32Array([9, 9, 9, 9, 9, 9, 9, 9]);
    // Before: the header used storage.length and the data came from storage.buffer etc.
    Object.defineProperties(storage, {
      length: { value: 8 },
      buffer: { value: decoy.buffer },
      byteOffset: { value: 4 },
      byteLength: { value: 28 },
    });
    const hostile = serializeSafetensors(
      new Map([['w', { dtype: 'float32', shape: [4], storage } as unknown as Tensor]]),
    );
    expect(hostile).toEqual(honest);
  });

  it('a tensor named __proto__ (was dropped from the header, which then did not match the data)', () => {
    const tensors = new Map([
      ['__proto__', tensor([1, 2])],
      ['constructor', tensor([3])],
      ['w', tensor([[4, 5]])],
    ]);
    const bytes = serializeSafetensors(tensors);
    const back = parseSafetensors(bytes);
    expect([...back.tensors.keys()]).toEqual(['__proto__', 'constructor', 'w']);
    expect(back.tensors.get('__proto__')!.toArray()).toEqual([1, 2]);
    expect(back.tensors.get('constructor')!.toArray()).toEqual([3]);
    expect(back.tensors.get('w')!.toArray()).toEqual([[4, 5]]);
  });

  it('a __proto__ metadata key from parsed JSON round-trips as data', () => {
    const metadata = JSON.parse('{"__proto__": "x", "format": "pt"}') as Record<string, string>;
    const back = parseSafetensors(serializeSafetensors(new Map([['b', tensor([1])]]), metadata));
    expect(Object.hasOwn(back.metadata, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value).toBe('x');
    expect(back.metadata.format).toBe('pt');
  });
});

describe('parseSafetensors', () => {
  it('refuses __metadata__ that is an array (was accepted)', () => {
    refused(
      () => parseSafetensors(withHeader('{"__metadata__":["a","b"]}'), 'f.safetensors'),
      /parseSafetensors: argument 'f\.safetensors' has __metadata__ that is not an object of strings/,
    );
    refused(() => parseSafetensors(withHeader('{"__metadata__":[]}')), /__metadata__/);
    expect(parseSafetensors(withHeader('{"__metadata__":{"a":"b"}}')).metadata).toEqual({
      a: 'b',
    });
  });
});

describe('safetensors keeps float32 bits exactly', () => {
  it('a signalling NaN payload survives parse and serialize (it was quieted)', () => {
    const bits = Uint32Array.of(0x7f810000, 0xffc00001, 0x3f800000);
    const w = new Tensor(new Float32Array(bits.buffer), [3]);
    const parsed = parseSafetensors(serializeSafetensors(new Map([['w', w]])));
    const back = parsed.tensors.get('w')!.storage as Float32Array;
    expect(Array.from(new Uint32Array(back.buffer, back.byteOffset, 3))).toEqual(Array.from(bits));
  });
});
