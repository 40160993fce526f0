import { expect, it } from 'vitest';
import { getBackend } from '../backend/registry.js';
import type { WasmBackend } from '../backend/wasm/index.js';
import { DTypeError, LacunaError, ShapeError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { scope } from '../scope.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { closeTo, naiveMatmul } from '../test-util/naive.js';
import { add } from './binary.js';
import { tensor } from './creation.js';
import { type DropoutOptions, dropout } from './dropout.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { relu } from './unary.js';

function filled(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround(Math.cos(seed * 31 + i * 0.37));
  return new Tensor(data, shape, 'float32');
}

/** The unfused composition linear must match bit for bit on the same backend. */
function composed(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  activation: 'none' | 'relu',
  drop?: DropoutOptions,
): Tensor {
  const z = matmul(x, w, { transB: true });
  const y = b ? add(z, b) : z;
  const a = activation === 'relu' ? relu(y) : y;
  return drop ? dropout(a, drop) : a;
}

describeBackends('linear', ({ label }) => {
  const pooled = label === 'wasm 1 thread' || label === 'wasm 2 threads';

  it('computes known values, with and without bias and relu', () => {
    const x = tensor([[1, 2]]);
    const w = tensor([
      [1, 1],
      [1, -1],
    ]);
    const b = tensor([0.5, 0.5]);
    expect(linear(x, w, b).toArray()).toEqual([[3.5, -0.5]]);
    expect(linear(x, w, b, { activation: 'relu' }).toArray()).toEqual([[3.5, 0]]);
    expect(linear(x, w).toArray()).toEqual([[3, -1]]);
    expect(linear(x, w, null, { activation: 'relu' }).toArray()).toEqual([[3, 0]]);
  });

  it('has the bits of matmul + add + relu: edge tiles, k across slabs, n across panels, k = 0', () => {
    // 37 and 130 rows leave partial 4-row tiles; 45 and 530 columns partial 8-wide tiles, 530
    // crosses the 512-column panel; k = 300 crosses the 256-deep slab; k = 0 is all bias.
    for (const [m, k, n] of [
      [37, 300, 45],
      [130, 20, 530],
      [1, 7, 3],
      [3, 0, 5],
      [0, 4, 6],
    ] as const) {
      const x = filled([m, k], 1);
      const w = filled([n, k], 2);
      const b = filled([n], 3);
      for (const bias of [b, null]) {
        for (const activation of ['none', 'relu'] as const) {
          const y = linear(x, w, bias, { activation });
          expect(y.shape).toEqual([m, n]);
          expectSameBits(y.storage, composed(x, w, bias, activation).storage);
        }
      }
    }
  });

  it('with dropout: the bits and mask of a separate dropout drawing from the same generator state', () => {
    for (const [m, k, n] of [
      [37, 300, 45],
      [130, 20, 530],
      [3, 0, 5],
    ] as const) {
      const x = filled([m, k], 1);
      const w = filled([n, k], 2);
      const b = filled([n], 3);
      for (const activation of ['none', 'relu'] as const) {
        for (const scaling of ['inverted', 'classic'] as const) {
          for (const training of [true, false]) {
            const drop = (seed: number) => ({
              p: 0.3,
              training,
              scaling,
              generator: new Generator(seed),
            });
            const y = linear(x, w, b, { activation, dropout: drop(m) });
            expectSameBits(y.storage, composed(x, w, b, activation, drop(m)).storage);
          }
        }
      }
    }
  });

  it('with dropout: draws one key per call, so the next call has a fresh mask', () => {
    const x = filled([8, 16], 1);
    const w = filled([8, 16], 2);
    const generator = new Generator(3);
    const options = { dropout: { p: 0.5, training: true, generator } };
    const first = Array.from(linear(x, w, null, options).storage, (v) => v === 0);
    const second = Array.from(linear(x, w, null, options).storage, (v) => v === 0);
    expect(first).not.toEqual(second);
    // A call that throws draws nothing: the generator is where it was.
    const before = generator.getState();
    expect(() => linear(x, filled([8, 3], 2), null, options)).toThrow(ShapeError);
    expect(generator.getState()).toEqual(before);
    const node = linear(x, w, null, { dropout: { p: 0, training: true, generator } });
    expect(node.storage).toEqual(linear(x, w).storage);
  });

  it('in a scope: the bits it gives outside; with no tape a step reuses the last step’s memory', () => {
    const x = filled([37, 300], 1);
    const w = filled([45, 300], 2);
    const b = filled([45], 3);
    const drop = () => ({ p: 0.3, training: true, generator: new Generator(9) });
    const run = () => linear(x, w, b, { activation: 'relu', dropout: drop() }).data();
    expectSameBits(scope(run), run());
    if (!pooled) return;
    const step = () => scope(() => linear(x, w, b, { activation: 'relu' }).storage.byteOffset);
    const heap = () => (getBackend() as WasmBackend).heapBytes;
    const first = step();
    const after = heap();
    expect(step()).toBe(first);
    expect(heap()).toEqual(after);
  });

  it('keeps NaN, infinities and the sign of zero as add and relu do', () => {
    const x = tensor([
      [Number.NaN, 0],
      [1, 0],
      [-1, 0],
    ]);
    const w = tensor([
      [1, 0],
      [Number.POSITIVE_INFINITY, 0],
      [-0, 0],
    ]);
    const b = tensor([0, -0, Number.NEGATIVE_INFINITY]);
    for (const bias of [b, null]) {
      for (const activation of ['none', 'relu'] as const) {
        expectSameBits(
          linear(x, w, bias, { activation }).storage,
          composed(x, w, bias, activation).storage,
        );
      }
    }
  });

  it('runs an input too big for the capped backend’s memory', () => {
    const k = 4;
    const m = FALLBACK_ELEMENTS / k;
    const x = filled([m, k], 4);
    const w = filled([3, k], 5);
    const b = filled([3], 6);
    const y = linear(x, w, b, { activation: 'relu' });
    expectSameBits(y.storage, composed(x, w, b, 'relu').storage);
    // The float64 definition: float32 matmul sums differ from it by rounding only (relative 1e-4).
    const z = naiveMatmul(x.storage, w.storage, m, 3, k, false, true).map((v, i) =>
      Math.max(v + b.storage[i % 3]!, 0),
    );
    expect(closeTo(y.storage, z)).toBe(true);
  });

  it('records one node over x, W and b (x and W without a bias)', () => {
    const x = filled([2, 3], 7);
    const w = filled([4, 3], 8);
    const b = filled([4], 9);
    w.requiresGrad = true;
    const y = linear(x, w, b, { activation: 'relu' });
    const node = y.gradNode;
    expect(node?.op).toBe('linear');
    expect(node?.inputs).toEqual([x, w, b]);
    if (node?.op === 'linear' && !node.released) {
      expect(node.saved.activation).toBe('relu');
      expect(node.saved.output).toBe(y);
    }
    expect(linear(x, w).gradNode?.inputs).toEqual([x, w]);
    expect(linear(x, filled([4, 3], 8)).gradNode).toBeNull();
  });

  it('rejects shapes that do not fit, naming the argument, what it expected and what came', () => {
    const x = filled([2, 3], 1);
    const w = filled([4, 3], 2);
    expect(() => linear(filled([2, 5], 1), w)).toThrow(ShapeError);
    expect(() => linear(filled([2, 5], 1), w)).toThrow(
      /linear: argument 'x' must have shape \[N, 3\] .*got \[2, ?5\]/,
    );
    expect(() => linear(filled([3], 1), w)).toThrow(
      /linear: argument 'x' must have shape \[N, 3\]/,
    );
    expect(() => linear(x, filled([12], 2))).toThrow(
      /linear: argument 'weight' must have shape \[outFeatures, inFeatures\], got \[12\]/,
    );
    expect(() => linear(x, w, filled([3], 3))).toThrow(
      /linear: argument 'bias' must have shape \[4\] .*got \[3\]/,
    );
    expect(() => linear(x, w, filled([1, 4], 3))).toThrow(ShapeError);
  });

  it('rejects wrong dtypes, non-tensors, unknown option keys and unknown activations', () => {
    const x = filled([2, 3], 1);
    const w = filled([4, 3], 2);
    expect(() => linear(tensor([[1, 2, 3]], { dtype: 'int32' }), w)).toThrow(DTypeError);
    expect(() => linear(x, w, tensor([1, 2, 3, 4], { dtype: 'int32' }))).toThrow(
      /linear: argument 'bias' must have dtype float32, got int32/,
    );
    expect(() => linear(x, [[1, 2, 3]] as unknown as Tensor)).toThrow(
      /linear: argument 'weight' must be a Tensor/,
    );
    expect(() => linear(x, w, null, { activaton: 'relu' } as never)).toThrow(LacunaError);
    expect(() => linear(x, w, null, { activaton: 'relu' } as never)).toThrow(
      /linear: argument 'options.activaton' is not a known option. did you mean 'activation'\?/,
    );
    const generator = new Generator(0);
    expect(() => linear(x, w, null, { dropout: { p: 1, training: true, generator } })).toThrow(
      /linear: argument 'p' is the drop probability and must lie in \[0, 1\), got 1/,
    );
    expect(() => linear(x, w, null, { dropout: { p: 0.5, generator } as never })).toThrow(
      /linear: argument 'training' must be true or false/,
    );
    expect(() =>
      linear(x, w, null, { dropout: { p: 0.5, training: true, generator, rate: 1 } as never }),
    ).toThrow(/linear: argument 'options.dropout.rate' is not a known option/);
    expect(() => linear(x, w, null, { dropout: { p: 0.5, training: true } as never })).toThrow(
      /linear: argument 'generator'/,
    );
    expect(() => linear(x, w, null, { dropout: 0.5 as never })).toThrow(
      /linear: argument 'options.dropout' must be an object of options/,
    );
    expect(() => linear(x, w, null, { activation: 'gelu' } as never)).toThrow(
      /linear: argument 'activation' must be one of 'none', 'relu', got "gelu"/,
    );
  });
});
