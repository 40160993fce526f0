// The backend matrix: every op suite runs once per backend, as tfjs's describeWithFlags(…, ALL_ENVS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { referenceBackend } from '../backend/reference/index.js';
import { setBackend } from '../backend/registry.js';
import { createWasmBackend, type WasmBackend } from '../backend/wasm/index.js';

/**
 * The capped backend's whole wasm memory (control block, one scratch block and about 1.2 MiB of
 * operand space): small enough that big operands fall back to the reference kernels.
 */
export const CAPPED_MEMORY_BYTES = 2 << 20;

/**
 * Float32 elements of an operand that can never fit under {@link CAPPED_MEMORY_BYTES}: a suite
 * run on every backend needs one kernel call this big so that the capped backend falls back.
 */
export const FALLBACK_ELEMENTS = CAPPED_MEMORY_BYTES / 4;

/** One backend of the matrix, as a suite sees it. */
export interface BackendUnderTest {
  /** The suite-name suffix: 'reference', 'wasm 1 thread', 'wasm 2 threads' or 'wasm 2 MiB cap'. */
  readonly label: string;
  /** The backend ops run on inside the suite (available from beforeAll on). */
  readonly backend: Backend;
}

interface Entry {
  readonly label: string;
  readonly create: () => Backend | Promise<Backend>;
  /** Whether the suite must show at least one kernel call that fell back to the reference. */
  readonly fallsBack?: boolean;
}

const MATRIX: readonly Entry[] = [
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

// Backends live for one test file (vitest runs each file in its own module graph): created when
// the first suite needs them, disposed after the file's last test.
const created = new Map<string, Promise<Backend>>();

function backendFor(entry: Entry): Promise<Backend> {
  let backend = created.get(entry.label);
  if (!backend) {
    backend = Promise.resolve().then(entry.create);
    created.set(entry.label, backend);
  }
  return backend;
}

/** Disposes the backends this file created (register it with afterAll at the top level). */
export async function disposeBackends(): Promise<void> {
  const backends = await Promise.all(created.values());
  created.clear();
  for (const backend of backends) (backend as Partial<WasmBackend>).dispose?.();
}

/** The matrix's wasm backends on 1 and on 2 threads (helpers started), for side-by-side tests. */
export async function wasmOnOneAndTwoThreads(): Promise<[WasmBackend, WasmBackend]> {
  const [one, two] = await Promise.all([backendFor(MATRIX[1]!), backendFor(MATRIX[2]!)]);
  return [one as WasmBackend, two as WasmBackend];
}

const fallbacksOf = (backend: Backend): number =>
  (backend as Partial<WasmBackend>).memoryFallbacks ?? 0;

/**
 * Runs the suite `fn` once per backend of the matrix, named `name [label]`, with that backend
 * active (set in beforeAll, the previous one restored in afterAll). On the memory-capped backend
 * a last test checks that some kernel call of the suite really ran on the reference fallback.
 * Call it at a test file's top level.
 *
 * @example
 * describeBackends('matmul', () => {
 *   it('computes known values', () => { ... });
 * });
 */
export function describeBackends(name: string, fn: (under: BackendUnderTest) => void): void {
  afterAll(disposeBackends); // at the file's top level: runs after its last suite
  for (const entry of MATRIX) {
    let active: Backend | undefined;
    describe(`${name} [${entry.label}]`, () => {
      let previous: Backend | undefined;
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
            fallbacksOf(active!) - fallbacksBefore,
            `no kernel call of '${name}' had operands too big for ${CAPPED_MEMORY_BYTES} bytes: ` +
              `add one with FALLBACK_ELEMENTS elements`,
          ).toBeGreaterThan(0);
        });
      }
    });
  }
}

/** Runs `fn` with the reference backend (the oracle) active, then restores the suite's backend. */
export function onReference<T>(fn: () => T): T {
  const previous = setBackend(referenceBackend);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

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
