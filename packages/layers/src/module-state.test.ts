import {
  DTypeError,
  Generator,
  LacunaError,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Module } from './module.js';
import { BatchNorm1d } from './modules/batch-norm.js';
import { Linear } from './modules/linear.js';
import { Sequential } from './modules/sequential.js';

/** A module with an int32 and a bool buffer next to float32 layers. */
class Counters extends Module {
  readonly seen: Tensor;
  readonly mask: Tensor;
  constructor() {
    super();
    this.seen = this.registerBuffer('seen', zeros([2], { dtype: 'int32' }));
    this.mask = this.registerBuffer('mask', tensor([1, 0, 1], { dtype: 'bool' }));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

function model(seed: number): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(3, 4, { generator: g }),
    new BatchNorm1d(4),
    new Linear(4, 2, { generator: g }),
    new Counters(),
  );
}

/** Every value the module holds, by name. */
function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries([...m.stateDict()].map(([k, t]) => [k, Array.from(t.storage)]));
}

/** A state for `model(seed)` whose every value differs from `model(0)`'s. */
function source(seed = 1): Map<string, unknown> {
  const m = model(seed);
  for (const t of m.stateDict().values()) if (t.dtype === 'float32') t.storage[0] = 100 + seed;
  (m.stateDict().get('3.seen')!.storage as Int32Array).set([7, 8]);
  return new Map(m.stateDict());
}

/** Loading `state` must throw `type` matching `pattern` and leave every value of the model as it was. */
function expectRefused(
  state: unknown,
  type: new (...args: never[]) => Error,
  pattern: RegExp,
  options?: object,
): void {
  const target = model(0);
  const before = snapshot(target);
  expect(() => target.loadStateDict(state as never, options as never)).toThrow(type);
  expect(() => target.loadStateDict(state as never, options as never)).toThrow(pattern);
  expect(snapshot(target)).toEqual(before);
}

