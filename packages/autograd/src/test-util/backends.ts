// The backend matrix (tooling/vitest-config/backends.js) bound to the built @lacuna/tensor, the
// copy these tests and the package itself run on.
import {
  type Backend,
  createWasmBackend,
  referenceBackend,
  setBackend,
  type WasmBackend,
} from '@lacuna/tensor';
import { createBackendMatrix } from '@lacuna/vitest-config/backends';

export { FALLBACK_ELEMENTS } from '@lacuna/vitest-config/backends';

/** Runs a suite once per backend: reference, wasm 1 and 2 threads, wasm under a 2 MiB cap. */
export const { describeBackends } = createBackendMatrix<Backend, WasmBackend>({
  referenceBackend,
  setBackend,
  createWasmBackend,
});
