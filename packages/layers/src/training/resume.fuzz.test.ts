import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzRuns, fuzzTimeout } from '@lacuna/fuzz-kit';
import { LacunaError, Tensor } from '@lacuna/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors } from '../checkpoint/safetensors.js';
import { DropoutLayer } from '../dropout/base.js';
import { crossEntropy } from '../losses/classification.js';
import { loadCheckpoint, saveCheckpoint } from '../node.js';
import { firstDifference } from '../test-util/exact.js';
import { setup } from '../test-util/training-run.js';
import { memoryCheckpointer } from './checkpointing.js';
import { decodeTrainingState, encodeTrainingState } from './encode.js';
import { fit } from './fit.js';
import type { TrainingState } from './fit-types.js';

/**
 * Fuzz target for the saved-state loaders: `decodeTrainingState`, `fit`'s resume path and
 * `loadCheckpoint` (a model-only file, which has no checksum: what it accepts must be exactly what
 * the file holds). Valid
 * checkpoints are mutated (file bytes, and the decoded state's values and keys) and every outcome
 * must be either a typed LacunaError with the run untouched (parameters, optimizer, schedule,
 * generators) or an exact accept (the run then holds exactly the state that was loaded).
 *
 * A bounded run is part of the normal tests; `pnpm --filter @lacuna/layers fuzz` runs longer
 * (FUZZ_RUNS, default here 200 per property). The seed is fixed so a failure reproduces.
 */
// fuzzRuns: an empty or bad FUZZ_RUNS gives the bounded default, never 0 or NaN runs.
const RUNS = fuzzRuns(200);
const SEED = 14;
/**
 * No limit for a long `fuzz` run; in `pnpm test` sized by the run count, not the clock: generous
 * enough for a loaded 2-core machine (each case trains a small model).
 */
const TIMEOUT = fuzzTimeout() ?? 30_000 + RUNS * 50;

type Run = ReturnType<typeof setup>;

/** The run's restorable state, in the shape of a TrainingState's parts. */
function snapshot(run: Run) {
  return {
    model: new Map([...run.model.stateDict()].map(([k, t]) => [k, t.data()])),
    optimizer: run.optimizer.stateDict(),
    schedule: run.schedule.stateDict(),
    generators: {
      shuffle: run.shuffle.getState(),
      ...Object.fromEntries(
        run.model
          .namedModules()
          .filter(([, m]) => m instanceof DropoutLayer)
          .map(([k, m]) => [`dropout:${k}`, (m as DropoutLayer).randomState()]),
      ),
    },
  };
}

/** What {@link snapshot} must read after `state` was accepted. */
function expected(state: TrainingState) {
  return {
    model: new Map([...state.model].map(([k, t]) => [k, t.data()])),
    optimizer: state.stateful.optimizer,
    schedule: state.stateful.schedule,
    generators: state.generators,
  };
}

const STOP = new Error('stop before training');

/**
 * Resumes a fresh run from what `load` gives and checks the outcome: typed error and nothing
 * changed, or accept and the run holds exactly `accepted` (the state that was offered).
 */
async function check(load: () => unknown, accepted: () => TrainingState): Promise<void> {
  const run = setup(41, 16);
  const before = snapshot(run);
  let error: unknown = null;
  try {
    await fit(run.model, {
      data: run.data,
      optimizer: run.optimizer,
      loss: crossEntropy,
      epochs: 4,
      generators: { shuffle: run.shuffle },
      stateful: { schedule: run.schedule },
      checkpoint: { save: async () => {}, load: async () => load() as TrainingState },
      resume: true,
      // Stop as soon as a restored run would train, so what was restored can be inspected.
      callbacks: [
        {
          onEpochStart: () => {
            throw STOP;
          },
        },
      ],
    });
  } catch (e) {
    error = e;
  }
  if (error === null || error === STOP) {
    const diff = firstDifference(snapshot(run), expected(accepted()));
    if (diff) throw new Error(`accepted, but not exactly: ${diff}`);
  } else {
    if (!(error instanceof LacunaError)) throw error;
    const diff = firstDifference(snapshot(run), before);
    if (diff) throw new Error(`refused (${(error as Error).message}), but changed ${diff}`);
  }
}

let base: TrainingState;
let bytes: Uint8Array;
let headerEnd: number;
let dir: string;
let modelBytes: Uint8Array;

