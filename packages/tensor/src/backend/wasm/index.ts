import { ArgumentRangeError } from '../../errors.js';
import { checkOptionKeys, optionEnum, optionKeys } from '../../options.js';
import type { Backend } from '../backend.js';
import { referenceBackend } from '../reference/index.js';
import { createWasmContext } from './context.js';
import { wasmAddcmul } from './kernels/addcmul.js';
import { wasmAvgPool2d, wasmAvgPool2dBackward } from './kernels/avg-pool2d.js';
import { wasmBinary } from './kernels/binary.js';
import { wasmConv2d, wasmConv2dBackwardInput, wasmConv2dBackwardWeight } from './kernels/conv2d.js';
import { wasmDropout } from './kernels/dropout.js';
import { wasmLinear } from './kernels/linear.js';
import { wasmMaskedAffine } from './kernels/masked-affine.js';
import { wasmMatmul } from './kernels/matmul.js';
import { wasmMaxPool2d } from './kernels/max-pool2d.js';
import { wasmNormal, wasmUniform } from './kernels/random.js';
import { wasmReduce } from './kernels/reduce.js';
import { wasmSampleNormal } from './kernels/sample-normal.js';
import { wasmScaledSquare, wasmScaledSquareBackward } from './kernels/scaled-square.js';
import { wasmSparseVariationalDropoutKl } from './kernels/sparse-variational-dropout-kl.js';
import { wasmUnary } from './kernels/unary.js';
import { wasmVariationalDropoutKl } from './kernels/variational-dropout-kl.js';
import { chooseSimdBuild, SIMD_OPTIONS, type SimdBuild, type SimdOption } from './simd-build.js';

export type { SimdBuild, SimdOption } from './simd-build.js';

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
  /**
   * Which kernel build to compile (default `'auto'`): `'relaxed'` runs matmul's and conv's
   * multiply-adds as relaxed SIMD `f32x4.relaxed_madd` (fused where the CPU has FMA, so it can
   * differ from `'plain'` in the last bits, within float32 rounding of the reference); `'plain'`
   * uses 128-bit SIMD only, with the same bits on every host; `'auto'` takes relaxed where the
   * host validates it (Chrome ≥ 114, Node ≥ 22, Node 20 with `--experimental-wasm-relaxed-simd`)
   * and plain elsewhere.
   */
  simd?: SimdOption;
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
  /** The kernel build that runs (see {@link WasmBackendOptions.simd}); `name` says it too. */
  readonly simd: SimdBuild;
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
  /**
   * Bytes of the wasm memory below its highest block so far, and bytes in blocks now in use:
   * tests check that repeated scoped steps stop growing the memory. @internal
   */
  readonly heapBytes: { readonly highWater: number; readonly inUse: number };
}

const MAX_THREADS = 8;

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

