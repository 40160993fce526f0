import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, DTypeError, ShapeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { record } from '../record.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, checkTensor } from './util.js';

/** What maskedAffine records: the mask and the scale of the kept elements. */
export interface MaskedAffineSaved {
  /** The bool mask, as given (it broadcasts to the input's shape). */
  readonly mask: Tensor;
  /** The multiplier of kept elements. */
  readonly scale: number;
}

const MASKED_AFFINE_KEYS = optionKeys<MaskedAffineOptions>({
  scale: true,
  shift: true,
  fill: true,
});

/** Coefficients of {@link maskedAffine}. */
export interface MaskedAffineOptions {
  /** Multiplier of kept elements. */
  scale: number;
  /** Added to kept elements (default 0). */
  shift?: number;
  /** Value of dropped elements (default 0). */
  fill?: number;
}

/**
 * `y = m ? x·scale + shift : x·0 + fill`, with a bool `mask` that broadcasts to x's shape: the
 * shared primitive behind dropout with a `noiseShape` (spatial, locked, drop-path), alpha dropout
 * and DropBlock. A dropped element is `x·0 + fill`, not `fill`, so a NaN or ±Infinity input stays
 * NaN, as in PyTorch, whose dropouts multiply by the mask. The backward pass keeps only the mask
 * (1 byte per mask element): `dx = m ? g·scale : g·0`.
 *
 * @param x - float32.
 * @param mask - bool, broadcastable to x's shape (same rank or fewer leading axes).
 * @param options - `scale`, `shift`, `fill`.
 * @example
 * ```ts
 * import { maskedAffine, ones, tensor } from '@lacuna/tensor';
 * // Spatial dropout of 2 channels: channel 1 dropped, channel 0 kept and scaled by 2.
 * maskedAffine(ones([1, 2, 2]), tensor([[[true], [false]]]), { scale: 2 }).toArray(); // [[[2, 2], [0, 0]]]
 * ```
 */
export function maskedAffine(x: Tensor, mask: Tensor, options: MaskedAffineOptions): Tensor {
  checkFloat('maskedAffine', 'x', x);
  checkTensor('maskedAffine', 'mask', mask);
  if (mask.dtype !== 'bool')
    throw new DTypeError('maskedAffine', 'mask', `must have dtype bool, got ${mask.dtype}`);
  if (!sameShape(broadcastShapes(x.shape, mask.shape, 'maskedAffine'), x.shape)) {
    throw new ShapeError(
      'maskedAffine',
      'mask',
      `of shape [${mask.shape.join(',')}] must broadcast to x's shape [${x.shape.join(',')}] without growing it`,
    );
  }
  checkOptionKeys('maskedAffine', options, MASKED_AFFINE_KEYS);
  const { scale, shift = 0, fill = 0 } = options ?? ({} as MaskedAffineOptions);
  for (const [name, v] of [
    ['scale', scale],
    ['shift', shift],
    ['fill', fill],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ArgumentRangeError('maskedAffine', name, `must be a finite number, got ${v}`);
  }
  const out = allocateUnfilled('float32', x.size);
  getBackend().maskedAffine(x.storage as Float32Array, mask.storage as Uint8Array, out, {
    shape: x.shape,
    maskShape: mask.shape,
    scale,
    shift,
    fill,
  });
  return record('maskedAffine', [x], new Tensor(out, x.shape, 'float32'), { mask, scale });
}

/**
 * The backward pass of {@link maskedAffine}: `dx = m ? g·scale : 0`.
 *
 * @example
 * ```ts
 * import { maskedAffineBackward, ones, tensor } from '@lacuna/tensor';
 * maskedAffineBackward(ones([2]), tensor([true, false]), 3).toArray(); // [3, 0]
 * ```
 */
export function maskedAffineBackward(grad: Tensor, mask: Tensor, scale: number): Tensor {
  const out = allocateUnfilled('float32', grad.size);
  getBackend().maskedAffine(grad.storage as Float32Array, mask.storage as Uint8Array, out, {
    shape: grad.shape,
    maskShape: mask.shape,
    scale,
    shift: 0,
    fill: 0,
  });
  return new Tensor(out, grad.shape, 'float32');
}
