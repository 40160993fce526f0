import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from './backend/registry.js';
import { createWasmBackend, type WasmBackend } from './backend/wasm/index.js';
import { DisposedTensorError, LacunaError } from './errors.js';
import { add, mul } from './ops/binary.js';
import { tensor } from './ops/creation.js';
import { dropout } from './ops/dropout.js';
import { logSoftmax } from './ops/log-softmax.js';
import { matmul } from './ops/matmul.js';
import { maxPool2d } from './ops/max-pool2d.js';
import { uniform } from './ops/random.js';
import { sum } from './ops/reduce.js';
import { reshape } from './ops/reshape.js';
import { relu } from './ops/unary.js';
import { Generator } from './random/generator.js';
import { dispose, keep, scope } from './scope.js';
import { Tensor } from './tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from './test-util/backends.js';

const isShared = (t: Tensor) => t.storage.buffer instanceof SharedArrayBuffer;

describeBackends('scope', ({ label }) => {
  const pooled = label === 'wasm 1 thread' || label === 'wasm 2 threads';

  it('releases what the scope created and did not return; the result keeps its values', () => {
    const x = tensor([1, 2, 3]);
    let inner: Tensor | undefined;
    const y = scope(() => {
      inner = mul(x, 2);
      return add(inner, 1);
    });
    expect(Array.from(y.data())).toEqual([3, 5, 7]);
    expect(inner!.isDisposed).toBe(true);
    expect(y.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
    // Outside every scope the result is ordinary memory, not a view of the pool.
    expect(isShared(y)).toBe(false);
  });

  it('a released tensor throws a DisposedTensorError when read or used', () => {
    let inner = tensor([0]);
    scope(() => {
      inner = mul(tensor([2]), 3);
    });
    expect(() => inner.data()).toThrow(DisposedTensorError);
    expect(() => inner.item()).toThrow(/released tensor/);
    expect(() => add(inner, 1)).toThrow(DisposedTensorError);
    expect(() => keep(inner)).toThrow(DisposedTensorError);
  });

  it('nested scopes hand results outwards; arrays and objects of tensors are results too', () => {
    let a: Tensor | undefined;
    let b: Tensor | undefined;
    let dropped: Tensor | undefined;
    const out = scope(() => {
      const pair = scope(() => {
        dropped = tensor([9]);
        return { a: tensor([1]), nested: [tensor([2])] };
      });
      expect(dropped!.isDisposed).toBe(true);
      a = pair.a;
      b = pair.nested[0];
      return add(a!, b!);
    });
    expect(a!.isDisposed).toBe(true);
    expect(b!.isDisposed).toBe(true);
    expect(out.item()).toBe(3);
  });

  it('a gradient given to a tensor that outlives the scope survives with it', () => {
    const w = tensor([1, 2]);
    const other = tensor([5]);
    let scratch: Tensor | undefined;
    scope(() => {
      scratch = mul(w, 10);
      w.grad = add(scratch, 1);
      const temp = tensor([0]);
      temp.grad = tensor([7]); // the holder dies with the scope, so does its gradient
      other.grad = temp.grad;
    });
    expect(scratch!.isDisposed).toBe(true);
    expect(Array.from(w.grad!.data())).toEqual([11, 21]);
    expect(other.grad!.item()).toBe(7);
    expect(isShared(w.grad!)).toBe(false);
  });

  it('keep() takes a tensor out of every scope: ordinary memory, or the pool until disposed', () => {
    let kept = tensor([0]);
    let pooledKept = tensor([0]);
    scope(() => {
      scope(() => {
        kept = keep(mul(tensor([1, 2]), 2));
        pooledKept = keep(mul(tensor([3]), 2), { pooled: true });
      });
    });
    expect(Array.from(kept.data())).toEqual([2, 4]);
    expect(isShared(kept)).toBe(false);
    expect(pooledKept.item()).toBe(6);
    expect(isShared(pooledKept)).toBe(label !== 'reference');
    dispose([kept, pooledKept]);
    expect(kept.isDisposed && pooledKept.isDisposed).toBe(true);
    kept.dispose(); // twice is fine
    expect(() => keep(tensor([1]), { pool: true } as never)).toThrow(
      /is not a known option. did you mean 'pooled'/,
    );
  });

  it('a released tensor passed to an op is named by that op and argument', () => {
    let inner = tensor([0]);
    scope(() => {
      inner = tensor([1]);
    });
    expect(() => add(tensor([1]), inner)).toThrow(
      expect.objectContaining({ name: 'DisposedTensorError', op: 'add', argument: 'b' }),
    );
  });

  it('a reshape view returned alone keeps the shared storage alive', () => {
    let base: Tensor | undefined;
    const view = scope(() => {
      base = add(tensor([1, 2, 3, 4]), 0);
      return reshape(base, [2, 2]);
    });
    expect(base!.isDisposed).toBe(true);
    expect(view.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('ends the scope when fn throws, and rejects a function returning a promise', () => {
    let inner = tensor([0]);
    expect(() =>
      scope(() => {
        inner = tensor([1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(inner.isDisposed).toBe(true);
    expect(() => scope(async () => tensor([1]))).toThrow(LacunaError);
    expect(() => scope(async () => tensor([1]))).toThrow(/must be synchronous/);
    // The scope stack is back to empty: a tensor made now is not released by anything.
    const t = tensor([1]);
    scope(() => undefined);
    expect(t.isDisposed).toBe(false);
  });

  it('ops give the same bits inside a scope (operands in place) as outside (copied)', () => {
    const g = new Generator(3);
    const x = uniform([64, 96], { generator: g, low: -1 });
    const w = uniform([96, 80], { generator: g, low: -1 });
    const img = uniform([2, 3, 8, 8], { generator: g, low: -1 });
    const run = () => {
      const key = new Generator(11);
      const h = relu(matmul(x, w));
      const d = dropout(h, { p: 0.3, training: true, generator: key });
      return [h, d, logSoftmax(d, 1), sum(d, 0), maxPool2d(img, 2)].map((t) => t.data());
    };
    const outside = run();
    const inside = scope(() => scope(run));
    for (let i = 0; i < outside.length; i++) expectSameBits(inside[i]!, outside[i]!);
  });

  it('a copy taken with data() inside a scope keeps its values after the memory is reused', () => {
    const x = uniform([1000], { generator: new Generator(1) });
    const copy = scope(() => mul(x, 2).data());
    scope(() => mul(x, -1));
    const again = scope(() => mul(x, 2).data());
    expectSameBits(copy, again);
  });

  it.runIf(pooled)('op outputs live in the wasm memory, and the next step reuses it', () => {
    const x = uniform([128, 256], { generator: new Generator(2) });
    const step = () =>
      scope(() => {
        const y = relu(add(mul(x, 2), 1));
        const offsets = [y, sum(y)].map((t) => {
          expect(isShared(t)).toBe(true);
          return t.storage.byteOffset;
        });
        return offsets;
      });
    const heap = () => (getBackend() as WasmBackend).heapBytes;
    const first = step();
    const after = heap();
    expect(step()).toEqual(first);
    expect(step()).toEqual(first);
    // Nothing more was taken from the memory, and the steps handed back all they took.
    expect(heap()).toEqual(after);
  });

  it('a scoped op too big for the memory still gives the right result', () => {
    const n = FALLBACK_ELEMENTS;
    const x = uniform([n], { generator: new Generator(4) });
    const outside = dropout(x, { p: 0.5, training: true, generator: new Generator(5) }).data();
    const inside = scope(() =>
      dropout(x, { p: 0.5, training: true, generator: new Generator(5) }).data(),
    );
    expectSameBits(inside, outside);
  });
});

describe('the wasm heap under scopes', () => {
  const g = new Generator(12);
  const heapOf = (b: WasmBackend) => b.heapBytes;
  const on = <T>(backend: WasmBackend, fn: () => T): T => {
    const previous = setBackend(backend);
    try {
      return fn();
    } finally {
      setBackend(previous);
    }
  };

  it('kernel staging leaves nothing behind: unscoped products of growing sizes keep the heap empty', () => {
    const backend = createWasmBackend({ threads: 1 });
    const start = heapOf(backend);
    on(backend, () => {
      for (const n of [64, 128, 256, 384])
        matmul(uniform([n, n], { generator: g }), uniform([n, n], { generator: g }));
    });
    expect(heapOf(backend)).toEqual(start);
    backend.dispose();
  });

  it('once every block is back, memory from other sizes serves a new shape (no fallback)', () => {
    const backend = createWasmBackend({ threads: 1, maxMemoryBytes: 24 << 20 });
    on(backend, () => {
      // 16 MiB of 1 MiB intermediates, released together at the scope's end.
      scope(() => {
        for (let i = 0; i < 16; i++) mul(uniform([1 << 18], { generator: g }), 2);
      });
      const before = backend.memoryFallbacks;
      scope(() =>
        matmul(uniform([1024, 1024], { generator: g }), uniform([1024, 1024], { generator: g })),
      );
      expect(backend.memoryFallbacks).toBe(before);
    });
    backend.dispose();
  });

  it('a tensor on a subarray of pooled memory keeps its block from being reused', () => {
    const backend = createWasmBackend({ threads: 1 });
    on(backend, () => {
      const data = scope(() =>
        keep(uniform([1024], { generator: new Generator(6) }), { pooled: true }),
      );
      const batch = new Tensor(data.storage.subarray(0, 32) as Float32Array, [32]);
      const expected = batch.data();
      data.dispose();
      const other = scope(() => keep(mul(uniform([1024], { generator: g }), 0), { pooled: true }));
      expectSameBits(batch.data(), expected);
      other.dispose();
    });
    backend.dispose();
  });

  it('a view of a pooled kept tensor returned from the outermost scope still aliases it', () => {
    const backend = createWasmBackend({ threads: 1 });
    on(backend, () => {
      const base = scope(() => keep(mul(tensor([1, 2, 3, 4]), 1), { pooled: true }));
      const view = scope(() => reshape(base, [2, 2]));
      base.storage[0] = 5;
      expect(view.storage[0]).toBe(5);
      base.dispose();
      expect(view.toArray()).toEqual([
        [5, 2],
        [3, 4],
      ]);
    });
    backend.dispose();
  });
});

describe('dispose', () => {
  it('releases tensors anywhere, pooled or not', () => {
    const t = tensor([1, 2]);
    dispose({ list: [t] });
    expect(t.isDisposed).toBe(true);
    expect(() => t.toString()).toThrow(DisposedTensorError);
  });
});
