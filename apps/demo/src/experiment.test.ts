import { describe, expect, it } from 'vitest';
import { defaultConfig, runConfiguration } from './experiment.js';

describe('demo experiment', () => {
  const cfg = { ...defaultConfig, epochs: 20, hidden: 32, testSize: 400 };

  it('learns two moons well above chance, with and without dropout', () => {
    for (const p of [0, 0.5]) {
      const r = runConfiguration(cfg, 'run', p);
      expect(r.test.accuracy).toBeGreaterThan(0.75);
      expect(r.history.at(-1)?.epoch).toBe(20);
    }
  });

  it('reproduces a run bit for bit from the seed', () => {
    const a = runConfiguration(cfg, 'a', 0.5);
    const b = runConfiguration(cfg, 'b', 0.5);
    expect(b.test).toEqual(a.test);
    expect(b.train).toEqual(a.train);
  });
});
