import type { TypedArray } from '../../dtype.js';
import { ArgumentRangeError } from '../../errors.js';
import { checkOptionKeys, optionKeys } from '../../options.js';
import type { Shape } from '../../shape.js';
import type {
  Backend,
  BinaryOpName,
  Conv2dGeometry,
  Conv2dParams,
  MatmulParams,
  RandomKey,
  ReduceOpName,
  UnaryOpName,
  UnaryParams,
} from '../backend.js';
import { convSizes } from '../conv-sizes.js';
import { referenceBackend } from '../reference/index.js';
import { warnOnce } from '../warn.js';
import { MAXIMUM_PAGES, PRIVATE_WASM_BASE64, SHARED_WASM_BASE64 } from './kernels.generated.js';
import { BINARY_OPS, broadcastLayout, REDUCE_OPS, reduceBlock, UNARY_OPS } from './layout.js';
import { Arena } from './memory.js';
import { type Share, ThreadPool } from './threads.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Threads the big kernels may use, this one included (default: the machine's cores, at most 8).
   * 1 runs everything on the calling thread. Results never depend on it.
   */
  threads?: number;
  /**
   * Upper bound on the wasm memory in bytes (default: 2 GiB, this module's limit). Kernel calls
   * whose operands do not fit run on the reference kernels instead, with the same results; a
   * small bound forces that path, which is how the test suite exercises it. It must leave room
   * for the control block, one scratch block per thread and 1 MiB of operand space.
   */
  maxMemoryBytes?: number;
}

/** The WebAssembly SIMD backend: a {@link Backend} plus control over its helper threads. */
export interface WasmBackend extends Backend {
  /**
   * Threads the big kernels can use now: 1 where SharedArrayBuffer is unavailable, and fewer
   * than requested when helper threads failed to start (no Worker, or a Content-Security-Policy
   * `worker-src` that blocks `blob:` workers). `name` follows it.
   */
  readonly threads: number;
  /** Why {@link WasmBackend.threads} is what it is, e.g. why it is 1 although 2 were requested. */
  readonly threadReason: string;
  /**
   * Starts the helper threads if they have not started and resolves with the number of threads
   * (this one included) that are running. Kernels never wait for this: until helpers are up, the
   * calling thread does their share.
   */
  whenReady(): Promise<number>;
  /** Stops the helper threads; kernels then run on the calling thread only. */
  dispose(): void;
  /**
   * Kernel calls so far whose operands did not fit under `maxMemoryBytes` and ran on the
   * reference kernels: the backend test matrix checks that its capped backend took that path.
   * @internal
   */
  readonly memoryFallbacks: number;
}

const KERNELS = [
  'gemm',
  'dropout',
  'uniform',
  'normal',
  'binary',
  'unary',
  'reduce',
  'maskedAffine',
  'conv2dForward',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'maxPool2d',
  'avgPool2d',
  'avgPool2dBackward',
] as const;
type KernelName = (typeof KERNELS)[number];
type Kernel = (...args: number[]) => number;

const PAGE = 65536;
const CONTROL = PAGE; // page 0 is left to the module itself
const MAX_THREADS = 8;
// Below this many multiply-adds a product runs on one thread: waking a helper costs ~10 µs.
const PARALLEL_MIN_MACS = 1 << 19;
// Below this many elements an elementwise kernel runs on one thread.
const PARALLEL_MIN_ELEMENTS = 1 << 16;
// The GEMM micro-tile of assembly/gemm.ts: splits fall on tile boundaries.
const MR = 4;
const NR = 8;

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

function hardwareThreads(): number {
  const host = globalThis as unknown as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const os = host.process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number }
    | undefined;
  return os?.availableParallelism?.() ?? host.navigator?.hardwareConcurrency ?? 1;
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

/** Splits [0, total) into `parts` ranges whose starts are multiples of `align`; drops empty ones. */
function split(total: number, parts: number, align: number): [number, number][] {
  const step = Math.ceil(total / parts / align) * align;
  const ranges: [number, number][] = [];
  for (let start = 0; start < total; start += step)
    ranges.push([start, Math.min(total, start + step)]);
  return ranges;
}

