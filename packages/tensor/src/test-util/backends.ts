// The backend matrix (tooling/vitest-config/backends.js) bound to this package's sources.
import {
  CAPPED_MEMORY_BYTES,
  createBackendMatrix,
  FALLBACK_ELEMENTS,
  type BackendUnderTest as Under,
} from '@lacuna/vitest-config/backends';
import { expect } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { referenceBackend } from '../backend/reference/index.js';
import { setBackend } from '../backend/registry.js';
import { createWasmBackend, type WasmBackend } from '../backend/wasm/index.js';

export { CAPPED_MEMORY_BYTES, FALLBACK_ELEMENTS };

/** One backend of the matrix, as a suite sees it. */
export type BackendUnderTest = Under<Backend>;

/**
 * Runs a suite once per backend: reference, wasm 1 thread, wasm 2 threads, wasm under a 2 MiB
 * cap (which must show a kernel call that fell back). `disposeBackends` frees them,
 * `wasmOnOneAndTwoThreads` gives the two wasm backends for side-by-side tests and `onReference`
 * runs a function with the oracle active.
 *
 * @example
 * describeBackends('matmul', () => {
 *   it('computes known values', () => { ... });
 * });
 */
export const { describeBackends, disposeBackends, wasmOnOneAndTwoThreads, onReference } =
  createBackendMatrix<Backend, WasmBackend>({ referenceBackend, setBackend, createWasmBackend });

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/**
 * Equal bit for bit, except that any NaN equals any NaN (payloads are not part of the contract).
 * One loop with no expect() per element: toEqual on 10⁵-element arrays costs seconds.
 */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`element ${i}: got ${show(actual[i]!)}, expected ${show(expected[i]!)}`);
    }
  }
}
