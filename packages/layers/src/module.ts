import { noGrad, zeroGrad } from '@lacuna/autograd';
import {
  add,
  checkOptionKeys,
  keep,
  LacunaError,
  optionBoolean,
  type Tensor,
  zeros,
} from '@lacuna/tensor';
import { MODULE_BRAND } from './identity.js';
import { checkStateDict, type StateDictInput } from './state-dict.js';

/** Per-call mode override for {@link Module.call}. */
export interface CallOptions {
  /** Run this call in training (true) or inference (false) mode, whatever the modules' own mode. */
  training?: boolean;
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Require exactly the module's names (default true); when false, missing and extra entries are skipped. */
  strict?: boolean;
}

/**
 * Base class of every layer and model: owns named parameters, buffers (non-trained state such as
 * batch-norm running statistics) and child modules, and a training mode that `train()` / `eval()`
 * set recursively (no global flag).
 *
 * Subclasses register parameters with {@link Module.registerParameter}, buffers with
 * {@link Module.registerBuffer} and children with {@link Module.registerModule} in their
 * constructor, and implement `forward`.
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
  #mcDropout = false;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(x: Tensor): Tensor;

  /** Whether the module is in training mode. New modules start in training mode. */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Whether dropout-family layers stay active at inference (MC dropout), set by
   * {@link Module.mcDropout}. Other layers (batch norm) ignore it.
   */
  get mcDropoutEnabled(): boolean {
    return this.#mcDropout;
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
   * Turns the dropout-family layers on (or off) at inference for Monte Carlo dropout (Gal &
   * Ghahramani 2016), recursively, leaving `training` untouched: batch norm keeps using its
   * running statistics.
   *
   * @example
   * ```ts
   * import { Dropout, Linear, Sequential } from '@lacuna/layers';
   * import { Generator } from '@lacuna/tensor';
   * const g = new Generator(0);
   * const net = new Sequential(new Linear(2, 2, { generator: g }), new Dropout(0.5, { generator: g }));
   * net.eval().mcDropout(true); // dropout samples, everything else infers
   * ```
   */
  mcDropout(enabled = true): this {
    this.#mcDropout = enabled;
    for (const child of this.#children.values()) child.mcDropout(enabled);
    return this;
  }

  /**
   * `forward(x)` with an optional per-call mode: `{ training: false }` runs one inference pass
   * on a model in training mode (or the reverse) and restores every module's mode afterwards,
   * even if forward throws.
   *
   * @example
   * ```ts
   * import { Dropout } from '@lacuna/layers';
   * import { Generator, ones } from '@lacuna/tensor';
   * const drop = new Dropout(0.5, { generator: new Generator(0) }); // training mode
   * drop.call(ones([4]), { training: false }); // identity, and drop.training is still true
   * ```
   */
  call(x: Tensor, options: CallOptions = {}): Tensor {
    checkOptionKeys(`${this.constructor.name}.call`, options, ['training']);
    optionBoolean(`${this.constructor.name}.call`, 'training', options.training, false);
    if (options.training === undefined) return this.forward(x);
    const restore = this.saveModes();
    this.train(options.training);
    try {
      return this.forward(x);
    } finally {
      restore();
    }
  }

  /**
   * Snapshots the training and MC-dropout modes of this module and every descendant; calling the
   * returned function puts each one back, whatever was switched in between.
   *
   * @example
   * ```ts
   * import { Linear } from '@lacuna/layers';
   * import { Generator } from '@lacuna/tensor';
   * const fc = new Linear(2, 2, { generator: new Generator(0) });
   * const restore = fc.saveModes();
   * fc.eval();
   * restore(); // fc.training is true again
   * ```
   */
  saveModes(): () => void {
    // Each child snapshots itself (a child from another copy of this package keeps #fields that
    // this copy cannot read).
    const training = this.#training;
    const mc = this.#mcDropout;
    const children = [...this.#children.values()].map((child) => child.saveModes());
    return () => {
      this.#training = training;
      this.#mcDropout = mc;
      for (const restore of children) restore();
    };
  }

  /**
   * Registers a trainable tensor under `name` (marking it `requiresGrad`) and returns it. A
   * tensor made inside a `scope` is kept (`keep()`): it lives as long as the module, not the scope.
   *
   * @param name - A plain identifier, unique among this module's parameters, buffers and children.
   * @param value - A float32 tensor.
   */
  protected registerParameter(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    value.requiresGrad = true;
    this.#parameters.set(name, keep(value));
    return value;
  }

  /**
   * Registers non-trained state (e.g. running statistics) under `name`: saved in the state dict,
   * not returned by {@link Module.parameters}.
   *
   * @param name - A plain identifier, unique within this module.
   * @param value - The buffer's initial value; update it in place (its `storage`). Kept, like a
   *   parameter, when made inside a scope.
   */
  protected registerBuffer(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    this.#buffers.set(name, keep(value));
    return value;
  }

  /**
   * Registers a child module under `name` and returns it.
   *
   * @param name - A plain identifier, unique within this module.
   * @param module - The child.
   */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName(name);
    if (!(module instanceof Module)) {
      throw new LacunaError(this.constructor.name, name, `must be a Module, got ${typeof module}`);
    }
    module.train(this.#training);
    module.mcDropout(this.#mcDropout);
    this.#children.set(name, module);
    return module;
  }

  /** Child modules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /** This module and every descendant, with dotted names ('' for this one), depth first. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [['', this]];
    for (const [name, child] of this.#children) {
      for (const [sub, m] of child.namedModules()) out.push([sub ? `${name}.${sub}` : name, m]);
    }
    return out;
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
    return this.#collect(this.#parameters, (m) => m.namedParameters());
  }

  /** Every buffer of this module and its descendants, with dotted names. */
  namedBuffers(): [string, Tensor][] {
    return this.#collect(this.#buffers, (m) => m.namedBuffers());
  }

  /** Every parameter of this module and its descendants, in {@link Module.namedParameters} order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  // Children are asked through their public methods, never their private fields: a child made by
  // another copy of this package (ESM next to CJS) has its own #fields, unreadable from here.
  #collect(
    own: Map<string, Tensor>,
    below: (child: Module) => [string, Tensor][],
  ): [string, Tensor][] {
    const out = [...own];
    for (const [prefix, child] of this.#children) {
      for (const [name, t] of below(child)) out.push([`${prefix}.${name}`, t]);
    }
    return out;
  }

  /**
   * Parameters and buffers by dotted name (the tensors themselves, not copies), in a stable
   * order: what a checkpoint saves.
   */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into this module's parameters and buffers. Names, shapes and dtypes must match
   * exactly; every mismatch is reported at once, and nothing is written unless all entries fit.
   *
   * `state` is a `Map` (from {@link Module.stateDict} or `parseSafetensors`) or a plain object
   * `Record<string, Tensor>`; anything else is a LacunaError. Each value must be a Tensor, or a
   * tensor-like `{ dtype, shape, storage }` whose storage is the typed array of its dtype and
   * holds exactly as many elements as its shape (a tensor from another copy of `@lacuna/tensor`
   * passes). Checked for every entry before anything is written: the value is a tensor, its dtype
   * and shape equal the module's, its storage length fits its shape, and a bool tensor holds only
   * 0 and 1. Values are not checked: NaN and ±Infinity weights load, as in PyTorch (a diverged
   * checkpoint is still a checkpoint). With `strict: false`, missing names and unknown names are
   * skipped (unknown ones unchecked), but a name the module has must hold a fitting tensor.
   *
   * @param state - Tensors by dotted name, e.g. from {@link Module.stateDict} or a checkpoint.
   * @param options - `strict` (default true): missing or unexpected names are errors.
   * @throws DTypeError when only dtypes (and shapes) differ, ShapeError when only names or shapes
   *   do, LacunaError when a value is not a tensor or `state` is not a Map or plain object.
   * @example
   * ```ts
   * import { Linear } from '@lacuna/layers';
   * import { Generator } from '@lacuna/tensor';
   * const a = new Linear(2, 2, { generator: new Generator(0) });
   * const b = new Linear(2, 2, { generator: new Generator(1) });
   * b.loadStateDict(a.stateDict()); // b now holds a's weights
   * b.loadStateDict(Object.fromEntries(a.stateDict())); // a plain object works too
   * ```
   */
  loadStateDict(state: StateDictInput, options: LoadStateDictOptions = {}): void {
    checkOptionKeys('loadStateDict', options, ['strict']);
    const strict = optionBoolean('loadStateDict', 'strict', options.strict, true);
    const copies = checkStateDict(this.constructor.name, this.stateDict(), state, strict);
    // Everything fits: only now is anything written.
    noGrad(() => {
      for (const { target, source } of copies) target.storage.set(source);
    });
    for (const [, m] of this.namedModules()) m.stateLoaded();
  }

  /**
   * Called on every module of the tree after {@link Module.loadStateDict} overwrote its
   * parameters and buffers in place. A module that keeps something computed from them (the KL
   * term a learned-rate layer's forward computed for its `lossTerm`) drops it here; the default
   * does nothing.
   */
  protected stateLoaded(): void {}

  /**
   * This module's own extra loss term, or null when it has none: the KL divergence of a
   * variational layer, the regulariser of a learned dropout rate. Layers with such terms override
   * it; the term is that of the current parameters (a layer may hand out the one its forward
   * computed from the same values), recorded for autograd, and is
   * already scaled per training example (divided by the data set size N the layer was given), so
   * that {@link Module.regularization} adds straight onto a mean loss. Not recursive: see
   * {@link Module.regularization}.
   */
  lossTerm(): Tensor | null {
    return null;
  }

  /**
   * The sum of {@link Module.lossTerm} over this module and every descendant: what to add to the
   * data loss (`fit` does it with `regularization: true`). For variational layers this makes the
   * scaled negative ELBO of Kingma, Salimans & Welling (2015): mean negative log-likelihood of the
   * batch + Σ KL / N. A float32 scalar, 0 (unrecorded) when no module has a term.
   *
   * @example
   * ```ts
   * import { Linear } from '@lacuna/layers';
   * import { Generator } from '@lacuna/tensor';
   * new Linear(2, 3, { generator: new Generator(0) }).regularization().item(); // 0
   * ```
   */
  regularization(): Tensor {
    let total: Tensor | null = null;
    for (const [, m] of this.namedModules()) {
      const term = m.lossTerm();
      if (term) total = total ? add(total, term) : term;
    }
    return total ?? zeros([]);
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
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new LacunaError(this.constructor.name, 'name', `'${name}' is already registered`);
    }
  }

  /**
   * `m instanceof Module` holds for modules from any copy of this version of `@lacuna/layers`
   * (an ESM import next to a CJS require); subclasses keep the ordinary prototype check, except
   * {@link DropoutLayer}, which has its own brand.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the receiver is exactly what must be inspected here
    if (this !== Module) return Function.prototype[Symbol.hasInstance].call(this, value);
    return MODULE_BRAND.test(value, 'instanceof Module');
  }
}

MODULE_BRAND.mark(Module.prototype);
