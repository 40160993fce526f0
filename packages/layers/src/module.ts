import { zeroGrad } from '@lacuna/autograd';
import { LacunaError, type Tensor } from '@lacuna/tensor';

/**
 * Base class of every layer and model: owns named parameters and child modules, and a training
 * mode that `train()` / `eval()` set recursively (no global flag).
 *
 * Subclasses register parameters with {@link Module.registerParameter} and children with
 * {@link Module.registerModule} in their constructor, and implement `forward`.
 *
 * @example
 * ```ts
 * import { Module, Linear } from '@lacuna/layers';
 * import { Generator, relu, type Tensor } from '@lacuna/tensor';
 * class TwoLayer extends Module {
 *   fc1: Linear; fc2: Linear;
 *   constructor(g: Generator) {
 *     super();
 *     this.fc1 = this.registerModule('fc1', new Linear(4, 8, { generator: g }));
 *     this.fc2 = this.registerModule('fc2', new Linear(8, 2, { generator: g }));
 *   }
 *   forward(x: Tensor): Tensor { return this.fc2.forward(relu(this.fc1.forward(x))); }
 * }
 * const net = new TwoLayer(new Generator(0)).eval();
 * ```
 */
export abstract class Module {
  #training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(x: Tensor): Tensor;

  /** Whether the module is in training mode (dropout active). New modules start in training mode. */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Sets training mode on this module and every descendant.
   *
   * @param mode - true for training (default), false for inference.
   * @returns this, for chaining.
   */
  train(mode = true): this {
    this.#training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /** Sets inference mode on this module and every descendant; same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Registers a trainable tensor under `name` (marking it `requiresGrad`) and returns it.
   *
   * @param name - A plain identifier, unique among this module's parameters and children.
   * @param value - A float32 tensor.
   */
  protected registerParameter(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    value.requiresGrad = true;
    this.#parameters.set(name, value);
    return value;
  }

  /**
   * Registers a child module under `name` and returns it.
   *
   * @param name - A plain identifier, unique among this module's parameters and children.
   * @param module - The child.
   */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName(name);
    if (!(module instanceof Module)) {
      throw new LacunaError(this.constructor.name, name, `must be a Module, got ${typeof module}`);
    }
    module.train(this.#training);
    this.#children.set(name, module);
    return module;
  }

  /** Child modules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /**
   * Every parameter of this module and its descendants, with dotted names (`'0.weight'`).
   *
   * @example
   * ```ts
   * import { Linear } from '@lacuna/layers';
   * import { Generator } from '@lacuna/tensor';
   * new Linear(2, 3, { generator: new Generator(0) }).namedParameters().map(([n]) => n); // ['weight', 'bias']
   * ```
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.#parameters];
    for (const [name, child] of this.#children) {
      for (const [sub, t] of child.namedParameters()) out.push([`${name}.${sub}`, t]);
    }
    return out;
  }

  /** Every parameter of this module and its descendants, in {@link Module.namedParameters} order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Clears `.grad` of every parameter (PyTorch's `model.zero_grad()`). */
  zeroGrad(): void {
    zeroGrad(this.parameters());
  }

  #checkName(name: string): void {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new LacunaError(
        this.constructor.name,
        'name',
        `must be a non-empty identifier of letters, digits and _, got ${JSON.stringify(name)}`,
      );
    }
    if (this.#parameters.has(name) || this.#children.has(name)) {
      throw new LacunaError(this.constructor.name, 'name', `'${name}' is already registered`);
    }
  }
}
