import { describe, expect, it } from 'vitest';
import { referenceBackend } from './reference/index.js';
import { getBackend, getBackendInfo, setBackend } from './registry.js';
import { createWasmBackend } from './wasm/index.js';

describe('getBackendInfo', () => {
  it('says which backend runs, with how many live threads, and why', () => {
    const info = getBackendInfo();
    expect(info.name).toBe(getBackend().name);
    // Node has WebAssembly SIMD; relaxed SIMD from Node 22 on.
    const build = (getBackend() as { simd?: string }).simd;
    expect(info.name).toMatch(build === 'relaxed' ? /^wasm-relaxed-simd/ : /^wasm-simd/);
    expect(info.reason).toMatch(
      build === 'relaxed'
        ? /^default: WebAssembly SIMD compiled, the relaxed-SIMD build \(the host has relaxed SIMD\); /
        : /^default: WebAssembly SIMD compiled, the plain build \(the host has no relaxed SIMD\); /,
    );
    expect(info.fallbackFrom).toBeUndefined();
    expect(info.threads).toBe((getBackend() as { threads?: number }).threads);
  });

  it('reports a backend chosen with setBackend, and restores the default reason', () => {
    const previous = setBackend(referenceBackend);
    try {
      expect(getBackendInfo()).toEqual({
        name: 'reference',
        threads: 1,
        reason: 'chosen with setBackend',
      });
    } finally {
      setBackend(previous);
    }
    expect(getBackendInfo().reason).toMatch(/^default: /);
  });

  it('a wasm backend reports its thread count and the reason for it', async () => {
    const one = createWasmBackend({ threads: 1, simd: 'plain' });
    expect([one.name, one.threads, one.threadReason]).toEqual([
      'wasm-simd',
      1,
      '1 thread requested',
    ]);
    const two = createWasmBackend({ threads: 2, simd: 'plain' });
    try {
      // Until its helpers start, only this thread is known to run: no claim of 2 threads.
      expect([two.name, two.threads]).toEqual(['wasm-simd', 1]);
      expect(two.threadReason).toMatch(
        /^1 of 2 threads so far: the helper threads start on the first op/,
      );
      expect(await two.whenReady()).toBe(2);
      expect([two.name, two.threads, two.threadReason]).toEqual([
        'wasm-simd (2 threads)',
        2,
        '2 threads over shared memory',
      ]);
    } finally {
      two.dispose();
    }
  });
});
