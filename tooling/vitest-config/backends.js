// The backend matrix, as tfjs's describeWithFlags(…, ALL_ENVS): a suite runs once per backend.
// It lives here, not in @lacuna/tensor, so that tensor's op suites (bound to its sources) and
// autograd's rule suites (bound to the built package) share one implementation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The capped backend's whole wasm memory (control block, one scratch block and about 1.2 MiB of
 * operand space): small enough that big operands fall back to the reference kernels.
 */
export const CAPPED_MEMORY_BYTES = 2 << 20;

/**
 * Float32 elements of an operand that can never fit under CAPPED_MEMORY_BYTES: a suite run on
 * every backend needs one kernel call this big so that the capped backend falls back.
 */
export const FALLBACK_ELEMENTS = CAPPED_MEMORY_BYTES / 4;

/**
 * The matrix over one copy of @lacuna/tensor.
 * @param {import('./backends.js').TensorBackends} tensor
 */
export function createBackendMatrix(tensor) {
  const { referenceBackend, setBackend, createWasmBackend } = tensor;
  const matrix = [
    { label: 'reference', create: () => referenceBackend },
    { label: 'wasm 1 thread', create: () => createWasmBackend({ threads: 1 }) },
    {
      label: 'wasm 2 threads',
      create: async () => {
        const wasm = createWasmBackend({ threads: 2 });
        // Start the helpers now, so that ops big enough to split do split.
        expect(await wasm.whenReady()).toBe(2);
        return wasm;
      },
    },
    {
      label: `wasm ${CAPPED_MEMORY_BYTES >> 20} MiB cap`,
      create: () => createWasmBackend({ threads: 1, maxMemoryBytes: CAPPED_MEMORY_BYTES }),
      fallsBack: true,
    },
  ];

  // Backends live for one test file (vitest runs each file in its own module graph): created
  // when the first suite needs them, disposed after the file's last test.
  /** @type {Map<string, Promise<any>>} */
  const created = new Map();
  /** @param {(typeof matrix)[number]} entry */
  const backendFor = (entry) => {
    let backend = created.get(entry.label);
    if (!backend) {
      backend = Promise.resolve().then(entry.create);
      created.set(entry.label, backend);
    }
    return backend;
  };
  /** @param {any} backend */
  const fallbacksOf = (backend) => backend.memoryFallbacks ?? 0;

  async function disposeBackends() {
    const backends = await Promise.all(created.values());
    created.clear();
    for (const backend of backends) backend.dispose?.();
  }

  async function wasmOnOneAndTwoThreads() {
    return Promise.all([backendFor(matrix[1]), backendFor(matrix[2])]);
  }

  /**
   * @param {string} name
   * @param {(under: { label: string, backend: any }) => void} fn
   */
  function describeBackends(name, fn) {
    afterAll(disposeBackends); // at the file's top level: runs after its last suite
    for (const entry of matrix) {
      /** @type {any} */
      let active;
      describe(`${name} [${entry.label}]`, () => {
        /** @type {any} */
        let previous;
        let fallbacksBefore = 0;
        beforeAll(async () => {
          active = await backendFor(entry);
          fallbacksBefore = fallbacksOf(active);
          previous = setBackend(active);
        });
        afterAll(() => {
          if (previous) setBackend(previous);
        });
        fn({
          label: entry.label,
          get backend() {
            if (!active) throw new Error(`describeBackends: '${entry.label}' is not set up yet`);
            return active;
          },
        });
        if (entry.fallsBack) {
          it('ran at least one kernel call on the reference fallback', () => {
            expect(
              fallbacksOf(active) - fallbacksBefore,
              `no kernel call of '${name}' had operands too big for ${CAPPED_MEMORY_BYTES} bytes: ` +
                'add one with FALLBACK_ELEMENTS elements',
            ).toBeGreaterThan(0);
          });
        }
      });
    }
  }

  /**
   * @template T
   * @param {() => T} fn
   */
  function onReference(fn) {
    const previous = setBackend(referenceBackend);
    try {
      return fn();
    } finally {
      setBackend(previous);
    }
  }

  return { describeBackends, disposeBackends, wasmOnOneAndTwoThreads, onReference };
}
