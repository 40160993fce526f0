/**
 * The element types a tensor can hold.
 *
 * - `float32`: IEEE single precision, stored in a `Float32Array`.
 * - `int32`: signed 32-bit integers (labels, indices), stored in an `Int32Array`.
 * - `bool`: 0 or 1, one byte each, stored in a `Uint8Array`.
 */
export type DType = 'float32' | 'int32' | 'bool';

/** The typed array that backs a tensor of each dtype. */
export interface DataTypeMap {
  /** Single-precision floats. */
  float32: Float32Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** One byte per element, 0 or 1. */
  bool: Uint8Array;
}

/** Any of the typed arrays a tensor can be backed by. */
export type TypedArray = DataTypeMap[DType];

/** All dtypes, in promotion order (bool < int32 < float32). @internal */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32'];

/** Allocates zeroed storage of `size` elements for `dtype` in the JavaScript heap. @internal */
export function allocateHeap<D extends DType>(dtype: D, size: number): DataTypeMap[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DataTypeMap[D];
    case 'int32':
      return new Int32Array(size) as DataTypeMap[D];
    default:
      return new Uint8Array(size) as DataTypeMap[D];
  }
}

/** The dtype whose storage is `data`, or undefined for other arrays. @internal */
export function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  return undefined;
}

/** The dtype two operands promote to in arithmetic (NumPy-like: the wider one). @internal */
export function promote(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** Whether `value` is one of the dtype names. @internal */
export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32' || value === 'bool';
}
