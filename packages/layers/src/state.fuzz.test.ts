import { fuzzRuns, fuzzTimeout, mutate, mutation } from '@lacuna/fuzz-kit';
import {
  Generator,
  LacunaError,
  type Tensor,
  Tensor as TensorClass,
  tensor,
  zeros,
} from '@lacuna/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from './checkpoint/safetensors.js';
import { Module } from './module.js';
import { Linear } from './modules/linear.js';
import { Sequential } from './modules/sequential.js';

/** Field names of this target's saved state, for mutations that add keys. */
const KEYS = [
  'dtype',
  'shape',
  'storage',
  'size',
  'data_offsets',
  '__metadata__',
  '0.weight',
  '0.bias',
  'w',
];

// Fuzz targets for the saved-state loaders of this package. A valid state, mutated, must either
// be refused with a LacunaError that leaves the target untouched, or be accepted exactly.
// `pnpm fuzz` runs them longer (FUZZ_RUNS).

class Counters extends Module {
  constructor() {
    super();
    this.registerBuffer('seen', zeros([2], { dtype: 'int32' }));
    this.registerBuffer('mask', tensor([1, 0, 1], { dtype: 'bool' }));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

const model = (seed: number) =>
  new Sequential(new Linear(2, 3, { generator: new Generator(seed) }), new Counters());

function snapshot(m: Module): Map<string, number[]> {
  return new Map([...m.stateDict()].map(([k, t]) => [k, Array.from(t.storage)]));
}

/** The source state as a tree of tensor-likes the mutator can reach into. */
function sourceTree(): Record<string, unknown> {
  const m = model(1);
  (m.stateDict().get('1.seen')!.storage as Int32Array).set([5, 6]);
  return Object.fromEntries(
    [...m.stateDict()].map(([k, t]) => [
      k,
      { dtype: t.dtype, shape: [...t.shape], storage: t.storage.slice() },
    ]),
  );
}

/** Turns what survived as a tensor-like into a real Tensor where it is one. */
function asTensor(value: unknown): unknown {
  const v = value as { dtype?: unknown; shape?: unknown; storage?: unknown } | null;
  // A 2**26-long shape stays a tensor-like: the Tensor constructor would format it in full.
  if (!Array.isArray(v?.shape) || v.shape.length > 8) return value;
  try {
    return new TensorClass(v!.storage as never, v!.shape as never, v!.dtype as never);
  } catch {
    return value;
  }
}

describe('fuzz: Module.loadStateDict of a mutated state', () => {
  it(
    'refuses it with a LacunaError and writes nothing, or loads exactly the entries given',
    () => {
      const valid = sourceTree();
      const outcomes = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(
          fc.array(mutation(KEYS), { minLength: 1, maxLength: 3 }),
          fc.constantFrom('map', 'object', 'tensors'),
          fc.boolean(),
          (mutations, container, strict) => {
            const tree = mutate(valid, mutations);
            let input: unknown = tree;
            if (container !== 'object' && tree !== null && typeof tree === 'object') {
              const entries = Object.entries(tree);
              input = new Map(
                container === 'tensors' ? entries.map(([k, v]) => [k, asTensor(v)]) : entries,
              );
            }
            const target = model(0);
            const before = snapshot(target);
            try {
              target.loadStateDict(input as never, { strict });
            } catch (error) {
              if (!(error instanceof LacunaError)) throw error;
              outcomes.refused++;
              expect(snapshot(target)).toEqual(before);
              return;
            }
            outcomes.accepted++;
            const given = new Map(
              input instanceof Map ? input : Object.entries(input as Record<string, unknown>),
            );
            if (strict) expect([...given.keys()].sort()).toEqual([...before.keys()].sort());
            for (const [name, own] of target.stateDict()) {
              if (!given.has(name)) {
                expect(Array.from(own.storage)).toEqual(before.get(name));
                continue;
              }
              const src = given.get(name) as Tensor;
              expect(src.dtype).toBe(own.dtype);
              expect([...src.shape]).toEqual([...own.shape]);
              expect(Array.from(own.storage)).toEqual(Array.from(src.storage));
            }
          },
        ),
        { seed: 14, numRuns: fuzzRuns() },
      );
      expect(outcomes.accepted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
    fuzzTimeout(),
  );
});

const validFile = serializeSafetensors(
  new Map<string, Tensor>([
    [
      'w',
      tensor([
        [1, -2, 3.5],
        [0, Number.NaN, 1e-30],
      ]),
    ],
    ['i', tensor([7, -8], { dtype: 'int32' })],
    ['b', tensor([1, 0, 1], { dtype: 'bool' })],
  ]),
  { format: 'pt' },
);

function headerOf(bytes: Uint8Array): { json: string; dataStart: number } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { json: new TextDecoder().decode(bytes.subarray(8, 8 + n)), dataStart: 8 + n };
}

function withHeader(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) ?? '');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A byte-level change: flip, cut, extend or rewrite the header length. */
const byteEdit = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bits: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), by: fc.integer({ min: 1, max: 9 }) }),
  fc.record({
    kind: fc.constant('length' as const),
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  }),
);

