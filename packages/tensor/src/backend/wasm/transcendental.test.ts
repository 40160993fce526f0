import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeBackends,
  expectSameBits,
  wasmOnOneAndTwoThreads,
} from '../../test-util/backends.js';
import type { UnaryOpName } from '../backend.js';
import { referenceBackend as ref } from '../reference/index.js';
import type { WasmBackend } from './index.js';
import { TRANSCENDENTAL_ULPS } from './layout.js';

// exp, log, log1p, sigmoid and tanh on the wasm backend are polynomials (assembly/simd-math.ts),
// not Math.*: the contract is "within TRANSCENDENTAL_ULPS float32 ulps of the reference, special
// values exact, the same bits on any thread count".

let one: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  [one, two] = await wasmOnOneAndTwoThreads();
});
afterAll(disposeBackends);

/** Where each op is worth sweeping: the range its results stay normal and finite, and past it. */
const RANGES: Record<string, [number, number]> = {
  exp: [-110, 95],
  log: [0, 1e6],
  log1p: [-1, 1e6],
  sigmoid: [-120, 40],
  tanh: [-12, 12],
};
const SPECIAL = [
  Number.NaN,
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e-45,
  -1e-45,
  1e-40,
  1.17549435e-38,
  3.4028235e38,
  -3.4028235e38,
  -1,
  1,
  0.625,
  -0.625,
  88.72283,
  88.72284,
  -87.33655,
  -103.972,
  -103.973,
  1e-8,
  -1e-8,
  -0.999999,
];

/** An even grid over the op's range, log-spaced magnitudes of both signs, and the special values. */
function sweep(op: string): Float32Array {
  const [lo, hi] = RANGES[op]!;
  const values: number[] = [...SPECIAL];
  const grid = 200_003; // odd: a SIMD tail on every call
  for (let i = 0; i < grid; i++) values.push(lo + ((hi - lo) * i) / (grid - 1));
  for (let i = 0; i < 100_000; i++) {
    const magnitude = Math.exp(-100 + (150 * i) / 100_000);
    values.push(magnitude, -magnitude);
  }
  return Float32Array.from(values);
}

/** Distance in float32 ulps between two finite floats of the same sign (or zero). */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat32(0, a);
  view.setFloat32(4, b);
  const ordered = (bits: number) => (bits < 0 ? -(bits & 0x7fffffff) : bits);
  return Math.abs(ordered(view.getInt32(0)) - ordered(view.getInt32(4)));
}

describe('wasm transcendental unary kernels', () => {
  const ops: UnaryOpName[] = ['exp', 'log', 'log1p', 'sigmoid', 'tanh'];

  it.each(ops)('%s: within TRANSCENDENTAL_ULPS of the reference, special values exact', (op) => {
    const x = sweep(op);
    const want = new Float32Array(x.length);
    ref.unary(op, x, want);
    const got = new Float32Array(x.length);
    one.unary(op, x, got);
    let worst = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < x.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      // NaN, ±∞ and ±0 results exactly (the sign of zero included); finite ones within the bound.
      const exact = Number.isNaN(w) || !Number.isFinite(w) || w === 0;
      const off =
        exact || !Number.isFinite(g)
          ? Object.is(g, w)
            ? 0
            : Number.POSITIVE_INFINITY
          : ulps(g, w);
      worst = Math.max(worst, off);
      if (off > TRANSCENDENTAL_ULPS && mismatches.length < 5)
        mismatches.push(`${op}(${x[i]}) = ${g}, reference ${w}`);
    }
    expect(mismatches).toEqual([]);
    // The bound is the one the polynomials reach, not a loose one: 1 or 2 ulps.
    expect(worst).toBeGreaterThanOrEqual(1);
    expect(worst).toBeLessThanOrEqual(TRANSCENDENTAL_ULPS);
  });

  it.each(ops)('%s: the same bits on one and two threads, tail included', (op) => {
    const x = sweep(op);
    const a = new Float32Array(x.length);
    const b = new Float32Array(x.length);
    one.unary(op, x, a);
    two.unary(op, x, b);
    expectSameBits(b, a);
    // An element gets the same bits wherever it sits (SIMD body or scalar tail).
    const tail = new Float32Array(3);
    two.unary(op, x.subarray(x.length - 3), tail);
    expectSameBits(tail, a.subarray(a.length - 3));
  });
});
