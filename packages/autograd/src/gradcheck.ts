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
  /**
   * Relative finite-difference step: element xᵢ moves by `hᵢ = eps·max(1, |xᵢ|)`. Default 1e-2,
   * sized for float32 (see {@link gradcheck} for why it is not PyTorch's float64 1e-6).
   */
  eps?: number;
  /** Absolute tolerance. Default 1e-4. */
  atol?: number;
  /** Relative tolerance, against the analytic gradient. Default 1e-2. */
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
  /** The central finite difference with step h. */
  numeric: number;
  /** The estimated error of `numeric` (float32 rounding and truncation), part of `tolerance`. */
  noise: number;
  /** The allowed `|analytic - numeric|` here: `atol + rtol·|analytic| + noise`. */
  tolerance: number;
}

/** The outcome of {@link gradcheck}. */
export interface GradcheckResult {
  /** Every element satisfied `|analytic - numeric| ≤ atol + rtol·|analytic| + noise`. */
  ok: boolean;
  /** Largest `|analytic - numeric|`. */
  maxAbsError: number;
  /** Largest `|analytic - numeric| / max(|analytic|, |numeric|, atol)`. */
  maxRelError: number;
  /** The element furthest outside its tolerance (or closest to it); null when inputs are empty. */
  worst: GradcheckWorst | null;
}

/** Unit roundoff of float32: half the gap between 1 and the next float32. */
const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** Fixed, non-uniform weights that project a tensor output onto a scalar. */
function projection(size: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) =>
    Math.fround(0.5 + 0.75 * Math.sin(1.3 * i + 0.4)),
  );
}

/**
 * Compares autograd's gradients of `fn` at `inputs` with central finite differences, with
 * tolerances that hold for functions evaluated in float32.
 *
 * A non-scalar output is projected to the scalar `L = Σ wᵢ·outᵢ` with fixed non-uniform weights,
 * so every output element is checked; L is accumulated in float64 from the float32 outputs.
 *
 * Tolerance model. Element xᵢ gets the central difference
 * `Dᵢ(h) = (L(x⁺) - L(x⁻)) / (x⁺ - x⁻)`, where x± is xᵢ ± h rounded to float32 and
 * `h = eps·max(1, |xᵢ|)`. Its error has two parts: truncation, about h²·|L'''|/6, and the float32
 * rounding inside `fn`, about δ/h where δ is the rounding error of one evaluation of L. δ is a few
 * ulps of L at least, and grows with the intermediates and the length of sums inside `fn` (a
 * 300-term matmul feeding a saturated logSoftmax gives δ ≈ 1e-5 on L ≈ 30). So in float32 the
 * step must be wide (1e-2, not PyTorch's float64 1e-6) and the tolerance must include δ/h. Both
 * parts are estimated per element from a second difference at half the step:
 *
 *   noiseᵢ = (4/3)·|Dᵢ(h) - Dᵢ(h/2)| + 4·u·M/h,   u = 2⁻²⁴,   M = Σⱼ |wⱼ·outⱼ| at the point.
 *
 * The first term measures truncation and rounding together: for truncation alone it is exactly
 * D(h)'s leading error (D(h) - D(h/2) is 3/4 of it), and rounding makes the two estimates disagree
 * by about as much as each is off. The second is a floor of four roundings of the output's own
 * size, for elements where the two estimates agree by chance. An element passes when
 *
 *   |analyticᵢ - Dᵢ(h)| ≤ atol + rtol·|analyticᵢ| + noiseᵢ.
 *
 * A wrong rule is still caught wherever its error exceeds that noise: a gradient off by 10 % fails
 * on the conv2d → matmul → logSoftmax chain of the tests, whose correct gradient the old defaults
 * (h = 1e-3, no noise term) rejected. `worst` reports the noise and tolerance used. Each element
 * costs four evaluations of `fn`. Keep inputs a step's width away from kinks (relu at 0, ties of
 * a max): a difference across a kink is not a derivative.
 *
 * `fn` must be deterministic: build any `Generator` inside it from a fixed seed.
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
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 1e-4;
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
  let magnitude = 0;
  for (let i = 0; i < probe.size; i++) magnitude += Math.abs(probe.storage[i]! * w.storage[i]!);
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
      const x = input.storage[i]!;
      const at = (value: number) =>
        inputs.map((t, j) => {
          if (j !== which) return t;
          const copy = t.storage.slice() as Float32Array;
          copy[i] = value;
          return new Tensor(copy, t.shape, 'float32');
        });
      const difference = (h: number) => {
        const up = Math.fround(x + h);
        const down = Math.fround(x - h);
        return (loss(at(up)) - loss(at(down))) / (up - down);
      };
      const h = eps * Math.max(1, Math.abs(x));
      const numeric = difference(h);
      const noise =
        (4 / 3) * Math.abs(numeric - difference(h / 2)) +
        (4 * FLOAT32_UNIT_ROUNDOFF * magnitude) / h;
      const analytic = grads[which]!.storage[i]!;
      const err = Math.abs(analytic - numeric);
      const tolerance = atol + rtol * Math.abs(analytic) + noise;
      const score = err / tolerance;
      maxAbsError = Math.max(maxAbsError, err);
      maxRelError = Math.max(
        maxRelError,
        err / Math.max(Math.abs(analytic), Math.abs(numeric), atol),
      );
      if (score > worstScore || Number.isNaN(score)) {
        worstScore = Number.isNaN(score) ? Infinity : score;
        worst = { input: which, index: i, analytic, numeric, noise, tolerance };
      }
    }
  });
  return { ok: worstScore <= 1, maxAbsError, maxRelError, worst };
}
