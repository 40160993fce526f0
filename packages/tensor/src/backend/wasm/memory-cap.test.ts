import { describe, expect, it } from 'vitest';
import { ArgumentRangeError } from '../../errors.js';
import { expectSameBits } from '../../test-util/backends.js';
import { referenceBackend } from '../reference/index.js';
import { createWasmBackend } from './index.js';

describe('createWasmBackend maxMemoryBytes', () => {
  it('runs operands that do not fit on the reference kernels, with the same result', () => {
    const wasm = createWasmBackend({ threads: 1, maxMemoryBytes: 4 << 20 });
    // A 4 MiB operand cannot fit in the operand space left under 4 MiB; the product stays cheap.
    const [m, n, k] = [1 << 18, 3, 4];
    const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 13) - 6);
    const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 104729) % 11) - 5);
    const p = { batch: 1, m, n, k, transA: false, transB: false };
    const got = new Float32Array(m * n);
    const want = new Float32Array(m * n);
    wasm.matmul(a, b, got, p);
    referenceBackend.matmul(a, b, want, p);
    expectSameBits(got, want);
    expect(wasm.memoryFallbacks).toBe(1);
    wasm.dispose();
  });

  it('counts the kernel calls that fell back, and only those', () => {
    const wasm = createWasmBackend({ threads: 1, maxMemoryBytes: 4 << 20 });
    const small = new Float32Array(1000).fill(2);
    const big = new Float32Array(1 << 20).fill(2);
    wasm.unary('neg', small, new Float32Array(small.length));
    wasm.binary('pow', small, small, new Float32Array(1000), {
      aShape: [1000],
      bShape: [1000],
      outShape: [1000],
    }); // no wasm kernel
    expect(wasm.memoryFallbacks).toBe(0);
    wasm.unary('neg', big, new Float32Array(big.length));
    wasm.reduce('sum', big, [big.length], [0], new Float32Array(1));
    expect(wasm.memoryFallbacks).toBe(2);
    wasm.dispose();
  });

  it('rejects a bound below what the backend needs, naming the range', () => {
    expect(() => createWasmBackend({ threads: 1, maxMemoryBytes: 65536 })).toThrow(
      ArgumentRangeError,
    );
    expect(() => createWasmBackend({ threads: 1, maxMemoryBytes: 65536 })).toThrow(
      /createWasmBackend.*maxMemoryBytes.*must be an integer number of bytes in \[\d+, 2147483648\]/,
    );
  });

  it('rejects a bound that is not an integer or is above 2 GiB, saying what came', () => {
    for (const bad of [8.5e6 + 0.5, 2 ** 31 + 65536, Number.NaN, Infinity]) {
      expect(() => createWasmBackend({ threads: 1, maxMemoryBytes: bad })).toThrow(
        new RegExp(`maxMemoryBytes.*must be an integer number of bytes.*got ${bad}$`),
      );
    }
    expect(() => createWasmBackend({ threads: 1, maxMemoryBytes: '8e6' as never })).toThrow(
      /maxMemoryBytes.*got 8e6$/,
    );
  });
});
