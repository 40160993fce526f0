import { optionBoolean, type Tensor } from '@lacuna/tensor';
import {
  type BaseOptions,
  buffer,
  checkHyper,
  Optimizer,
  type ParamGroupSpec,
  type ParamState,
} from './optimizer.js';
import type { OptionTypes, StateLayout } from './state-check.js';

const OPTIONS: OptionTypes<RMSpropOptions> = {
  lr: 'number',
  alpha: 'number',
  eps: 'number',
  weightDecay: 'number',
  momentum: 'number',
  centered: 'boolean',
};

const LAYOUT: StateLayout<RMSpropOptions> = {
  kind: 'RMSprop',
  requiredBuffers: ['squareAvg'],
  optionalBuffers: ['gradAvg', 'momentumBuffer'],
  // update creates gradAvg on every centered step; momentumBuffer is not required: a momentum
  // ramped up from 0 (MomentumRamp) has none until its first step with momentum > 0.
  flagBuffers: { centered: 'gradAvg' },
  options: OPTIONS,
};

/** Hyper-parameters of {@link RMSprop}. */
export interface RMSpropOptions extends BaseOptions {
  /** Smoothing constant α in [0, 1) (default 0.99). */
  alpha?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty λ ≥ 0 (default 0). */
  weightDecay?: number;
  /** Momentum μ ≥ 0 (default 0). */
  momentum?: number;
  /** Normalise by the estimated variance instead of the raw second moment. */
  centered?: boolean;
}

/**
 * RMSprop (Tieleman & Hinton 2012), with PyTorch's update rule for `torch.optim.RMSprop`:
 *
 * ```
 * g ← g + λ·θ
 * v ← α·v + (1-α)·g²
 * centered: ḡ ← α·ḡ + (1-α)·g,  d = √(v - ḡ²) + ε;  otherwise d = √v + ε
 * momentum: b ← μ·b + g/d,  θ ← θ - η·b;  otherwise θ ← θ - η·g/d
 * ```
 *
 * @example
 * ```ts
 * import { RMSprop } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const opt = new RMSprop([w], { lr: 0.01, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /**
   * @param params - Parameters or parameter groups.
   * @param options - `lr`, `alpha`, `eps`, `weightDecay`, `momentum`, `centered`.
   */
  constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupSpec<RMSpropOptions>>,
    options: RMSpropOptions,
  ) {
    super(params, options, LAYOUT);
  }

  protected validate(o: RMSpropOptions): RMSpropOptions {
    optionBoolean('RMSprop', 'centered', o.centered, false);
    checkHyper('RMSprop', 'lr', o.lr, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper('RMSprop', 'alpha', o.alpha ?? 0.99, (v) => v >= 0 && v < 1, 'in [0, 1)');
    checkHyper('RMSprop', 'eps', o.eps ?? 1e-8, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper('RMSprop', 'weightDecay', o.weightDecay ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    checkHyper('RMSprop', 'momentum', o.momentum ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    return o;
  }

  protected update(w: Float32Array, g: Float32Array, state: ParamState, o: RMSpropOptions): void {
    const {
      lr,
      alpha = 0.99,
      eps = 1e-8,
      weightDecay: wd = 0,
      momentum: mu = 0,
      centered = false,
    } = o;
    const v = buffer(state, 'squareAvg', w.length);
    const gAvg = centered ? buffer(state, 'gradAvg', w.length) : null;
    const buf = mu > 0 ? buffer(state, 'momentumBuffer', w.length) : null;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]! + wd * w[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
      let avg = v[i]!;
      if (gAvg) {
        gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * gi;
        avg -= gAvg[i]! * gAvg[i]!;
      }
      const denom = Math.sqrt(Math.max(avg, 0)) + eps;
      if (buf) {
        buf[i] = mu * buf[i]! + gi / denom;
        w[i] = w[i]! - lr * buf[i]!;
      } else {
        w[i] = w[i]! - (lr * gi) / denom;
      }
    }
  }
}
