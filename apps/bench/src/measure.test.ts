import { describe, expect, it } from 'vitest';
import { measure } from './measure.js';
import { workloads } from './workloads.js';

describe('bench harness', () => {
  it('reports median, min and max over the requested runs', () => {
    let calls = 0;
    const t = measure(() => calls++, 5, 2);
    expect(calls).toBe(7);
    expect(t.runs).toBe(5);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  it('every quick workload runs', () => {
    for (const w of workloads(true)) {
      expect(() => w.lacuna()).not.toThrow();
      w.peer?.run();
    }
  });
});
