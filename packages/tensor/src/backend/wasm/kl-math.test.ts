import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameBits } from '../../test-util/backends.js';
import { TRANSCENDENTAL_ULPS } from './layout.js';
import { wasmApi } from './wasm-api.js';

// assembly/kl-math.ts (the sparse KL kernel's exp and log on bounded operands) against
// assembly/simd-math.ts (itself held to TRANSCENDENTAL_ULPS of Math.* in transcendental.test.ts):
// the same bits on each function's domain, and within the bound of the float64 value. Neither is
// a kernel of its own, so the test compiles a probe module that applies one to an array.

const ASSEMBLY = fileURLToPath(new URL('../../../assembly/', import.meta.url));
const PROBE = 'kl-math-probe.ts';
const PROBE_SOURCE = `
import { KlMath } from './kl-math';
import { SimdMath } from './simd-math';
export function apply(fn: i32, from: usize, to: usize, n: i32): void {
  for (let off: usize = 0; off < (<usize>n) << 2; off += 16) {
    const x = v128.load(from + off);
    let y = x;
    if (fn == 0) y = KlMath.exp(x);
    else if (fn == 1) y = SimdMath.exp(x);
    else if (fn == 2) y = KlMath.logNormal(x);
    else if (fn == 3) y = KlMath.logPositive(x);
    else y = SimdMath.log(x);
    v128.store(to + off, y);
  }
}`;
const FUNCTIONS = [
  'KlMath.exp',
  'SimdMath.exp',
  'KlMath.logNormal',
  'KlMath.logPositive',
  'SimdMath.log',
];

/** Pages of the probe's memory: room for an input and an output of 700k floats. */
const PAGES = 96;

type Apply = (name: string, x: Float32Array) => Float32Array;
let apply: Apply;

beforeAll(async () => {
  let wasm: Uint8Array | undefined;
  const { error, stderr } = await asc.main(
    [
      join(ASSEMBLY, PROBE),
      '--outFile',
      'probe.wasm',
      '-O3',
      '--runtime',
      'stub',
      '--noAssert',
      '--enable',
      'simd',
      '--importMemory',
      '--initialMemory',
      '1',
    ],
    {
      readFile: (name: string, baseDir: string) => {
        if (name.endsWith(PROBE)) return PROBE_SOURCE;
        try {
          return readFileSync(join(baseDir, name), 'utf8');
        } catch {
          return null; // asc probes for files that need not exist (asconfig.json)
        }
      },
      writeFile: (name: string, contents: string | Uint8Array) => {
        if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
      },
      listFiles: () => [],
    },
  );
  if (error || !wasm) throw new Error(`probe compile failed: ${error?.message} ${stderr}`);
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: PAGES, maximum: PAGES });
  const run = new api.Instance(new api.Module(wasm), { env: { memory } }).exports.apply as (
    fn: number,
    from: number,
    to: number,
    n: number,
  ) => void;
  apply = (name, x) => {
    const n = Math.ceil(x.length / 4) * 4;
    if (8 * n + 65536 > PAGES * 65536) throw new Error('probe memory too small');
    new Float32Array(memory.buffer, 65536, n).set(x);
    run(FUNCTIONS.indexOf(name), 65536, 65536 + 4 * n, n);
    return new Float32Array(memory.buffer, 65536 + 4 * n, x.length).slice();
  };
}, 60_000);

/** Distance in float32 ulps between two positive finite floats. */
function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat32(0, a);
  v.setFloat32(4, b);
  return Math.abs(v.getInt32(0) - v.getInt32(4));
}

/** An even grid over [lo, hi], its ends included, and `extra`. */
const grid = (lo: number, hi: number, extra: number[] = []) =>
  Float32Array.from([
    ...extra,
    ...Array.from({ length: 200_003 }, (_, i) => lo + ((hi - lo) * i) / 200_002),
  ]);

/** Log-spaced positive values from `lo` to `hi`, their ends included. */
const logGrid = (lo: number, hi: number) =>
  Float32Array.from({ length: 200_003 }, (_, i) => lo * (hi / lo) ** (i / 200_002));

/** The largest distance in ulps from Math.fround(f(x)), all of them finite and positive. */
function worstUlps(x: Float32Array, got: Float32Array, f: (v: number) => number): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const want = Math.fround(f(x[i]!));
    if (Number.isFinite(want) && want > 0) worst = Math.max(worst, ulps(got[i]!, want));
  }
  return worst;
}

describe('KlMath: the sparse KL kernel’s exp and log', () => {
  it('exp on [−87, 87]: SimdMath.exp’s bits, within TRANSCENDENTAL_ULPS of e^x; NaN stays NaN', () => {
    const x = grid(-87, 87, [Number.NaN, 0, -0, 1e-8, -1e-8, -10, 10, -13, 16.75]);
    const got = apply('KlMath.exp', x);
    expectSameBits(got, apply('SimdMath.exp', x));
    expect(got[0]).toBeNaN();
    const worst = worstUlps(x, got, Math.exp);
    expect(worst).toBeGreaterThanOrEqual(1);
    expect(worst).toBeLessThanOrEqual(TRANSCENDENTAL_ULPS);
  });

  it('logNormal on normal positive floats: SimdMath.log’s bits, within TRANSCENDENTAL_ULPS of ln x', () => {
    const x = Float32Array.from([
      ...logGrid(1.17549435e-38, 3.4028235e38),
      ...grid(0.5, 2),
      ...grid(1, 22_027),
    ]);
    const got = apply('KlMath.logNormal', x);
    expectSameBits(got, apply('SimdMath.log', x));
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(Math.log(x[i]!));
      if (want !== 0)
        worst = Math.max(worst, ulps(got[i]!, want)); // signed: a wrong sign is ~2³¹ ulps
      else expect(got[i]).toBe(0);
    }
    expect(worst).toBeLessThanOrEqual(TRANSCENDENTAL_ULPS);
  });

  it('logPositive: logNormal’s bits, and +∞ and NaN (either sign bit) give themselves', () => {
    const x = logGrid(1e-16, 3.4028235e38);
    expectSameBits(apply('KlMath.logPositive', x), apply('KlMath.logNormal', x));
    const negativeNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer)[0]!;
    const special = apply(
      'KlMath.logPositive',
      Float32Array.from([Infinity, Number.NaN, negativeNaN, 1]),
    );
    expect(special[0]).toBe(Infinity);
    expect(special[1]).toBeNaN();
    expect(special[2]).toBeNaN();
    expect(special[3]).toBe(0);
  });
});
