import type { Tensor } from '@lacuna/tensor';
import { parseSafetensors, serializeSafetensors } from '../checkpoint/safetensors.js';
import { CheckpointError } from './checkpoint-error.js';
import { crc32 } from './crc32.js';
import type { TrainingState } from './fit-types.js';
import { decodeValue, encodeValue } from './state-codec.js';

/** The state's JSON (epoch, stateful, generators, history). */
const KEY = 'lacuna.training';
/** The encoding's version; files without it predate checksums and are refused. */
const FORMAT_KEY = 'lacuna.training.format';
const FORMAT = '2';
/** CRC-32 of the content, 8 lowercase hex digits. */
const CHECKSUM_KEY = 'lacuna.training.crc32';
const PLACEHOLDER = '00000000';
const STATE_KEYS = ['epoch', 'stateful', 'generators', 'history'] as const;

/**
 * CRC-32 of everything a checkpoint means: the format, the state JSON, each tensor's name, dtype,
 * shape and offsets (sorted by name), then the raw data section. It leaves out only the header's
 * layout (key order, padding) and the checksum itself, so it can be computed before the checksum
 * is written and checked after.
 *
 * @internal
 */
export function contentChecksum(bytes: Uint8Array, json: string): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: number[] }
  >;
  const table = Object.keys(header)
    .filter((k) => k !== '__metadata__')
    .sort()
    .map((k) => [k, header[k]!.dtype, header[k]!.shape, header[k]!.data_offsets]);
  const canonical = new TextEncoder().encode(JSON.stringify([FORMAT, json, table]));
  const crc = crc32(bytes.subarray(8 + n), crc32(canonical));
  return crc.toString(16).padStart(8, '0');
}

/**
 * Encodes a training state as one safetensors file, exactly: decoding gives back the same values
 * bit for bit, or encoding throws.
 *
 * Layout: the model's tensors under `model.<name>`; the rest (epoch, each stateful object's
 * `stateDict()`, generator states, history) as JSON in the header's metadata, with number arrays
 * longer than 8 and typed arrays moved to tensors `state.<i>` (float32 when every value is exactly
 * a float32, otherwise the float64 bits); NaN, ±Infinity, -0 and `undefined` are tagged, and user
 * keys starting with `$` are escaped so they cannot pass for those tags. A CRC-32 of the content
 * goes in the metadata (`lacuna.training.crc32`) so that a flipped bit anywhere is caught on
 * decode. One file, so one atomic rename saves all of it.
 *
 * @param state - The state; its stateful snapshots may hold plain objects, arrays, numbers,
 *   strings, booleans, null, undefined, Float32Array, Float64Array and Int32Array.
 * @throws CheckpointError when a value cannot be stored exactly (Map, Date, class instance,
 *   function, bigint, sparse array, cycle), naming where it sits.
 * @example
 * ```ts
 * import { decodeTrainingState, encodeTrainingState } from '@lacuna/layers';
 * const bytes = encodeTrainingState({ epoch: 1, model: new Map(), stateful: {}, generators: {}, history: [] });
 * decodeTrainingState(bytes).epoch; // 1
 * ```
 */
export function encodeTrainingState(state: TrainingState): Uint8Array {
  if (state === null || typeof state !== 'object' || !(state.model instanceof Map))
    throw new CheckpointError(
      'encodeTrainingState',
      'state',
      'must be a TrainingState {epoch, model: Map, stateful, generators, history}',
    );
  // Exactly these keys, so that decoding gives back the same object (no key gained or lost).
  const keys = Object.keys(state);
  const missing = STATE_KEYS.filter((k) => !Object.hasOwn(state, k));
  const extra = keys.filter((k) => k !== 'model' && !(STATE_KEYS as readonly string[]).includes(k));
  if (missing.length || extra.length)
    throw new CheckpointError(
      'encodeTrainingState',
      'state',
      `must have exactly the keys epoch, model, stateful, generators, history` +
        (missing.length ? ` (missing ${missing.join(', ')})` : '') +
        (extra.length ? ` (unknown ${extra.join(', ')})` : ''),
    );
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of state.model) tensors.set(`model.${name}`, t);
  const rest: Record<string, unknown> = {};
  for (const key of STATE_KEYS) rest[key] = state[key];
  const json = JSON.stringify(encodeValue(rest, 'state', tensors));
  const bytes = serializeSafetensors(tensors, {
    [KEY]: json,
    [FORMAT_KEY]: FORMAT,
    [CHECKSUM_KEY]: PLACEHOLDER,
  });
  // Patch the placeholder in place (same length, so no offset moves). The quoted key cannot occur
  // elsewhere: inside the state JSON every quote is escaped, and tensor names hold no quotes.
  const needle = new TextEncoder().encode(`"${CHECKSUM_KEY}":"${PLACEHOLDER}"`);
  const at = indexOf(bytes, needle);
  const sum = new TextEncoder().encode(contentChecksum(bytes, json));
  bytes.set(sum, at + needle.length - 1 - PLACEHOLDER.length);
  return bytes;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('encodeTrainingState: internal error, checksum placeholder not found');
}

