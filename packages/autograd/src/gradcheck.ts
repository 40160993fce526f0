import {
  checkOptionKeys,
  LacunaError,
  mul,
  optionKeys,
  sum,
  Tensor,
  withoutRecording,
} from '@lacuna/tensor';
import { valueAndGrad } from './grad.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-3 (the forward runs in float32). */
  eps?: number;
  /** Absolute tolerance. Default 1e-3. */
  atol?: number;
  /** Relative tolerance. Default 1e-2. */
  rtol?: number;
}

const GRADCHECK_KEYS = optionKeys<GradcheckOptions>({ eps: true, atol: true, rtol: true });

/** Where analytic and numeric gradients disagree most. */
export interface GradcheckWorst {
  /** Index of the input tensor. */
  input: number;
  /** Flat index of the element within that input. */
  index: number;
  /** The gradient autograd computed. */
  analytic: number;
  /** The central finite difference. */
  numeric: number;
}

/** The outcome of {@link gradcheck}. */
export interface GradcheckResult {
  /** Every element satisfied `|analytic - numeric| ≤ atol + rtol·|numeric|`. */
  ok: boolean;
  /** Largest `|analytic - numeric|`. */
  maxAbsError: number;
  /** Largest `|analytic - numeric| / max(|analytic|, |numeric|, atol)`. */
  maxRelError: number;
  /** The element furthest outside the tolerance (or closest to it); null when inputs are empty. */
  worst: GradcheckWorst | null;
}

/** Fixed, non-uniform weights that project a tensor output onto a scalar. */
function projection(size: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) =>
    Math.fround(0.5 + 0.75 * Math.sin(1.3 * i + 0.4)),
  );
}

/**
 * Compares autograd's gradients of `fn` at `inputs` with central finite differences.
 *
 * A non-scalar output is projected to the scalar `L = Σ wᵢ·outᵢ` with fixed non-uniform weights,
 * so every output element is checked. Each numeric derivative is
 * `(L(x + eps·eᵢ) - L(x - eps·eᵢ)) / (2·eps)`, with L accumulated in float64. `fn` must be
 * deterministic: build any `Generator` inside it from a fixed seed.
 *
 * @param fn - A function of float32 tensors.
 * @param inputs - The point to check at; not modified.
 * @param options - `eps`, `atol`, `rtol`.
 * @example
 * ```ts
 * import { gradcheck } from '@lacuna/autograd';
 * import { mul, tensor } from '@lacuna/tensor';
 * const r = gradcheck((a, b) => mul(a, b), [tensor([1, 2]), tensor([3, 4])]);
 * console.log(r.ok, r.maxRelError);
 * ```
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  checkOptionKeys('gradcheck', options, GRADCHECK_KEYS);
  const eps = options.eps ?? 1e-3;
  const atol = options.atol ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  for (const [name, v] of [
    ['eps', eps],
    ['atol', atol],
    ['rtol', rtol],
  ] as const) {
    if (!(v > 0) || !Number.isFinite(v))
      throw new LacunaError(
        'gradcheck',
        `options.${name}`,
        `must be a positive finite number, got ${v}`,
      );
  }
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor) || t.dtype !== 'float32') {
      throw new LacunaError('gradcheck', `inputs[${i}]`, 'must be a float32 Tensor');
    }
  });
  const probe = withoutRecording(() => fn(...inputs));
  const w = new Tensor(projection(probe.size), probe.shape, 'float32');
  const { grads } = valueAndGrad((...xs: Tensor[]) => sum(mul(fn(...xs), w)))(...inputs);
  const loss = (xs: Tensor[]): number => {
    const out = withoutRecording(() => fn(...xs)).storage;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i]! * w.storage[i]!;
    return s;
  };

  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradcheckWorst | null = null;
  let worstScore = -1;
  inputs.forEach((input, which) => {
    for (let i = 0; i < input.size; i++) {
      const perturbed = (delta: number) =>
        inputs.map((t, j) => {
          if (j !== which) return t;
          const copy = t.storage.slice() as Float32Array;
          copy[i] = copy[i]! + delta;
          return new Tensor(copy, t.shape, 'float32');
        });
      const numeric = (loss(perturbed(eps)) - loss(perturbed(-eps))) / (2 * eps);
      const analytic = grads[which]!.storage[i]!;
      const err = Math.abs(analytic - numeric);
      const score = err / (atol + rtol * Math.abs(numeric));
      maxAbsError = Math.max(maxAbsError, err);
      maxRelError = Math.max(
        maxRelError,
        err / Math.max(Math.abs(analytic), Math.abs(numeric), atol),
      );
      if (score > worstScore || Number.isNaN(score)) {
        worstScore = Number.isNaN(score) ? Infinity : score;
        worst = { input: which, index: i, analytic, numeric };
      }
    }
  });
  return { ok: worstScore <= 1, maxAbsError, maxRelError, worst };
}
