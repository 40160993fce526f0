import { describeValue, isPlainObject, Tensor } from '@lacuna/tensor';
import { CheckpointError } from './checkpoint-error.js';

/**
 * The exact encoding of a training state's plain values (epoch, optimizer and schedule state,
 * generator states, history) as JSON plus side tensors, used by `encodeTrainingState`.
 *
 * JSON alone loses data, so:
 * - numbers JSON cannot hold (NaN, ±Infinity, -0) become `{"$number": "NaN"}`;
 * - `undefined` becomes `{"$undefined": 1}`;
 * - number arrays longer than {@link INLINE} and typed arrays move to a tensor `state.<i>`,
 *   referenced as `{"$tensor": "state.<i>"}` (plus `"$type"` for a typed array). The tensor is F32
 *   when every value is exactly a float32, otherwise I32 `[n, 2]` holding each float64's two
 *   little-endian 32-bit words: bit-exact either way;
 * - an object key that starts with `$` gets one more `$` (`$number` → `$$number`), so user
 *   objects never look like the markers above.
 * Anything else (Map, Set, Date, class instances, functions, bigint, symbols, sparse arrays, cycles)
 * is rejected: a checkpoint either restores exactly what was saved or is not written.
 */

/** Number arrays up to this length stay inline in the JSON. */
const INLINE = 8;

type Typed = Float32Array | Float64Array | Int32Array;
const TYPED = { Float32Array, Float64Array, Int32Array } as const;
type TypedName = keyof typeof TYPED;

function typedName(value: unknown): TypedName | undefined {
  if (value instanceof Float32Array) return 'Float32Array';
  if (value instanceof Float64Array) return 'Float64Array';
  if (value instanceof Int32Array) return 'Int32Array';
  return undefined;
}

/** Sets an own property even when the key is `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function float32Exact(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Object.is(Math.fround(v), v) && !Number.isNaN(v)) return false;
  }
  return true;
}

function float64Words(values: ArrayLike<number>): Tensor {
  const words = new Int32Array(values.length * 2);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < values.length; i++) {
    view.setFloat64(0, values[i]!, true);
    words[2 * i] = view.getInt32(0, true);
    words[2 * i + 1] = view.getInt32(4, true);
  }
  return new Tensor(words, [values.length, 2], 'int32');
}

function fromFloat64Words(words: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < n; i++) {
    view.setInt32(0, words[2 * i]!, true);
    view.setInt32(4, words[2 * i + 1]!, true);
    out[i] = view.getFloat64(0, true);
  }
  return out;
}

/**
 * Encodes `value` for JSON, moving long number arrays into `tensors` (as `state.<i>`).
 *
 * @param path - Where `value` sits, for error messages (e.g. `state.stateful.optimizer`).
 * @internal
 */
export function encodeValue(value: unknown, path: string, tensors: Map<string, Tensor>): unknown {
  const op = 'encodeTrainingState';
  const seen = new Set<object>();
  let next = 0;
  const pack = (values: ArrayLike<number>, type: TypedName | undefined): unknown => {
    const name = `state.${next++}`;
    tensors.set(
      name,
      type === 'Int32Array'
        ? new Tensor(Int32Array.from(values), [values.length], 'int32')
        : type !== 'Float64Array' && float32Exact(values)
          ? new Tensor(Float32Array.from(values), [values.length], 'float32')
          : float64Words(values),
    );
    return type ? { $tensor: name, $type: type } : { $tensor: name };
  };
  const walk = (v: unknown, at: string): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { $undefined: 1 };
    if (typeof v === 'number')
      return Number.isFinite(v) && !Object.is(v, -0)
        ? v
        : { $number: Object.is(v, -0) ? '-0' : String(v) };
    if (typeof v !== 'object')
      throw new CheckpointError(op, at, `is ${describeValue(v)}, which a checkpoint cannot store`);
    if (seen.has(v))
      throw new CheckpointError(op, at, 'refers back to itself; a checkpoint stores trees only');
    const type = typedName(v);
    if (type) return pack(v as Typed, type);
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++)
          if (!(i in v)) throw new CheckpointError(op, at, `is a sparse array (no element ${i})`);
        if (v.length > INLINE && v.every((x) => typeof x === 'number')) return pack(v, undefined);
        return v.map((x, i) => walk(x, `${at}[${i}]`));
      }
      if (!isPlainObject(v))
        throw new CheckpointError(
          op,
          at,
          `is ${describeValue(v)}, which a checkpoint cannot store exactly (plain objects, arrays, ` +
            'numbers, strings, booleans, null, undefined, Float32Array, Float64Array, Int32Array)',
        );
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v))
        define(
          out,
          key.startsWith('$') ? `$${key}` : key,
          walk((v as Record<string, unknown>)[key], `${at}.${key}`),
        );
      return out;
    } finally {
      seen.delete(v);
    }
  };
  try {
    return walk(value, path);
  } catch (error) {
    if (error instanceof RangeError && !(error instanceof CheckpointError))
      throw new CheckpointError(op, path, 'nests too deeply to encode', { cause: error });
    throw error;
  }
}

