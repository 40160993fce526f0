import {
  ArgumentRangeError,
  abs,
  add,
  checkOptionKeys,
  DTypeError,
  describeValue,
  isTensor,
  LacunaError,
  mul,
  optionKeys,
  sum,
  type Tensor,
  zeros,
} from '@lacuna/tensor';

// Weight penalties are ordinary tensor ops (mul, abs, sum, add), so autograd differentiates them
// with the rules it already has and a user adds them to any loss. There is no ½ factor and the
// coefficient defaults to 1: the value is exactly the sum a reader writes down (PyTorch's
// `sum(p.pow(2).sum() for p in params)`), and the relation to the optimizers' `weightDecay` is
// spelled out in l2Penalty's comment instead of being hidden in a convention.

/** Options of {@link l2Penalty} and {@link l1Penalty}. */
export interface PenaltyOptions {
  /**
   * λ ≥ 0, finite: the penalty is multiplied by it (default 1, no multiplication at all). Keras's
   * `l2(λ)` / `l1(λ)` regularisers are `l2Penalty(params, { coefficient: λ })` /
   * `l1Penalty(params, { coefficient: λ })`.
   */
  coefficient?: number;
}

const PENALTY_KEYS = optionKeys<PenaltyOptions>({ coefficient: true });

/**
 * Checks `params` and `options` completely before any op runs (a generator is read once, so it is
 * copied first); returns the tensors and the coefficient.
 */
function checkPenaltyArgs(
  op: string,
  params: Iterable<Tensor>,
  options: PenaltyOptions,
): [Tensor[], number] {
  checkOptionKeys(op, options, PENALTY_KEYS);
  const coefficient = options.coefficient ?? 1;
  if (typeof coefficient !== 'number')
    throw new LacunaError(
      op,
      'options.coefficient',
      `must be a number, got ${describeValue(coefficient)}`,
    );
  if (!(Number.isFinite(coefficient) && coefficient >= 0))
    throw new ArgumentRangeError(
      op,
      'options.coefficient',
      `must be a finite number ≥ 0, got ${coefficient}`,
    );
  const iterable =
    typeof params === 'object' &&
    params !== null &&
    !isTensor(params, op, 'params') &&
    typeof (params as Partial<Iterable<Tensor>>)[Symbol.iterator] === 'function';
  if (!iterable) {
    const hint =
      typeof params === 'object' && params !== null && 'parameters' in params
        ? ' (for a module, pass model.parameters())'
        : isTensor(params, op, 'params')
          ? ' (for one tensor, pass [tensor])'
          : ' (e.g. model.parameters())';
    throw new LacunaError(
      op,
      'params',
      `must be an iterable of float32 Tensors${hint}, got ${describeValue(params)}`,
    );
  }
  const list = [...params];
  list.forEach((p: unknown, i) => {
    if (!isTensor(p, op, `params[${i}]`)) {
      const pair = Array.isArray(p) && p.length === 2 && typeof p[0] === 'string';
      throw new LacunaError(
        op,
        `params[${i}]`,
        `must be a Tensor${pair ? ' (from namedParameters(), keep the tensors: .map(([, p]) => p))' : ''}, got ${describeValue(p)}`,
      );
    }
    if (p.dtype !== 'float32')
      throw new DTypeError(op, `params[${i}]`, `must be float32, got ${p.dtype}`);
  });
  return [list, coefficient];
}

/** `coefficient · Σ_p Σ_i term(p)_i`, a scalar on the autograd tape; 0 for no tensors. */
function penalty(
  op: string,
  params: Iterable<Tensor>,
  options: PenaltyOptions,
  term: (p: Tensor) => Tensor,
): Tensor {
  const [list, coefficient] = checkPenaltyArgs(op, params, options);
  let total: Tensor | undefined;
  for (const p of list) {
    const s = sum(term(p));
    total = total === undefined ? s : add(total, s);
  }
  if (total === undefined) return zeros([]);
  // Skipping the multiplication at λ = 1 keeps the default exactly the plain sum.
  return coefficient === 1 ? total : mul(total, coefficient);
}

