import { type Tensor, tensor } from '@lacuna/tensor';
import { expect } from 'vitest';
import { Adagrad } from '../adagrad.js';
import { Adam, AdamW } from '../adam.js';
import type { BaseOptions, Optimizer, ParamGroupSpec } from '../optimizer.js';
import { RMSprop } from '../rmsprop.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  MultiStepLR,
  OneCycleLR,
  type Schedule,
  StepLR,
} from '../schedules/index.js';
import { SGD } from '../sgd.js';

/**
 * One trajectory recorded from PyTorch by scripts/golden-trajectories.py (src/__fixtures__):
 * options use Lacuna's names; `grads[step][param]` is null where that parameter has no gradient.
 */
export interface GoldenCase {
  name: string;
  optimizer: keyof typeof OPTIMIZERS;
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  schedule?: { kind: keyof typeof SCHEDULES; options: Record<string, unknown> };
  initial: number[][];
  grads: (number[] | null)[][];
  /** The parameters after each step. */
  trajectory: number[][][];
  /** With a schedule: the lr each step used (the first group's). */
  lrs?: number[];
}

/** A fixture file: which torch wrote it, and its cases. */
export interface GoldenFile {
  generatedBy: string;
  torch: string;
  cases: GoldenCase[];
}

type Make<T> = (params: never, options: never) => T;

const OPTIMIZERS = {
  SGD: (p, o) => new SGD(p, o),
  Adam: (p, o) => new Adam(p, o),
  AdamW: (p, o) => new AdamW(p, o),
  RMSprop: (p, o) => new RMSprop(p, o),
  Adagrad: (p, o) => new Adagrad(p, o),
} satisfies Record<string, Make<Optimizer<BaseOptions>>>;

const SCHEDULES = {
  StepLR: (opt, o) => new StepLR(opt, o),
  MultiStepLR: (opt, o) => new MultiStepLR(opt, o),
  ExponentialLR: (opt, o) => new ExponentialLR(opt, o),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o),
  LinearWarmup: (opt, o) => new LinearWarmup(opt, o),
  OneCycleLR: (opt, o) => new OneCycleLR(opt, o),
} satisfies Record<string, Make<Schedule>>;

/** Runs a case through Lacuna: the same start, gradients, options and schedule as in PyTorch. */
function replay(c: GoldenCase): { trajectory: number[][][]; lrs: number[] } {
  const params: Tensor[] = c.initial.map((values) => {
    const t = tensor(values);
    t.requiresGrad = true;
    return t;
  });
  const spec: Tensor[] | ParamGroupSpec<BaseOptions>[] = c.groups
    ? c.groups.map((g) => ({ params: g.params.map((i) => params[i]!), options: g.options }))
    : params;
  const opt: Optimizer<BaseOptions> = OPTIMIZERS[c.optimizer](
    spec as never,
    structuredClone(c.options) as never,
  );
  const schedule = c.schedule
    ? SCHEDULES[c.schedule.kind](opt as never, c.schedule.options as never)
    : null;
  const trajectory: number[][][] = [];
  const lrs: number[] = [];
  for (const step of c.grads) {
    lrs.push(opt.paramGroups[0]!.options.lr);
    step.forEach((g, i) => {
      params[i]!.grad = g === null ? null : tensor(g);
    });
    opt.step();
    schedule?.step();
    trajectory.push(params.map((p) => Array.from(p.storage as Float32Array)));
  }
  return { trajectory, lrs };
}

/**
 * How far a parameter may lie from PyTorch's: 32 float32 roundings (2⁻²⁴ each), relative to the
 * value (absolute below 1). Both sides store float32 after every update, but PyTorch rounds after
 * every float32 operation (with lr and betas rounded to float32), while Lacuna computes each
 * element's update in float64 and rounds once per stored buffer; so each step differs by a few
 * roundings and 16 steps add them up. Measured worst over all fixtures: 7.2 roundings (AdamW with
 * amsgrad; OneCycleLR). Each wrong term tried (eps inside the square root, bias correction
 * without its square root, lr decay counted from step 1, a dampened first momentum buffer, AdamW's
 * decay without lr, a global instead of per-parameter step count, StepLR one step early) fails a
 * case by 6,000 to 500,000 times this bound.
 */
export const TOLERANCE = 32 * 2 ** -24;

/**
 * Learning rates are float64 on both sides; PyTorch's schedules multiply the previous rate,
 * Lacuna's use the closed form, so they differ by a few float64 roundings (measured ≤ 5·10⁻¹⁶).
 */
export const LR_TOLERANCE = 1e-12;

/**
 * The largest distance between Lacuna's and PyTorch's trajectories, in units of
 * `tolerance·max(1, |expected|)`, and where it is: ≤ 1 means every value is within tolerance.
 */
function worstDeviation(
  actual: number[][][],
  expected: number[][][],
  tolerance: number,
): { ratio: number; at: string } {
  let worst = { ratio: 0, at: 'nowhere' };
  for (const [s, step] of expected.entries())
    for (const [p, param] of step.entries())
      for (const [i, e] of param.entries()) {
        const want = Math.fround(e);
        const got = actual[s]?.[p]?.[i] ?? Number.NaN;
        const ratio = Math.abs(got - want) / (tolerance * Math.max(1, Math.abs(want)));
        if (!(ratio <= worst.ratio))
          worst = { ratio, at: `step ${s + 1}, param ${p}[${i}]: ${got} vs PyTorch ${want}` };
      }
  return worst;
}

/** Replays `c` and expects its trajectory (and lr sequence) to follow PyTorch's within tolerance. */
export function expectGolden(c: GoldenCase): void {
  const { trajectory, lrs } = replay(c);
  const worst = worstDeviation(trajectory, c.trajectory, TOLERANCE);
  expect(worst.ratio, `worst at ${worst.at}`).toBeLessThanOrEqual(1);
  for (const [s, want] of (c.lrs ?? []).entries())
    expect(
      Math.abs(lrs[s]! - want),
      `lr of step ${s + 1}: ${lrs[s]} vs PyTorch ${want}`,
    ).toBeLessThanOrEqual(LR_TOLERANCE * want);
}
