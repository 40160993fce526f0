import { Generator, LacunaError, Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { serializeSafetensors } from '../checkpoint/safetensors.js';
import { Linear } from '../modules/linear.js';
import { firstDifference } from '../test-util/exact.js';
import { CheckpointError } from './checkpoint-error.js';
import { contentChecksum, decodeTrainingState, encodeTrainingState } from './encode.js';
import type { TrainingState } from './fit-types.js';

/** A custom Stateful's snapshot holding everything JSON or float32 would lose. */
const custom = () => ({
  // float64 values that are not float32-exact, in an array longer than 8
  f64: [0.1, 0.2, 1 / 3, Math.PI, 1e-300, -1e300, 2 ** -1074, 0.30000000000000004, 7, 8.5],
  special: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1, 2, 3, 4, 5],
  short: [-0, Number.NaN, 0.1],
  scalar: -0,
  inf: Number.NEGATIVE_INFINITY,
  // user objects that use the encoder's own tag names
  tag: { $number: 'NaN' },
  ref: { $tensor: 'state.0' },
  both: { $tensor: 'model.weight', $type: 'Float64Array', plain: 1 },
  dollars: { $$number: 'x', $: 1, $undefined: 1 },
  nothing: undefined,
  typed: {
    f32: Float32Array.from([1.5, -0, Number.NaN, 1e-45]),
    f64: Float64Array.from([0.1, -0, Number.NaN, 1e-310]),
    i32: Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0]),
    empty: new Float64Array(0),
  },
  mixed: [1, 'a', null, true, { x: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] }],
  nested: [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1]],
  // float32-exact long arrays (the optimizer's buffers) stay compact
  f32: Array.from(Float32Array.from({ length: 20 }, (_, i) => i / 3)),
  text: '{"$number":"NaN"} "lacuna.training.crc32":"00000000"',
});

function state(over: Partial<TrainingState> = {}): TrainingState {
  const fc = new Linear(3, 2, { generator: new Generator(0) });
  return {
    epoch: 2,
    model: fc.stateDict(),
    stateful: { optimizer: { lr: 0.1 }, custom: custom() },
    generators: { shuffle: new Generator(5).getState() },
    history: [
      { epoch: 1, train: { loss: Number.NaN, accuracy: null }, validation: null, seconds: 0.5 },
      { epoch: 2, train: { loss: 1.5, accuracy: 0.25 }, validation: null, seconds: 0.25 },
    ],
    ...over,
  };
}

