import { getBackend } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { checkOptionKeys, optionEnum, optionKeys } from '../options.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { type DropoutOptions, type DropoutSaved, fusedDropout } from './dropout.js';
import { checkFloat } from './util.js';

/** What {@link linear} applies after the bias: `'none'` (identity) or `'relu'` (max(·, 0)). */
export type LinearActivation = 'none' | 'relu';

/** Options of {@link linear}. */
export interface LinearOptions {
  /** Applied to `x·Wᵀ + b`: `'none'` (default) or `'relu'`. */
  activation?: LinearActivation;
  /**
   * Dropout after the activation, with {@link dropout}'s options (`p`, `training`, `generator`,
   * `scaling`): the same mask, bit for bit, as a separate dropout drawing from the same
   * generator state. Default: none.
   */
  dropout?: DropoutOptions;
}

/** What linear records for its one gradient rule (x, W and b are the node's inputs). */
export interface LinearSaved {
  /** The activation applied. */
  readonly activation: LinearActivation;
  /** The op's result y: relu's derivative is [y > 0] (also under dropout), read from it. */
  readonly output: Tensor;
  /** The dropout mask's key, threshold and scale (16 bytes, regenerated in backward), or null. */
  readonly dropout: DropoutSaved | null;
}

const LINEAR_KEYS = optionKeys<LinearOptions>({ activation: true, dropout: true });

function checkShapes(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.rank !== 2) {
    throw new ShapeError(
      'linear',
      'weight',
      `must have shape [outFeatures, inFeatures], got ${fmtShape(weight.shape)}`,
    );
  }
  const [out, inFeatures] = weight.shape as [number, number];
  if (x.rank !== 2 || x.shape[1] !== inFeatures) {
    throw new ShapeError(
      'linear',
      'x',
      `must have shape [N, ${inFeatures}] (the weight's ${inFeatures} input features), got ${fmtShape(x.shape)}`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(
      'linear',
      'bias',
      `must have shape [${out}] (the weight's ${out} output features), got ${fmtShape(bias.shape)}`,
    );
  }
}

/**
 * Fully connected layer as one op: `y = drop(act(x·Wᵀ + b))`, in one pass over the output instead
 * of one per op (matmul, add, relu, dropout), with one gradient rule:
 * `dZ = dY ⊙ m·scale ⊙ act'(Z)`, `dx = dZ·W`, `dW = dZᵀ·x`, `db = Σ_rows dZ` (m the dropout
 * mask, regenerated from its key; m·scale = 1 without dropout).
 *
 * Shapes: x [N, inFeatures], W [outFeatures, inFeatures] (PyTorch's layout, read transposed in
 * place), b [outFeatures] or null, y [N, outFeatures]. The result has the bits of
 * `dropout(relu(add(matmul(x, W, { transB: true }), b)), options.dropout)` on the same backend,
 * with the same generator state: the same product, then one float32 add, one max and dropout's
 * `(v·m)·scale` per element, and the same mask (counter = the element's flat index in y).
 *
 * @param x - float32 [N, inFeatures].
 * @param weight - float32 [outFeatures, inFeatures].
 * @param bias - float32 [outFeatures], or null (default) for none.
 * @param options - `activation`: `'none'` (default) or `'relu'`; `dropout`: {@link dropout}'s
 *   options (`p`, `training`, `generator`, `scaling`), or absent for none.
 * @throws ShapeError for shapes that do not fit together; DTypeError for non-float32 operands;
 *   LacunaError for unknown option keys or activations.
 * @example
 * ```ts
 * import { Generator, linear, tensor } from '@lacuna/tensor';
 * const x = tensor([[1, 2]]);
 * const w = tensor([[1, 1], [1, -1]]); // [out = 2, in = 2]
 * linear(x, w, tensor([0.5, 0.5])).toArray();                         // [[3.5, -0.5]]
 * linear(x, w, tensor([0.5, 0.5]), { activation: 'relu' }).toArray(); // [[3.5, 0]]
 * // With dropout (p = 0.5, inverted): each element is 0 or twice its value.
 * const dropout = { p: 0.5, training: true, generator: new Generator(0) };
 * linear(x, w, tensor([0.5, 0.5]), { activation: 'relu', dropout }).shape; // [1, 2]
 * ```
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearOptions = {},
): Tensor {
  checkFloat('linear', 'x', x);
  checkFloat('linear', 'weight', weight);
  if (bias !== null) checkFloat('linear', 'bias', bias);
  checkOptionKeys('linear', options, LINEAR_KEYS);
  const activation = optionEnum(
    'linear',
    'activation',
    options.activation,
    ['none', 'relu'],
    'none',
  );
  checkShapes(x, weight, bias);
  const [m, k] = x.shape as [number, number];
  const n = weight.shape[0]!;
  const shape = [m, n];
  checkElementCount('linear', 'x', shape);
  // Last: it draws the mask's key, and an op that throws leaves the generator as it was.
  const drop = options.dropout === undefined ? null : fusedDropout('linear', options.dropout);
  const out = new Tensor(allocateUnfilled('float32', m * n), shape, 'float32');
  getBackend().linear(
    x.storage as Float32Array,
    weight.storage as Float32Array,
    bias ? (bias.storage as Float32Array) : null,
    out.storage as Float32Array,
    { m, n, k, activation, dropout: drop?.saved ?? null },
  );
  const y = record('linear', bias ? [x, weight, bias] : [x, weight], out, {
    activation,
    output: out,
    dropout: drop?.saved ?? null,
  });
  // Classic dropout at inference multiplies by the keep probability, as dropout does.
  return drop && drop.factor !== 1 ? mul(y, drop.factor) : y;
}