/**
 * Creates a WebAssembly SIMD (128-bit) backend with helper threads.
 *
 * Matmul is a packed GEMM with a 4×8 f32x4 register-blocked micro-kernel (the blocking of Goto
 * and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008), every
 * transpose combination absorbed by packing; conv2d and its two gradients unfold and multiply
 * inside wasm memory. Dropout, uniform and normal random numbers, broadcasting add/sub/mul/div/
 * maximum/minimum, neg/abs/relu/sqrt, contiguous sum/max/min, max/average pooling and the masked
 * affine kernel of the shared-mask dropouts run in wasm too; the remaining kernels run the
 * reference code.
 *
 * Results never depend on the thread count. Random numbers, dropout masks and the elementwise,
 * reduction and masked kernels equal the reference backend's bit for bit; matmul and conv
 * accumulate each output in float32 in k order (the reference sums each 256-deep slab of k in
 * float64 and rounds once per slab), so they agree with it to float32 rounding. Operands are copied into the wasm memory and results copied
 * out; when that memory cannot grow (2 GiB), a kernel falls back to the reference code.
 *
 * @param options - `threads`: how many threads the big kernels may use (default: cores, at most 8).
 * @throws ArgumentRangeError for a bad thread count; an Error where the host has no WebAssembly
 *   or no SIMD (the module then fails to compile; the default backend falls back to the reference).
 * @example
 * ```ts
 * import { createWasmBackend, setBackend, matmul, ones } from '@lacuna/tensor';
 * const wasm = createWasmBackend({ threads: 2 });
 * const previous = setBackend(wasm);
 * matmul(ones([64, 64]), ones([64, 64])).data().subarray(0, 3); // Float32Array [64, 64, 64]
 * setBackend(previous);
 * wasm.dispose();
 * ```
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const api = wasmApi();
  if (!api) throw new Error('createWasmBackend: this JavaScript host has no WebAssembly');
  checkOptionKeys(
    'createWasmBackend',
    options,
    optionKeys<WasmBackendOptions>({ threads: true, maxMemoryBytes: true }),
  );
  const requested = options.threads ?? Math.min(hardwareThreads(), MAX_THREADS);
  if (!Number.isInteger(requested) || requested < 1 || requested > 64) {
    throw new ArgumentRangeError(
      'createWasmBackend',
      'threads',
      `must be an integer in [1, 64], got ${String(options.threads)}`,
    );
  }
  const noShared = requested > 1 ? noSharedMemory() : undefined;
  const shared = requested > 1 && noShared === undefined;
  const threads = shared ? requested : 1;
  const module: WasmModule = new api.Module(
    decode(shared ? SHARED_WASM_BASE64 : PRIVATE_WASM_BASE64),
  );
  // Scratch sizes are properties of the module: ask a throwaway instance before laying out memory.
  const probe = new api.Instance(module, {
    env: { memory: new api.Memory({ initial: 2, maximum: MAXIMUM_PAGES, shared }) },
  });
  const scratchBytes = Math.max(
    (probe.exports.gemmScratchBytes as () => number)(),
    (probe.exports.reduceScratchBytes as () => number)(),
  );
  const scratchStride = Math.ceil(scratchBytes / PAGE) * PAGE;
  const scratchBase = CONTROL + PAGE;
  const arenaBase = scratchBase + threads * scratchStride;
  const initialPages = arenaBase / PAGE + 16;
  const maximumPages = memoryCapPages(options.maxMemoryBytes, initialPages);
  const memory: WasmMemory = new api.Memory({
    initial: initialPages,
    maximum: MAXIMUM_PAGES,
    shared,
  });
  const { exports } = new api.Instance(module, { env: { memory } });
  const kernel = (name: KernelName) => exports[name] as Kernel;
  const arena = new Arena(memory, arenaBase, maximumPages);
  const pool = shared ? new ThreadPool(memory, module, KERNELS, CONTROL, threads - 1) : undefined;
  const scratch = (thread: number) => scratchBase + thread * scratchStride;
  if (pool) {
    pool.onFailure = () =>
      warnOnce(
        'wasm-threads',
        `@lacuna/tensor: the wasm backend runs on ${pool.liveThreads()} of ${threads} threads: ` +
          `${pool.failures.join('; ')}. A Content-Security-Policy must allow blob: workers ` +
          `(worker-src 'self' blob:) for the helper threads; see the @lacuna/tensor README.`,
      );
  }
  const liveThreads = () => (pool ? pool.liveThreads() : 1);
  const threadReason = (): string => {
    if (requested === 1) return '1 thread requested';
    if (noShared) return `1 of ${requested} threads: ${noShared}`;
    if (!pool!.hasStarted)
      return `1 of ${requested} threads so far: the helper threads start on the first op large enough to use them (await whenReady() to start them now)`;
    const live = liveThreads();
    if (live < requested) return `${live} of ${requested} threads: ${pool!.failures.join('; ')}`;
    return `${requested} threads over shared memory`;
  };

  /** Runs `shares` (one per thread; the first on this one) of kernel `name`. */
  function parallel(name: KernelName, shares: Share[], helpers: number[]): void {
    if (shares.length === 1 || !pool) kernel(name)(...shares[0]!);
    else pool.run(kernel(name), KERNELS.indexOf(name), shares, helpers);
  }

  /** Helpers to use for `work` units of work: none below `minimum` or without a pool. */
  function helpersFor(work: number, minimum: number): number[] {
    return pool && work >= minimum ? pool.readyHelpers() : [];
  }

  function matmul(a: Float32Array, b: Float32Array, out: Float32Array, p: MatmulParams): void {
    const { batch, m, n, k, transA, transB } = p;
    if (out.length === 0) return;
    const ptrs = arena.stage([a, b], [out.byteLength]);
    if (!ptrs) {
      referenceBackend.matmul(a, b, out, p); // operands too big for the wasm memory
      return;
    }
    const [pa, pb, pc] = ptrs as [number, number, number];
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const helpers = helpersFor(batch * m * n * k, PARALLEL_MIN_MACS);
    const parts = helpers.length + 1;
    const [sa, sb, sc] = [m * k, k * n, m * n];
    // One share: `bt` products starting at float offsets ao/bo/co, mm × nn of each output.
    const share = (
      t: number,
      bt: number,
      ao: number,
      bo: number,
      co: number,
      mm: number,
      nn: number,
    ): Share => [
      bt,
      pa + ao * 4,
      sa,
      lda,
      +transA,
      pb + bo * 4,
      sb,
      ldb,
      +transB,
      pc + co * 4,
      sc,
      n,
      mm,
      nn,
      k,
      scratch(t),
    ];
    // Split whole products across threads when there are enough, else the larger of rows and
    // columns in tile multiples: each output element is computed the same way wherever it lands.
    const shares =
      batch >= parts
        ? split(batch, parts, 1).map(([b0, b1], t) =>
            share(t, b1 - b0, b0 * sa, b0 * sb, b0 * sc, m, n),
          )
        : n / NR >= m / MR
          ? split(n, parts, NR).map(([j0, j1], t) =>
              share(t, batch, 0, transB ? j0 * k : j0, j0, m, j1 - j0),
            )
          : split(m, parts, MR).map(([i0, i1], t) =>
              share(t, batch, transA ? i0 : i0 * k, 0, i0 * n, i1 - i0, n),
            );
    parallel('gemm', shares, helpers);
    arena.copyOut(pc, out);
  }

  function dropout(
    x: Float32Array,
    keepThreshold: number,
    scale: number,
    key: RandomKey,
    out: Float32Array,
    mask?: Uint8Array,
  ): void {
    const n = x.length;
    const ptrs = n > 0 ? arena.stage([x], mask ? [n] : []) : undefined;
    if (!ptrs) {
      referenceBackend.dropout(x, keepThreshold, scale, key, out, mask);
      return;
    }
    const [pv, pm = 0] = ptrs as [number, number?];
    const helpers = helpersFor(n, PARALLEL_MIN_ELEMENTS);
    // Counters are absolute element indices, so any split draws the same bits. In place.
    const shares = split(n, helpers.length + 1, 4).map(
      ([s, e]): Share => [
        pv + s * 4,
        pv + s * 4,
        mask ? pm + s : 0,
        e - s,
        s,
        keepThreshold,
        scale,
        key.lo | 0,
        key.hi | 0,
      ],
    );
    parallel('dropout', shares, helpers);
    arena.copyOut(pv, out);
    if (mask) arena.copyOut(pm, mask);
  }

  /** Fills `out` with counter-based random numbers (uniform or normal); counters split evenly. */
  function random(name: 'uniform' | 'normal', key: RandomKey, out: Float32Array): void {
    const n = out.length;
    const ptrs = n > 0 ? arena.stage([], [out.byteLength]) : undefined;
    if (!ptrs) {
      referenceBackend[name](key, out);
      return;
    }
    const [pv] = ptrs as [number];
    const helpers = helpersFor(n, PARALLEL_MIN_ELEMENTS);
    // Shares start at multiples of 4, so Box–Muller pairs never straddle two threads.
    const shares = split(n, helpers.length + 1, 4).map(
      ([s, e]): Share => [pv + s * 4, e - s, s, key.lo | 0, key.hi | 0],
    );
    parallel(name, shares, helpers);
    arena.copyOut(pv, out);
  }

  function binary(
    op: BinaryOpName,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void {
    const code = BINARY_OPS[op];
    const floats =
      a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array;
    const layout =
      code !== undefined && floats ? broadcastLayout([aShape, bShape], outShape) : undefined;
    const ptrs = layout ? arena.stage([a, b], [out.byteLength]) : undefined;
    if (!layout || !ptrs) {
      referenceBackend.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    const [pa, pb, po] = ptrs as [number, number, number];
    const { rows, cols, modes } = layout;
    // One thread: the pass is memory-bound, and waking a helper costs more than it saves.
    kernel('binary')(code!, pa, modes[0]!, pb, modes[1]!, po, 0, rows, cols);
    arena.copyOut(po, out);
  }

  function unary(op: UnaryOpName, x: TypedArray, out: TypedArray, params?: UnaryParams): void {
    const code = UNARY_OPS[op];
    const n = x.length;
    const floats = x instanceof Float32Array && out instanceof Float32Array;
    const ptrs = code !== undefined && floats && n > 0 ? arena.stage([x], []) : undefined;
    if (!ptrs) {
      referenceBackend.unary(op, x, out, params);
      return;
    }
    const [px] = ptrs as [number];
    kernel('unary')(code!, px, px, n); // memory-bound: one thread, as binary
    arena.copyOut(px, out);
  }

  function maskedAffine(
    x: Float32Array,
    shape: Shape,
    mask: Uint8Array,
    maskShape: Shape,
    scale: number,
    shift: number,
    fill: number,
    out: Float32Array,
  ): void {
    const layout = broadcastLayout([maskShape], shape, true);
    const ptrs = layout ? arena.stage([x, mask], [out.byteLength]) : undefined;
    if (!layout || !ptrs) {
      referenceBackend.maskedAffine(x, shape, mask, maskShape, scale, shift, fill, out);
      return;
    }
    const [px, pm, po] = ptrs as [number, number, number];
    const { rows, cols, modes, repeats } = layout;
    // Memory-bound: one thread, as binary.
    kernel('maskedAffine')(px, pm, modes[0]!, repeats[0]!, po, 0, rows, cols, scale, shift, fill);
    arena.copyOut(po, out);
  }

  /** The 13 geometry words the conv and pooling kernels read. */
  function geometryWords(g: Conv2dGeometry): Int32Array {
    return Int32Array.of(
      g.channels,
      g.inH,
      g.inW,
      g.kH,
      g.kW,
      ...g.stride,
      ...g.padding,
      ...g.dilation,
      g.outH,
      g.outW,
    );
  }

  /**
   * Runs a per-image conv kernel (forward or input gradient): images are split across threads, so
   * results do not depend on the split. The input gradient folds back from a column buffer per
   * thread; the forward pass gathers its columns while packing and needs none.
   */
  function perImage(
    name: 'conv2dForward' | 'conv2dBackwardInput',
    input: Float32Array,
    weight: Float32Array,
    p: Conv2dParams,
    out: Float32Array,
  ): boolean {
    const { g, ck, plane, og } = convSizes(p);
    const helpers = helpersFor(g.batch * p.outChannels * plane * ck, PARALLEL_MIN_MACS).slice(
      0,
      g.batch - 1,
    );
    const colBytes = name === 'conv2dForward' ? 0 : ck * plane * 4;
    const ptrs = arena.stage(
      [input, weight, geometryWords(p.geometry)],
      [out.byteLength, ...helpers.map(() => colBytes), colBytes],
    );
    if (!ptrs) return false;
    const [pi, pw, pg, po, ...cols] = ptrs as [number, number, number, number, ...number[]];
    const shares = split(g.batch, helpers.length + 1, 1).map(
      ([n0, n1], t): Share => [pi, pw, po, pg, p.groups, og, n0, n1 - n0, cols[t]!, scratch(t)],
    );
    parallel(name, shares, helpers);
    arena.copyOut(po, out);
    return true;
  }

  function conv2d(x: Float32Array, weight: Float32Array, p: Conv2dParams, out: Float32Array): void {
    if (out.length === 0 || !perImage('conv2dForward', x, weight, p, out)) {
      referenceBackend.conv2d(x, weight, p, out);
    }
  }

  function conv2dBackwardInput(
    grad: Float32Array,
    weight: Float32Array,
    p: Conv2dParams,
    dx: Float32Array,
  ): void {
    if (dx.length === 0 || !perImage('conv2dBackwardInput', grad, weight, p, dx)) {
      referenceBackend.conv2dBackwardInput(grad, weight, p, dx);
    }
  }

  function conv2dBackwardWeight(
    x: Float32Array,
    grad: Float32Array,
    p: Conv2dParams,
    dw: Float32Array,
  ): void {
    const { g, ck, plane, og } = convSizes(p);
    // Threads split the columns of dW: each element still sums the images in order.
    const helpers = helpersFor(g.batch * p.outChannels * plane * ck, PARALLEL_MIN_MACS);
    const ranges = dw.length > 0 ? split(ck, helpers.length + 1, NR) : [];
    const ptrs =
      ranges.length > 0
        ? arena.stage(
            [x, grad, geometryWords(p.geometry)],
            [dw.byteLength, ...ranges.map(([c0, c1]) => (c1 - c0) * plane * 4)],
          )
        : undefined;
    if (!ptrs) {
      referenceBackend.conv2dBackwardWeight(x, grad, p, dw);
      return;
    }
    const [px, pd, pg, pw, ...cols] = ptrs as [number, number, number, number, ...number[]];
    const shares = ranges.map(
      ([c0, c1], t): Share => [px, pd, pw, pg, p.groups, og, g.batch, c0, c1, cols[t]!, scratch(t)],
    );
    parallel('conv2dBackwardWeight', shares, helpers.slice(0, ranges.length - 1));
    arena.copyOut(pw, dw);
  }

  /** Planes (n, c) of a pooling geometry split across threads; each plane's outputs stay whole. */
  function planeShares(
    g: Conv2dGeometry,
    make: (p0: number, count: number) => Share,
  ): [Share[], number[]] {
    const planes = g.batch * g.channels;
    const work = planes * g.outH * g.outW * g.kH * g.kW;
    const helpers = helpersFor(work, PARALLEL_MIN_ELEMENTS).slice(0, Math.max(0, planes - 1));
    const shares = split(planes, helpers.length + 1, 1).map(([p0, p1]) => make(p0, p1 - p0));
    return [shares, helpers];
  }

  function maxPool2d(
    x: Float32Array,
    g: Conv2dGeometry,
    out: Float32Array,
    argmax: Int32Array,
  ): void {
    const ptrs =
      out.length > 0
        ? arena.stage([x, geometryWords(g)], [out.byteLength, argmax.byteLength])
        : undefined;
    if (!ptrs) {
      referenceBackend.maxPool2d(x, g, out, argmax);
      return;
    }
    const [px, pg, po, pa] = ptrs as [number, number, number, number];
    const [shares, helpers] = planeShares(g, (p0, count) => [px, po, pa, pg, p0, count]);
    parallel('maxPool2d', shares, helpers);
    arena.copyOut(po, out);
    arena.copyOut(pa, argmax);
  }

  function avgPool2d(x: Float32Array, g: Conv2dGeometry, out: Float32Array): void {
    const ptrs = out.length > 0 ? arena.stage([x, geometryWords(g)], [out.byteLength]) : undefined;
    if (!ptrs) {
      referenceBackend.avgPool2d(x, g, out);
      return;
    }
    const [px, pg, po] = ptrs as [number, number, number];
    const [shares, helpers] = planeShares(g, (p0, count) => [px, po, pg, p0, count]);
    parallel('avgPool2d', shares, helpers);
    arena.copyOut(po, out);
  }

  function avgPool2dBackward(grad: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
    const ptrs = grad.length > 0 ? arena.stage([grad, dx, geometryWords(g)], []) : undefined;
    if (!ptrs) {
      referenceBackend.avgPool2dBackward(grad, g, dx);
      return;
    }
    const [pg, pd, pgeo] = ptrs as [number, number, number];
    // Planes are disjoint in dx, so threads never add to the same element.
    const [shares, helpers] = planeShares(g, (p0, count) => [pg, pd, pgeo, p0, count]);
    parallel('avgPool2dBackward', shares, helpers);
    arena.copyOut(pd, dx);
  }

  function reduce(
    op: ReduceOpName,
    x: TypedArray,
    shape: Shape,
    axes: readonly number[],
    out: TypedArray,
  ): void {
    const floats = x instanceof Float32Array && out instanceof Float32Array;
    const block = floats && out.length > 0 ? reduceBlock(shape, axes) : undefined;
    const ptrs = block ? arena.stage([x], [out.byteLength]) : undefined;
    if (!block || !ptrs) {
      referenceBackend.reduce(op, x, shape, axes, out);
      return;
    }
    const [px, po] = ptrs as [number, number];
    const { outer, size, inner } = block;
    const helpers = helpersFor(x.length, PARALLEL_MIN_ELEMENTS);
    const parts = helpers.length + 1;
    const code = REDUCE_OPS[op];
    // Split outputs, never the reduced axis: each output is accumulated the same way anywhere.
    const shares: Share[] =
      inner > 1 && outer < parts
        ? split(inner, parts, 4).map(([i0, i1], t) => [
            code,
            px,
            po,
            0,
            outer,
            size,
            inner,
            i0,
            i1 - i0,
            scratch(t),
          ])
        : split(outer, parts, 2).map(([o0, o1], t) => [
            code,
            px,
            po,
            o0,
            o1 - o0,
            size,
            inner,
            0,
            inner,
            scratch(t),
          ]);
    parallel('reduce', shares, helpers);
    arena.copyOut(po, out);
  }

  return {
    ...referenceBackend,
    get name() {
      const live = liveThreads();
      return live > 1 ? `wasm-simd (${live} threads)` : 'wasm-simd';
    },
    get threads() {
      return liveThreads();
    },
    get threadReason() {
      return threadReason();
    },
    get memoryFallbacks() {
      return arena.fallbacks;
    },
    matmul,
    dropout,
    uniform: (key: RandomKey, out: Float32Array) => random('uniform', key, out),
    normal: (key: RandomKey, out: Float32Array) => random('normal', key, out),
    binary,
    unary,
    reduce,
    maskedAffine,
    conv2d,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    maxPool2d,
    avgPool2d,
    avgPool2dBackward,
    whenReady: async () => (pool ? (await pool.whenReady()) + 1 : 1),
    dispose: () => pool?.dispose(),
  };
}
