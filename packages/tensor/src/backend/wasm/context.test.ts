import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Backend, Conv2dGeometry, Conv2dParams } from '../backend.js';
import { referenceBackend } from '../reference/index.js';
import { createWasmBackend } from './index.js';

// The staging helper (context.ts) is the one place every wasm kernel stages, runs, copies out or
// falls back. Under a 4 MiB cap about 3.3 MiB of operand space is left: each kernel below runs once
// with operands that fit (wasm, the reference untouched) and once with operands that do not (the
// reference kernel, called exactly once), and both give the reference's bits.

const capped = createWasmBackend({ threads: 1, maxMemoryBytes: 4 << 20 });
afterAll(() => capped.dispose());

// Small integers: every product and sum is exact in float32, so matmul and conv match the
// reference bit for bit too.
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 21) - 10);
const geometry = (batch: number, side: number): Conv2dGeometry => ({
  batch,
  channels: 4,
  inH: side,
  inW: side,
  kH: 3,
  kW: 3,
  stride: [1, 1],
  padding: [1, 1],
  dilation: [1, 1],
  outH: side,
  outW: side,
});
const conv = (batch: number, side: number): Conv2dParams => ({
  geometry: geometry(batch, side),
  groups: 1,
  outChannels: 4,
});
const key = { hi: 3, lo: 5 };

/** A kernel call on `n`-ish elements; returns its outputs. */
type Case = [
  name: keyof Backend,
  run: (backend: Backend, size: number) => ArrayBufferView[],
  small: number,
  big: number,
];

const cases: Case[] = [
  [
    'matmul',
    (be, n) => {
      const out = new Float32Array(n * n);
      be.matmul(ramp(n * n), ramp(n * n), out, {
        batch: 1,
        m: n,
        n,
        k: n,
        transA: false,
        transB: true,
      });
      return [out];
    },
    16,
    600,
  ],
  [
    'dropout',
    (be, n) => {
      const [out, mask] = [new Float32Array(n), new Uint8Array(n)];
      be.dropout(ramp(n), out, { keepThreshold: 1 << 23, scale: 2, key }, mask);
      return [out, mask];
    },
    1000,
    1_000_000,
  ],
  ['uniform', (be, n) => [fill(n, (out) => be.uniform(key, out))], 1000, 1_000_000],
  ['normal', (be, n) => [fill(n, (out) => be.normal(key, out))], 1000, 1_000_000],
  [
    'binary',
    (be, n) => [
      fill(n, (out) =>
        be.binary('mul', ramp(n), ramp(1), out, { aShape: [n], bShape: [1], outShape: [n] }),
      ),
    ],
    1000,
    1_000_000,
  ],
  ['unary', (be, n) => [fill(n, (out) => be.unary('relu', ramp(n), out))], 1000, 1_000_000],
  [
    'reduce',
    (be, n) => [fill(4, (out) => be.reduce('sum', ramp(4 * n), [4, n], [1], out))],
    1000,
    1_000_000,
  ],
  [
    'maskedAffine',
    (be, n) => {
      const mask = Uint8Array.from({ length: n }, (_, i) => i % 3 && 1);
      return [
        fill(2 * n, (out) =>
          be.maskedAffine(ramp(2 * n), mask, out, {
            shape: [2, n],
            maskShape: [1, n],
            scale: 2,
            shift: 1,
            fill: -1,
          }),
        ),
      ];
    },
    1000,
    500_000,
  ],
  [
    'conv2d',
    (be, s) => [
      fill(2 * 4 * s * s, (out) => be.conv2d(ramp(2 * 4 * s * s), ramp(144), conv(2, s), out)),
    ],
    8,
    260,
  ],
  [
    'conv2dBackwardInput',
    (be, s) => [
      fill(2 * 4 * s * s, (dx) =>
        be.conv2dBackwardInput(ramp(2 * 4 * s * s), ramp(144), conv(2, s), dx),
      ),
    ],
    8,
    260,
  ],
  [
    'conv2dBackwardWeight',
    (be, s) => [
      fill(144, (dw) =>
        be.conv2dBackwardWeight(ramp(2 * 4 * s * s), ramp(2 * 4 * s * s), conv(2, s), dw),
      ),
    ],
    8,
    260,
  ],
  [
    'maxPool2d',
    (be, s) => {
      const [out, argmax] = [new Float32Array(2 * 4 * s * s), new Int32Array(2 * 4 * s * s)];
      be.maxPool2d(ramp(2 * 4 * s * s), geometry(2, s), out, argmax);
      return [out, argmax];
    },
    8,
    260,
  ],
  [
    'avgPool2d',
    (be, s) => [
      fill(2 * 4 * s * s, (out) => be.avgPool2d(ramp(2 * 4 * s * s), geometry(2, s), out)),
    ],
    8,
    260,
  ],
  [
    'avgPool2dBackward',
    (be, s) => {
      const dx = ramp(2 * 4 * s * s); // the kernel adds onto dx
      be.avgPool2dBackward(ramp(2 * 4 * s * s), geometry(2, s), dx);
      return [dx];
    },
    8,
    260,
  ],
];

function fill(n: number, write: (out: Float32Array) => void): Float32Array {
  const out = new Float32Array(n);
  write(out);
  return out;
}

/** Whether two lists of outputs hold the same bytes. */
const sameBytes = (a: ArrayBufferView[], b: ArrayBufferView[]) =>
  a.length === b.length &&
  a.every((v, i) =>
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(
      Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength),
    ),
  );

describe('wasm staging under a memory cap', () => {
  it.each(cases)(
    '%s: wasm when the operands fit, the reference kernel when not, same bits',
    (name, run, small, big) => {
      const spy = vi.spyOn(referenceBackend, name as 'matmul');
      try {
        for (const [size, fallbacks] of [
          [small, 0],
          [big, 1],
        ] as const) {
          spy.mockClear();
          const got = run(capped, size);
          expect([name, size, spy.mock.calls.length]).toEqual([name, size, fallbacks]);
          spy.mockClear();
          expect([name, size, sameBytes(got, run(referenceBackend, size))]).toEqual([
            name,
            size,
            true,
          ]);
        }
      } finally {
        spy.mockRestore();
      }
    },
  );
});
