import { add, LacunaError, optionKeys, ShapeError, type Tensor } from '@lacuna/tensor';
import { DropPath } from '../dropout/drop-path.js';
import { Module } from '../module.js';
import { checkLayerOptions, show } from '../validate.js';

const RESIDUAL_KEYS = optionKeys<ResidualOptions>({ dropPath: true });

/** Options of {@link Residual}. */
export interface ResidualOptions {
  /** Stochastic depth on the branch (Huang et al. 2016). */
  dropPath?: DropPath;
}

/**
 * A block with a skip connection (He et al. 2016): `y = x + dropPath(block(x))`. The branch must
 * keep its input's shape.
 *
 * @example
 * ```ts
 * import { DropPath, Linear, Residual } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * new Residual(new Linear(8, 8, { generator: g }), { dropPath: new DropPath(0.2, { generator: g.fork() }) }).forward(ones([2, 8]));
 * ```
 */
export class Residual extends Module {
  /** The residual branch. */
  readonly block: Module;
  /** Stochastic depth on the branch, if any. */
  readonly dropPath: DropPath | null;

  /**
   * @param block - The branch; must map x to x's shape.
   * @param options - `dropPath`.
   */
  constructor(block: Module, options: ResidualOptions = {}) {
    super();
    checkLayerOptions('Residual', options, RESIDUAL_KEYS, false);
    if (!(block instanceof Module))
      throw new LacunaError('Residual', 'block', `must be a Module, got ${show(block)}`);
    const dropPath = options?.dropPath;
    if (dropPath !== undefined && !(dropPath instanceof DropPath))
      throw new LacunaError(
        'Residual',
        'options.dropPath',
        `must be a DropPath layer (e.g. new DropPath(0.1, { generator })), got ${show(dropPath)}`,
      );
    this.block = this.registerModule('block', block);
    this.dropPath = dropPath ? this.registerModule('dropPath', dropPath) : null;
  }

  /** `x + dropPath(block(x))`. */
  forward(x: Tensor): Tensor {
    let branch = this.block.forward(x);
    if (branch.shape.join() !== x.shape.join()) {
      throw new ShapeError(
        'Residual',
        'block',
        `must keep its input's shape [${x.shape.join(',')}], got [${branch.shape.join(',')}]`,
      );
    }
    if (this.dropPath) branch = this.dropPath.forward(branch);
    return add(x, branch);
  }
}
