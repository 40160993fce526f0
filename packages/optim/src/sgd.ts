import { zeroGrad } from '@lacuna/autograd';
import { ArgumentRangeError, LacunaError, Tensor } from '@lacuna/tensor';

/** Hyper-parameters of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate η > 0. */
  lr: number;
  /** Momentum factor μ ≥ 0 (default 0). */
  momentum?: number;
  /** Dampening τ in [0, 1] of the gradient added to the momentum buffer (default 0). */
  dampening?: number;
  /** L2 penalty λ ≥ 0 added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

/** A JSON-friendly snapshot of an {@link SGD}'s state. */
export interface SGDState {
  /** Steps taken. */
  step: number;
  /** One momentum buffer per parameter (null before its first step), as plain arrays. */
  momentumBuffers: (number[] | null)[];
}

function check(
  name: string,
  value: number | undefined,
  fallback: number,
  ok: (v: number) => boolean,
  expected: string,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v) || !ok(v)) {
    throw new ArgumentRangeError('SGD', name, `must be ${expected}, got ${v}`);
  }
  return v;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, with the update
 * rule PyTorch documents for `torch.optim.SGD`, so a run moved from PyTorch follows the same
 * trajectory. For each parameter p with gradient g at step t:
 *
 * ```
 * g ← g + λ·p                                   (weight decay)
 * b ← g                          if t = 1       (the first buffer is the gradient itself)
 * b ← μ·b + (1 - τ)·g            otherwise
 * g ← g + μ·b  if nesterov, else g ← b           (when μ ≠ 0)
 * p ← p - η·g
 * ```
 *
 * Parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * import { SGD } from '@lacuna/optim';
 * import { backward } from '@lacuna/autograd';
 * import { mul, sum, tensor } from '@lacuna/tensor';
 * const w = tensor([1, -2]);
 * w.requiresGrad = true;
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 50; i++) {
 *   opt.zeroGrad();
 *   backward(sum(mul(w, w)));
 *   opt.step();
 * }
 * ```
 */
export class SGD {
  /** The parameters updated by {@link SGD.step}. */
  readonly params: readonly Tensor[];
  /** Learning rate; may be changed between steps (schedules do). */
  lr: number;
  /** Momentum factor. */
  readonly momentum: number;
  /** Dampening. */
  readonly dampening: number;
  /** Weight decay. */
  readonly weightDecay: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  #step = 0;
  #buffers: (Float32Array | null)[];

  /**
   * @param params - float32 tensors with `requiresGrad` (e.g. `model.parameters()`).
   * @param options - Hyper-parameters, validated here.
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    this.params = [...params];
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor) || p.dtype !== 'float32') {
        throw new LacunaError('SGD', `params[${i}]`, 'must be a float32 Tensor');
      }
    });
    this.lr = check('lr', options?.lr, Number.NaN, (v) => v > 0, 'a positive finite number');
    this.momentum = check('momentum', options.momentum, 0, (v) => v >= 0, 'a finite number ≥ 0');
    this.dampening = check('dampening', options.dampening, 0, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    this.weightDecay = check(
      'weightDecay',
      options.weightDecay,
      0,
      (v) => v >= 0,
      'a finite number ≥ 0',
    );
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new ArgumentRangeError(
        'SGD',
        'nesterov',
        `needs momentum > 0 and dampening = 0, got momentum ${this.momentum}, dampening ${this.dampening}`,
      );
    }
    this.#buffers = this.params.map(() => null);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    zeroGrad(this.params);
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.#step++;
    const { lr, momentum: mu, dampening, weightDecay: wd, nesterov } = this;
    this.params.forEach((p, k) => {
      if (!p.grad) return;
      const w = p.storage as Float32Array;
      const g = p.grad.storage as Float32Array;
      let buf = this.#buffers[k] ?? null;
      const first = buf === null;
      if (mu !== 0 && buf === null) buf = this.#buffers[k] = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        let d = g[i]! + wd * w[i]!;
        if (buf) {
          const b = first ? d : mu * buf[i]! + (1 - dampening) * d;
          buf[i] = b;
          d = nesterov ? d + mu * buf[i]! : buf[i]!;
        }
        w[i] = w[i]! - lr * d;
      }
    });
  }

  /** The optimizer's state (step count, momentum buffers) as plain JSON-friendly data. */
  stateDict(): SGDState {
    return {
      step: this.#step,
      momentumBuffers: this.#buffers.map((b) => (b ? Array.from(b) : null)),
    };
  }

  /**
   * Restores state saved by {@link SGD.stateDict}; continuing then matches an uninterrupted run.
   *
   * @param state - A snapshot for the same parameter list.
   */
  loadStateDict(state: SGDState): void {
    const bufs = state?.momentumBuffers;
    if (!Array.isArray(bufs) || bufs.length !== this.params.length) {
      throw new LacunaError(
        'SGD.loadStateDict',
        'state',
        `must hold ${this.params.length} momentum buffers, got ${Array.isArray(bufs) ? bufs.length : typeof bufs}`,
      );
    }
    bufs.forEach((b, i) => {
      if (b !== null && b.length !== this.params[i]!.size) {
        throw new LacunaError(
          'SGD.loadStateDict',
          `state.momentumBuffers[${i}]`,
          `must have ${this.params[i]!.size} elements, got ${b.length}`,
        );
      }
    });
    this.#step = state.step;
    this.#buffers = bufs.map((b) => (b ? Float32Array.from(b) : null));
  }
}
