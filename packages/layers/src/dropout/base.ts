import { Generator, type GeneratorState, keepProbability, optionKeys } from '@lacuna/tensor';
import { DROPOUT_LAYER_BRAND } from '../identity.js';
import { Module } from '../module.js';
import { checkLayerOptions, requireGenerator } from '../validate.js';

/** Options every dropout-family layer takes. */
export interface DropoutLayerOptions {
  /** The stream masks are drawn from; each training call draws fresh ones. */
  generator: Generator;
}

/** Every key of {@link DropoutLayerOptions}; layers with more options extend the list. @internal */
export const DROPOUT_LAYER_KEYS = optionKeys<DropoutLayerOptions>({ generator: true });

/**
 * Checks a drop probability: an ArgumentRangeError outside [0, 1 − 2⁻²⁴] (NaN and non-numbers
 * included), the range the 24-bit mask kernels can honour (see `keepProbability` in
 * `@lacuna/tensor`). @internal
 */
export function checkP(op: string, p: unknown): number {
  keepProbability(p as number, op);
  return p as number;
}

/**
 * Base class of the dropout family. It holds the generator, decides when the layer is active
 * (training mode, or MC dropout at inference), and offers a frozen mask on request.
 *
 * Active when `training` or `mcDropoutEnabled`. Frozen ({@link DropoutLayer.freezeMask}): every
 * call reuses the randomness drawn at freeze time, so the mask stays fixed (for gradcheck,
 * debugging, or variational inference that wants one mask per sequence of calls) until
 * {@link DropoutLayer.unfreezeMask}.
 */
export abstract class DropoutLayer extends Module {
  #generator: Generator;
  #frozen: GeneratorState | null = null;
  #override: Generator | null = null;

  /**
   * The one validator of the family's options: an object holding a Generator, and no key outside
   * `known` (so a mistyped `noise_shape` is an error, not ignored).
   *
   * @param op - Class name for error messages.
   * @param options - `generator`, and the layer's own options.
   * @param known - Every option the layer takes (default: just `generator`).
   */
  protected constructor(
    op: string,
    options: DropoutLayerOptions,
    known: readonly string[] = DROPOUT_LAYER_KEYS,
  ) {
    super();
    checkLayerOptions(op, options, known, true);
    this.#generator = requireGenerator(op, options.generator);
  }

  /** Whether this layer perturbs its input on the next call. */
  get active(): boolean {
    return this.training || this.mcDropoutEnabled;
  }

  /** Whether the mask is frozen. */
  get frozen(): boolean {
    return this.#frozen !== null;
  }

  /** Fixes the mask: every later call reuses the randomness drawn now (until {@link DropoutLayer.unfreezeMask}). */
  freezeMask(): this {
    this.#frozen = this.#generator.getState();
    this.#generator.nextKey(); // later unfrozen draws do not repeat the frozen mask
    return this;
  }

  /** Back to a fresh mask on every call. */
  unfreezeMask(): this {
    this.#frozen = null;
    return this;
  }

  /** The state of the layer's own generator (saved with training checkpoints). */
  randomState(): GeneratorState {
    return this.#generator.getState();
  }

  /** Restores the layer's own generator to a saved state. */
  setRandomState(state: GeneratorState): void {
    this.#generator.setState(state);
  }

  /**
   * Draws from `generator` instead of the layer's own stream until called with null (used by
   * `mcPredict` to make Monte Carlo passes reproducible on their own).
   */
  useGenerator(generator: Generator | null): this {
    this.#override = generator;
    return this;
  }

  /** The generator this call draws from. */
  protected generator(): Generator {
    if (this.#frozen) {
      const g = new Generator(0);
      g.setState(this.#frozen);
      return g;
    }
    return this.#override ?? this.#generator;
  }

  /**
   * `m instanceof DropoutLayer` holds for dropout layers from any copy of this version of
   * `@lacuna/layers`; subclasses keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the receiver is exactly what must be inspected here
    if (this !== DropoutLayer) return Function.prototype[Symbol.hasInstance].call(this, value);
    return DROPOUT_LAYER_BRAND.test(value, 'instanceof DropoutLayer');
  }
}

DROPOUT_LAYER_BRAND.mark(DropoutLayer.prototype);