describe('encodeTrainingState / decodeTrainingState', () => {
  it('round-trips a custom Stateful bit for bit: float64 arrays, NaN, ±Infinity, -0, $-keys, typed arrays, undefined', () => {
    const s = state();
    const back = decodeTrainingState(encodeTrainingState(s));
    expect(firstDifference(back.stateful, s.stateful)).toBeNull();
    expect(firstDifference(back.history, s.history)).toBeNull();
    expect(firstDifference(back.generators, s.generators)).toBeNull();
    expect(firstDifference(back.model, s.model)).toBeNull();
    const c = back.stateful.custom as ReturnType<typeof custom>;
    expect(c.f64[0]).toBe(0.1); // not Math.fround(0.1)
    expect(Object.is(c.special[3], -0)).toBe(true);
    expect(c.tag).toEqual({ $number: 'NaN' });
    expect(c.ref).toEqual({ $tensor: 'state.0' });
    expect(c.typed.f64).toBeInstanceOf(Float64Array);
    expect('nothing' in c).toBe(true);
  });

  it('keeps an own __proto__ or constructor key as data, never as a prototype', () => {
    const weird = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}');
    const back = decodeTrainingState(
      encodeTrainingState(state({ stateful: { optimizer: { weird } } })),
    );
    const w = (back.stateful.optimizer as { weird: Record<string, unknown> }).weird;
    expect(Object.getPrototypeOf(w)).toBe(Object.prototype);
    expect(Object.hasOwn(w, '__proto__')).toBe(true);
    expect(firstDifference(w, weird)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values it cannot store exactly, naming where they sit', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [new Map([[1, 2]]), /state\.stateful\.custom\.v' is an object \(Map\)/],
      [new Date(0), /is an object \(Date\)/],
      [{ f: () => 1 }, /state\.stateful\.custom\.v\.f' is a function/],
      [10n, /is 10 \(a bigint\)/],
      [new Array(3), /sparse array \(no element 0\)/],
      [cyclic, /refers back to itself/],
      [new (class Point {})(), /is an object \(Point\)/],
      [new Uint8Array(2), /is an object \(Uint8Array\)/],
    ];
    for (const [v, message] of cases) {
      const call = () => encodeTrainingState(state({ stateful: { custom: { v } } }));
      expect(call).toThrow(CheckpointError);
      expect(call).toThrow(message);
    }
  });

  it('stores float32-exact arrays as float32 and other arrays as float64 bits', () => {
    const bytes = encodeTrainingState(
      state({
        stateful: { a: { x: [0.5, 1, 2, 3, 4, 5, 6, 7, 8], y: [0.1, 1, 2, 3, 4, 5, 6, 7, 8] } },
      }),
    );
    const header = new TextDecoder().decode(
      bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))),
    );
    expect(header).toMatch(/"state\.0":\{"dtype":"F32","shape":\[9\]/);
    expect(header).toMatch(/"state\.1":\{"dtype":"I32","shape":\[9,2\]/);
  });

  it('detects a flipped bit anywhere: every outcome is a typed error or the exact state', () => {
    const s = state();
    const bytes = encodeTrainingState(s);
    let accepted = 0;
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 1 << (i % 8);
      let back: TrainingState;
      try {
        back = decodeTrainingState(bad, 'ckpt');
      } catch (error) {
        expect(error).toBeInstanceOf(LacunaError);
        continue;
      }
      // Only the header's layout may change harmlessly (a space turned into another whitespace).
      accepted++;
      expect(firstDifference({ ...back }, { ...s })).toBeNull();
    }
    expect(accepted).toBeLessThan(bytes.length / 10);
  });

  it('refuses a flipped weight, a NaN weight and edited generator state with a checksum error', () => {
    const s = state();
    const bytes = encodeTrainingState(s);
    const dataStart = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const flipped = bytes.slice();
    flipped[dataStart + 2]! ^= 0x10;
    expect(() => decodeTrainingState(flipped, 'run.ckpt')).toThrow(
      /decodeTrainingState: argument 'run.ckpt' fails its checksum \(stored [0-9a-f]{8}, content gives [0-9a-f]{8}\)/,
    );
    const nan = bytes.slice();
    nan.set([0x00, 0x00, 0xc0, 0x7f], dataStart);
    expect(() => decodeTrainingState(nan)).toThrow(CheckpointError);
    // Swap two digits of the generator's carry inside the header JSON.
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('\\"s0\\":') + 7;
    const swapped = bytes.slice();
    swapped[at] = bytes[at + 2]!;
    swapped[at + 2] = bytes[at]!;
    if (swapped[at] !== bytes[at]) expect(() => decodeTrainingState(swapped)).toThrow(/checksum/);
  });

  it('refuses metadata that is not JSON with a CheckpointError, not a bare SyntaxError', () => {
    const json = '{"epoch": 1,';
    const meta = {
      'lacuna.training': json,
      'lacuna.training.format': '2',
      'lacuna.training.crc32': '00000000',
    };
    const draft = serializeSafetensors(new Map(), meta);
    const bytes = serializeSafetensors(new Map(), {
      ...meta,
      'lacuna.training.crc32': contentChecksum(draft, json),
    });
    const call = () => decodeTrainingState(bytes, 'x.safetensors');
    expect(call).toThrow(CheckpointError);
    expect(call).toThrow(/'x.safetensors' has 'lacuna.training' metadata that is not JSON/);
  });

  it('refuses files without a checksum (older format), unknown formats and non-checkpoints', () => {
    const legacy = serializeSafetensors(new Map([['model.w', tensor([1])]]), {
      'lacuna.training': JSON.stringify({ epoch: 1, stateful: {}, generators: {}, history: [] }),
    });
    expect(() => decodeTrainingState(legacy)).toThrow(
      /no 'lacuna.training.format' metadata: it was written by an older @lacuna\/layers/,
    );
    const future = serializeSafetensors(new Map(), {
      'lacuna.training': '{}',
      'lacuna.training.format': '3',
    });
    expect(() => decodeTrainingState(future)).toThrow(
      /has format "3"; this version reads format 2/,
    );
    expect(() => decodeTrainingState(serializeSafetensors(new Map()))).toThrow(
      /not a training checkpoint/,
    );
  });

  it('checks tags and tensor references even when the checksum matches', () => {
    const forge = (json: string, tensors = new Map<string, Tensor>()) => {
      const meta = {
        'lacuna.training': json,
        'lacuna.training.format': '2',
        'lacuna.training.crc32': '00000000',
      };
      const draft = serializeSafetensors(tensors, meta);
      return serializeSafetensors(tensors, {
        ...meta,
        'lacuna.training.crc32': contentChecksum(draft, json),
      });
    };
    const base = '"stateful":{},"generators":{},"history":[]';
    expect(() => decodeTrainingState(forge(`{"epoch":{"$number":"1"},${base}}`))).toThrow(
      /unknown marker at state.epoch/,
    );
    expect(() => decodeTrainingState(forge(`{"epoch":{"$tensor":"state.0"},${base}}`))).toThrow(
      /missing tensor 'state.0'/,
    );
    const t = new Map([['state.0', new Tensor(new Int32Array(3), [3], 'int32')]]);
    expect(() => decodeTrainingState(forge(`{"epoch":{"$tensor":"state.0"},${base}}`, t))).toThrow(
      /int32 \[3\]\) where a number array is expected/,
    );
    expect(() => decodeTrainingState(forge(`{"epoch":1,${base}}`, t))).toThrow(
      /tensors no state refers to: state.0/,
    );
    expect(() => decodeTrainingState(forge(`{"epoch":1,${base},"extra":1}`))).toThrow(
      /\(unknown extra\)/,
    );
    expect(() => decodeTrainingState(forge(`[1]`))).toThrow(/metadata that is not a JSON object/);
  });
});
