import { ArgumentRangeError } from '../../errors.js';
import type { StoragePool } from '../../lifetime.js';
import { warnOnce } from '../warn.js';
import { heapStoragePool, WasmHeap } from './heap.js';
import { MAXIMUM_PAGES } from './kernels.generated.js';
import { Arena } from './memory.js';
import { kernelModuleBase64, type SimdBuild } from './simd-build.js';
import { type Share, ThreadPool } from './threads.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

/**
 * The AssemblyScript exports the backend calls; helper threads refer to them by index in this
 * list. @internal
 */
export const KERNELS = [
  'matmul',
  'dropout',
  'uniform',
  'normal',
  'binary',
  'unary',
  'reduce',
  'maskedAffine',
  'scaledSquare',
  'scaledSquareBackward',
  'conv2d',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'maxPool2d',
  'avgPool2d',
  'avgPool2dBackward',
  'linear',
  'sparseVariationalDropoutKl',
  'variationalDropoutKl',
  'addcmul',
  'sampleNormal',
] as const;
/** The name of an AssemblyScript kernel export. @internal */
export type KernelName = (typeof KERNELS)[number];
type Kernel = (...args: number[]) => number;

const PAGE = 65536;
const CONTROL = PAGE; // page 0 is left to the module itself
/** Below this many multiply-adds a product runs on one thread: waking a helper costs ~10 µs. @internal */
export const PARALLEL_MIN_MACS = 1 << 19;
/** Below this many elements an elementwise kernel runs on one thread. @internal */
export const PARALLEL_MIN_ELEMENTS = 1 << 16;

/**
 * What one kernel call puts in the wasm memory, reserved in this order: inputs (copied in),
 * outputs (copied out after the run), then work buffers (neither). Arrays that already live in
 * the wasm memory (tensors of a scope) are used where they are, neither copied in nor out.
 * @internal
 */
export interface Staging {
  /** Arrays copied into wasm memory. */
  readonly inputs: readonly ArrayBufferView[];
  /** Arrays the kernel writes; their bytes are reserved, and copied out after the run. */
  readonly outputs?: readonly ArrayBufferView[];
  /**
   * Inputs the kernel overwrites in place, as [input index, array to copy the result into]; an
   * input that lives in the wasm memory and is its own target is overwritten where it is.
   */
  readonly inPlace?: readonly (readonly [number, ArrayBufferView])[];
  /** Bytes of each work buffer (per-thread column buffers). */
  readonly buffers?: readonly number[];
}

/** Byte offsets in wasm memory of what a {@link Staging} reserved, in its order. @internal */
export interface Staged {
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly buffers: readonly number[];
}

/** The argument lists of one kernel run: share 0 on the calling thread, share i on `helpers[i - 1]`. @internal */
export interface Dispatch {
  readonly shares: readonly Share[];
  readonly helpers: readonly number[];
}

/** One kernel call: what to stage, and how to split the run once the operands are staged. @internal */
export interface KernelCall extends Staging {
  readonly kernel: KernelName;
  /** The shares for where the operands landed (called only once they are staged). */
  dispatch(at: Staged): Dispatch;
}

/** Memory, arena, thread pool and dispatch shared by every wasm kernel wrapper. @internal */
export interface WasmContext {
  /** The helper threads; undefined without shared memory (then everything runs on this one). */
  readonly pool: ThreadPool | undefined;
  /** Threads requested by the caller. */
  readonly requested: number;
  /** Why shared memory is unavailable, when it is. */
  readonly noShared: string | undefined;
  /** Helpers to use for `work` units of work: none below `minimum` or without a pool. */
  helpersFor(work: number, minimum: number): number[];
  /** One thread: for the memory-bound kernels, where waking a helper costs more than it saves. */
  readonly alone: (share: Share) => Dispatch;
  /** Kernel calls so far whose operands did not fit in the wasm memory (each ran the reference). */
  readonly memoryFallbacks: number;
  /** Byte offset of thread `t`'s scratch block. */
  scratch(thread: number): number;
  /** Tensor storage in the wasm memory; undefined without shared memory (see heap.ts). */
  readonly storagePool: StoragePool | undefined;
  /** The heap that operands and pooled storage share. */
  readonly heap: WasmHeap;
  /**
   * Stages `call`, runs its shares (the first on this thread), and copies its outputs out; runs
   * `fallback` (the reference kernel, same result) instead when `call` is undefined or false (the
   * wasm kernel does not cover these operands) or when they do not fit in the wasm memory.
   */
  run(call: KernelCall | undefined | false, fallback: () => void): void;
}

