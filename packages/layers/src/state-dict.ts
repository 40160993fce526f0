import {
  type DType,
  DTypeError,
  describeValue,
  isPlainObject,
  LacunaError,
  ShapeError,
  type Tensor,
} from '@lacuna/tensor';

/**
 * What `Module.loadStateDict` takes: tensors by dotted name, as a `Map` (what `stateDict()` and
 * `parseSafetensors` return) or a plain object (`Record<string, Tensor>`, like PyTorch's dict).
 * Each value is a Tensor, or a tensor-like `{ dtype, shape, storage }` (a tensor from another
 * copy of `@lacuna/tensor`, for one) whose storage is the typed array of its dtype.
 */
export type StateDictInput = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** One checked copy: the module's tensor and the storage to write into it. @internal */
export interface StateCopy {
  /** The module's own parameter or buffer. */
  target: Tensor;
  /**
   * A private copy of the checked source values, taken before anything is written: a source may
   * share its storage with another target (`{ a: m.b, b: m.a }`), which the writes would change.
   */
  source: Float32Array | Int32Array | Uint8Array;
}

/** The typed array each dtype is stored in. */
const STORAGE: Record<DType, string> = {
  float32: 'Float32Array',
  int32: 'Int32Array',
  bool: 'Uint8Array',
};

/** The constructor of each dtype's storage, to copy a checked storage. */
const STORAGE_CTOR = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Int8Array.prototype) as object;

/**
 * The built-in name of a typed array (`'Float32Array'`), read from its internal slot, so that
 * neither an own `Symbol.toStringTag` nor an array-like object can pass for one; undefined for
 * anything else. Works for typed arrays from another realm too.
 */
const typedArrayName = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/**
 * A typed array's element count from its internal slot: an own `length` property (which shadows
 * the prototype's getter) cannot fake it. Only for values `typedArrayName` accepted.
 */
const typedArrayLength = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, 'length')!.get as (
  this: unknown,
) => number;

const slot = (name: 'buffer' | 'byteOffset' | 'byteLength') =>
  Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, name)!.get as (this: unknown) => never;
const typedArrayBuffer = slot('buffer') as (this: unknown) => ArrayBufferLike;
const typedArrayByteOffset = slot('byteOffset') as (this: unknown) => number;
const typedArrayByteLength = slot('byteLength') as (this: unknown) => number;

/**
 * The bytes of a storage `readTensor` accepted, read from its internal slots: own `buffer`,
 * `byteOffset` or `byteLength` properties cannot point a writer elsewhere. @internal
 */
export function storageBytes(storage: Float32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(
    typedArrayBuffer.call(storage),
    typedArrayByteOffset.call(storage),
    typedArrayByteLength.call(storage),
  );
}

/**
 * Checks every entry of a state dict against a module's own tensors and returns what to copy;
 * throws before anything is written. @internal
 *
 * @param owner - The module's class name, for the message.
 * @param own - The module's tensors by dotted name.
 * @param state - What came.
 * @param strict - Whether missing and unexpected names are errors.
 */
export function checkStateDict(
  owner: string,
  own: ReadonlyMap<string, Tensor>,
  state: unknown,
  strict: boolean,
): StateCopy[] {
  const entries = entriesOf(state);
  const given = new Map<string, unknown>();
  const problems: string[] = [];
  for (const [key, value] of entries) {
    if (typeof key === 'string') given.set(key, value);
    else if (strict) problems.push(`has a key that is not a string: ${describeValue(key)}`);
  }
  if (strict) {
    const missing = [...own.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !own.has(k));
    if (missing.length) problems.push(`missing ${missing.join(', ')}`);
    if (unexpected.length) problems.push(`unexpected ${unexpected.join(', ')}`);
  }
  let dtypeProblem = false;
  let typeProblem = false;
  const copies: StateCopy[] = [];
  for (const [name, target] of own) {
    // A name that is present is checked in both modes: only absence is forgiven by strict: false.
    if (!given.has(name)) continue;
    const source = readTensor(given.get(name));
    if (typeof source === 'string') {
      typeProblem = true;
      problems.push(`'${name}' ${source}`);
    } else if (source.dtype !== target.dtype) {
      dtypeProblem = true;
      problems.push(`'${name}' has dtype ${source.dtype}, expected ${target.dtype}`);
    } else if (source.shape.join() !== target.shape.join()) {
      problems.push(
        `'${name}' has shape [${source.shape.join(',')}], expected [${target.shape.join(',')}]`,
      );
    } else {
      // Copied now, before any write: another entry's target may be this source's storage. The
      // typed-array constructor copies from the internal slots, running no user code, and the
      // bool check reads the copy (an own `some` on the source could lie).
      const copy = new STORAGE_CTOR[source.dtype](source.storage);
      if (source.dtype === 'bool' && copy.some((v) => v > 1)) {
        typeProblem = true;
        problems.push(`'${name}' is bool but holds values other than 0 and 1`);
      } else copies.push({ target, source: copy });
    }
  }
  if (problems.length) {
    const error = typeProblem ? LacunaError : dtypeProblem ? DTypeError : ShapeError;
    throw new error('loadStateDict', 'state', `does not fit ${owner}: ${problems.join('; ')}`);
  }
  return copies;
}

/** The entries of a Map or a plain object; anything else is an error. */
function entriesOf(state: unknown): Iterable<[unknown, unknown]> {
  if (state instanceof Map) return state.entries();
  if (isPlainObject(state)) return Object.entries(state);
  throw new LacunaError(
    'loadStateDict',
    'state',
    `must be a Map or a plain object of tensors by name, got ${describeValue(state)}`,
  );
}

/** A tensor's fields, read once and checked. @internal */
export interface ReadTensor {
  /** The dtype. */
  dtype: DType;
  /** The shape, copied. */
  shape: number[];
  /** The storage, exactly as long as the shape needs. */
  storage: Float32Array | Int32Array | Uint8Array;
}

/**
 * Reads dtype, shape and storage once (a getter cannot change them between check and copy) and
 * checks that they make a tensor; returns what is wrong as a message otherwise. @internal
 */
export function readTensor(value: unknown): ReadTensor | string {
  if (typeof value !== 'object' || value === null)
    return `must be a tensor, got ${describeValue(value)}`;
  const { dtype, shape, storage } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(STORAGE, dtype))
    return `must be a tensor (with a dtype float32, int32 or bool), got ${describeValue(value)}`;
  if (!Array.isArray(shape))
    return `must be a tensor, but its shape is ${describeValue(shape)}, not a list of sizes`;
  let size = 1;
  // Each size read once into a copy (an index getter or an own `join` cannot change it later);
  // the loop stops at the first bad size: a hostile shape must not cost a walk.
  const sizes: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (!Number.isSafeInteger(d) || (d as number) < 0)
      return `must be a tensor, but its shape has size ${describeValue(d)} at axis ${i}, not an integer ≥ 0`;
    sizes.push(d as number);
    size *= d as number;
  }
  const expected = STORAGE[dtype as DType];
  const actual = typedArrayName.call(storage);
  if (actual !== expected)
    return `must be a tensor, but its ${dtype} storage is ${actual ? `a ${actual}` : describeValue(storage)}, not a ${expected}`;
  const typed = storage as Float32Array | Int32Array | Uint8Array;
  // The slot, not `typed.length`: an own `length` property could claim the size the shape needs.
  const length = typedArrayLength.call(typed);
  if (length !== size)
    return `has ${length} stored elements, but its shape [${sizes.join(',')}] needs ${size}`;
  return { dtype: dtype as DType, shape: sizes, storage: typed };
}
