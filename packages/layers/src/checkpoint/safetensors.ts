import { type DType, describeValue, isPlainObject, LacunaError, Tensor } from '@lacuna/tensor';
import { readTensor, storageBytes } from '../state-dict.js';

/**
 * A safetensors file is malformed or does not match: bad header length, bad JSON, unknown dtype,
 * overlapping, out-of-range or non-contiguous offsets, or a size that disagrees with the shape.
 *
 * @example
 * ```ts
 * import { SafetensorsError, parseSafetensors } from '@lacuna/layers';
 * try {
 *   parseSafetensors(new Uint8Array(4));
 * } catch (e) {
 *   console.log(e instanceof SafetensorsError); // true
 * }
 * ```
 */
export class SafetensorsError extends LacunaError {}

/** The parsed content of a safetensors file. */
export interface Safetensors {
  /** Tensors by name, in file order. */
  tensors: Map<string, Tensor>;
  /** The free-form string metadata (`__metadata__`). */
  metadata: Record<string, string>;
}

const CODES: Record<DType, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const FROM_CODE: Record<string, DType> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };
const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };
/** Whether this host stores numbers little-endian, as safetensors does (then bytes copy as they are). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Refuse headers over 100 MB, like the reference implementation: a hostile length must not allocate. */
const MAX_HEADER = 100_000_000;

/**
 * Serialises named tensors to the safetensors format (the layout PyTorch and Hugging Face read):
 * an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {...}}` padded with spaces to
 * a multiple of 8, then the little-endian data, back to back in header order.
 *
 * @param tensors - Tensors by name.
 * @param metadata - Optional string metadata: a plain object whose values are all strings
 *   (anything else is a SafetensorsError, since the format could not read it back).
 * @example
 * ```ts
 * import { parseSafetensors, serializeSafetensors } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * const bytes = serializeSafetensors(new Map([['w', tensor([[1, 2]])]]), { format: 'pt' });
 * parseSafetensors(bytes).tensors.get('w')?.toArray(); // [[1, 2]]
 * ```
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  checkSafetensorsMetadata('serializeSafetensors', metadata);
  const items = checkTensors(tensors);
  // No prototype: a tensor named `__proto__` (a legal safetensors name, which parseSafetensors
  // reads back) is then an ordinary key, not the prototype setter of `{}`, which dropped it and
  // wrote a header whose offsets did not match the data.
  const header: Record<string, unknown> = Object.create(null);
  // A copy, so that the header holds exactly the entries just checked (spread defines an own
  // `__proto__` key as data too).
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const { name, dtype, shape, bytes } of items) {
    const size = bytes.byteLength;
    header[name] = { dtype: CODES[dtype], shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces (by bytes: UTF-8 names) so the data starts 8-byte aligned.
  const pad = (8 - (headerBytes.length % 8)) % 8;
  const out = new Uint8Array(8 + headerBytes.length + pad + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length + pad), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + headerBytes.length + pad);
  let p = 8 + headerBytes.length + pad;
  for (const { dtype, storage: s, bytes } of items) {
    // The file is little-endian: on such a host the bytes go as they are (NaN payloads kept).
    if (dtype === 'bool' || LITTLE_ENDIAN) out.set(bytes, p);
    else
      for (let i = 0; i < bytes.byteLength / 4; i++)
        dtype === 'float32'
          ? view.setFloat32(p + 4 * i, s[i]!, true)
          : view.setInt32(p + 4 * i, s[i]!, true);
    p += bytes.byteLength;
  }
  return out;
}

interface Item {
  name: string;
  dtype: DType;
  shape: number[];
  storage: Float32Array | Int32Array | Uint8Array;
  /** The storage's bytes, read through the typed-array slots, not its own properties. */
  bytes: Uint8Array;
}

/** Every entry must be a tensor under a string name other than `__metadata__`; read once. */
function checkTensors(tensors: unknown): Item[] {
  const fail = (argument: string, detail: string) =>
    new SafetensorsError('serializeSafetensors', argument, detail);
  if (!(tensors instanceof Map))
    throw fail('tensors', `must be a Map of tensors by name, got ${describeValue(tensors)}`);
  const items: Item[] = [];
  for (const [name, t] of tensors as Map<unknown, unknown>) {
    if (typeof name !== 'string')
      throw fail('tensors', `has a name that is not a string: ${describeValue(name)}`);
    if (name === '__metadata__')
      throw fail('tensors', "may not use the reserved name '__metadata__'");
    // Checked by its fields, not instanceof: a tensor from another copy of @lacuna/tensor passes.
    const read = readTensor(t);
    if (typeof read === 'string') throw fail(`tensors.${name}`, read);
    items.push({ name, ...read, bytes: storageBytes(read.storage) });
  }
  return items;
}

