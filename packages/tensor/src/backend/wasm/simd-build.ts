import { LacunaError } from '../../errors.js';
import {
  PRIVATE_WASM_BASE64,
  RELAXED_PRIVATE_WASM_BASE64,
  RELAXED_SHARED_WASM_BASE64,
  SHARED_WASM_BASE64,
} from './kernels.generated.js';
import { wasmApi } from './wasm-api.js';

/** Which kernel build runs: plain 128-bit SIMD, or relaxed SIMD (GEMM with `relaxed_madd`). */
export type SimdBuild = 'relaxed' | 'plain';

/** The `simd` option of `createWasmBackend`: a build, or `'auto'` for the best the host has. */
export type SimdOption = SimdBuild | 'auto';

/** The values the `simd` option takes. @internal */
export const SIMD_OPTIONS: readonly SimdOption[] = ['auto', 'relaxed', 'plain'];

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2
// f32x4.relaxed_madd): valid exactly where the host's WebAssembly has relaxed SIMD.
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20,
  0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Whether this host's WebAssembly validates relaxed SIMD (Chrome ≥ 114, Node ≥ 22). @internal */
export function hasRelaxedSimd(): boolean {
  const api = wasmApi();
  try {
    return api?.validate(RELAXED_PROBE) === true;
  } catch {
    return false;
  }
}

/**
 * The build `option` asks for on this host: `'auto'` is relaxed where the host validates relaxed
 * SIMD, else plain. @internal
 * @throws LacunaError for `'relaxed'` on a host without relaxed SIMD.
 */
export function chooseSimdBuild(option: SimdOption): SimdBuild {
  const relaxed = hasRelaxedSimd();
  if (option === 'relaxed' && !relaxed) {
    throw new LacunaError(
      'createWasmBackend',
      'simd',
      "is 'relaxed' but this host's WebAssembly has no relaxed SIMD (Chrome ≥ 114, Node ≥ 22, " +
        "or Node 20 with --experimental-wasm-relaxed-simd have it); use 'auto' or 'plain'",
    );
  }
  if (option === 'plain') return 'plain';
  return relaxed ? 'relaxed' : 'plain';
}

/** The base64 bytes of the kernel module for `build`, with a shared or an ordinary memory. @internal */
export function kernelModuleBase64(build: SimdBuild, shared: boolean): string {
  if (build === 'relaxed') return shared ? RELAXED_SHARED_WASM_BASE64 : RELAXED_PRIVATE_WASM_BASE64;
  return shared ? SHARED_WASM_BASE64 : PRIVATE_WASM_BASE64;
}
