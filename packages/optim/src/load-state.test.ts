import { ArgumentRangeError, LacunaError, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

type Opt = Optimizer<{ lr: number }>;
type Make = (groups: { params: Tensor[] }[]) => Opt;

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

/** Two groups (2 and 3 elements, then 1): enough to catch "group 0 written, group 1 failed". */
function build(make: Make): { opt: Opt; params: Tensor[] } {
  const params = [param([1, -1]), param([0.5, 2, -3]), param([4])];
  const opt = make([{ params: params.slice(0, 2) }, { params: params.slice(2) }]);
  return { opt, params };
}

/** Fixed, step-dependent gradients. */
function run(opt: Opt, params: Tensor[], steps: number, from = 0): number[][] {
  for (let s = from; s < from + steps; s++) {
    params.forEach((p, j) => {
      p.grad = tensor(Array.from({ length: p.size }, (_, i) => Math.sin(s + 3 * j + i)));
    });
    opt.step();
  }
  return params.map((p) => Array.from(p.storage));
}

const sgd: Make = (g) => new SGD(g, { lr: 0.1, momentum: 0.9, nesterov: true });
const adam: Make = (g) => new Adam(g, { lr: 0.05, betas: [0.9, 0.999], amsgrad: true });

/** A state saved after 3 steps by `make`, through JSON as a file would carry it. */
function saved(make: Make): Record<string, unknown> & { state: Record<string, unknown>[] } {
  const { opt, params } = build(make);
  run(opt, params, 3);
  return JSON.parse(JSON.stringify(opt.stateDict()));
}

/**
 * Loads `bad` into an optimizer that already took 2 steps: the load must throw `pattern` as a
 * LacunaError and leave everything as it was, so that the next steps equal those of a twin that
 * never saw the load.
 */
function expectRejected(make: Make, bad: unknown, pattern: RegExp): LacunaError {
  const a = build(make);
  const b = build(make);
  run(a.opt, a.params, 2);
  run(b.opt, b.params, 2);
  const before = a.opt.stateDict();
  const options = a.opt.paramGroups.map((g) => g.options);
  let caught: unknown;
  try {
    a.opt.loadStateDict(bad as never);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LacunaError);
  expect((caught as Error).message).toMatch(pattern);
  expect(a.opt.stateDict()).toEqual(before);
  expect(a.opt.paramGroups.map((g) => g.options)).toEqual(options);
  expect(a.opt.paramGroups[0]!.options).toBe(options[0]);
  expect(run(a.opt, a.params, 2, 2)).toEqual(run(b.opt, b.params, 2, 2));
  return caught as LacunaError;
}

describe('Optimizer.stateDict', () => {
  it.each([
    ['SGD', sgd],
    ['Adam', adam],
    ['AdamW', (g: { params: Tensor[] }[]) => new AdamW(g, { lr: 0.05 })],
    ['RMSprop', (g: { params: Tensor[] }[]) => new RMSprop(g, { lr: 0.01, centered: true })],
    ['Adagrad', (g: { params: Tensor[] }[]) => new Adagrad(g, { lr: 0.1 })],
  ] as const)('%s records its kind', (kind, make) => {
    expect(saved(make).kind).toBe(kind);
  });

  it('copies option arrays, so the snapshot does not follow the live options', () => {
    const opt = new Adam([param([1])], { lr: 0.1, betas: [0.8, 0.9] });
    const state = opt.stateDict();
    (opt.paramGroups[0]!.options.betas as unknown as number[])[0] = 0.5;
    expect(state.groups[0]!.betas).toEqual([0.8, 0.9]);
  });
});

describe('Optimizer.loadStateDict accepts exactly what it saved', () => {
  it('a state without kind (saved before kinds were recorded) loads when its buffers fit', () => {
    const s = saved(adam);
    delete s.kind;
    const a = build(adam);
    a.opt.loadStateDict(s as never);
    expect(a.opt.stateDict()).toEqual({ ...s, kind: 'Adam' });
  });

  it('Float32Array buffers load as copies: changing the source later changes nothing', () => {
    const s = saved(sgd);
    const buf = Float32Array.from(s.state[0]!.momentumBuffer as number[]);
    s.state[0]!.momentumBuffer = buf;
    const a = build(sgd);
    a.opt.loadStateDict(s as never);
    buf[0] = 1000;
    expect(a.opt.stateDict().state[0]!.momentumBuffer).toEqual(saved(sgd).state[0]!.momentumBuffer);
  });

  it('group options load as copies', () => {
    const s = saved(adam) as unknown as { groups: { betas: number[] }[] };
    const a = build(adam);
    a.opt.loadStateDict(s as never);
    s.groups[0]!.betas[0] = 0.1;
    expect((a.opt.stateDict().groups[0] as { betas?: number[] }).betas).toEqual([0.9, 0.999]);
  });
});

describe('Optimizer.loadStateDict rejects a bad state and changes nothing', () => {
  it('a string buffer of the right length (params turned NaN)', () => {
    const s = saved(sgd);
    s.state[0]!.momentumBuffer = 'ab';
    expectRejected(sgd, s, /state\.state\[0\]\.momentumBuffer' must be an array of 2 finite/);
  });

  it('{length: 2**26} as a buffer is refused before anything is allocated', () => {
    const s = saved(sgd);
    s.state[1]!.momentumBuffer = { length: 2 ** 26 };
    expectRejected(sgd, s, /momentumBuffer' must be an array of 3 finite.*got an object/);
    s.state[1]!.momentumBuffer = new Array(2 ** 26);
    expectRejected(sgd, s, /has 67108864 elements, expected 3/);
  });

  it('a null buffer (threw a TypeError after the state was cleared)', () => {
    const s = saved(adam);
    s.state[2]!.expAvgSq = null;
    expectRejected(adam, s, /state\.state\[2\]\.expAvgSq' must be an array of 1 finite.*got null/);
  });

  it('an invalid group 1 (group 0 was already replaced)', () => {
    const s = saved(sgd) as unknown as { groups: Record<string, unknown>[] };
    s.groups[0]!.lr = 0.5;
    s.groups[1]!.lr = -1;
    const e = expectRejected(
      sgd,
      s,
      /SGD\.loadStateDict: argument 'state\.groups\[1\]\.lr' must be a finite number ≥ 0, got -1/,
    );
    expect(e).toBeInstanceOf(ArgumentRangeError);
    s.groups[1]!.lr = '0.1';
    expectRejected(sgd, s, /'state\.groups\[1\]\.lr' must be a number, got "0\.1"/);
  });

  it("another optimizer's state: by its kind, or by its buffer names when it has no kind", () => {
    const s = saved(adam);
    expectRejected(
      sgd,
      s,
      /'state\.kind' is "Adam" \(a string\): the state of another optimizer, expected 'SGD'/,
    );
    delete s.kind;
    expectRejected(sgd, s, /'state\.groups\[0\]\.betas' is not a known option/);
    const t = saved(adam) as unknown as { kind?: string; groups: unknown[] };
    delete t.kind;
    t.groups = saved(sgd).groups as unknown[];
    expectRejected(sgd, t, /'state\.state\[0\]\.expAvg' is not a buffer of SGD/);
    expectRejected(
      adam,
      saved((g) => new AdamW(g, { lr: 0.05 })),
      /is "AdamW".*expected 'Adam'/,
    );
  });

  it('a missing required buffer or step', () => {
    const s = saved(adam);
    delete s.state[1]!.expAvg;
    expectRejected(adam, s, /'state\.state\[1\]' is missing 'expAvg'/);
    const t = saved(adam);
    delete t.state[0]!.step;
    expectRejected(adam, t, /'state\.state\[0\]' is missing 'step'/);
  });

  it('a buffer its options keep from the first step (it was recreated as zeros: the run differed)', () => {
    const s = saved(adam);
    delete s.state[2]!.maxExpAvgSq;
    expectRejected(
      adam,
      s,
      /'state\.state\[2\]' is missing 'maxExpAvgSq', which amsgrad: true keeps from the first step \(this parameter took 3\)/,
    );
    const centered: Make = (g) => new RMSprop(g, { lr: 0.01, centered: true, momentum: 0.5 });
    const r = saved(centered);
    delete r.state[0]!.gradAvg;
    expectRejected(
      centered,
      r,
      /'state\.state\[0\]' is missing 'gradAvg', which centered: true keeps/,
    );
    // Without the flag the buffer is not needed: an amsgrad-free state loads into plain Adam.
    const plain: Make = (g) => new Adam(g, { lr: 0.05 });
    const p = saved(plain);
    expect(p.state[0]).not.toHaveProperty('maxExpAvgSq');
    expect(() => build(plain).opt.loadStateDict(p as never)).not.toThrow();
  });

  it('momentum buffers are not required: a momentum ramped up from 0 has none yet', () => {
    for (const make of [
      (g: { params: Tensor[] }[]) => new SGD(g, { lr: 0.1, momentum: 0 }),
      (g: { params: Tensor[] }[]) => new RMSprop(g, { lr: 0.01, momentum: 0 }),
    ] as Make[]) {
      const { opt, params } = build(make);
      run(opt, params, 2);
      // What MomentumRamp does between steps: the saved options now have momentum > 0.
      for (const g of opt.paramGroups) (g.options as { momentum?: number }).momentum = 0.5;
      const state = JSON.parse(JSON.stringify(opt.stateDict()));
      expect(state.state[0]).not.toHaveProperty('momentumBuffer');
      const other = build(make).opt;
      other.loadStateDict(state);
      expect(other.stateDict()).toEqual(state);
    }
  });

  it('buffers of the wrong length, with NaN, ±Infinity, values beyond float32 or non-numbers', () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2, 3], /has 3 elements, expected 2/],
      [[1], /has 1 elements, expected 2/],
      [[1, Number.NaN], /element 1 is NaN/],
      [[Number.POSITIVE_INFINITY, 0], /element 0 is Infinity/],
      [[1e300, 0], /element 0 is 1e\+300/],
      [[1, null], /element 1 is null/],
      [[1, '2'], /element 1 is "2"/],
      [new Float64Array(2), /got an object \(Float64Array\)/],
      [Float32Array.of(0, Number.NaN), /element 1 is NaN/],
    ];
    for (const [value, pattern] of cases) {
      const s = saved(sgd);
      s.state[0]!.momentumBuffer = value;
      expectRejected(sgd, s, pattern);
    }
  });

  it('step counts that are not integers ≥ 0, or a parameter ahead of the optimizer', () => {
    for (const step of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, 2 ** 60]) {
      const s = saved(sgd);
      s.step = step;
      expectRejected(sgd, s, /'state\.step' must be an integer ≥ 0/);
      const t = saved(sgd);
      t.state[0]!.step = step;
      expectRejected(sgd, t, /'state\.state\[0\]\.step' must be an integer in \[0, 3\]/);
    }
    const s = saved(sgd);
    s.state[0]!.step = 4;
    expectRejected(sgd, s, /'state\.state\[0\]\.step' must be an integer in \[0, 3\].*got 4/);
  });

  it('option types: booleans, pairs and unknown keys', () => {
    const bad = (make: Make, key: string, value: unknown, pattern: RegExp) => {
      const s = saved(make) as unknown as { groups: Record<string, unknown>[] };
      s.groups[1]![key] = value;
      expectRejected(make, s, pattern);
    };
    bad(sgd, 'nesterov', 'false', /'state\.groups\[1\]\.nesterov' must be a boolean, got "false"/);
    bad(adam, 'amsgrad', 0, /'state\.groups\[1\]\.amsgrad' must be a boolean, got 0/);
    bad(adam, 'betas', '0.9', /'state\.groups\[1\]\.betas' must be a pair of numbers/);
    bad(adam, 'betas', [0.9, 1], /'state\.groups\[1\]\.betas\[1\]' must be in \[0, 1\), got 1/);
    bad(
      sgd,
      'weight_decay',
      0.5,
      /'state\.groups\[1\]\.weight_decay' is not a known option\. did you mean 'weightDecay'\?/,
    );
    bad(sgd, 'momentum', 0, /'state\.groups\[1\]\.nesterov' needs momentum > 0/);
    const s = saved(sgd) as unknown as { groups: unknown[] };
    s.groups[1] = null;
    expectRejected(sgd, s, /'state\.groups\[1\]' must be an object of options, got null/);
    s.groups = [s.groups[0]];
    expectRejected(sgd, s, /'state\.groups' has 1 groups, expected 2/);
  });

  it('the wrong shape of the whole: not an object, missing or extra fields, wrong counts', () => {
    expectRejected(sgd, null, /'state' must be an object from stateDict\(\), got null/);
    expectRejected(sgd, [], /got an array of length 0/);
    expectRejected(sgd, 'state', /got "state" \(a string\)/);
    expectRejected(sgd, new Map(), /got an object \(Map\)/);
    const s = saved(sgd);
    s.extra = 1;
    expectRejected(sgd, s, /'state\.extra' is not part of an optimizer state/);
    const t = saved(sgd);
    delete t.groups;
    expectRejected(sgd, t, /'state' is missing 'groups'/);
    const u = saved(sgd);
    u.state = u.state.slice(1);
    expectRejected(sgd, u, /holds state for 2 parameters, expected 3/);
    const v = saved(sgd);
    (v.state as unknown[])[0] = [];
    expectRejected(sgd, v, /'state\.state\[0\]' must be null or an object of buffers/);
  });

  it('holes in sparse arrays (map skipped them: the groups lost their options)', () => {
    const s = saved(adam);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    s.groups = [, ,];
    expectRejected(adam, s, /'state\.groups\[0\]' must be an object of options, got undefined/);
    const t = saved(adam);
    t.state = new Array(3) as never;
    expectRejected(
      adam,
      t,
      /'state\.state\[0\]' must be null or an object of buffers, got undefined/,
    );
    const u = saved(adam) as unknown as { groups: Record<string, unknown>[] };
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    u.groups[1]!.betas = [, 0.9];
    expectRejected(adam, u, /'state\.groups\[1\]\.betas' must be a pair of numbers/);
  });

  it('__proto__ and constructor keys from JSON are refused, never assigned', () => {
    const text = JSON.stringify(saved(sgd));
    const proto = JSON.parse(text.replace('"momentumBuffer"', '"__proto__"'));
    expectRejected(sgd, proto, /'state\.state\[0\]\.__proto__' is not a buffer of SGD/);
    const ctor = JSON.parse(text.replace('"lr"', '"constructor"'));
    expectRejected(sgd, ctor, /'state\.groups\[0\]\.constructor' is not a known option/);
    const top = JSON.parse(text.replace('"kind"', '"__proto__"'));
    expectRejected(sgd, top, /'state\.__proto__' is not part of an optimizer state/);
    expect(({} as Record<string, unknown>).momentumBuffer).toBeUndefined();
  });
});
