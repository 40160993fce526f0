import type { TypedArray } from '../dtype.js';
import type { StoragePool } from '../lifetime.js';
import type { Shape } from '../shape.js';
import type { KlKernels } from './kl-kernels.js';
import type { SamplingKernels } from './sampling-kernels.js';

/** Elementwise ops of two operands that broadcast. Comparisons write 0/1. */
export type BinaryOpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
  | 'equal'
  | 'notEqual';

/** Elementwise ops of one operand; some read a parameter from {@link UnaryParams}. */
export type UnaryOpName =
  | 'neg'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'erf'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'clamp';

/** Parameters of the parametrised unary ops. */
export interface UnaryParams {
  /** Negative slope of leakyRelu, α of elu. */
  readonly alpha?: number;
  /** Lower bound of clamp (−∞ when absent). */
  readonly min?: number;
  /** Upper bound of clamp (+∞ when absent). */
  readonly max?: number;
}

/** Reductions over a set of axes. */
export type ReduceOpName = 'sum' | 'max' | 'min';

/** Sizes and layout of a (batched) matrix product `out[b] = op(A[b]) · op(B[b])`. */
export interface MatmulParams {
  /** Number of independent products; A and B hold `batch` matrices each, back to back. */
  readonly batch: number;
  /** Rows of op(A) and of the output. */
  readonly m: number;
  /** Columns of op(B) and of the output. */
  readonly n: number;
  /** Columns of op(A) = rows of op(B). */
  readonly k: number;
  /** A is stored as k×m and used transposed. */
  readonly transA: boolean;
  /** B is stored as n×k and used transposed. */
  readonly transB: boolean;
}

/** Sizes, activation and dropout of {@link Backend.linear}: `out = drop(act(x·Wᵀ + b))`. */
export interface LinearParams {
  /** Rows of x and of the output. */
  readonly m: number;
  /** Rows of W: columns of the output, entries of b. */
  readonly n: number;
  /** Columns of x and of W. */
  readonly k: number;
  /** Applied after the bias: `'relu'` is max(·, 0), `'none'` the identity. */
  readonly activation: 'none' | 'relu';
  /**
   * Dropout after the activation, as {@link Backend.dropout} would apply it to the [m, n] result
   * (counter e = the element's flat index), or null for none.
   */
  readonly dropout: DropoutParams | null;
}

/** Sizes and options of {@link Backend.softmaxCrossEntropy} and its backward kernel. */
export interface SoftmaxCrossEntropyParams {
  /** Rows (examples) of the logits. */
  readonly n: number;
  /** Classes: columns of the logits. */
  readonly c: number;
  /** Targets are float32 [n, c] probabilities (true) or int32 [n] class indices (false). */
  readonly probabilities: boolean;
  /** ε in [0, 1): the target becomes (1-ε)·t + ε/c. */
  readonly labelSmoothing: number;
  /** `'mean'` or `'sum'`: one output value; `'none'`: one per row. */
  readonly reduction: 'mean' | 'sum' | 'none';
}

/** Geometry of a 2-D convolution or pooling window over NCHW input. */
export interface Conv2dGeometry {
  /** Batch size N. */
  readonly batch: number;
  /** Input channels C (for pooling: channels, pooled independently). */
  readonly channels: number;
  /** Input height. */
  readonly inH: number;
  /** Input width. */
  readonly inW: number;
  /** Window height. */
  readonly kH: number;
  /** Window width. */
  readonly kW: number;
  /** Stride [vertical, horizontal]. */
  readonly stride: readonly [number, number];
  /** Zero padding [top/bottom, left/right]. */
  readonly padding: readonly [number, number];
  /** Dilation [vertical, horizontal]. */
  readonly dilation: readonly [number, number];
  /** Output height. */
  readonly outH: number;
  /** Output width. */
  readonly outW: number;
}

