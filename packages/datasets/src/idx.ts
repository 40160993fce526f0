import { ArgumentRangeError, LacunaError, Tensor } from '@lacuna/tensor';

/**
 * A data file is malformed: wrong magic number, bad length, an impossible label, a checksum that
 * does not match. Nothing is returned for such a file.
 *
 * @example
 * ```ts
 * import { DatasetFormatError, parseIdx } from '@lacuna/datasets';
 * try {
 *   parseIdx(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof DatasetFormatError); // true
 * }
 * ```
 */
export class DatasetFormatError extends LacunaError {}

/**
 * The file is not a valid IDX (MNIST-format) file: wrong magic number, unknown type code,
 * truncated data or trailing bytes. Nothing is returned for such a file.
 *
 * @example
 * ```ts
 * import { IdxFormatError, parseIdx } from '@lacuna/datasets';
 * try {
 *   parseIdx(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof IdxFormatError); // true
 * }
 * ```
 */
export class IdxFormatError extends DatasetFormatError {}

/** The element arrays IDX files can hold, by type code. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A parsed IDX file: its dimensions and its elements in row-major order. */
export interface IdxArray {
  /** Dimensions from the header, e.g. [60000, 28, 28]. */
  shape: number[];
  /** Elements, converted from big-endian. */
  data: IdxData;
}

const TYPES: Record<
  number,
  { size: number; make: (n: number) => IdxData; read: (v: DataView, o: number) => number }
> = {
  8: { size: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  9: { size: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  11: { size: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o) },
  12: { size: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o) },
  13: { size: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o) },
  14: { size: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o) },
};

/**
 * Parses an IDX file (the format of MNIST and Fashion-MNIST; uncompressed bytes).
 *
 * Layout: two zero bytes, a type code (0x08 unsigned byte … 0x0E double), the number of
 * dimensions, one big-endian uint32 per dimension, then the big-endian elements. The header,
 * the type code and the exact length are all checked.
 *
 * @param bytes - The whole file.
 * @param name - A name for error messages (e.g. the file path).
 * @example
 * ```ts
 * import { parseIdx } from '@lacuna/datasets';
 * const file = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]);
 * parseIdx(file); // { shape: [2], data: Uint8Array [7, 9] }
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'bytes'): IdxArray {
  const fail = (detail: string) => new IdxFormatError('parseIdx', name, detail);
  if (!(bytes instanceof Uint8Array)) throw fail(`must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 4)
    throw fail(`is ${bytes.length} bytes long, shorter than the 4-byte IDX magic number`);
  const header = readIdxHeader(bytes, name, 'parseIdx');
  if (!header)
    throw fail(`is truncated inside its header (${bytes.length} of ${4 + 4 * bytes[3]!} bytes)`);
  const { shape, type, headerEnd, byteLength: expected } = header;
  if (bytes.length !== expected) {
    throw fail(
      `${bytes.length < expected ? 'is truncated' : 'has trailing bytes'}: shape [${shape.join(',')}] needs ${expected} bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (expected - headerEnd) / type.size;
  const data = type.make(count);
  if (type.size === 1 && data instanceof Uint8Array) data.set(bytes.subarray(headerEnd));
  else for (let i = 0; i < count; i++) data[i] = type.read(view, headerEnd + i * type.size);
  return { shape, data };
}

/** What an IDX header says: the dimensions, the element type and the whole file's length. @internal */
export interface IdxHeader {
  /** Dimensions. */
  shape: number[];
  /** The element type. */
  type: (typeof TYPES)[number];
  /** Bytes of header (magic plus dimensions). */
  headerEnd: number;
  /** The exact length of a well-formed file with this header. */
  byteLength: number;
}

/**
 * Reads the header at the start of `prefix` (the first bytes of an IDX file), so that a reader can
 * know the file's exact length before holding all of it (a gzip stream is capped at that length).
 *
 * @returns The header, or `undefined` when `prefix` ends inside it.
 * @throws IdxFormatError for a wrong magic number or an unknown type code.
 * @internal
 */
