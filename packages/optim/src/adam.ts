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

const OPTIONS: OptionTypes<AdamOptions> = {
  lr: 'number',
  betas: 'pair',
  eps: 'number',
  weightDecay: 'number',
  amsgrad: 'boolean',
};
const BUFFERS = {
  requiredBuffers: ['expAvg', 'expAvgSq'],
  optionalBuffers: ['maxExpAvgSq'],
  // adamUpdate creates maxExpAvgSq on every step with amsgrad.
  flagBuffers: { amsgrad: 'maxExpAvgSq' },
};
const ADAM_LAYOUT: StateLayout<AdamOptions> = { kind: 'Adam', ...BUFFERS, options: OPTIONS };
// AdamW takes Adam's options and keeps Adam's buffers, under its own kind: its updates differ.
const ADAMW_LAYOUT: StateLayout<AdamOptions> = { kind: 'AdamW', ...BUFFERS, options: OPTIONS };

/** Hyper-parameters of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends BaseOptions {
  /** Decay rates (β₁, β₂), each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator, ε ≥ 0 (default 1e-8). */
  eps?: number;
  /** Weight decay λ ≥ 0: an L2 term in Adam, decoupled in AdamW (defaults 0 and 0.01). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018). */
  amsgrad?: boolean;
}

function validate(name: string, o: AdamOptions): AdamOptions {
  // The string 'false' is truthy: accepting it would silently run AMSGrad.
  optionBoolean(name, 'amsgrad', o.amsgrad, false);
  checkHyper(name, 'lr', o.lr, (v) => v >= 0, 'a finite number ≥ 0');
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2)
    checkHyper(name, 'betas', Number.NaN, () => false, 'a pair [β₁, β₂]');
  checkHyper(name, 'betas[0]', betas[0], (v) => v >= 0 && v < 1, 'in [0, 1)');
  checkHyper(name, 'betas[1]', betas[1], (v) => v >= 0 && v < 1, 'in [0, 1)');
  checkHyper(name, 'eps', o.eps ?? 1e-8, (v) => v >= 0, 'a finite number ≥ 0');
  checkHyper(name, 'weightDecay', o.weightDecay ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
  return o;
}

function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  state: ParamState,
  o: AdamOptions,
  t: number,
  decoupled: boolean,
  defaultDecay: number,
): void {
  const { lr, eps = 1e-8, amsgrad = false } = o;
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const wd = o.weightDecay ?? defaultDecay;
  const m = buffer(state, 'expAvg', w.length);
  const v = buffer(state, 'expAvgSq', w.length);
  const vmax = amsgrad ? buffer(state, 'maxExpAvgSq', w.length) : null;
  const bc1 = 1 - b1 ** t;
  const bc2 = Math.sqrt(1 - b2 ** t);
  const stepSize = lr / bc1;
  for (let i = 0; i < w.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) {
      if (decoupled) w[i] = w[i]! * (1 - lr * wd);
      else gi += wd * w[i]!;
    }
    m[i] = b1 * m[i]! + (1 - b1) * gi;
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
    let second = v[i]!;
    if (vmax) {
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      second = vmax[i]!;
    }
    w[i] = w[i]! - (stepSize * m[i]!) / (Math.sqrt(second) / bc2 + eps);
  }
}

/**
 * Adam (Kingma & Ba 2015), with PyTorch's update rule for `torch.optim.Adam`. For each parameter θ
 * with gradient g at step t:
 *
 * ```
 * g ← g + λ·θ                                    (L2 weight decay)
 * m ← β₁·m + (1-β₁)·g          v ← β₂·v + (1-β₂)·g²
 * v̂ ← max(v̂, v) with amsgrad, else v̂ = v
 * θ ← θ - (η / (1-β₁ᵗ)) · m / (√v̂ / √(1-β₂ᵗ) + ε)
 * ```
 *
 * @example
 * ```ts
 * import { Adam } from '@lacuna/optim';
 * import { backward } from '@lacuna/autograd';
 * import { mul, sum, tensor } from '@lacuna/tensor';
 * const w = tensor([3, -1]);
 * w.requiresGrad = true;
 * const opt = new Adam([w], { lr: 0.1 });
 * for (let i = 0; i < 200; i++) {
 *   opt.zeroGrad();
 *   backward(sum(mul(w, w)));
 *   opt.step();
 * }
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** Whether weight decay is applied to the parameter (AdamW) instead of through the gradient. */
  protected readonly decoupled: boolean = false;
  /**
   * What this kind is and saves: both moments per parameter, and their running maximum with
   * amsgrad. A subclass may override it (AdamW does, with its own kind).
   */
  protected static readonly layout: StateLayout<AdamOptions> = ADAM_LAYOUT;

  /**
   * @param params - Parameters or parameter groups.
   * @param options - `lr`, `betas`, `eps`, `weightDecay`, `amsgrad`.
   */
  constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupSpec<AdamOptions>>,
    options: AdamOptions,
  ) {
    super(params, options, (new.target as typeof Adam).layout);
  }

  protected validate(o: AdamOptions): AdamOptions {
    return validate((this.constructor as typeof Adam).layout.kind, o);
  }

  protected update(
    w: Float32Array,
    g: Float32Array,
    state: ParamState,
    o: AdamOptions,
    t: number,
  ): void {
    adamUpdate(w, g, state, o, t, this.decoupled, this.decoupled ? 0.01 : 0);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"): Adam with the weight
 * decay applied to the parameter directly instead of through the gradient, PyTorch's rule:
 * `θ ← θ·(1 - η·λ)` before the Adam update (default λ = 0.01).
 *
 * @example
 * ```ts
 * import { AdamW } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const opt = new AdamW([w], { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  /** AdamW decouples the weight decay from the gradient. */
  protected override readonly decoupled: boolean = true;
  /** AdamW saves Adam's buffers under its own kind: its updates differ. */
  protected static override readonly layout: StateLayout<AdamOptions> = ADAMW_LAYOUT;
}
