import { LacunaError } from '../errors.js';
import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';

// The active backend is a choice of device, like PyTorch's default device: every backend gives
// the same results (the reference is the oracle), so switching changes speed, never numbers.
let active: Backend = referenceBackend;

/**
 * The backend ops run their kernels on (the reference backend unless {@link setBackend} chose
 * another).
 *
 * @example
 * ```ts
 * import { getBackend } from '@lacuna/tensor';
 * console.log(getBackend().name); // 'reference'
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