/**
 * Creates a WebAssembly SIMD (128-bit) backend with helper threads.
 *
 * Matmul is a packed GEMM with a 4×8 f32x4 register-blocked micro-kernel (the blocking of Goto
 * and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008), every
 * transpose combination absorbed by packing; the fused linear op applies its bias, relu and
 * dropout to each output tile of that GEMM as the tile is finished, and matmul's addend is added
 * as the micro-kernel stores each tile (never fused: a separate add's bits); conv2d and its two
 * gradients unfold and multiply inside wasm memory. Dropout, uniform and normal random numbers,
 * broadcasting add/sub/mul/div/maximum/minimum, neg/abs/relu/sqrt, exp/log/log1p/sigmoid/tanh,
 * contiguous sum/max/min, max/average pooling, the masked affine kernel of the shared-mask
 * dropouts, `addcmul`, and the two KL ops, `scaledSquare` and `sampleNormal` of the learned-rate
 * dropouts run in wasm too; the remaining kernels run the reference code.
 *
 * Results never depend on the thread count. Random numbers, dropout masks and the arithmetic
 * elementwise, reduction and masked kernels equal the reference backend's bit for bit;
 * exp/log/log1p/sigmoid/tanh are Cephes-style polynomials (assembly/simd-math.ts) within 2
 * float32 ulps of it, special values exact, and `scaledSquare` is within a few ulps; matmul and conv
 * accumulate each output in float32 in k order (the reference sums each 256-deep slab of k in
 * float64 and rounds once per slab), so they agree with it to float32 rounding. The KL ops work
 * in float32 with SimdMath's exp and log and sum fixed blocks in float64, within 1e-5 of the
 * reference's float64 sums (relative to Σ|KL|). Operands are copied into the wasm memory and
 * results copied out; when that memory cannot grow (2 GiB, or `maxMemoryBytes`), a kernel falls
 * back to the reference code.
 *
 * Two kernel builds ship, chosen when the backend is created: plain SIMD, and relaxed SIMD, whose
 * GEMM (matmul, conv and its gradients) computes each step c + a·b with `f32x4.relaxed_madd`.
 * The engine runs that fused (one rounding instead of two) where the CPU has FMA and unfused
 * elsewhere, so the relaxed build's matmul and conv results can differ from the plain build's,
 * and from one machine to another, in the last bits, always within float32 rounding of the
 * reference. The order of the sums is the same in both builds, so on one machine either build
 * gives the same bits on any thread count. The other kernels are the same in both.
 *
 * @param options - `threads`: how many threads the big kernels may use (default: cores, at most
 *   8); `maxMemoryBytes`: an upper bound on the wasm memory (default 2 GiB); `simd`: `'auto'`
 *   (default: relaxed where the host has it), `'relaxed'` or `'plain'`.
 * @throws ArgumentRangeError for a bad thread count or a `maxMemoryBytes` that is not an integer
 *   between what the backend needs and 2 GiB; LacunaError for an unknown option, a `simd` that is
 *   not `'auto'`, `'relaxed'` or `'plain'`, or `'relaxed'` on a host without relaxed SIMD; an
 *   Error where the host has no WebAssembly or no SIMD (the module then fails to compile; the
 *   default backend falls back to the reference).
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
  checkOptionKeys(
    'createWasmBackend',
    options,
    optionKeys<WasmBackendOptions>({ threads: true, maxMemoryBytes: true, simd: true }),
  );
  const simd = chooseSimdBuild(
    optionEnum('createWasmBackend', 'simd', options.simd, SIMD_OPTIONS, 'auto'),
  );
  const requested = options.threads ?? Math.min(hardwareThreads(), MAX_THREADS);
  if (!Number.isInteger(requested) || requested < 1 || requested > 64) {
    throw new ArgumentRangeError(
      'createWasmBackend',
      'threads',
      `must be an integer in [1, 64], got ${String(options.threads)}`,
    );
  }
  const ctx = createWasmContext(requested, options.maxMemoryBytes, simd);
  const { pool, noShared } = ctx;
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
  const family = simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd';
  return {
    ...referenceBackend,
    get name() {
      const live = liveThreads();
      return live > 1 ? `${family} (${live} threads)` : family;
    },
    get threads() {
      return liveThreads();
    },
    get threadReason() {
      return threadReason();
    },
    simd,
    get memoryFallbacks() {
      return ctx.memoryFallbacks;
    },
    storagePool: ctx.storagePool,
    get heapBytes() {
      return { highWater: ctx.heap.highWater, inUse: ctx.heap.bytesInUse };
    },
    matmul: wasmMatmul(ctx),
    linear: wasmLinear(ctx),
    dropout: wasmDropout(ctx),
    uniform: wasmUniform(ctx),
    normal: wasmNormal(ctx),
    binary: wasmBinary(ctx),
    unary: wasmUnary(ctx),
    reduce: wasmReduce(ctx),
    maskedAffine: wasmMaskedAffine(ctx),
    scaledSquare: wasmScaledSquare(ctx),
    scaledSquareBackward: wasmScaledSquareBackward(ctx),
    addcmul: wasmAddcmul(ctx),
    sampleNormal: wasmSampleNormal(ctx),
    conv2d: wasmConv2d(ctx),
    conv2dBackwardInput: wasmConv2dBackwardInput(ctx),
    conv2dBackwardWeight: wasmConv2dBackwardWeight(ctx),
    maxPool2d: wasmMaxPool2d(ctx),
    avgPool2d: wasmAvgPool2d(ctx),
    avgPool2dBackward: wasmAvgPool2dBackward(ctx),
    sparseVariationalDropoutKl: wasmSparseVariationalDropoutKl(ctx),
    variationalDropoutKl: wasmVariationalDropoutKl(ctx),
    whenReady: async () => (pool ? (await pool.whenReady()) + 1 : 1),
    dispose: () => pool?.dispose(),
  };
}
