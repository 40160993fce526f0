import { fuzzRuns, fuzzTimeout, mutate, mutation } from '@lacuna/fuzz-kit';
import { LacunaError, type Tensor, tensor } from '@lacuna/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Field names of this target's saved state, for mutations that add keys. */
const KEYS = [
  'kind',
  'step',
  'groups',
  'state',
  'lr',
  'betas',
  'amsgrad',
  'nesterov',
  'weight_decay',
  'momentumBuffer',
  'expAvg',
  'maxExpAvgSq',
];

// Fuzz target for Optimizer.loadStateDict: a valid saved state, mutated, must either be refused
// with a LacunaError that leaves the optimizer exactly as it was, or be accepted exactly (the
// optimizer then holds precisely the state it was given). `pnpm fuzz` runs it longer (FUZZ_RUNS).

type Opt = Optimizer<{ lr: number }>;
type Make = (groups: { params: Tensor[] }[]) => Opt;

function build(make: Make): { opt: Opt; params: Tensor[] } {
  const params = [tensor([1, -1]), tensor([0.5, 2, -3]), tensor([4])];
  for (const p of params) p.requiresGrad = true;
  return { opt: make([{ params: params.slice(0, 2) }, { params: params.slice(2) }]), params };
}

function run(opt: Opt, params: Tensor[], steps: number, phase: number): void {
  for (let s = 0; s < steps; s++) {
    params.forEach((p, j) => {
      // The last parameter skips odd steps: its own step count lags the optimizer's.
      p.grad =
        j === 2 && s % 2 === 1
          ? null
          : tensor(Array.from({ length: p.size }, (_, i) => Math.sin(phase + s + 3 * j + i)));
    });
    opt.step();
  }
}

/** What the optimizer must hold after accepting `input`: the same values, buffers as float32. */
function expected(kind: string, input: OptimizerState<object>): OptimizerState<object> {
  return {
    kind,
    step: input.step,
    groups: input.groups.map((g) => ({ ...g })),
    state: input.state.map((s) =>
      s === null
        ? null
        : Object.fromEntries(
            Object.entries(s).map(([k, v]) => [
              k,
              typeof v === 'number' ? v : Array.from(Float32Array.from(v)),
            ]),
          ),
    ),
  };
}

const targets: [string, Make][] = [
  ['SGD', (g) => new SGD(g, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (g) => new Adam(g, { lr: 0.05, betas: [0.9, 0.99], amsgrad: true })],
  ['RMSprop', (g) => new RMSprop(g, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adagrad', (g) => new Adagrad(g, { lr: 0.1, lrDecay: 0.01 })],
];

describe.each(targets)('fuzz: %s.loadStateDict of a mutated state', (kind, make) => {
  it(
    'refuses it with a LacunaError and changes nothing, or accepts it exactly',
    () => {
      const source = build(make);
      run(source.opt, source.params, 5, 0);
      const valid = JSON.parse(JSON.stringify(source.opt.stateDict()));
      const outcomes = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(fc.array(mutation(KEYS), { minLength: 1, maxLength: 3 }), (mutations) => {
          const input = mutate(valid, mutations);
          const target = build(make);
          run(target.opt, target.params, 2, 10);
          const before = target.opt.stateDict();
          try {
            target.opt.loadStateDict(input as never);
          } catch (error) {
            if (!(error instanceof LacunaError)) throw error;
            outcomes.refused++;
            expect(target.opt.stateDict()).toEqual(before);
            return;
          }
          outcomes.accepted++;
          const after = target.opt.stateDict();
          expect(after).toEqual(expected(kind, input as OptimizerState<object>));
          // What it accepted goes through JSON (which writes -0 as 0) and loads again unchanged,
          // and the optimizer can take a step.
          const json = JSON.parse(JSON.stringify(after));
          const again = build(make).opt;
          again.loadStateDict(json);
          expect(again.stateDict()).toEqual(json);
          run(target.opt, target.params, 1, 20);
        }),
        { seed: 14, numRuns: fuzzRuns() },
      );
      // Both outcomes must occur, or the target tests nothing.
      expect(outcomes.accepted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
    fuzzTimeout(),
  );
});