describe('Module.loadStateDict writes nothing unless every entry fits', () => {
  it('undefined, null and 0 values (were skipped in strict mode)', () => {
    for (const [value, got] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [0, '0 \\(a number\\)'],
    ] as const) {
      const state = source();
      state.set('2.bias', value);
      const pattern = new RegExp(`'2\\.bias' must be a tensor, got ${got}`);
      expectRefused(state, LacunaError, pattern);
      expectRefused(state, LacunaError, pattern, { strict: false });
    }
  });

  it('a tensor-like value whose storage does not fit its shape (wrote part of it, or threw a RangeError after earlier entries)', () => {
    const short = source();
    short.set('2.weight', { dtype: 'float32', shape: [2, 4], storage: new Float32Array(3) });
    expectRefused(
      short,
      LacunaError,
      /'2\.weight' has 3 stored elements, but its shape \[2,4\] needs 8/,
    );
    const long = source();
    long.set('2.weight', { dtype: 'float32', shape: [2, 4], storage: new Float32Array(20) });
    expectRefused(long, LacunaError, /'2\.weight' has 20 stored elements/);
  });

  it('a plain object (gave a TypeError) loads exactly like a Map', () => {
    const state = source();
    const fromMap = model(0);
    fromMap.loadStateDict(state as never);
    const fromObject = model(0);
    fromObject.loadStateDict(Object.fromEntries(state) as never);
    expect(snapshot(fromObject)).toEqual(snapshot(fromMap));
    expect(snapshot(fromMap)).toEqual(
      Object.fromEntries([...state].map(([k, t]) => [k, Array.from((t as Tensor).storage)])),
    );
  });

  it('anything but a Map or a plain object is refused', () => {
    for (const [state, got] of [
      [null, 'null'],
      [undefined, 'undefined'],
      [[], 'an array of length 0'],
      ['weights', '"weights" \\(a string\\)'],
      [new (class Weights {})(), 'an object \\(Weights\\)'],
    ] as const) {
      expectRefused(
        state,
        LacunaError,
        new RegExp(`'state' must be a Map or a plain object of tensors by name, got ${got}`),
      );
    }
  });

  it('a tensor-like value that fits loads (a tensor from another copy of @lacuna/tensor)', () => {
    const state = source();
    const t = state.get('0.weight') as Tensor;
    state.set('0.weight', { dtype: 'float32', shape: [...t.shape], storage: t.storage.slice() });
    const target = model(0);
    target.loadStateDict(state as never);
    expect(snapshot(target)['0.weight']).toEqual(Array.from(t.storage));
  });

  it('storage of the wrong kind: another typed array, an array, an array-like, a spoofed tag', () => {
    const cases: [unknown, RegExp][] = [
      [new Int32Array(8), /float32 storage is a Int32Array, not a Float32Array/],
      [new Float64Array(8), /storage is a Float64Array/],
      [Array(8).fill(0), /storage is an array of length 8/],
      [{ length: 8 }, /storage is an object \(Object\)/],
      [
        Object.defineProperty(new Uint8Array(8), Symbol.toStringTag, { value: 'Float32Array' }),
        /storage is a Uint8Array/,
      ],
    ];
    for (const [storage, pattern] of cases) {
      const state = source();
      state.set('2.weight', { dtype: 'float32', shape: [2, 4], storage });
      expectRefused(state, LacunaError, pattern);
    }
  });

  it('bad dtypes and shapes of tensor-like values', () => {
    const state = source();
    state.set('2.bias', { dtype: 'float64', shape: [2], storage: new Float32Array(2) });
    expectRefused(
      state,
      LacunaError,
      /'2\.bias' must be a tensor \(with a dtype float32, int32 or bool\)/,
    );
    for (const [shape, pattern] of [
      ['2', /its shape is "2" \(a string\), not a list of sizes/],
      [[2.5], /its shape has size 2\.5 \(a number\) at axis 0/],
      [[-2], /its shape has size -2 \(a number\) at axis 0/],
      [new Array(2 ** 26), /its shape has size undefined at axis 0/],
    ] as const) {
      state.set('2.bias', { dtype: 'float32', shape, storage: new Float32Array(2) });
      expectRefused(state, LacunaError, pattern);
    }
  });

  it('a bool buffer holding values other than 0 and 1', () => {
    const state = source();
    state.set('3.mask', tensor([1, 2, 0], { dtype: 'int32' }));
    expectRefused(state, DTypeError, /'3\.mask' has dtype int32, expected bool/);
    state.set('3.mask', { dtype: 'bool', shape: [3], storage: Uint8Array.of(1, 2, 0) });
    expectRefused(state, LacunaError, /'3\.mask' is bool but holds values other than 0 and 1/);
  });

  it('names, shapes and dtypes keep their error classes; every problem is listed', () => {
    const state = source();
    state.set('0.bias', zeros([5]));
    expectRefused(state, ShapeError, /'0\.bias' has shape \[5\], expected \[4\]/);
    state.set('3.seen', zeros([2]));
    expectRefused(
      state,
      DTypeError,
      /'0\.bias' has shape.*'3\.seen' has dtype float32, expected int32/,
    );
    const missing = source();
    missing.delete('1.runningVar');
    missing.set('extra', zeros([1]));
    missing.set(7 as never, zeros([1]));
    expectRefused(
      missing,
      ShapeError,
      /has a key that is not a string: 7 \(a number\); missing 1\.runningVar; unexpected extra/,
    );
    // Not strict: the missing and unknown names (and the number key) are skipped.
    const target = model(0);
    target.loadStateDict(missing as never, { strict: false });
    expect(snapshot(target)['3.seen']).toEqual([7, 8]);
    expect(snapshot(target)['1.runningVar']).toEqual(snapshot(model(0))['1.runningVar']);
  });

  it('NaN and ±Infinity weights load, as in PyTorch', () => {
    const state = source();
    state.set('2.bias', tensor([Number.NaN, Number.NEGATIVE_INFINITY]));
    const target = model(0);
    target.loadStateDict(state as never);
    expect(snapshot(target)['2.bias']).toEqual([Number.NaN, Number.NEGATIVE_INFINITY]);
  });

  it('reads each value once: a getter cannot swap the storage between check and copy', () => {
    const state = source();
    let reads = 0;
    const good = Float32Array.of(1, 2);
    state.set('2.bias', {
      dtype: 'float32',
      shape: [2],
      get storage() {
        reads++;
        return reads === 1 ? good : new Float32Array(1);
      },
    });
    const target = model(0);
    target.loadStateDict(state as never);
    expect(snapshot(target)['2.bias']).toEqual([1, 2]);
    expect(reads).toBe(1);
  });

  it("aliased entries: a source that is another target's storage is read before any write", () => {
    // Swapping two same-shaped weights of the model itself: writing '0.weight' first used to
    // overwrite the storage that '1.weight' was then copied from, so both got the same values.
    const two = new Sequential(
      new Linear(2, 2, { generator: new Generator(0) }),
      new Linear(2, 2, { generator: new Generator(1) }),
    );
    const a = two.stateDict().get('0.weight')!;
    const b = two.stateDict().get('1.weight')!;
    a.storage.set([1, 2, 3, 4]);
    b.storage.set([5, 6, 7, 8]);
    const swapped = new Map(two.stateDict());
    swapped.set('0.weight', b);
    swapped.set('1.weight', a);
    two.loadStateDict(swapped);
    expect(Array.from(two.stateDict().get('0.weight')!.storage)).toEqual([5, 6, 7, 8]);
    expect(Array.from(two.stateDict().get('1.weight')!.storage)).toEqual([1, 2, 3, 4]);
  });

  it('an own length property cannot fake a storage of the right size', () => {
    const state = source();
    const storage = new Float32Array(3);
    Object.defineProperty(storage, 'length', { value: 8 });
    state.set('2.weight', { dtype: 'float32', shape: [2, 4], storage });
    expectRefused(
      state,
      LacunaError,
      /'2\.weight' has 3 stored elements, but its shape \[2,4\] needs 8/,
    );
    // An own `some` cannot hide a bool value above 1.
    const bools = source();
    const mask = Uint8Array.of(1, 2, 0);
    Object.defineProperty(mask, 'some', { value: () => false });
    bools.set('3.mask', { dtype: 'bool', shape: [3], storage: mask });
    expectRefused(bools, LacunaError, /'3\.mask' is bool but holds values other than 0 and 1/);
  });

  it('options: strict must be a boolean; unknown keys are refused', () => {
    expectRefused(source(), LacunaError, /'strict' must be true or false, got "false"/, {
      strict: 'false',
    });
    expectRefused(
      source(),
      LacunaError,
      /'options\.strick' is not a known option\. did you mean 'strict'\?/,
      {
        strick: false,
      },
    );
  });

  it('__proto__ and constructor keys of a parsed object are unexpected names, never prototypes', () => {
    const state = Object.fromEntries(source());
    const parsed = JSON.parse('{"__proto__": 1, "constructor": 2}');
    expectRefused({ ...state, ...parsed }, ShapeError, /unexpected __proto__, constructor/);
    const target = model(0);
    target.loadStateDict({ ...state, ...parsed } as never, { strict: false });
    expect(snapshot(target)['3.seen']).toEqual([7, 8]);
  });
});