/** Sizes of a grouped 2-D convolution over NCHW input (no bias: the op adds it). */
export interface Conv2dParams {
  /** Per-group geometry: `channels` counts the input channels of one group. */
  readonly geometry: Conv2dGeometry;
  /** Channel groups: input and output channels split into this many independent convolutions. */
  readonly groups: number;
  /** Output channels over all groups. */
  readonly outChannels: number;
}

/** Shapes of a broadcasting {@link Backend.binary}: both operands broadcast to `outShape`. */
export interface BinaryParams {
  /** Shape of the first operand. */
  readonly aShape: Shape;
  /** Shape of the second operand. */
  readonly bShape: Shape;
  /** Shape of the output. */
  readonly outShape: Shape;
}

/** Shapes of {@link Backend.where}: the condition and both branches broadcast to `outShape`. */
export interface WhereParams {
  /** Shape of the condition. */
  readonly condShape: Shape;
  /** Shape of the value taken where the condition holds. */
  readonly aShape: Shape;
  /** Shape of the value taken elsewhere. */
  readonly bShape: Shape;
  /** Shape of the output. */
  readonly outShape: Shape;
}

/** x viewed as [outer, size, inner]: the kernel works along the middle axis. */
export interface AxisParams {
  /** Product of the axes before the working axis. */
  readonly outer: number;
  /** Length of the working axis. */
  readonly size: number;
  /** Product of the axes after the working axis. */
  readonly inner: number;
}

/** Shapes and coefficients of {@link Backend.maskedAffine}: `m ? x·scale + shift : x·0 + fill`. */
export interface MaskedAffineParams {
  /** Shape of x and of the output. */
  readonly shape: Shape;
  /** Shape of the mask, broadcast to `shape`. */
  readonly maskShape: Shape;
  /** Factor applied where the mask is 1. */
  readonly scale: number;
  /** Added where the mask is 1. */
  readonly shift: number;
  /** Value (plus x·0) where the mask is 0. */
  readonly fill: number;
}

/** The draw and scale of {@link Backend.dropout}. */
export interface DropoutParams {
  /** Element i is kept when the top 24 bits of its hash, read as an integer, are below this. */
  readonly keepThreshold: number;
  /** Factor applied to kept elements (1/(1-p) for inverted dropout). */
  readonly scale: number;
  /** Key of the counter-based random bits. */
  readonly key: RandomKey;
}

/** A 64-bit key for counter-based random numbers, as two unsigned 32-bit halves. */
export interface RandomKey {
  /** High 32 bits. */
  readonly hi: number;
  /** Low 32 bits. */
  readonly lo: number;
}

/**
 * The kernels every backend provides. Ops validate arguments and allocate outputs, then call one
 * of these on flat row-major storage, so a faster backend (WebAssembly SIMD, threads) drops in
 * without changing the public API. Kernels never allocate their outputs and never throw on
 * input an op has validated.
 */
