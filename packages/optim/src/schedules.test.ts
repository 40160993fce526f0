import { backward } from '@lacuna/autograd';
import { ArgumentRangeError, add, LacunaError, sum, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import scheduleTrajectories from './__fixtures__/schedule-trajectories.json';
import { clipGradNorm, clipGradValue, maxNorm } from './constraints.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  MomentumRamp,
  MultiStepLR,
  OneCycleLR,
  StepLR,
} from './schedules/index.js';
import { SGD } from './sgd.js';
import { expectGolden, type GoldenFile } from './test-util/golden.js';

const opt = (lr = 1, momentum?: number) => {
  const w = tensor([1]);
  w.requiresGrad = true;
  return new SGD([w], { lr, ...(momentum === undefined ? {} : { momentum }) });
};

const lrs = (s: { step(): void }, o: SGD, n: number) =>
  Array.from({ length: n }, () => {
    const v = o.paramGroups[0]!.options.lr;
    s.step();
    return v;
  });

describe('schedules', () => {
  it('step, multi-step and exponential decay', () => {
    let o = opt();
    expect(lrs(new StepLR(o, { stepSize: 2, gamma: 0.5 }), o, 5)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    o = opt();
    expect(
      lrs(new MultiStepLR(o, { milestones: [1, 3], gamma: 0.1 }), o, 4).map((v) => +v.toFixed(6)),
    ).toEqual([1, 0.1, 0.1, 0.01]);
    o = opt();
    expect(lrs(new ExponentialLR(o, { gamma: 0.5 }), o, 3)).toEqual([1, 0.5, 0.25]);
    expect(() => new StepLR(opt(), { stepSize: 0 })).toThrow(ArgumentRangeError);
    expect(() => new MultiStepLR(opt(), { milestones: [3, 2] })).toThrow(/increasing/);
  });

  it('cosine annealing, linear warm-up and one-cycle', () => {
    let o = opt(1);
    const cos = lrs(new CosineAnnealingLR(o, { tMax: 4, etaMin: 0 }), o, 6);
    for (const [i, v] of [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0, 0].entries()) {
      expect(cos[i]).toBeCloseTo(v, 10);
    }
    o = opt(0.1);
    const warm = lrs(new LinearWarmup(o, { warmupSteps: 4, startFactor: 0 }), o, 6);
    for (const [i, v] of [0, 0.025, 0.05, 0.075, 0.1, 0.1].entries())
      expect(warm[i]).toBeCloseTo(v, 10);
    o = opt(0.1);
    const one = lrs(new OneCycleLR(o, { maxLr: 1, totalSteps: 100 }), o, 100);
    expect(one[0]).toBeCloseTo(1 / 25, 10);
    expect(Math.max(...one)).toBeCloseTo(1, 10);
    expect(one.indexOf(Math.max(...one))).toBe(29);
    expect(one[99]).toBeCloseTo(1 / 25 / 1e4, 10);
  });

  it('momentum ramp from 0.5 to 0.99 (Srivastava et al.)', () => {
    const o = opt(0.1, 0.5);
    const ramp = new MomentumRamp(o, { start: 0.5, end: 0.99, steps: 7 });
    const values = Array.from({ length: 9 }, () => {
      const v = o.paramGroups[0]!.options.momentum!;
      ramp.step();
      return v;
    });
    expect(values[0]).toBe(0.5);
    expect(values[7]).toBeCloseTo(0.99, 10);
    expect(values[8]).toBeCloseTo(0.99, 10);
    expect(values[3]).toBeCloseTo(0.5 + (0.49 * 3) / 7, 10);
  });

  it('resumes from a saved position', () => {
    const a = opt();
    const s = new CosineAnnealingLR(a, { tMax: 10 });
    for (let i = 0; i < 4; i++) s.step();
    const b = opt();
    const r = new CosineAnnealingLR(b, { tMax: 10 });
    r.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    expect(b.paramGroups[0]!.options.lr).toBe(a.paramGroups[0]!.options.lr);
  });

  it('loadStateDict accepts only { t } with a safe integer t ≥ 0 and leaves the schedule as it was', () => {
    const o = opt();
    const s = new CosineAnnealingLR(o, { tMax: 10 });
    s.step();
    const lr = o.paramGroups[0]!.options.lr;
    const bad: [unknown, RegExp][] = [
      // 2**53 passed Number.isInteger; a step count beyond 2**53 - 1 cannot be incremented exactly.
      [
        { t: 2 ** 53 },
        /argument 'state\.t' must be a step count, an integer ≥ 0, got 9007199254740992 \(a number\)/,
      ],
      [{ t: 1.5 }, /argument 'state\.t' .*got 1\.5 \(a number\)/],
      [{ t: -1 }, /argument 'state\.t' .*got -1 \(a number\)/],
      [{ t: '2' }, /argument 'state\.t' .*got "2" \(a string\)/],
      [{}, /argument 'state\.t' .*got undefined/],
      // Unknown keys were ignored: a state from something else loaded as long as it had a t.
      [
        { t: 2, lr: 0.5 },
        /argument 'state\.lr' is not part of a schedule's state \(expected only 't'\)/,
      ],
      [null, /argument 'state' must be \{ t \} from stateDict\(\), got null/],
      [[3], /argument 'state' .*got an array of length 1/],
    ];
    for (const [state, message] of bad) {
      const call = () => s.loadStateDict(state as never);
      expect(call).toThrow(LacunaError);
      expect(call).toThrow(message);
      expect(s.t).toBe(1);
      expect(o.paramGroups[0]!.options.lr).toBe(lr);
    }
    // The message describes the value, never the whole input.
    const big = { t: 'x'.repeat(10_000) };
    expect(() => s.loadStateDict(big as never)).toThrow(/got "x{40}…" \(a string\)$/);
  });
});

describe('schedules follow PyTorch: lr sequence and SGD trajectory (scripts/golden-trajectories.py)', () => {
  // 'OneCycleLR, fractional warm-up' (pctStart·totalSteps = 4.8) caught Lacuna rounding the end
  // of the warm-up to a whole step, which PyTorch does not.
  const golden = scheduleTrajectories as GoldenFile;
  for (const c of golden.cases) it(c.name, () => expectGolden(c));
});

describe('constraints', () => {
  it('max-norm leaves no row above c and leaves short rows alone', () => {
    const w = tensor(
      Array.from({ length: 50 }, (_, r) =>
        Array.from({ length: 30 }, (_, c) => Math.sin(r * 7 + c) * (r % 5)),
      ),
    );
    const before = w.toArray() as number[][];
    const largest = maxNorm([w], 2);
    expect(largest).toBeGreaterThan(2);
    (w.toArray() as number[][]).forEach((row, r) => {
      const norm = Math.hypot(...row);
      expect(norm).toBeLessThanOrEqual(2);
      const was = Math.hypot(...before[r]!);
      if (was <= 2) expect(row).toEqual(before[r]);
      else expect(norm).toBeCloseTo(2, 5);
    });
    const conv = tensor(new Float32Array(2 * 3 * 2 * 2).fill(1), { shape: [2, 3, 2, 2] });
    maxNorm([conv], 1);
    expect(Math.hypot(...Array.from(conv.storage.subarray(0, 12)))).toBeCloseTo(1, 5);
    expect(() => maxNorm([w], 0)).toThrow(ArgumentRangeError);
  });

  it('clips gradients by global norm and by value', () => {
    const a = tensor([0, 0]);
    const b = tensor([0]);
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(Array.from(a.grad.storage).map((v) => +v.toFixed(5))).toEqual([0.6, 0]);
    expect(b.grad.storage[0]).toBeCloseTo(0.8, 5);
    // Gradients from one backward where a rule hands one tensor to two leaves: each scaled once.
    const x = tensor([1]);
    const y = tensor([1]);
    x.requiresGrad = true;
    y.requiresGrad = true;
    backward(sum(add(x, y)));
    expect(clipGradNorm([x, y], 1)).toBeCloseTo(Math.SQRT2, 6);
    expect(x.grad!.item()).toBeCloseTo(Math.SQRT1_2, 5);
    expect(y.grad!.item()).toBeCloseTo(Math.SQRT1_2, 5);
    const c: Tensor = tensor([0, 0]);
    c.grad = tensor([-5, 0.5]);
    clipGradValue([c], 1);
    expect(c.grad.toArray()).toEqual([-1, 0.5]);
  });
});
