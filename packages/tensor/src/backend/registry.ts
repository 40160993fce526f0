import { LacunaError } from '../errors.js';
import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';

// The active backend is a choice of device, like PyTorch's default device: backends agree with
// the reference (the oracle) to float32 rounding, and bit for bit on random numbers and dropout
// masks. WebAssembly SIMD is the default wherever it loads; the reference is the fallback.
function defaultBackend(): Backend {
  try {
    return createWasmBackend();
  } catch {
    return referenceBackend;
  }
}

let active: Backend = defaultBackend();

/**
 * The backend ops run their kernels on: the WebAssembly SIMD backend where it loads, else the
 * reference backend, unless {@link setBackend} chose another.
 *
 * @example
 * ```ts
 * import { getBackend } from '@lacuna/tensor';
 * console.log(getBackend().name); // e.g. 'wasm-simd (2 threads)'
 * ```
 */
export function getBackend(): Backend {
  return active;
}

/**
 * Makes `backend` the one ops run on from now on, and returns the previous one.
 *
 * @param backend - An object implementing every kernel of {@link Backend}.
 * @example
 * ```ts
 * import { setBackend, referenceBackend } from '@lacuna/tensor';
 * const previous = setBackend(referenceBackend);
 * setBackend(previous);
 * ```
 */
export function setBackend(backend: Backend): Backend {
  const kernels = Object.keys(referenceBackend).filter((k) => k !== 'name') as (keyof Backend)[];
  const missing = kernels.filter((k) => typeof backend?.[k] !== 'function');
  if (missing.length > 0) {
    throw new LacunaError(
      'setBackend',
      'backend',
      `must implement every kernel, missing: ${missing.join(', ')}`,
    );
  }
  const previous = active;
  active = backend;
  return previous;
}
