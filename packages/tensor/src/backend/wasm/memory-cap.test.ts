import { describe, expect, it } from 'vitest';
import { ArgumentRangeError } from '../../errors.js';
import { referenceBackend } from '../reference/index.js';
import { createWasmBackend } from './index.js';

describe('createWasmBackend maxMemoryBytes', () => {
  it('runs operands that do not fit on the reference kernels, with the same result', () => {
    const wasm = createWasmBackend({ threads: 1, maxMemoryBytes: 4 << 20 });
    // 3 × 1 MiB of operands do not fit in the ~1 MiB of operand space left under 4 MiB.
    const n = 512;
    const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 13) - 6);
    const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 11) - 5);
    const p = { batch: 1, m: n, n, k: n, transA: false, transB: false };
    const got = new Float32Array(n * n);
    const want = new Float32Array(n * n);
    wasm.matmul(a, b, got, p);
    referenceBackend.matmul(a, b, want, p);
    expect(got).toEqual(want);
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
});
