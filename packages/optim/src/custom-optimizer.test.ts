import { ArgumentRangeError, LacunaError, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { type BaseOptions, Optimizer, type ParamState } from './optimizer.js';
import type { OptionTypes } from './state-check.js';

// Review of issue 14: a custom optimizer declared its option keys twice (the constructor's list
// and `stateLayout.options`); now the layout given to `super` is the one declaration.

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

interface SignOptions extends BaseOptions {
  momentum?: number;
}
const OPTIONS: OptionTypes<SignOptions> = { lr: 'number', momentum: 'number' };

class SignSGD extends Optimizer<SignOptions> {
  constructor(params: Iterable<Tensor>, options: SignOptions) {
    super(params, options, {
      kind: 'SignSGD',
      requiredBuffers: ['momentumBuffer'],
      optionalBuffers: [],
      options: OPTIONS,
    });
  }
  protected validate(o: SignOptions): SignOptions {
    if (!(o.lr >= 0)) throw new ArgumentRangeError('SignSGD', 'lr', `must be ≥ 0, got ${o.lr}`);
    return o;
  }
  protected update(w: Float32Array, g: Float32Array, state: ParamState, o: SignOptions): void {
    state.momentumBuffer ??= new Float32Array(w.length);
    const b = state.momentumBuffer as Float32Array;
    for (let i = 0; i < w.length; i++) {
      b[i] = (o.momentum ?? 0) * b[i]! + g[i]!;
      w[i] = w[i]! - o.lr * Math.sign(b[i]!);
    }
  }
}

describe('a custom optimizer declares its options once, in its StateLayout', () => {
  it('takes its option keys and its name from the layout', () => {
    const opt = new SignSGD([param([1])], { lr: 0.1 });
    expect(opt.optionKeys).toEqual(['lr', 'momentum']);
    expect(() => new SignSGD([param([1])], { lr: 0.1, momentun: 0.9 } as never)).toThrow(
      /SignSGD: argument 'options\.momentun' is not a known option\. did you mean 'momentum'\?/,
    );
  });

  it('a key added to a group later is caught at the next step, without a check in validate', () => {
    const opt = new SignSGD([param([1])], { lr: 0.1 });
    (opt.paramGroups[0]!.options as unknown as Record<string, unknown>).weight_decay = 1;
    expect(() => opt.step()).toThrow(LacunaError);
    expect(() => opt.step()).toThrow(/SignSGD: argument 'options\.weight_decay' is not a known/);
  });

  it('saves its kind and loads its own state back; another kind is refused', () => {
    const w = param([1, -2]);
    const opt = new SignSGD([w], { lr: 0.1, momentum: 0.5 });
    w.grad = tensor([0.5, -1]);
    opt.step();
    const saved = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(saved.kind).toBe('SignSGD');
    expect(saved.state[0].momentumBuffer).toEqual([0.5, -1]);
    const other = new SignSGD([param([0, 0])], { lr: 0.1, momentum: 0.5 });
    other.loadStateDict(saved);
    expect(other.stateDict()).toEqual(saved);
    expect(() => other.loadStateDict({ ...saved, kind: 'SGD' })).toThrow(
      /SignSGD\.loadStateDict: argument 'state\.kind' is "SGD" \(a string\): the state of another optimizer, expected 'SignSGD'/,
    );
  });
});

describe('Adam and AdamW share options but not their kind', () => {
  it('AdamW records and checks its own kind and names itself in messages', () => {
    const w = param([1]);
    const opt = new AdamW([w], { lr: 0.1 });
    expect(opt.optionKeys).toEqual(['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
    w.grad = tensor([1]);
    opt.step();
    const saved = opt.stateDict();
    expect(saved.kind).toBe('AdamW');
    expect(() => new Adam([param([1])], { lr: 0.1 }).loadStateDict(saved)).toThrow(
      /Adam\.loadStateDict: argument 'state\.kind' is "AdamW" .*expected 'Adam'/,
    );
    expect(() => new AdamW([param([1])], { lr: -1 })).toThrow(/^AdamW: argument 'lr'/);
    expect(() => new AdamW([param([1])], { lr: 1, betaz: [0, 0] } as never)).toThrow(
      /^AdamW: argument 'options\.betaz' is not a known option\. did you mean 'betas'\?/,
    );
  });
});

describe('option arrays are copied at construction', () => {
  it("mutating the caller's betas afterwards changes nothing", () => {
    const betas: [number, number] = [0.9, 0.999];
    const groupBetas: [number, number] = [0.8, 0.99];
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([{ params: [a] }, { params: [b], options: { betas: groupBetas } }], {
      lr: 0.1,
      betas,
    });
    betas[0] = 0.1;
    groupBetas[1] = 0.5;
    expect(opt.paramGroups[0]!.options.betas).toEqual([0.9, 0.999]);
    expect(opt.paramGroups[1]!.options.betas).toEqual([0.8, 0.99]);
    // The reference trajectory: an optimizer whose betas were never touched.
    const ref = new Adam([param([1])], { lr: 0.1, betas: [0.9, 0.999] });
    a.grad = tensor([1]);
    ref.paramGroups[0]!.params[0]!.grad = tensor([1]);
    opt.step();
    ref.step();
    expect(a.storage).toEqual(ref.paramGroups[0]!.params[0]!.storage);
  });
});

describe('zeroGrad', () => {
  it('clears the gradient of every parameter in every group', () => {
    const [a, b, c] = [param([1]), param([2]), param([3])];
    const opt = new Adam([{ params: [a, b] }, { params: [c], options: { lr: 0.5 } }], { lr: 0.1 });
    for (const p of [a, b, c]) p.grad = tensor([1]);
    opt.zeroGrad();
    expect([a.grad, b.grad, c.grad]).toEqual([null, null, null]);
  });
});
