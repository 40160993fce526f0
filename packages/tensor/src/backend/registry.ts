import { LacunaError } from '../errors.js';
import { sharedState } from '../identity.js';
import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';
import { warnOnce } from './warn.js';
import { createWasmBackend } from './wasm/index.js';

/** Which backend ops run on, and why: what {@link getBackendInfo} returns. */
export interface BackendInfo {
  /**
   * The backend's name, e.g. `'wasm-simd (2 threads)'`, `'wasm-relaxed-simd (2 threads)'` (the
   * relaxed-SIMD kernel build) or `'reference'`.
   */
  readonly name: string;
  /** Threads its kernels can use now (live: helpers that failed to start are not counted). */
  readonly threads: number;
  /** Why this backend runs (and, for wasm, which kernel build), and why with this many threads. */
  readonly reason: string;
  /** The backend that was wanted but could not load, when this one is a fallback. */
  readonly fallbackFrom?: string;
}

interface Choice {
  active: Backend;
  reason: string;
  fallbackFrom: string | undefined;
}

interface Registry extends Choice {
  /** What was chosen at load, so that setBackend(previous) restores its reason too. */
  readonly initial: Readonly<Choice>;
}

// The active backend is a choice of device, like PyTorch's default device: backends agree with
// the reference (the oracle) to float32 rounding, and bit for bit on random numbers and dropout
// masks. WebAssembly SIMD is the default wherever it loads; the reference is the fallback.
function defaultChoice(): Choice {
  try {
    const wasm = createWasmBackend();
    return {
      active: wasm,
      reason:
        wasm.simd === 'relaxed'
          ? 'default: WebAssembly SIMD compiled, the relaxed-SIMD build (the host has relaxed SIMD)'
          : 'default: WebAssembly SIMD compiled, the plain build (the host has no relaxed SIMD)',
      fallbackFrom: undefined,
    };
  } catch (error) {
    const why = String((error as Error)?.message ?? error);
    warnOnce(
      'wasm-fallback',
      `@lacuna/tensor: the WebAssembly SIMD backend could not load (${why}); ops run on the ` +
        `TypeScript reference backend, several times slower. A Content-Security-Policy must ` +
        `allow 'wasm-unsafe-eval' in script-src; see the @lacuna/tensor README.`,
    );
    return {
      active: referenceBackend,
      reason: `fallback: the WebAssembly SIMD backend could not load: ${why}`,
      fallbackFrom: 'wasm-simd',
    };
  }
}

// One registry per version in the process, on globalThis: an ESM import and a CJS require of the
// package (two module instances) run ops on the same backend, and setBackend in one is seen by
// the other. It is created on first load, with the default backend.
const registry = sharedState('tensor.backend', (): Registry => {
  const initial = Object.freeze(defaultChoice());
  return { ...initial, initial };
});

/**
 * The backend ops run their kernels on: the WebAssembly SIMD backend where it loads, else the
 * reference backend, unless {@link setBackend} chose another. {@link getBackendInfo} says why.
 *
 * @example
 * ```ts
 * import { getBackend } from '@lacuna/tensor';
 * console.log(getBackend().name); // e.g. 'wasm-simd (2 threads)'
 * ```
 */
export function getBackend(): Backend {
  return registry.active;
}

/**
 * Which backend ops run on, how many threads it has right now, and why: whether the default
 * WebAssembly SIMD backend loaded or ops fell back to the reference backend (and the error that
 * caused it, e.g. a Content-Security-Policy without `'wasm-unsafe-eval'`), and why it has fewer
 * threads than requested (no cross-origin isolation, workers blocked by `worker-src`).
 *
 * A fallback also prints one console warning per process.
 *
 * @example
 * ```ts
 * import { getBackendInfo } from '@lacuna/tensor';
 * const { name, threads, reason, fallbackFrom } = getBackendInfo();
 * console.log(name, threads, reason, fallbackFrom ?? '');
 * ```
 */
export function getBackendInfo(): BackendInfo {
  const { active, reason, fallbackFrom } = registry;
  const threads = (active as { threads?: unknown }).threads;
  const threadReason = (active as { threadReason?: unknown }).threadReason;
  return {
    name: active.name,
    threads: typeof threads === 'number' ? threads : 1,
    reason: typeof threadReason === 'string' ? `${reason}; ${threadReason}` : reason,
    ...(fallbackFrom ? { fallbackFrom } : {}),
  };
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
  const previous = registry.active;
  const restored = backend === registry.initial.active;
  registry.active = backend;
  registry.reason = restored ? registry.initial.reason : 'chosen with setBackend';
  registry.fallbackFrom = restored ? registry.initial.fallbackFrom : undefined;
  return previous;
}