/**
 * Reverses {@link encodeValue}; every marker and tensor reference is checked, and every `state.*`
 * tensor must be used exactly once.
 *
 * @internal
 */
export function decodeValue(
  json: unknown,
  tensors: ReadonlyMap<string, Tensor>,
  name: string,
): unknown {
  const fail = (detail: string) => new CheckpointError('decodeTrainingState', name, detail);
  const used = new Set<string>();
  const unpack = (marker: Record<string, unknown>, at: string): unknown => {
    const ref = marker.$tensor;
    const type = marker.$type;
    const keys = Object.keys(marker);
    if (
      typeof ref !== 'string' ||
      !ref.startsWith('state.') ||
      keys.some((k) => k !== '$tensor' && k !== '$type') ||
      (type !== undefined && !(typeof type === 'string' && Object.hasOwn(TYPED, type)))
    )
      throw fail(`has a malformed tensor reference at ${at}: ${JSON.stringify(marker)}`);
    const t = tensors.get(ref);
    if (!t) throw fail(`refers to missing tensor '${ref}' at ${at}`);
    if (used.has(ref)) throw fail(`refers to tensor '${ref}' twice`);
    used.add(ref);
    const float64 = t.dtype === 'int32' && t.rank === 2 && t.shape[1] === 2;
    const fits =
      type === 'Int32Array'
        ? t.dtype === 'int32' && t.rank === 1
        : type === 'Float32Array'
          ? t.dtype === 'float32' && t.rank === 1
          : type === 'Float64Array'
            ? float64
            : (t.dtype === 'float32' && t.rank === 1) || float64;
    if (!fits)
      throw fail(
        `has tensor '${ref}' (${t.dtype} [${t.shape.join(',')}]) where ${type ?? 'a number array'} is expected`,
      );
    const values = float64 ? fromFloat64Words(t.storage, t.shape[0]!) : t.storage;
    if (type) return TYPED[type as TypedName].from(values as ArrayLike<number>);
    return Array.from(values as ArrayLike<number>);
  };
  const walk = (v: unknown, at: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    const markers = keys.filter((k) => k.startsWith('$') && !k.startsWith('$$'));
    if (markers.length > 0) {
      if ('$tensor' in record) return unpack(record, at);
      if (keys.length === 1 && keys[0] === '$undefined' && record.$undefined === 1)
        return undefined;
      if (keys.length === 1 && keys[0] === '$number') {
        const n = record.$number;
        if (n === 'NaN') return Number.NaN;
        if (n === 'Infinity') return Number.POSITIVE_INFINITY;
        if (n === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (n === '-0') return -0;
      }
      throw fail(`has an unknown marker at ${at}: ${JSON.stringify(record).slice(0, 80)}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys)
      define(out, key.startsWith('$') ? key.slice(1) : key, walk(record[key], `${at}.${key}`));
    return out;
  };
  let out: unknown;
  try {
    out = walk(json, 'state');
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError('decodeTrainingState', name, 'nests too deeply to decode', {
      cause: error,
    });
  }
  const unused = [...tensors.keys()].filter((k) => k.startsWith('state.') && !used.has(k));
  if (unused.length) throw fail(`holds tensors no state refers to: ${unused.join(', ')}`);
  return out;
}