export function readIdxHeader(prefix: Uint8Array, name: string, op: string): IdxHeader | undefined {
  const fail = (detail: string) => new IdxFormatError(op, name, detail);
  if (prefix.length >= 2 && (prefix[0] !== 0 || prefix[1] !== 0)) {
    const gz =
      prefix[0] === 0x1f && prefix[1] === 0x8b
        ? ' (it looks gzip-compressed: decompress it first)'
        : '';
    throw fail(`does not start with the IDX magic 00 00, got ${prefix[0]} ${prefix[1]}${gz}`);
  }
  if (prefix.length < 3) return undefined;
  const type = TYPES[prefix[2]!];
  if (!type) throw fail(`has unknown IDX type code 0x${prefix[2]!.toString(16)}`);
  if (prefix.length < 4) return undefined;
  const rank = prefix[3]!;
  const headerEnd = 4 + 4 * rank;
  if (prefix.length < headerEnd) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, d) => a * d, 1);
  return { shape, type, headerEnd, byteLength: headerEnd + count * type.size };
}

/**
 * IDX images as a float32 tensor scaled to [0, 1] (divided by 255), keeping the file's shape.
 *
 * Only unsigned-byte IDX data (type code 0x08) is accepted: the scaling by 1/255 is meaningful for
 * pixel bytes only, and any other element type (signed, float: NaN pixels) is a
 * {@link DatasetFormatError}. The shape is not checked here; loaders check their own.
 *
 * @param idx - A parsed IDX file.
 * @param name - A name for error messages (e.g. the file path).
 * @example
 * ```ts
 * import { idxImagesToTensor, parseIdx } from '@lacuna/datasets';
 * const images = idxImagesToTensor(parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255])));
 * images.toArray(); // [[0, 1]]
 * ```
 */
export function idxImagesToTensor(idx: IdxArray, name = 'idx'): Tensor {
  if (!(idx?.data instanceof Uint8Array))
    throw new DatasetFormatError(
      'idxImagesToTensor',
      name,
      `must hold unsigned-byte pixels (IDX type 0x08), got ${idx?.data?.constructor?.name ?? typeof idx?.data}`,
    );
  const out = new Float32Array(idx.data.length);
  for (let i = 0; i < out.length; i++) out[i] = idx.data[i]! / 255;
  return new Tensor(out, idx.shape, 'float32');
}

/**
 * IDX labels as an int32 tensor.
 *
 * Labels must be integers (IDX types 0x08, 0x09, 0x0B, 0x0C: float labels are a
 * {@link DatasetFormatError}) and at least 0; with `numClasses`, also below it.
 *
 * @param idx - A parsed IDX file.
 * @param numClasses - When given, every label must be < numClasses.
 * @param name - A name for error messages (e.g. the file path).
 * @example
 * ```ts
 * import { idxLabelsToTensor, parseIdx } from '@lacuna/datasets';
 * idxLabelsToTensor(parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])), 10).toArray(); // [7, 9]
 * ```
 */
export function idxLabelsToTensor(idx: IdxArray, numClasses?: number, name = 'idx'): Tensor {
  const op = 'idxLabelsToTensor';
  if (
    numClasses !== undefined &&
    (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 2 ** 31 - 1)
  )
    throw new ArgumentRangeError(op, 'numClasses', `must be a positive integer, got ${numClasses}`);
  const data = idx?.data;
  if (
    !(
      data instanceof Uint8Array ||
      data instanceof Int8Array ||
      data instanceof Int16Array ||
      data instanceof Int32Array
    )
  )
    throw new DatasetFormatError(
      op,
      name,
      `must hold integer labels (IDX type 0x08, 0x09, 0x0B or 0x0C), got ${data?.constructor?.name ?? typeof data}`,
    );
  const limit = numClasses ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const label = data[i]!;
    if (label < 0 || label >= limit)
      throw new DatasetFormatError(
        op,
        name,
        `has label ${label} at index ${i}; labels must ${numClasses === undefined ? 'be ≥ 0' : `lie in 0..${numClasses - 1}`}`,
      );
  }
  return new Tensor(Int32Array.from(data), idx.shape, 'int32');
}