/**
 * Decodes a file written by {@link encodeTrainingState}, checking it all first: the safetensors
 * structure, the format version, the CRC-32 over the content (a flipped bit in weights, optimizer
 * state, generator states or history is refused), the JSON, every tag and tensor reference, and
 * the top-level keys. Whether the state fits a particular run is checked by `fit` on resume.
 *
 * Files from before the checksum (no `lacuna.training.format` metadata) are refused: nothing in
 * them can be verified, and their long arrays were rounded to float32.
 *
 * @param bytes - The file.
 * @param name - For error messages (e.g. the path).
 * @throws SafetensorsError for a malformed file; CheckpointError for anything else.
 * @example
 * ```ts
 * import { decodeTrainingState, encodeTrainingState } from '@lacuna/layers';
 * const state = { epoch: 2, model: new Map(), stateful: { s: { lr: 0.1 } }, generators: {}, history: [] };
 * decodeTrainingState(encodeTrainingState(state), 'run.safetensors').stateful; // { s: { lr: 0.1 } }
 * ```
 */
export function decodeTrainingState(bytes: Uint8Array, name = 'bytes'): TrainingState {
  const fail = (detail: string, cause?: unknown) =>
    new CheckpointError('decodeTrainingState', name, detail, cause ? { cause } : undefined);
  const { tensors, metadata } = parseSafetensors(bytes, name);
  const json = metadata[KEY];
  if (json === undefined)
    throw fail(`is a safetensors file without '${KEY}' metadata: not a training checkpoint`);
  const format = metadata[FORMAT_KEY];
  if (format === undefined)
    throw fail(
      `has no '${FORMAT_KEY}' metadata: it was written by an older @lacuna/layers, without a ` +
        'checksum and with long arrays rounded to float32, so it cannot be resumed exactly; ' +
        'start the run afresh',
    );
  if (format !== FORMAT)
    throw fail(`has format ${JSON.stringify(format)}; this version reads format ${FORMAT}`);
  const unknown = Object.keys(metadata).filter(
    (k) => k !== KEY && k !== FORMAT_KEY && k !== CHECKSUM_KEY,
  );
  if (unknown.length) throw fail(`has unknown metadata keys: ${unknown.join(', ')}`);
  const stored = metadata[CHECKSUM_KEY];
  if (stored === undefined || !/^[0-9a-f]{8}$/.test(stored))
    throw fail(`has no valid '${CHECKSUM_KEY}' checksum (got ${JSON.stringify(stored)})`);
  const computed = contentChecksum(bytes, json);
  if (computed !== stored)
    throw fail(
      `fails its checksum (stored ${stored}, content gives ${computed}): the file is corrupted`,
    );
  const strange = [...tensors.keys()].filter(
    (k) => !k.startsWith('model.') && !k.startsWith('state.'),
  );
  if (strange.length)
    throw fail(`holds tensors outside model.* and state.*: ${strange.join(', ')}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw fail(`has '${KEY}' metadata that is not JSON (${(error as Error).message})`, error);
  }
  const rest = decodeValue(parsed, tensors, name) as Record<string, unknown>;
  if (rest === null || typeof rest !== 'object' || Array.isArray(rest))
    throw fail(`has '${KEY}' metadata that is not a JSON object`);
  const keys = Object.keys(rest);
  const missing = STATE_KEYS.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !(STATE_KEYS as readonly string[]).includes(k));
  if (missing.length || extra.length)
    throw fail(
      `has state keys [${keys.join(', ')}], expected [${STATE_KEYS.join(', ')}]` +
        (missing.length ? ` (missing ${missing.join(', ')})` : '') +
        (extra.length ? ` (unknown ${extra.join(', ')})` : ''),
    );
  const model = new Map(
    [...tensors]
      .filter(([k]) => k.startsWith('model.'))
      .map(([k, t]) => [k.slice('model.'.length), t]),
  );
  return { ...(rest as Omit<TrainingState, 'model'>), model };
}