export interface Backend extends SamplingKernels, KlKernels {
  /** A short name for reports, e.g. `'reference'`. */
  readonly name: string;
  /**
   * Where tensors created inside a scope keep their storage so that its kernels use it in place
   * (the wasm memory); absent: scoped tensors are ordinary typed arrays. @internal
   */
  readonly storagePool?: StoragePool;
  /** `out[i] = a[i'] ∘ b[i'']` with NumPy broadcasting of `p.aShape` and `p.bShape` to `p.outShape`. */
  binary(op: BinaryOpName, a: TypedArray, b: TypedArray, out: TypedArray, p: BinaryParams): void;
  /** `out[i] = f(x[i])`, with `params` for the parametrised ops. */
  unary(op: UnaryOpName, x: TypedArray, out: TypedArray, params?: UnaryParams): void;
  /** `out[i] = cond[i'] ? a[i''] : b[i''']`, all three broadcast to `p.outShape`. */
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray, p: WhereParams): void;
  /** Reduces the sorted `axes` of `x` (shape `shape`) into `out`, laid out as `shape` without them. */
  reduce(
    op: ReduceOpName,
    x: TypedArray,
    shape: Shape,
    axes: readonly number[],
    out: TypedArray,
  ): void;
  /** Index of the max (or min) along the middle axis of x viewed as `p` ([outer, size, inner]); first on ties, NaN wins. */
  argReduce(op: 'max' | 'min', x: TypedArray, out: Int32Array, p: AxisParams): void;
  /** Copies the strided view (`offset`, `strides`, `shape`) of `x` into contiguous `out`. Strides may be 0 (broadcast). */
  copyStrided(
    x: TypedArray,
    offset: number,
    strides: readonly number[],
    shape: Shape,
    out: TypedArray,
  ): void;
  /**
   * `out = op(A) · op(B)` for each of `p.batch` matrices; `out` is overwritten. With an `addend`
   * (out's length and layout; null or absent for none), `out = op(A) · op(B) + addend`: each
   * element the product's float32 value plus the addend's, rounded once, the bits of
   * {@link Backend.binary} add run after the product.
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    p: MatmulParams,
    addend?: Float32Array | null,
  ): void;
  /**
   * `out = drop(act(x·Wᵀ + b))` for x [m, k], W [n, k] and b [n] (null for none): per element,
   * the matmul value, then one float32 add of the bias, the activation and dropout's
   * `(v·keep)·scale`, as separate {@link Backend.matmul}, {@link Backend.binary} add,
   * {@link Backend.unary} relu and {@link Backend.dropout} would give; `out` is overwritten.
   */
  linear(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    p: LinearParams,
  ): void;
  /**
   * Cross-entropy of targets under softmax(logits) in one pass per row, for logits [n, c]:
   * `Lᵢ = −Σ_c t꜀·(z꜀ − lse(z))` with the smoothed target t (terms with t꜀ = 0 skipped); `out`
   * gets the n losses, or their mean or sum (one value); `logSumExps`, when given, each row's
   * log Σ exp(z) (NaN for a row without a distribution), for the backward kernel.
   */
  softmaxCrossEntropy(
    logits: Float32Array,
    targets: Int32Array | Float32Array,
    out: Float32Array,
    logSumExps: Float64Array | null,
    p: SoftmaxCrossEntropyParams,
  ): void;
  /**
   * Gradient of {@link Backend.softmaxCrossEntropy} with respect to the logits:
   * `dzᵢ = gᵢ·(softmax(zᵢ)·Σ_c tᵢ꜀ − tᵢ)`, softmax(zᵢ) = exp(zᵢ − lseᵢ) from the forward kernel's
   * `logSumExps`, gᵢ the output gradient of row i (g/n for the mean, g for the sum); `dx` is
   * overwritten.
   */
  softmaxCrossEntropyBackward(
    grad: Float32Array,
    logits: Float32Array,
    targets: Int32Array | Float32Array,
    logSumExps: Float64Array,
    dx: Float32Array,
    p: SoftmaxCrossEntropyParams,
  ): void;
  /** Numerically stable log-softmax along the middle axis of x viewed as `p` ([outer, size, inner]). */
  logSoftmax(x: Float32Array, out: Float32Array, p: AxisParams): void;
  /**
   * Convolution without bias: `out[n, o] = W[o] · im2col(x[n, g])` for output channel o of group
   * g. x is [N, groups·channels, inH, inW], weight [outChannels, channels, kH, kW], out
   * [N, outChannels, outH, outW] (overwritten).
   */
  conv2d(x: Float32Array, weight: Float32Array, p: Conv2dParams, out: Float32Array): void;
  /** Gradient of {@link Backend.conv2d} with respect to x: `dx[n, g] = col2im(W_gᵀ · dY[n, g])`; dx overwritten. */
  conv2dBackwardInput(
    grad: Float32Array,
    weight: Float32Array,
    p: Conv2dParams,
    dx: Float32Array,
  ): void;
  /** Gradient of {@link Backend.conv2d} with respect to the weight: `dW_g = Σ_n dY[n, g] · im2col(x[n, g])ᵀ`; dw overwritten. */
  conv2dBackwardWeight(
    x: Float32Array,
    grad: Float32Array,
    p: Conv2dParams,
    dw: Float32Array,
  ): void;
  /** Max pooling over NCHW `x`; `argmax` gets each window's winning flat input index (-1 if all padding). */
  maxPool2d(x: Float32Array, g: Conv2dGeometry, out: Float32Array, argmax: Int32Array): void;
  /** Scatters `grad` (pooled shape) back to the winning positions: `dx[argmax[i]] += grad[i]`. */
  maxPool2dBackward(grad: Float32Array, argmax: Int32Array, dx: Float32Array): void;
  /** Average pooling over NCHW `x`; divides by the full window size (padding counts as zeros). */
  avgPool2d(x: Float32Array, g: Conv2dGeometry, out: Float32Array): void;
  /** Spreads each pooled gradient evenly over its window (the adjoint of {@link Backend.avgPool2d}). */
  avgPool2dBackward(grad: Float32Array, g: Conv2dGeometry, dx: Float32Array): void;
  /**
   * `out[i] = m ? x[i]·scale + shift : x[i]·0 + fill` (so NaN and ±Infinity stay NaN) where m is
   * `mask` (0/1 bytes) broadcast from `p.maskShape` to `p.shape`: the one kernel behind
   * shared-mask, alpha and block dropout.
   */
  maskedAffine(x: Float32Array, mask: Uint8Array, out: Float32Array, p: MaskedAffineParams): void;
  /**
   * `out[i] = exp(logScale[i])·x[i]²` (the per-weight variance weights α⊙θ² of the local
   * reparameterisation), and `scaled[i] = exp(logScale[i])·x[i]` unless `scaled` is null (what the
   * gradients need, saved when autograd records the op); all have one length.
   */
  scaledSquare(
    x: Float32Array,
    logScale: Float32Array,
    out: Float32Array,
    scaled: Float32Array | null,
  ): void;
  /**
   * Gradients of {@link Backend.scaledSquare} for the output gradient `grad`, both in one pass
   * from its saved `scaled` (e^s·x) and `out` (e^s·x²): `dx[i] = 2·scaled[i]·grad[i]`,
   * `dLogScale[i] = out[i]·grad[i]`, each plus its addend (rounded once more) when one is given.
   * Both outputs are overwritten; all arrays have one length.
   */
  scaledSquareBackward(
    grad: Float32Array,
    scaled: Float32Array,
    out: Float32Array,
    dx: Float32Array,
    dLogScale: Float32Array,
    dxAddend: Float32Array | null,
    dsAddend: Float32Array | null,
  ): void;
  /**
   * `out[i] = input[i] + a[i]·b[i]` (all four one length): the float32 product rounded, then the
   * sum, the bits of {@link Backend.binary} mul then add.
   */
  addcmul(input: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** Fills `out` with uniform floats in [0, 1) from counter-based random bits under `key`. */
  uniform(key: RandomKey, out: Float32Array): void;
  /** Fills `out` with standard normal floats (Box–Muller) from counter-based bits under `key`. */
  normal(key: RandomKey, out: Float32Array): void;
  /**
   * Fused dropout: draws element i's keep bit from counter i under `p.key` (kept when the top 24
   * bits of its hash, read as an integer, are below `p.keepThreshold`), writes
   * `out[i] = x[i]·keep·p.scale`, and `mask[i] = keep` when a mask is given. Because the bits
   * depend only on (key, i), the backward pass is this same kernel applied to the output
   * gradient: the mask is regenerated, never stored, never re-drawn.
   */
  dropout(x: Float32Array, out: Float32Array, p: DropoutParams, mask?: Uint8Array): void;
}
