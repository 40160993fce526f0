import fc from 'fast-check';

/**
 * Mutations of saved state for the fuzz targets of @lacuna/optim and @lacuna/layers: a mutation
 * picks a place in a JSON-like tree (by index, modulo the number of places) and deletes, replaces, adds, wraps, resizes or nudges what
 * is there. Values come from a pool of what corrupt or hostile state holds: wrong types, NaN,
 * ±Infinity, huge and fractional numbers, length-only objects, sparse arrays, typed arrays,
 * prototype keys and nesting.
 */

/** Fuzz run count: FUZZ_RUNS from the environment (the `fuzz` script), else a bounded default. */
export function fuzzRuns(bounded = 300): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(n) && n > 0 ? n : bounded;
}

/** The test's time limit: none for a long `fuzz` run (FUZZ_RUNS set), else the default. */
export function fuzzTimeout(): number | undefined {
  return process.env.FUZZ_RUNS ? 0 : undefined;
}

/** Keys any hostile or corrupt state might carry; a target adds its own. */
const COMMON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'length'];

/** Values that do not belong in a saved state, and a few that do. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1,
    -1,
    0.5,
    2 ** 26,
    2 ** 53,
    1e300,
    '',
    '2',
    'ab',
    true,
    false,
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.constant(null).map(() => ({ length: 2 ** 26 })),
  fc.array(fc.double(), { maxLength: 4 }),
  fc.nat(4).map((n) => new Float32Array(n).fill(0.25)),
  fc.nat(4).map((n) => new Float64Array(n)),
  fc.nat(4).map((n) => new Int32Array(n).fill(n)),
  fc.nat(4).map((n) => new Uint8Array(n).fill(n % 3)),
  fc.constantFrom('float32', 'int32', 'bool', 'F32', 'I32', 'BOOL', 'F64'),
  fc.nat(4).map((n) => new Array(n)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One mutation, applied to whichever place `at` lands on. */
export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'wrap'; at: number; inArray: boolean }
  | { kind: 'resize'; at: number; delta: number }
  | { kind: 'nudge'; at: number; by: number };

/**
 * Any mutation; `add` draws its key from the common hostile keys, `keys` (the target's own field
 * names) and short random strings.
 */
export function mutation(keys: readonly string[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: weirdValue }),
    fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...COMMON_KEYS, ...keys), fc.string({ maxLength: 3 })),
      value: weirdValue,
    }),
    fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), inArray: fc.boolean() }),
    fc.record({
      kind: fc.constant('resize' as const),
      at: fc.nat(),
      delta: fc.constantFrom(-1, 1, 2 ** 26),
    }),
    fc.record({
      kind: fc.constant('nudge' as const),
      at: fc.nat(),
      by: fc.constantFrom(1, -1, 0.5, -100, 1e10, 2 ** 60, Number.NaN),
    }),
  );
}

type Container = Record<string, unknown> | unknown[];
interface Place {
  parent: Container | null;
  key: string | number;
  value: unknown;
}

function isContainer(v: unknown): v is Container {
  return (
    Array.isArray(v) ||
    (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype)
  );
}

/** Every place in the tree, depth first; the root is place 0. */
function places(root: unknown): Place[] {
  const out: Place[] = [{ parent: null, key: '', value: root }];
  const walk = (v: unknown) => {
    if (!isContainer(v)) return;
    // Long arrays stand for one element each at their ends and middle: enough to reach them.
    const keys = Array.isArray(v)
      ? [...new Set([0, v.length >> 1, v.length - 1])].filter((i) => i >= 0 && i < v.length)
      : Object.keys(v);
    for (const k of keys) {
      const child = (v as Record<string | number, unknown>)[k];
      out.push({ parent: v, key: k, value: child });
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Sets an own property, as JSON.parse would: `__proto__` becomes a key, not the prototype. */
function put(parent: Container, key: string | number, value: unknown): void {
  Object.defineProperty(parent, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** Applies mutations in order to a deep copy of `root` and returns the copy. */
export function mutate<T>(root: T, mutations: readonly Mutation[]): unknown {
  const box: Container = [structuredClone(root)];
  for (const m of mutations) {
    const list: Place[] = places(box[0]).map((p) =>
      p.parent === null ? { ...p, parent: box, key: 0 } : p,
    );
    const { parent, key, value } = list[m.at % list.length]!;
    const set = (v: unknown) => put(parent!, key, v);
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(parent) && parent !== box) parent.splice(key as number, 1);
        else if (parent !== box) delete (parent as Record<string, unknown>)[key as string];
        else set(undefined);
        break;
      case 'replace':
        set(m.value);
        break;
      case 'add':
        if (isContainer(value) && !Array.isArray(value)) put(value, m.key, m.value);
        else if (Array.isArray(value)) value.push(m.value);
        else set(m.value);
        break;
      case 'wrap':
        set(m.inArray ? [value] : { value });
        break;
      case 'resize':
        if (Array.isArray(value))
          value.length = m.delta === 2 ** 26 ? 2 ** 26 : Math.max(0, value.length + m.delta);
        else set(m.delta);
        break;
      case 'nudge':
        set(typeof value === 'number' ? value + m.by * (value === 0 ? 1 : value) : m.by);
        break;
    }
  }
  return box[0];
}
