import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, describeValue, optionKeys } from '../options.js';

/** Options of the fused KL ops, `sparseVariationalDropoutKl` and `variationalDropoutKl`. */
export interface KlOptions {
  /**
   * Multiplies the sum and its gradient (default 1): `1 / N` for the scaled ELBO of a data set of
   * N examples, folded into the one op instead of a separate `mul`. A number of magnitude at most
   * 3.4028234663852886e38 (float32's largest: the wasm kernels scale the gradients in float32).
   */
  scale?: number;
}

const KL_KEYS = optionKeys<KlOptions>({ scale: true });
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The checked `scale` of a KL op's options. @internal */
export function klScale(op: string, options: KlOptions | undefined): number {
  checkOptionKeys(op, options, KL_KEYS);
  const scale: unknown = options?.scale === undefined ? 1 : options.scale;
  if (typeof scale !== 'number' || !(Math.abs(scale) <= FLOAT32_MAX)) {
    throw new ArgumentRangeError(
      op,
      'options.scale',
      `must be a finite number within ±${FLOAT32_MAX} (float32's range), got ${describeValue(scale)}`,
    );
  }
  return scale;
}