function decode(base64: string): Uint8Array {
  const text = (globalThis as unknown as { atob(data: string): string }).atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The arena's page limit under `maxMemoryBytes` (the module's own limit when absent). */
function memoryCapPages(maxMemoryBytes: number | undefined, minimumPages: number): number {
  if (maxMemoryBytes === undefined) return MAXIMUM_PAGES;
  if (
    !Number.isSafeInteger(maxMemoryBytes) ||
    maxMemoryBytes < minimumPages * PAGE ||
    maxMemoryBytes > MAXIMUM_PAGES * PAGE
  ) {
    throw new ArgumentRangeError(
      'createWasmBackend',
      'maxMemoryBytes',
      `must be an integer number of bytes in [${minimumPages * PAGE}, ${MAXIMUM_PAGES * PAGE}] ` +
        `with these threads, got ${String(maxMemoryBytes)}`,
    );
  }
  return Math.floor(maxMemoryBytes / PAGE);
}

/** Why shared memory cannot be used here, or undefined when it can. */
function noSharedMemory(): string | undefined {
  const host = globalThis as unknown as { crossOriginIsolated?: boolean };
  // Browsers hide SharedArrayBuffer from pages that are not isolated: name the cause first.
  if (host.crossOriginIsolated === false) {
    return (
      'the page is not cross-origin isolated, so SharedArrayBuffer is unavailable (serve it ' +
      'with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
    );
  }
  if (typeof SharedArrayBuffer !== 'function') return 'this host has no SharedArrayBuffer';
  return undefined;
}

/**
 * The argument list of one AssemblyScript export: `names` are its parameters in order, and
 * `build` puts named values in that order (booleans as 0/1), the one list that the calling
 * thread and the helper threads pass alike. `build` is written out (not a loop over `names`) to
 * stay fast on every call; args.test.ts checks `names` against assembly/*.ts and `build`
 * against `names`.
 * @internal
 */
export interface ArgList<N extends string> {
  readonly kernel: KernelName;
  readonly names: readonly N[];
  readonly build: (values: Readonly<Record<N, number>>) => Share;
}

/** Declares the argument list of AssemblyScript export `kernel`. @internal */
export function argList<const N extends string>(
  kernel: KernelName,
  names: readonly N[],
  build: (values: Readonly<Record<N, number>>) => Share,
): ArgList<N> {
  return { kernel, names, build };
}

/** The array input `i` is copied into after an in-place kernel, if it is one. */
function inPlaceTarget({ inPlace }: Staging, i: number): ArrayBufferView | undefined {
  if (inPlace) for (const [index, target] of inPlace) if (index === i) return target;
  return undefined;
}

/** Splits [0, total) into `parts` ranges whose starts are multiples of `align`; drops empty ones. @internal */
export function split(total: number, parts: number, align: number): [number, number][] {
  const step = Math.ceil(total / parts / align) * align;
  const ranges: [number, number][] = [];
  for (let start = 0; start < total; start += step)
    ranges.push([start, Math.min(total, start + step)]);
  return ranges;
}

/**
 * Compiles the kernels (the `build` chosen at load), lays out the wasm memory (control blocks, one
 * scratch block per thread, then the operand arena) and creates the helper-thread pool when
 * `requested` > 1 and shared memory exists.
 * @internal
 */