/**
 * Checks safetensors metadata: a plain object whose values are all strings, since the format
 * allows nothing else and a file written with a number in it could not be read back. Shared by
 * `serializeSafetensors` and `saveCheckpoint` (which names itself as `op`). @internal
 *
 * @param op - The caller, for the message.
 * @param metadata - What came.
 * @throws SafetensorsError naming `metadata` or `metadata.<key>`.
 */
export function checkSafetensorsMetadata(op: string, metadata: unknown): void {
  if (!isPlainObject(metadata))
    throw new SafetensorsError(
      op,
      'metadata',
      `must be a plain object of strings, got ${describeValue(metadata)}`,
    );
  for (const [key, value] of Object.entries(metadata))
    if (typeof value !== 'string')
      throw new SafetensorsError(
        op,
        `metadata.${key}`,
        `must be a string (safetensors metadata holds only strings), got ${describeValue(value)}; write String(value) or JSON.stringify(value)`,
      );
}

/**
 * Parses a safetensors file, validating everything before returning anything: the header length
 * (≤ 100 MB and inside the file), the JSON, each entry's dtype, shape and offsets, and that the
 * offsets tile the data section exactly (no overlap, gap or out-of-range byte).
 *
 * Supported dtypes: F32, I32, BOOL (the dtypes a Lacuna model holds).
 *
 * @param bytes - The whole file.
 * @param name - For error messages (e.g. the path).
 * @example
 * ```ts
 * import { parseSafetensors, serializeSafetensors } from '@lacuna/layers';
 * import { ones } from '@lacuna/tensor';
 * const { tensors } = parseSafetensors(serializeSafetensors(new Map([['b', ones([3])]])));
 * ```
 */
export function parseSafetensors(bytes: Uint8Array, name = 'bytes'): Safetensors {
  const fail = (detail: string) => new SafetensorsError('parseSafetensors', name, detail);
  if (!(bytes instanceof Uint8Array)) throw fail(`must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8)
    throw fail(`is ${bytes.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER))
    throw fail(`declares a ${headerLength}-byte header, over the ${MAX_HEADER}-byte limit`);
  const n = Number(headerLength);
  if (8 + n > bytes.length)
    throw fail(
      `declares a ${n}-byte header but the file has only ${bytes.length - 8} bytes after the length`,
    );
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw fail(`has a header that is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw fail('has a header that is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: { key: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      if (
        value === null ||
        typeof value !== 'object' ||
        Array.isArray(value) ||
        Object.values(value).some((v) => typeof v !== 'string')
      ) {
        throw fail('has __metadata__ that is not an object of strings');
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e?.dtype === 'string' ? FROM_CODE[e.dtype] : undefined;
    if (!dtype)
      throw fail(
        `entry '${key}' has unsupported dtype ${JSON.stringify(e?.dtype)} (supported: F32, I32, BOOL)`,
      );
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(`entry '${key}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw fail(`entry '${key}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength)
      throw fail(`entry '${key}' ends at byte ${end}, past the ${dataLength}-byte data section`);
    const expected = shape.reduce((a: number, d: number) => a * d, 1) * BYTES[dtype];
    if (end - begin !== expected)
      throw fail(
        `entry '${key}' spans ${end - begin} bytes, but ${dtype} [${shape.join(',')}] needs ${expected}`,
      );
    entries.push({ key, dtype, shape, begin, end });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor)
      throw fail(
        `entry '${e.key}' overlaps the previous tensor (starts at ${e.begin}, before ${cursor})`,
      );
    if (e.begin > cursor)
      throw fail(
        `has a gap in the data section before entry '${e.key}' (bytes ${cursor}–${e.begin})`,
      );
    cursor = e.end;
  }
  if (cursor !== dataLength)
    throw fail(`has ${dataLength - cursor} trailing bytes after the last tensor`);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const count = e.shape.reduce((a, d) => a * d, 1);
    const at = dataStart + e.begin;
    let storage: Float32Array | Int32Array | Uint8Array;
    if (e.dtype === 'bool') {
      storage = bytes.slice(at, at + count);
      if (storage.some((v) => v > 1))
        throw fail(`entry '${e.key}' is BOOL but holds bytes other than 0 and 1`);
    } else if (LITTLE_ENDIAN) {
      // Bytes copied as they are: reading through a number would quiet a signalling NaN.
      const copy = bytes.slice(at, at + 4 * count).buffer;
      storage = e.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
    } else {
      storage = e.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
      for (let i = 0; i < count; i++)
        storage[i] =
          e.dtype === 'float32'
            ? view.getFloat32(at + 4 * i, true)
            : view.getInt32(at + 4 * i, true);
    }
    tensors.set(e.key, new Tensor(storage, e.shape, e.dtype));
  }
  return { tensors, metadata };
}
