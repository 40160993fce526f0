import { type Backend, getBackend, setBackend } from '@lacuna/tensor';

/**
 * Runs `f` with the active backend's `entries` wrapped so that each call is first shown to
 * `saw` (its entry and arguments) and then runs as usual; the backend is restored afterwards.
 * For tests that assert which kernels a layer's step runs.
 */
export function watchingCalls<K extends keyof Backend>(
  entries: readonly K[],
  saw: (entry: K, args: unknown[]) => void,
  f: () => void,
): void {
  const backend = getBackend();
  const spy: Backend = { ...backend };
  for (const entry of entries) {
    const real = backend[entry] as (...args: unknown[]) => unknown;
    (spy as unknown as Record<K, unknown>)[entry] = (...args: unknown[]) => {
      saw(entry, args);
      return real.apply(backend, args);
    };
  }
  setBackend(spy);
  try {
    f();
  } finally {
    setBackend(backend);
  }
}
