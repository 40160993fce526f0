import type { Tensor } from '@lacuna/tensor';
import {
  type BaseOptions,
  buffer,
  checkHyper,
  Optimizer,
  type ParamGroupSpec,
  type ParamState,
} from './optimizer.js';
import type { OptionTypes, StateLayout } from './state-check.js';

const OPTIONS: OptionTypes<AdagradOptions> = {
  lr: 'number',
  lrDecay: 'number',
  weightDecay: 'number',
  initialAccumulatorValue: 'number',
  eps: 'number',
};

const LAYOUT: StateLayout<AdagradOptions> = {
  kind: 'Adagrad',
  requiredBuffers: ['sum'],
  optionalBuffers: [],
  options: OPTIONS,
};

/** Hyper-parameters of {@link Adagrad}. */
export interface AdagradOptions extends BaseOptions {
  /** Learning-rate decay per step, ≥ 0 (default 0). */
  lrDecay?: number;
  /** L2 penalty λ ≥ 0 (default 0). */
  weightDecay?: number;
  /** Starting value of the squared-gradient sums, ≥ 0 (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10). */
  eps?: number;
}

/**
 * Adagrad (Duchi et al. 2011), with PyTorch's update rule for `torch.optim.Adagrad`:
 *
 * ```
 * g ← g + λ·θ
 * η̃ ← η / (1 + (t-1)·decay)
 * s ← s + g²
 * θ ← θ - η̃ · g / (√s + ε)
 * ```
 *
 * @example
 * ```ts
 * import { Adagrad } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const opt = new Adagrad([w], { lr: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /**
   * @param params - Parameters or parameter groups.
   * @param options - `lr`, `lrDecay`, `weightDecay`, `initialAccumulatorValue`, `eps`.
   */
  constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupSpec<AdagradOptions>>,
    options: AdagradOptions,
  ) {
    super(params, options, LAYOUT);
  }

  protected validate(o: AdagradOptions): AdagradOptions {
    checkHyper('Adagrad', 'lr', o.lr, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper('Adagrad', 'lrDecay', o.lrDecay ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper('Adagrad', 'weightDecay', o.weightDecay ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper(
      'Adagrad',
      'initialAccumulatorValue',
      o.initialAccumulatorValue ?? 0,
      (v) => v >= 0,
      'a finite number ≥ 0',
    );
    checkHyper('Adagrad', 'eps', o.eps ?? 1e-10, (v) => v >= 0, 'a finite number ≥ 0');
    return o;
  }

  protected update(
    w: Float32Array,
    g: Float32Array,
    state: ParamState,
    o: AdagradOptions,
    t: number,
  ): void {
    const { lr, lrDecay = 0, weightDecay: wd = 0, initialAccumulatorValue = 0, eps = 1e-10 } = o;
    const sum = buffer(state, 'sum', w.length, initialAccumulatorValue);
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]! + wd * w[i]!;
      sum[i] = sum[i]! + gi * gi;
      w[i] = w[i]! - (clr * gi) / (Math.sqrt(sum[i]!) + eps);
    }
  }
}