export function createWasmContext(
  requested: number,
  maxMemoryBytes?: number,
  build: SimdBuild = 'plain',
): WasmContext {
  const api = wasmApi();
  if (!api) throw new Error('createWasmBackend: this JavaScript host has no WebAssembly');
  const noSharedReason = noSharedMemory();
  const noShared = requested > 1 ? noSharedReason : undefined;
  // Shared memory even on one thread when the host has it: its views survive growth, so tensor
  // storage can live in it (a private memory's buffer is detached by each growth).
  const shared = noSharedReason === undefined;
  const threads = shared ? requested : 1;
  const module: WasmModule = new api.Module(decode(kernelModuleBase64(build, shared)));
  // Scratch sizes are properties of the module: ask a throwaway instance before laying out memory.
  const probe = new api.Instance(module, {
    env: { memory: new api.Memory({ initial: 2, maximum: MAXIMUM_PAGES, shared }) },
  });
  const scratchBytes = Math.max(
    (probe.exports.matmulScratchBytes as () => number)(),
    (probe.exports.linearScratchBytes as () => number)(),
    (probe.exports.reduceScratchBytes as () => number)(),
    (probe.exports.klScratchBytes as () => number)(),
  );
  const scratchStride = Math.ceil(scratchBytes / PAGE) * PAGE;
  const scratchBase = CONTROL + PAGE;
  const arenaBase = scratchBase + threads * scratchStride;
  const initialPages = arenaBase / PAGE + 16;
  const maximumPages = memoryCapPages(maxMemoryBytes, initialPages);
  const memory: WasmMemory = new api.Memory({
    initial: initialPages,
    maximum: MAXIMUM_PAGES,
    shared,
  });
  const { exports } = new api.Instance(module, { env: { memory } });
  const heap = new WasmHeap(memory, arenaBase, maximumPages);
  const arena = new Arena(heap);
  const pool =
    shared && threads > 1
      ? new ThreadPool(memory, module, KERNELS, CONTROL, threads - 1)
      : undefined;
  if (pool) {
    pool.onFailure = () =>
      warnOnce(
        'wasm-threads',
        `@lacuna/tensor: the wasm backend runs on ${pool.liveThreads()} of ${threads} threads: ` +
          `${pool.failures.join('; ')}. A Content-Security-Policy must allow blob: workers ` +
          `(worker-src 'self' blob:) for the helper threads; see the @lacuna/tensor README.`,
      );
  }

  let memoryFallbacks = 0;

  /** Where `view` is: its own offset when it lives in the wasm memory, else a reservation (-1: full). */
  function place(view: ArrayBufferView, into: number[]): boolean {
    const own = heap.offsetOf(view);
    if (own < 0) return reserveCopy(view.byteLength, into);
    into.push(own);
    return true;
  }

  /** Places a call's operands (inputs, outputs, buffers) and copies the inputs that need it in. */
  function stage(call: Staging): Staged | undefined {
    const { inputs, outputs = [], buffers = [] } = call;
    const at = { inputs: [] as number[], outputs: [] as number[], buffers: [] as number[] };
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      // The kernel overwrites an in-place input: it is used where it lives only when it is its
      // own target, never when that would clobber another tensor.
      const target = inPlaceTarget(call, i);
      const ok =
        target === undefined || target === input
          ? place(input, at.inputs)
          : reserveCopy(input.byteLength, at.inputs);
      if (!ok) return undefined;
    }
    for (let i = 0; i < outputs.length; i++) if (!place(outputs[i]!, at.outputs)) return undefined;
    for (let i = 0; i < buffers.length; i++)
      if (!reserveCopy(buffers[i]!, at.buffers)) return undefined;
    for (let i = 0; i < inputs.length; i++)
      if (at.inputs[i] !== heap.offsetOf(inputs[i]!)) arena.copyIn(at.inputs[i]!, inputs[i]!);
    return at;
  }

  function reserveCopy(bytes: number, into: number[]): boolean {
    const at = arena.reserve(bytes);
    into.push(at);
    return at >= 0;
  }

  function run(call: KernelCall | undefined | false, fallback: () => void): void {
    if (!call) {
      fallback();
      return;
    }
    try {
      const at = stage(call);
      if (!at) {
        memoryFallbacks++;
        fallback();
        return;
      }
      const kernel = exports[call.kernel] as Kernel;
      const { shares, helpers } = call.dispatch(at);
      if (shares.length === 1 || !pool) kernel(...shares[0]!);
      else pool.run(kernel, KERNELS.indexOf(call.kernel), shares, helpers);
      const { outputs = [], inPlace = [] } = call;
      for (let o = 0; o < outputs.length; o++)
        if (at.outputs[o] !== heap.offsetOf(outputs[o]!))
          arena.copyOut(at.outputs[o]!, outputs[o]!);
      for (const [index, target] of inPlace)
        if (at.inputs[index] !== heap.offsetOf(target)) arena.copyOut(at.inputs[index]!, target);
    } finally {
      arena.reset();
    }
  }

  return {
    get memoryFallbacks() {
      return memoryFallbacks;
    },
    pool,
    requested,
    noShared,
    alone: (share) => ({ shares: [share], helpers: [] }),
    helpersFor: (work, minimum) => (pool && work >= minimum ? pool.readyHelpers() : []),
    scratch: (thread) => scratchBase + thread * scratchStride,
    run,
    heap,
    storagePool: shared ? heapStoragePool(heap) : undefined,
  };
}
