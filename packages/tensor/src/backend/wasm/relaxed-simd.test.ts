import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { LacunaError } from '../../errors.js';
import { createWasmBackend } from './index.js';
import { hasRelaxedSimd } from './simd-build.js';

// The relaxed-SIMD kernel build. Node 20 validates relaxed SIMD only behind a V8 flag (Node ≥ 22
// and Chrome ≥ 114 have it on), so its checks run in a child Node with the flag, on these sources
// bundled by esbuild (as the browser test bundles them): __fixtures__/relaxed-simd-child.ts.

const nodeMajor = Number(process.versions.node.split('.')[0]);
const dir = mkdtempSync(join(tmpdir(), 'lacuna-relaxed-simd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child script under `flags`; its exit code, stdout and stderr. */
async function runChild(
  flags: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const script = join(dir, 'child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, '__fixtures__', 'relaxed-simd-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'warning',
  });
  const child = spawn(process.execPath, [...flags, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
}

describe('wasm backend: the relaxed-SIMD build', () => {
  it('where the host has relaxed SIMD, auto runs it: matmul and conv within the reference tolerance, the same bits on 1 and 2 threads, each k-order step one fused or unfused madd', async () => {
    // Node ≥ 22 has relaxed SIMD on (and may drop the flag): pass it only where it is needed.
    const { code, out, err } = await runChild(
      nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
    );
    expect(code, err).toBe(0);
    const seen = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(seen).toMatchObject({
      hasRelaxedSimd: true,
      simd: ['relaxed', 'relaxed', 'plain'],
      names: ['wasm-relaxed-simd', 'wasm-relaxed-simd (2 threads)', 'wasm-simd'],
      threads: 2,
      products: 24,
      convs: 41,
    });
    // The default backend, and why it runs this build.
    expect(seen.defaultName).toMatch(/^wasm-relaxed-simd/);
    expect(seen.defaultReason).toMatch(
      /^default: WebAssembly SIMD compiled, the relaxed-SIMD build \(the host has relaxed SIMD\); /,
    );
    // One rounding for the whole process: fused (FMA hardware) or unfused, never a mixture.
    expect(seen.roundings).toHaveLength(1);
    // Fused steps round differently from the plain build's; unfused ones are its bits.
    if (seen.roundings[0] === 'unfused') expect(seen.differsFromPlain).toBe(0);
    else expect(seen.differsFromPlain).toBeGreaterThan(0);
  }, 120_000);

  it('without relaxed SIMD (Node 20 without the flag), auto runs the plain build', () => {
    if (nodeMajor === 20 && !process.execArgv.includes('--experimental-wasm-relaxed-simd'))
      expect(hasRelaxedSimd()).toBe(false);
    const auto = createWasmBackend({ threads: 1 });
    expect(auto.simd).toBe(hasRelaxedSimd() ? 'relaxed' : 'plain');
    expect(auto.name).toBe(hasRelaxedSimd() ? 'wasm-relaxed-simd' : 'wasm-simd');
    const plain = createWasmBackend({ threads: 1, simd: 'plain' });
    expect([plain.simd, plain.name]).toEqual(['plain', 'wasm-simd']);
  });

  it("rejects an unknown simd value or key, and 'relaxed' where the host has none, naming the option", () => {
    expect(() => createWasmBackend({ simd: 'relaxd' as never })).toThrow(
      "createWasmBackend: argument 'simd' must be one of 'auto', 'relaxed', 'plain', got \"relaxd\" (a string) (did you mean 'relaxed'?)",
    );
    expect(() => createWasmBackend({ simd: true as never })).toThrow(LacunaError);
    expect(() => createWasmBackend({ simdd: 'plain' } as never)).toThrow(/did you mean 'simd'/);
    if (!hasRelaxedSimd()) {
      expect(() => createWasmBackend({ simd: 'relaxed' })).toThrow(
        /argument 'simd' is 'relaxed' but this host's WebAssembly has no relaxed SIMD .*--experimental-wasm-relaxed-simd/,
      );
    }
  });
});
