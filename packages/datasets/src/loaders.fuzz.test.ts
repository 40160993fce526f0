/**
 * Fuzz targets for the loaders that validate content: mutated MNIST-format files (raw and gzip,
 * flipped bytes, cuts, trailing bytes, mutated gzip streams) and CIFAR-10 batches. The only
 * outcomes allowed are a typed Lacuna error or an accepted split whose content is possible.
 *
 * A bounded run is part of `pnpm test`; `pnpm --filter @lacuna/datasets fuzz` runs longer
 * (FUZZ_RUNS, FUZZ_SEED override both).
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fuzzRuns, fuzzTimeout } from '@lacuna/fuzz-kit';
import { LacunaError } from '@lacuna/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCifar10Batch } from './cifar.js';
import { loadMnistFromDirectory } from './mnist-node.js';
import type { Dataset } from './synthetic.js';
import { mnistSplit, writeMnistDir } from './test-util/fixtures.js';

// fuzzRuns: an empty or bad FUZZ_RUNS gives the bounded default, never 0 or NaN runs.
const runs = fuzzRuns(120);
const seed = /^\d+$/.test(process.env.FUZZ_SEED ?? '') ? Number(process.env.FUZZ_SEED) : 14;

/** A mutation of a byte string: flips, then a cut or an append. */
const mutation = fc.record({
  flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
    maxLength: 4,
  }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  append: fc.uint8Array({ maxLength: 8 }),
  /** Mutate the gzip stream instead of the IDX bytes. */
  afterGzip: fc.boolean(),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const out = new Uint8Array(bytes);
  for (const { at, value } of m.flips) if (out.length) out[at % out.length] = value;
  const cut = m.cut === undefined ? out : out.subarray(0, m.cut % (out.length + 1));
  const joined = new Uint8Array(cut.length + m.append.length);
  joined.set(cut);
  joined.set(m.append, cut.length);
  return joined;
}

function encode(bytes: Uint8Array, gzip: boolean, m: Mutation): Uint8Array {
  if (!gzip) return mutate(bytes, m);
  return m.afterGzip ? mutate(gzipSync(bytes), m) : gzipSync(mutate(bytes, m));
}

/** An accepted split must be possible: shapes agree, pixels in [0, 1], labels in 0..9. */
function expectPossible({ x, y }: Dataset): void {
  expect(x.shape.slice(1)).toEqual([28, 28]);
  expect(y.shape).toEqual([x.shape[0]]);
  for (const v of x.storage) expect(v >= 0 && v <= 1).toBe(true);
  for (const c of y.storage) expect(Number.isInteger(c) && c >= 0 && c <= 9).toBe(true);
}

async function outcome(load: Promise<Dataset>): Promise<'accepted' | 'typed'> {
  try {
    expectPossible(await load);
    return 'accepted';
  } catch (error) {
    if (error instanceof LacunaError) return 'typed';
    throw error; // a bare TypeError, RangeError, zlib error…: a finding
  }
}

describe('loader fuzz targets (typed error or a possible split, nothing else)', () => {
  const [images, labels] = mnistSplit(2, 7);
  let dir = '';
  beforeAll(async () => {
    dir = await writeMnistDir(images, labels);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'loadMnistFromDirectory on mutated raw and gzip IDX files',
    async () => {
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          mutation,
          mutation,
          fc.boolean(),
          fc.constantFrom('images', 'labels', 'both'),
          async (mi, ml, gzip, which) => {
            const ext = gzip ? '.gz' : '';
            await rm(join(dir, 't10k-images-idx3-ubyte'), { force: true });
            await rm(join(dir, 't10k-labels-idx1-ubyte'), { force: true });
            await rm(join(dir, 't10k-images-idx3-ubyte.gz'), { force: true });
            await rm(join(dir, 't10k-labels-idx1-ubyte.gz'), { force: true });
            const none: Mutation = {
              flips: [],
              cut: undefined,
              append: new Uint8Array(),
              afterGzip: false,
            };
            await writeFile(
              join(dir, `t10k-images-idx3-ubyte${ext}`),
              encode(images, gzip, which === 'labels' ? none : mi),
            );
            await writeFile(
              join(dir, `t10k-labels-idx1-ubyte${ext}`),
              encode(labels, gzip, which === 'images' ? none : ml),
            );
            seen.add(await outcome(loadMnistFromDirectory(dir, 'test')));
          },
        ),
        { numRuns: runs, seed },
      );
      // The run must exercise both outcomes, or it tests nothing.
      expect([...seen].sort()).toEqual(['accepted', 'typed']);
    },
    fuzzTimeout(),
  );

  it(
    'parseCifar10Batch on mutated batches',
    () => {
      const record = new Uint8Array(3 * 3073);
      for (let i = 0; i < 3; i++) record[i * 3073] = i;
      fc.assert(
        fc.property(mutation, (m) => {
          const bytes = mutate(record, m);
          try {
            const { x, y } = parseCifar10Batch(bytes, 'fuzz.bin');
            expect(x.shape.slice(1)).toEqual([3, 32, 32]);
            for (const c of y.storage) expect(c >= 0 && c <= 9).toBe(true);
          } catch (error) {
            if (!(error instanceof LacunaError)) throw error;
          }
        }),
        { numRuns: runs * 4, seed },
      );
    },
    fuzzTimeout(),
  );
});
