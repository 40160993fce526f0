// Run by relaxed-simd.test.ts, bundled by esbuild, under `node --experimental-wasm-relaxed-simd`:
// checks the relaxed-SIMD build against the reference and itself across thread counts, and prints
// what it saw as one line of JSON (the parent asserts on it). Throws at the first mismatch.
import fc from 'fast-check';
import {
  convCalls,
  convParams,
  firstNotClose,
  float32Matmul,
  floats,
  threadSplitConv,
} from '../../../test-util/kernel-inputs.js';
import type { Backend, MatmulParams } from '../../backend.js';
import { referenceBackend as ref } from '../../reference/index.js';
import { getBackendInfo } from '../../registry.js';
import { createWasmBackend } from '../index.js';
import { hasRelaxedSimd } from '../simd-build.js';

const one = createWasmBackend({ threads: 1 });
const two = createWasmBackend({ threads: 2 });
const plain = createWasmBackend({ threads: 1, simd: 'plain' });
const threads = await two.whenReady();

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

let differsFromPlain = 0; // elements where relaxed and plain round differently (CPU-dependent)

// Which k-ordered float32 oracle the relaxed matmul equals bit for bit on this CPU: each step
// fused (one rounding, FMA hardware) or unfused (product and sum rounded, like the plain build).
const roundings = new Set<string>();

/** Runs `run` on the reference, the relaxed build on 1 and 2 threads and the plain build. */
function check(
  what: string,
  size: number,
  terms: number,
  run: (b: Backend, out: Float32Array) => void,
): Float32Array {
  const want = new Float32Array(size);
  const [got1, got2, gotPlain] = [0, 1, 2].map(() => new Float32Array(size).fill(Number.NaN)) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  run(ref, want);
  run(one, got1);
  run(two, got2);
  run(plain, gotPlain);
  const bad = firstNotClose(got1, want, terms);
  if (bad >= 0)
    throw new Error(`${what}: element ${bad} is ${got1[bad]}, the reference ${want[bad]}`);
  if (!sameBits(got2, got1)) throw new Error(`${what}: 2 threads differ from 1`);
  for (let i = 0; i < size; i++) if (!Object.is(got1[i], gotPlain[i])) differsFromPlain++;
  return got1;
}

let products = 0;
// Tile edges, every transpose, and two products above PARALLEL_MIN_MACS that split across threads.
for (const [batch, m, n, k] of [
  [1, 1, 1, 1],
  [2, 5, 9, 7],
  [1, 5, 9, 257],
  [1, 7, 513, 4],
  [1, 129, 513, 9],
  [1, 200, 700, 301],
] as const) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const p: MatmulParams = { batch, m, n, k, transA, transB };
      const a = floats(batch * m * k, m + 1);
      const b = floats(batch * k * n, n + 2);
      const what = `matmul ${JSON.stringify(p)}`;
      const got = check(what, batch * m * n, k, (be, out) => be.matmul(a, b, out, p));
      products++;
      if (batch * m * n * k > 1e6) continue; // the oracles are slow JavaScript
      const fused = sameBits(got, float32Matmul(a, b, p, true));
      const unfused = sameBits(got, float32Matmul(a, b, p));
      if (!fused && !unfused) throw new Error(`${what}: neither k-order oracle's bits`);
      if (fused !== unfused) roundings.add(fused ? 'fused' : 'unfused'); // where they differ
    }
  }
}

// Sampled geometries (seeded), then a layer big enough to split across threads.
const convs = [...fc.sample(convParams, { numRuns: 40, seed: 31 }), threadSplitConv(2)];
for (const p of convs) {
  for (const [name, size, terms, run] of convCalls(p, 21)) {
    check(`conv2d ${name} ${JSON.stringify(p)}`, size, terms, run);
  }
}

console.log(
  JSON.stringify({
    hasRelaxedSimd: hasRelaxedSimd(),
    defaultName: getBackendInfo().name,
    defaultReason: getBackendInfo().reason,
    simd: [one.simd, two.simd, plain.simd],
    names: [one.name, two.name, plain.name],
    threads,
    products,
    convs: convs.length,
    differsFromPlain,
    roundings: [...roundings],
  }),
);
for (const backend of [one, two, plain]) backend.dispose();
