import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ArgList, KERNELS } from './context.js';
import { addcmulArgs } from './kernels/addcmul.js';
import { avgPoolArgs, avgPoolBackwardArgs } from './kernels/avg-pool2d.js';
import { binaryArgs } from './kernels/binary.js';
import { conv2dArgs, conv2dBackwardInputArgs, conv2dBackwardWeightArgs } from './kernels/conv2d.js';
import { dropoutArgs } from './kernels/dropout.js';
import { linearArgs } from './kernels/linear.js';
import { maskedAffineArgs } from './kernels/masked-affine.js';
import { matmulArgs } from './kernels/matmul.js';
import { maxPoolArgs } from './kernels/max-pool2d.js';
import { normalArgs, uniformArgs } from './kernels/random.js';
import { reduceArgs } from './kernels/reduce.js';
import { sampleNormalArgs } from './kernels/sample-normal.js';
import { scaledSquareArgs, scaledSquareBackwardArgs } from './kernels/scaled-square.js';
import { sparseVariationalDropoutKlArgs } from './kernels/sparse-variational-dropout-kl.js';
import { unaryArgs } from './kernels/unary.js';
import { variationalDropoutKlArgs } from './kernels/variational-dropout-kl.js';

// Each wrapper builds its kernel's argument list by name (kernels/X.ts); a list in the wrong order
// would pass pointers as sizes. This reads every exported function's parameters from
// assembly/*.ts and checks the host's names against them, name for name, and each `build`
// against its names.

const assemblyDir = new URL('../../../assembly/', import.meta.url);

/** Parameter names of every `export function` in assembly/*.ts (a leading `_` dropped). */
function assemblyExports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(assemblyDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(new URL(file, assemblyDir), 'utf8').replace(/\/\/.*$/gm, '');
    for (const m of text.matchAll(/export function (\w+)\(([^)]*)\)/g)) {
      const params = m[2]!
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      found.set(
        m[1]!,
        params.map((p) => p.split(':')[0]!.trim().replace(/^_/, '')),
      );
    }
  }
  return found;
}

const lists: ArgList<string>[] = [
  matmulArgs,
  dropoutArgs,
  uniformArgs,
  normalArgs,
  binaryArgs,
  unaryArgs,
  reduceArgs,
  maskedAffineArgs,
  scaledSquareArgs,
  scaledSquareBackwardArgs,
  conv2dArgs,
  conv2dBackwardInputArgs,
  conv2dBackwardWeightArgs,
  maxPoolArgs,
  avgPoolArgs,
  avgPoolBackwardArgs,
  linearArgs,
  sparseVariationalDropoutKlArgs,
  variationalDropoutKlArgs,
  addcmulArgs,
  sampleNormalArgs,
];

describe('argument lists of the AssemblyScript kernels', () => {
  const exports = assemblyExports();

  it('every kernel the host dispatches has exactly one argument list', () => {
    expect(lists.map((l) => l.kernel).sort()).toEqual([...KERNELS].sort());
  });

  it.each(lists.map((l) => [l.kernel, l] as const))(
    '%s: names and order match assembly/',
    (kernel, list) => {
      expect(exports.get(kernel)).toEqual([...list.names]);
    },
  );

  it.each(lists.map((l) => [l.kernel, l] as const))(
    '%s: build puts each value in its slot',
    (_, list) => {
      const slots = Object.fromEntries(list.names.map((name, i) => [name, i]));
      expect(list.build(slots)).toEqual(list.names.map((_, i) => i));
    },
  );
});