describe('fuzz: parseSafetensors of a mutated file', () => {
  it(
    'refuses it with a LacunaError, or returns exactly what its header describes',
    () => {
      const { json, dataStart } = headerOf(validFile);
      const header = JSON.parse(json);
      const data = validFile.subarray(dataStart);
      const outcomes = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(
          // No 2**26-long arrays here: JSON would spell out every hole (the header limit and
          // the length checks are what such a header meets, and both are tested elsewhere).
          fc.array(
            mutation(KEYS).filter((m) => m.kind !== 'resize' || m.delta !== 2 ** 26),
            { maxLength: 3 },
          ),
          fc.array(byteEdit, { maxLength: 2 }),
          (mutations, edits) => {
            let bytes = withHeader(mutate(header, mutations), data);
            for (const e of edits) {
              if (e.kind === 'flip') bytes[e.at % bytes.length]! ^= e.bits;
              else if (e.kind === 'cut') bytes = bytes.slice(0, e.at % bytes.length);
              else if (e.kind === 'extend')
                bytes = Uint8Array.from([...bytes, ...new Array(e.by).fill(0)]);
              else if (bytes.length >= 8) new DataView(bytes.buffer).setBigUint64(0, e.value, true);
            }
            let parsed: ReturnType<typeof parseSafetensors>;
            try {
              parsed = parseSafetensors(bytes, 'fuzz.safetensors');
            } catch (error) {
              if (!(error instanceof LacunaError)) throw error;
              outcomes.refused++;
              return;
            }
            outcomes.accepted++;
            // Exact: every tensor is the header's entry, its bytes the data section's.
            const { json: text, dataStart: start } = headerOf(bytes);
            const raw = JSON.parse(text) as Record<
              string,
              { dtype: string; shape: number[]; data_offsets: [number, number] }
            >;
            const { __metadata__: meta, ...entries } = raw as Record<string, never>;
            expect(parsed.metadata).toEqual(meta ?? {});
            expect([...parsed.tensors.keys()]).toEqual(Object.keys(entries));
            for (const [name, t] of parsed.tensors) {
              const e = raw[name]!;
              expect({ F32: 'float32', I32: 'int32', BOOL: 'bool' }[e.dtype]).toBe(t.dtype);
              expect([...t.shape]).toEqual(e.shape);
              const [begin, end] = e.data_offsets;
              const own = new Uint8Array(
                t.storage.buffer,
                t.storage.byteOffset,
                t.storage.byteLength,
              );
              expect(own).toEqual(bytes.subarray(start + begin, start + end));
            }
            // And what it returned writes and reads back unchanged.
            const again = parseSafetensors(serializeSafetensors(parsed.tensors, parsed.metadata));
            expect(again.metadata).toEqual(parsed.metadata);
            for (const [name, t] of parsed.tensors)
              expect(again.tensors.get(name)!.storage).toEqual(t.storage);
          },
        ),
        { seed: 14, numRuns: fuzzRuns() },
      );
      expect(outcomes.accepted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    },
    fuzzTimeout(),
  );
});