beforeAll(async () => {
  const checkpoint = memoryCheckpointer();
  // A small run keeps each case cheap: 16 examples, the usual model.
  const small = setup(40, 16);
  const run = await fit(small.model, {
    data: small.data,
    optimizer: small.optimizer,
    loss: crossEntropy,
    epochs: 2,
    trainEval: small.train,
    generators: { shuffle: small.shuffle },
    stateful: { schedule: small.schedule },
    checkpoint,
    callbacks: [{ onEpochEnd: () => small.schedule.step() }],
  });
  expect(run.epochs).toHaveLength(2);
  base = checkpoint.latest!;
  bytes = encodeTrainingState(base);
  headerEnd = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
  dir = await mkdtemp(join(tmpdir(), 'lacuna-fuzz-'));
  await saveCheckpoint(join(dir, 'model.safetensors'), small.model, { note: 'fuzz' });
  modelBytes = new Uint8Array(await readFile(join(dir, 'model.safetensors')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; values: number[] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const position = () =>
  fc.oneof(
    fc.nat({ max: 4095 }).map((n) => ({ header: true, n })),
    fc.nat({ max: 1 << 20 }).map((n) => ({ header: false, n })),
  );

type Drawn = { kind: string; where: { header: boolean; n: number } } & Record<string, unknown>;

const byteMutation: fc.Arbitrary<Drawn> = fc.oneof(
  fc.record({ kind: fc.constant('flip'), where: position(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set'), where: position(), value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('insert'),
    where: position(),
    values: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('delete'),
    where: position(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate'), where: position() }),
);

function applyBytes(input: Uint8Array, mutations: Drawn[]): Uint8Array {
  let out = input.slice();
  for (const m of mutations) {
    const span = m.where.header ? Math.min(headerEnd, out.length) : out.length;
    const at = span === 0 ? 0 : m.where.n % span;
    const mut = { ...m, at } as unknown as ByteMutation;
    if (mut.kind === 'flip') out[at] = (out[at] ?? 0) ^ (1 << mut.bit);
    else if (mut.kind === 'set') out[at] = mut.value;
    else if (mut.kind === 'insert')
      out = Uint8Array.from([...out.subarray(0, at), ...mut.values, ...out.subarray(at)]);
    else if (mut.kind === 'delete')
      out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + mut.count)]);
    else out = out.slice(0, at);
  }
  return out;
}

/** Every place in the state's plain part where a value sits: [container path..., key]. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object' || value instanceof Map) return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [
    [...prefix, k],
    ...paths((value as Record<string | number, unknown>)[k], [...prefix, k]),
  ]);
}

const nasty = fc.oneof(
  fc.constantFrom<unknown>(
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    -0,
    0,
    1,
    2,
    4,
    5,
    1e9,
    -1,
    2.5,
    0.1,
    '2',
    '',
    null,
    undefined,
    true,
    {},
    [],
    { $number: 'NaN' },
    { $tensor: 'state.0' },
    { algorithm: 'alea', c: 1, s0: 0.5, s1: 0.25, s2: 0.125 },
  ),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

const keyName = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    '$number',
    '$tensor',
    'extra',
    'lr',
    'epoch',
  ),
  fc.string({ maxLength: 6 }),
);

// Not @lacuna/fuzz-kit's `mutate`: a TrainingState holds a Map of Tensors (fuzz-kit's engine
// deep-copies with structuredClone, which turns a Tensor into a plain object, and walks only plain
// objects and arrays), the tensors need their own mutations (drop, NaN, shape, dtype, extra name),
// long optimizer buffers are sampled one case in five so the structure gets most cases, and the
// value pool holds the codec's own markers ({$number}, {$tensor}) and a valid generator state.
const stateMutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add', 'model'),
  value: nasty,
  key: keyName,
  tensor: fc.constantFrom('drop', 'nan', 'shape', 'dtype', 'extra'),
});

type StateMutation = { pick: number; op: string; value: unknown; key: string; tensor: string };

function applyState(state: TrainingState, m: StateMutation): TrainingState {
  const plain = structuredClone({ ...state, model: null }) as Record<string, unknown>;
  const model = new Map(state.model);
  if (m.op === 'model') {
    const names = [...model.keys()];
    const name = names[m.pick % names.length]!;
    const t = model.get(name)!;
    if (m.tensor === 'drop') model.delete(name);
    else if (m.tensor === 'nan')
      model.set(name, new Tensor(t.data().fill(Number.NaN), t.shape, t.dtype));
    else if (m.tensor === 'shape')
      model.set(name, new Tensor(new Float32Array(t.size + 1), [t.size + 1], 'float32'));
    else if (m.tensor === 'dtype')
      model.set(name, new Tensor(new Int32Array(t.size), t.shape, 'int32'));
    else model.set(`${name}_extra`, t);
    return { ...(plain as unknown as TrainingState), model };
  }
  delete plain.model;
  // Mostly the structure; one case in five may land inside a long buffer (hundreds of elements).
  const all = paths(plain);
  const at = (p: (string | number)[]) =>
    p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], plain);
  const structure = all.filter((p) => {
    const parent = at(p.slice(0, -1));
    return !(Array.isArray(parent) && parent.length > 8);
  });
  const from = m.pick % 5 === 0 ? all : structure;
  const path = from[Math.floor(m.pick / 5) % from.length]!;
  const key = path[path.length - 1]!;
  let parent: Record<string | number, unknown> = plain;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  if (m.op === 'replace') parent[key] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else {
    const target = parent[key];
    if (Array.isArray(target)) target.push(m.value);
    else if (target !== null && typeof target === 'object')
      Object.defineProperty(target, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else parent[key] = m.value;
  }
  return { ...(plain as unknown as TrainingState), model };
}

describe('fuzz: checkpoint decode and fit resume', () => {
  it('the unmutated checkpoint is accepted exactly, from memory and from bytes', async () => {
    await check(
      () => base,
      () => base,
    );
    await check(
      () => decodeTrainingState(bytes),
      () => base,
    );
  });

  it(
    'mutated file bytes: a typed error with nothing changed, or the exact original state',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          async (mutations) => {
            const mutated = applyBytes(bytes, mutations);
            await check(
              () => decodeTrainingState(mutated, 'fuzz.safetensors'),
              () => base,
            );
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'mutated states (values, keys, tensors): typed error with nothing changed, or an exact accept',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(stateMutation, { minLength: 1, maxLength: 3 }),
          async (mutations) => {
            let state = base;
            for (const m of mutations) state = applyState(state, m);
            // In memory (a custom Checkpointer): what is accepted must be exactly what was offered.
            await check(
              () => state,
              () => state,
            );
            // Through the file encoding: encodes exactly (or refuses), decodes to the same state.
            let encoded: Uint8Array;
            try {
              encoded = encodeTrainingState(state);
            } catch (error) {
              expect(error).toBeInstanceOf(LacunaError);
              return;
            }
            let decoded: TrainingState;
            try {
              decoded = decodeTrainingState(encoded);
            } catch (error) {
              // Only a state whose top level lost a key may be refused here.
              expect(error).toBeInstanceOf(LacunaError);
              expect((error as Error).message).toMatch(/state keys|not a JSON object/);
              return;
            }
            expect(firstDifference({ ...decoded }, { ...state })).toBeNull();
            await check(
              () => decoded,
              () => state,
            );
          },
        ),
        { seed: SEED + 1, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'loadCheckpoint of mutated model files: a typed error with nothing changed, or exactly the file',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          async (mutations) => {
            const mutated = applyBytes(modelBytes, mutations);
            const path = join(dir, 'mutated.safetensors');
            await writeFile(path, mutated);
            const model = setup(43, 16).model;
            const before = new Map([...model.stateDict()].map(([k, t]) => [k, t.data()]));
            try {
              await loadCheckpoint(path, model);
            } catch (error) {
              if (!(error instanceof LacunaError)) throw error;
              const now = new Map([...model.stateDict()].map(([k, t]) => [k, t.data()]));
              const diff = firstDifference(now, before);
              if (diff) throw new Error(`refused (${error.message}), but changed ${diff}`);
              return;
            }
            const file = parseSafetensors(mutated).tensors;
            const diff = firstDifference(
              new Map([...model.stateDict()].map(([k, t]) => [k, t.data()])),
              new Map([...file].map(([k, t]) => [k, t.data()])),
            );
            if (diff) throw new Error(`accepted, but the model does not hold the file: ${diff}`);
          },
        ),
        { seed: SEED + 2, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
