/** What the matrix needs of one copy of @lacuna/tensor (its sources, or the built package). */
export interface TensorBackends<B = unknown, W extends B = B> {
  readonly referenceBackend: B;
  setBackend(backend: B): B;
  createWasmBackend(options: { threads?: number; maxMemoryBytes?: number }): W;
}

/** One backend of the matrix, as a suite sees it. */
export interface BackendUnderTest<B> {
  /** The suite-name suffix: 'reference', 'wasm 1 thread', 'wasm 2 threads' or 'wasm 2 MiB cap'. */
  readonly label: string;
  /** The backend ops run on inside the suite (available from beforeAll on). */
  readonly backend: B;
}

/** The capped backend's whole wasm memory: small enough that big operands fall back. */
export declare const CAPPED_MEMORY_BYTES: number;
/** Float32 elements of an operand that never fits under {@link CAPPED_MEMORY_BYTES}. */
export declare const FALLBACK_ELEMENTS: number;

/** The backend matrix bound to one copy of @lacuna/tensor. */
export declare function createBackendMatrix<B, W extends B>(
  tensor: TensorBackends<B, W>,
): {
  /**
   * Runs the suite `fn` once per backend (reference, wasm 1 thread, wasm 2 threads, wasm under
   * a 2 MiB cap), named `name [label]`, with that backend active; on the capped backend a last
   * test checks that some kernel call of the suite really ran on the reference fallback. Call it
   * at a test file's top level.
   */
  describeBackends(name: string, fn: (under: BackendUnderTest<B>) => void): void;
  /** Disposes the backends this file created. */
  disposeBackends(): Promise<void>;
  /** The matrix's wasm backends on 1 and on 2 threads (helpers started). */
  wasmOnOneAndTwoThreads(): Promise<[W, W]>;
  /** Runs `fn` with the reference backend active, then restores the suite's backend. */
  onReference<T>(fn: () => T): T;
};
