import { describe, expect, it } from 'vitest';
import { getBackend } from '../backend/registry.js';
import type { WasmBackend } from '../backend/wasm/index.js';
import { describeBackends, FALLBACK_ELEMENTS } from './backends.js';

const before = getBackend();

describeBackends('describeBackends', (under) => {
  it('makes its backend the active one for the suite, with the threads its label names', () => {
    expect(getBackend()).toBe(under.backend);
    const threads = (under.backend as Partial<WasmBackend>).threads;
    expect(threads).toBe(
      under.label === 'reference' ? undefined : /2 threads/.test(under.label) ? 2 : 1,
    );
  });

  it('a FALLBACK_ELEMENTS operand falls back on the capped backend only', () => {
    const wasm = under.backend as Partial<WasmBackend>;
    const fallbacks = wasm.memoryFallbacks;
    const x = new Float32Array(FALLBACK_ELEMENTS).fill(1);
    under.backend.unary('neg', x, new Float32Array(x.length));
    expect(wasm.memoryFallbacks === undefined ? undefined : wasm.memoryFallbacks - fallbacks!).toBe(
      under.label === 'reference' ? undefined : /cap/.test(under.label) ? 1 : 0,
    );
  });
});

describe('after the matrix', () => {
  it('the backend that was active before is active again', () => {
    expect(getBackend()).toBe(before);
  });
});
