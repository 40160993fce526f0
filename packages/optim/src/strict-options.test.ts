import { LacunaError, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
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

// Issue 14: `new SGD(params, { lr, weight_decay: 0.5 })` applied no decay and `amsgrad: 'false'`
// ran AMSGrad. Unknown keys and wrong-typed flags are now errors that name the key.

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

describe('optimizers reject unknown option keys', () => {
  it('SGD: weight_decay suggests weightDecay', () => {
    const make = () => new SGD([param([1])], { lr: 0.1, weight_decay: 0.5 } as never);
    expect(make).toThrow(LacunaError);
    expect(make).toThrow(
      "SGD: argument 'options.weight_decay' is not a known option. did you mean 'weightDecay'? Known options: lr, momentum, dampening, weightDecay, nesterov",
    );
  });

  it('every optimizer checks its defaults', () => {
    const p = () => [param([1])];
    expect(() => new Adam(p(), { lr: 1e-3, beta1: 0.9 } as never)).toThrow(
      /Adam: argument 'options\.beta1' is not a known option\. did you mean 'betas'\?/,
    );
    expect(() => new AdamW(p(), { lr: 1e-3, amsGrad: true } as never)).toThrow(
      /AdamW: argument 'options\.amsGrad' .*did you mean 'amsgrad'\?/,
    );
    expect(() => new RMSprop(p(), { lr: 1e-3, centred: true } as never)).toThrow(
      /RMSprop: argument 'options\.centred' .*did you mean 'centered'\?/,
    );
    expect(() => new Adagrad(p(), { lr: 1e-3, lr_decay: 0.1 } as never)).toThrow(
      /Adagrad: argument 'options\.lr_decay' .*did you mean 'lrDecay'\?/,
    );
  });

  it('checks each param group: its options and the keys beside params', () => {
    const groups = [
      { params: [param([1])] },
      { params: [param([2])], options: { weight_decay: 0.1 } },
    ];
    expect(() => new SGD(groups as never, { lr: 0.1 })).toThrow(
      /SGD: argument 'params\[1\]\.options\.weight_decay' is not a known option\. did you mean 'weightDecay'\?/,
    );
    // PyTorch style: overrides beside params.
    expect(() => new SGD([{ params: [param([1])], lr: 0.01 }] as never, { lr: 0.1 })).toThrow(
      /SGD: argument 'params\[0\]\.lr' is not a known option\. Known options: params, options/,
    );
  });

  it('a key added to a group after construction is caught at the next step', () => {
    const w = param([1]);
    const opt = new SGD([w], { lr: 0.1 });
    (opt.paramGroups[0]!.options as unknown as Record<string, number>).weight_decay = 0.5;
    w.grad = tensor([1]);
    expect(() => opt.step()).toThrow(/did you mean 'weightDecay'/);
  });

  it('type-checks the boolean flags (the string "false" is truthy)', () => {
    const p = () => [param([1])];
    expect(() => new Adam(p(), { lr: 1e-3, amsgrad: 'false' } as never)).toThrow(
      /Adam: argument 'amsgrad' must be true or false, got "false" \(a string\)/,
    );
    expect(() => new SGD(p(), { lr: 0.1, momentum: 0.9, nesterov: 1 } as never)).toThrow(
      /SGD: argument 'nesterov' must be true or false, got 1 \(a number\)/,
    );
    expect(() => new RMSprop(p(), { lr: 0.1, centered: 'yes' } as never)).toThrow(
      /RMSprop: argument 'centered' must be true or false/,
    );
  });

  it('exposes its option names', () => {
    expect(new Adagrad([param([1])], { lr: 0.1 }).optionKeys).toEqual([
      'lr',
      'lrDecay',
      'weightDecay',
      'initialAccumulatorValue',
      'eps',
    ]);
  });
});

describe('schedules reject unknown option keys', () => {
  const opt = () => new SGD([param([1])], { lr: 0.1, momentum: 0.5 });
  const cases: [string, () => unknown, RegExp][] = [
    [
      'StepLR',
      () => new StepLR(opt(), { stepSize: 2, gama: 0.5 } as never),
      /did you mean 'gamma'/,
    ],
    [
      'MultiStepLR',
      () => new MultiStepLR(opt(), { milestones: [1], decay: 0.5 } as never),
      /MultiStepLR: argument 'options\.decay'/,
    ],
    [
      'ExponentialLR',
      () => new ExponentialLR(opt(), { gamma: 0.5, last_epoch: 0 } as never),
      /ExponentialLR: argument 'options\.last_epoch'/,
    ],
    [
      'CosineAnnealingLR',
      () => new CosineAnnealingLR(opt(), { tMax: 3, eta_min: 0.1 } as never),
      /did you mean 'etaMin'/,
    ],
    [
      'LinearWarmup',
      () => new LinearWarmup(opt(), { warmupSteps: 3, start_factor: 0.1 } as never),
      /did you mean 'startFactor'/,
    ],
    [
      'OneCycleLR',
      () => new OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, max_lr: 1 } as never),
      /did you mean 'maxLr'/,
    ],
    [
      'MomentumRamp',
      () => new MomentumRamp(opt(), { start: 0.5, end: 0.9, steps: 3, step: 1 } as never),
      /MomentumRamp: argument 'options\.step'/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(LacunaError);
      expect(make).toThrow(message);
    });
  }

  it('MomentumRamp refuses an optimizer without momentum instead of adding an unknown key', () => {
    const adam = new Adam([param([1])], { lr: 1e-3 });
    expect(() => new MomentumRamp(adam as never, { start: 0.5, end: 0.9, steps: 3 })).toThrow(
      /MomentumRamp: argument 'optimizer' has no 'momentum' option to schedule \(its options: lr, betas, eps, weightDecay, amsgrad\)/,
    );
    expect('momentum' in adam.paramGroups[0]!.options).toBe(false);
  });
});
