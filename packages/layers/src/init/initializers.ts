import {
  ArgumentRangeError,
  full,
  type Generator,
  normal,
  type Shape,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { requireGenerator } from '../validate.js';

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  /** Inputs feeding each output unit: in · (kernel size). */
  fanIn: number;
  /** Outputs each input unit feeds: out · (kernel size). */
  fanOut: number;
}

/**
 * Fan-in and fan-out of a weight: [out, in] for Linear, [out, in, kh, kw] for convolutions.
 *
 * @example
 * ```ts
 * import { fans } from '@lacuna/layers';
 * fans([64, 3, 5, 5]); // { fanIn: 75, fanOut: 1600 }
 * ```
 */
export function fans(shape: Shape): Fans {
  if (shape.length < 2) {
    throw new ArgumentRangeError(
      'fans',
      'shape',
      `must have rank ≥ 2 ([out, in, ...]), got [${shape.join(',')}]`,
    );
  }
  const receptive = shape.slice(2).reduce((a, d) => a * d, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/**
 * Glorot/Xavier uniform (Glorot & Bengio 2010): U(-a, a), a = √(6 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * import { glorotUniform } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const w = glorotUniform([64, 784], new Generator(0));
 * ```
 */
export function glorotUniform(shape: Shape, generator: Generator): Tensor {
  requireGenerator('glorotUniform', generator, 'generator');
  const { fanIn, fanOut } = fans(shape);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(shape, { generator, low: -a, high: a });
}

/**
 * Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * import { glorotNormal } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const w = glorotNormal([64, 784], new Generator(0));
 * ```
 */
export function glorotNormal(shape: Shape, generator: Generator): Tensor {
  requireGenerator('glorotNormal', generator, 'generator');
  const { fanIn, fanOut } = fans(shape);
  return normal(shape, { generator, std: Math.sqrt(2 / (fanIn + fanOut)) });
}

/**
 * He/Kaiming uniform for ReLU nets (He et al. 2015): U(-a, a), a = √(6 / fanIn).
 *
 * @example
 * ```ts
 * import { heUniform } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const w = heUniform([64, 784], new Generator(0));
 * ```
 */
export function heUniform(shape: Shape, generator: Generator): Tensor {
  requireGenerator('heUniform', generator, 'generator');
  const a = Math.sqrt(6 / fans(shape).fanIn);
  return uniform(shape, { generator, low: -a, high: a });
}

/**
 * He/Kaiming normal: N(0, 2 / fanIn).
 *
 * @example
 * ```ts
 * import { heNormal } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const w = heNormal([64, 784], new Generator(0));
 * ```
 */
export function heNormal(shape: Shape, generator: Generator): Tensor {
  requireGenerator('heNormal', generator, 'generator');
  return normal(shape, { generator, std: Math.sqrt(2 / fans(shape).fanIn) });
}

/**
 * LeCun normal, for SELU nets (Klambauer et al. 2017): N(0, 1 / fanIn).
 *
 * @example
 * ```ts
 * import { lecunNormal } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const w = lecunNormal([64, 784], new Generator(0));
 * ```
 */
export function lecunNormal(shape: Shape, generator: Generator): Tensor {
  requireGenerator('lecunNormal', generator, 'generator');
  return normal(shape, { generator, std: Math.sqrt(1 / fans(shape).fanIn) });
}

/**
 * A constant tensor (for biases and scales).
 *
 * @example
 * ```ts
 * import { constant } from '@lacuna/layers';
 * constant([3], 0.1).toArray(); // [0.1, 0.1, 0.1] (in float32)
 * ```
 */
export function constant(shape: Shape, value: number): Tensor {
  return full(shape, value);
}