/**
 * The L2 weight penalty: the sum of the squares of every element of every tensor, as a scalar
 * that autograd differentiates, to add to any loss.
 *
 * Rule: `l2Penalty(params, { coefficient: λ }) = λ · Σ_p Σ_i p_i²` (λ defaults to 1), with no ½
 * factor; its gradient with respect to each p is `2λ·p`. The same tensor listed twice counts twice.
 * An empty list gives 0.
 *
 * Conventions elsewhere: PyTorch users write `loss + λ * sum(p.pow(2).sum() for p in params)`,
 * which is `add(loss, l2Penalty(params, { coefficient: λ }))`; Keras's `l2(λ)` regulariser is
 * `λ·Σw²`, the same value. An optimizer's `weightDecay` λ (as in `SGD`) adds `λ·θ` to the
 * gradient, which is the gradient of `(λ/2)·Σθ²`: `weightDecay: λ` corresponds to
 * `l2Penalty(params, { coefficient: λ / 2 })`, not `coefficient: λ`. For plain SGD one step is the
 * same either way up to float32 rounding (the penalty's gradient is computed and accumulated in
 * float32 tensors, the optimizer's decay term in float64 before the update is stored). For Adam,
 * RMSprop and Adagrad the penalty's gradient passes through the adaptive scaling, as their
 * `weightDecay` does; AdamW-style decoupled decay is not a loss term.
 *
 * To leave biases (or any other tensors) out, filter `model.namedParameters()` by name and keep
 * the tensors. Srivastava et al. (2014, section 6.5, Table 9) compare dropout with L2, L1 and
 * max-norm regularisation (section 5.1) and their combinations on MNIST.
 *
 * @param params - An iterable of float32 tensors, e.g. `model.parameters()`; read once.
 * @param options - `coefficient` λ ≥ 0 (default 1).
 * @returns A float32 scalar tensor (shape []).
 * @throws LacunaError when `params` is not an iterable of tensors or an option is unknown or not a
 *   number; DTypeError for a tensor that is not float32; ArgumentRangeError for a coefficient that
 *   is negative or not finite.
 * @example
 * ```ts
 * import { backward } from '@lacuna/autograd';
 * import { Linear, l2Penalty, mseLoss } from '@lacuna/layers';
 * import { add, Generator, tensor } from '@lacuna/tensor';
 * const net = new Linear(2, 1, { generator: new Generator(0) });
 * const weights = net.namedParameters()
 *   .filter(([name]) => !name.endsWith('bias'))
 *   .map(([, p]) => p);
 * const data = mseLoss(net.forward(tensor([[1, 2]])), tensor([[1]]));
 * const loss = add(data, l2Penalty(weights, { coefficient: 1e-4 }));
 * backward(loss);
 * console.log(l2Penalty([tensor([1, -2]), tensor([[3]])]).item()); // 14
 * ```
 */
export function l2Penalty(params: Iterable<Tensor>, options: PenaltyOptions = {}): Tensor {
  return penalty('l2Penalty', params, options, (p) => mul(p, p));
}

/**
 * The L1 weight penalty: the sum of the absolute values of every element of every tensor, as a
 * scalar that autograd differentiates, to add to any loss.
 *
 * Rule: `l1Penalty(params, { coefficient: λ }) = λ · Σ_p Σ_i |p_i|` (λ defaults to 1); its
 * gradient with respect to p_i is `λ·sign(p_i)`, with 0 at p_i = 0 (the subgradient PyTorch's
 * `abs` backward uses too), so plain gradient descent makes weights oscillate around 0 rather than
 * land on exactly 0. Keras's `l1(λ)` regulariser is the same value. The same tensor listed twice
 * counts twice; an empty list gives 0.
 *
 * L1 drives many weights towards 0 where L2 only shrinks them (Ng 2004 on feature selection with
 * L1 versus L2); Srivastava et al. (2014, section 6.5, Table 9) compare dropout with L2, L1
 * and max-norm. To leave biases out, filter `model.namedParameters()` by name (see
 * {@link l2Penalty}).
 *
 * @param params - An iterable of float32 tensors, e.g. `model.parameters()`; read once.
 * @param options - `coefficient` λ ≥ 0 (default 1).
 * @returns A float32 scalar tensor (shape []).
 * @throws LacunaError when `params` is not an iterable of tensors or an option is unknown or not a
 *   number; DTypeError for a tensor that is not float32; ArgumentRangeError for a coefficient that
 *   is negative or not finite.
 * @example
 * ```ts
 * import { l1Penalty } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * console.log(l1Penalty([tensor([1, -2]), tensor([[3]])]).item()); // 6
 * console.log(l1Penalty([tensor([1, -2])], { coefficient: 0.5 }).item()); // 1.5
 * ```
 */
export function l1Penalty(params: Iterable<Tensor>, options: PenaltyOptions = {}): Tensor {
  return penalty('l1Penalty', params, options, abs);
}
