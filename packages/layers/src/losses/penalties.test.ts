import { backward, gradcheck, valueAndGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  add,
  DTypeError,
  Generator,
  LacunaError,
  normal,
  type Tensor,
  tensor,
  zeros,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../modules/activations.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { mseLoss } from './mse.js';
import { l1Penalty, l2Penalty } from './penalties.js';

const penalties = [
  ['l2Penalty', l2Penalty],
  ['l1Penalty', l1Penalty],
] as const;

describe('l2Penalty and l1Penalty values', () => {
  it('sum squares / absolute values over every element of every tensor', () => {
    const params = [
      tensor([1, -2]),
      tensor([
        [3, -0.5],
        [0, 4],
      ]),
    ];
    // 1 + 4 + 9 + 0.25 + 0 + 16 and 1 + 2 + 3 + 0.5 + 0 + 4
    expect(l2Penalty(params).item()).toBe(30.25);
    expect(l1Penalty(params).item()).toBe(10.5);
  });

  it('multiply by the coefficient, with no ½ factor', () => {
    const params = [tensor([1, -2]), tensor([3])];
    expect(l2Penalty(params, { coefficient: 0.5 }).item()).toBe(7);
    expect(l1Penalty(params, { coefficient: 0.25 }).item()).toBe(1.5);
    expect(l2Penalty(params, { coefficient: 0 }).item()).toBe(0);
  });

  it('return a float32 scalar, 0 for no tensors and for empty tensors', () => {
    for (const [, f] of penalties) {
      for (const params of [[], [zeros([0, 3])], new Set<Tensor>()]) {
        const p = f(params, { coefficient: 3 });
        expect(p.shape).toEqual([]);
        expect(p.dtype).toBe('float32');
        expect(p.item()).toBe(0);
      }
      expect(f([tensor(-2)]).shape).toEqual([]);
    }
  });

  it('read any iterable once, and count a tensor listed twice twice (as a sum over a list)', () => {
    const w = tensor([1, -2]);
    function* gen() {
      yield w;
      yield w;
    }
    expect(l2Penalty(gen()).item()).toBe(10);
    expect(l1Penalty(new Set([w, w])).item()).toBe(3);
  });

  it('leave biases out through namedParameters, as the docs show', () => {
    const net = new Sequential(
      new Linear(3, 4, { generator: new Generator(0) }),
      new ReLU(),
      new Linear(4, 2, { generator: new Generator(1) }),
    );
    const weights = net
      .namedParameters()
      .filter(([name]) => !name.endsWith('bias'))
      .map(([, p]) => p);
    expect(weights.map((p) => p.shape)).toEqual([
      [4, 3],
      [2, 4],
    ]);
    let expected = 0;
    for (const p of weights) for (const v of p.storage) expected += Math.fround(v * v);
    expect(l2Penalty(weights).item()).toBeCloseTo(expected, 5);
    expect(l2Penalty(net.parameters()).item()).toBeGreaterThan(l2Penalty(weights).item());
  });
});

describe('l2Penalty and l1Penalty gradients', () => {
  it('l2: 2λ·p exactly; l1: λ·sign(p) with 0 at 0 (as PyTorch abs backward)', () => {
    const a = tensor([1.5, -2, 0]);
    const b = tensor([[0.25, -0.75]]);
    const l2 = valueAndGrad((x: Tensor, y: Tensor) => l2Penalty([x, y], { coefficient: 0.5 }));
    const { grads: g2 } = l2(a, b);
    expect(g2[0]!.toArray()).toEqual([1.5, -2, 0]);
    expect(g2[1]!.toArray()).toEqual([[0.25, -0.75]]);
    const l1 = valueAndGrad((x: Tensor, y: Tensor) => l1Penalty([x, y], { coefficient: 2 }));
    const { grads: g1 } = l1(a, b);
    expect(g1[0]!.toArray()).toEqual([2, -2, 0]);
    expect(g1[1]!.toArray()).toEqual([[2, -2]]);
  });

  it('pass gradcheck (float32 defaults) on several tensors, l1 away from its kink at 0', () => {
    const g = new Generator(7);
    const x = normal([3, 4], { generator: g });
    const y = normal([5], { generator: g });
    // l1's finite difference across 0 is not a derivative: keep every element ≥ 0.1 from 0.
    for (const t of [x, y])
      for (let i = 0; i < t.size; i++)
        if (Math.abs(t.storage[i]!) < 0.1) t.storage[i] = t.storage[i]! < 0 ? -0.3 : 0.3;
    for (const [name, f] of penalties) {
      for (const options of [{}, { coefficient: 0.01 }, { coefficient: 3 }]) {
        const r = gradcheck((a, b) => f([a, b], options), [x, y]);
        expect(r.ok, `${name} ${JSON.stringify(options)}: ${JSON.stringify(r.worst)}`).toBe(true);
      }
    }
  });
});

/** One step of @lacuna/optim's SGD with momentum 0 (packages/optim/src/sgd.ts), element by element. */
function sgdStep(w: Float32Array, g: Float32Array, lr: number, weightDecay: number): void {
  for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * (g[i]! + weightDecay * w[i]!);
}

describe('l2Penalty and SGD weightDecay', () => {
  // weightDecay λ adds λ·θ to the gradient, the gradient of (λ/2)·Σθ². The two steps are not
  // bit-for-bit equal (1 to 9 of the 136 weights below differ in the last bit, depending on λ): the penalty's λθ is
  // fl(λ/2) times θ, rounded to float32 and added to the data gradient in float32, where SGD adds
  // λθ in float64 before it rounds the new weight. The bound below counts those roundings
  // (u = 2⁻²⁴): |Δ| ≤ u·(|w_A| + |w_B| + lr·(|g| + 3λ|θ|)).
  const u = 2 ** -24;
  const lr = 0.1;

  function model(): Linear {
    return new Linear(16, 8, { generator: new Generator(5) });
  }
  const data = new Generator(6);
  const x = normal([12, 16], { generator: data });
  const target = normal([12, 8], { generator: data });

  function steps(lambda: number, coefficient: number) {
    const a = model();
    const b = model();
    const before = a.parameters().map((p) => Float32Array.from(p.storage));
    backward(mseLoss(a.forward(x), target));
    const dataGrads = a.parameters().map((p) => Float32Array.from(p.grad!.storage));
    for (const p of a.parameters())
      sgdStep(p.storage as Float32Array, p.grad!.storage as Float32Array, lr, lambda);
    backward(add(mseLoss(b.forward(x), target), l2Penalty(b.parameters(), { coefficient })));
    for (const p of b.parameters())
      sgdStep(p.storage as Float32Array, p.grad!.storage as Float32Array, lr, 0);
    let worst = 0;
    a.parameters().forEach((pa, k) => {
      const pb = b.parameters()[k]!;
      for (let i = 0; i < pa.size; i++) {
        const theta = Math.abs(before[k]![i]!);
        const wa = pa.storage[i]!;
        const wb = pb.storage[i]!;
        const bound =
          u *
          (Math.abs(wa) + Math.abs(wb) + lr * (Math.abs(dataGrads[k]![i]!) + 3 * lambda * theta));
        worst = Math.max(worst, Math.abs(wa - wb) / bound);
      }
    });
    return worst;
  }

  it('weightDecay λ equals loss + l2Penalty(params, { coefficient: λ/2 }) within float32 rounding', () => {
    for (const lambda of [0.5, 0.01, 0.3, 5e-4])
      expect(steps(lambda, lambda / 2)).toBeLessThanOrEqual(1);
  });

  it('coefficient λ (no ½) is twice the decay and falls far outside that bound', () => {
    expect(steps(0.5, 0.5)).toBeGreaterThan(100);
  });
});

describe('l2Penalty and l1Penalty argument checks', () => {
  for (const [name, f] of penalties) {
    it(`${name} rejects what is not an iterable of float32 tensors, naming the argument`, () => {
      const net = new Linear(2, 2, { generator: new Generator(0) });
      const call = (params: unknown, options?: unknown) => () =>
        f(params as Iterable<Tensor>, options as never);
      expect(call(net)).toThrow(LacunaError);
      expect(call(net)).toThrow(
        new RegExp(
          `^${name}: argument 'params' must be an iterable of float32 Tensors \\(for a module, pass model\\.parameters\\(\\)\\), got an object \\(Linear\\)`,
        ),
      );
      expect(call(tensor([1]))).toThrow(
        new RegExp(`^${name}: argument 'params' .*\\(for one tensor, pass \\[tensor\\]\\)`),
      );
      expect(call(undefined)).toThrow(new RegExp(`^${name}: argument 'params' .*got undefined`));
      expect(call('ab')).toThrow(
        new RegExp(`^${name}: argument 'params' .*got "ab" \\(a string\\)`),
      );
      expect(call([tensor([1]), [1, 2]])).toThrow(
        new RegExp(`^${name}: argument 'params\\[1\\]' must be a Tensor, got an array of length 2`),
      );
      expect(call(net.namedParameters())).toThrow(
        new RegExp(
          `^${name}: argument 'params\\[0\\]' must be a Tensor \\(from namedParameters\\(\\), keep the tensors`,
        ),
      );
      const ints = call([tensor([1.5]), tensor([1], { dtype: 'int32' })]);
      expect(ints).toThrow(DTypeError);
      expect(ints).toThrow(
        new RegExp(`^${name}: argument 'params\\[1\\]' must be float32, got int32`),
      );
    });

    it(`${name} checks its options: unknown keys, coefficient type and range`, () => {
      const call = (options: unknown) => () => f([tensor([1])], options as never);
      expect(call({ lambda: 1 })).toThrow(LacunaError);
      expect(call({ lambda: 1 })).toThrow(
        new RegExp(`^${name}: argument 'options\\.lambda' is not a known option`),
      );
      expect(call({ coeficient: 1 })).toThrow(/did you mean 'coefficient'/);
      expect(call({ coefficient: '0.1' })).toThrow(
        new RegExp(
          `^${name}: argument 'options\\.coefficient' must be a number, got "0\\.1" \\(a string\\)`,
        ),
      );
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(call({ coefficient: bad })).toThrow(ArgumentRangeError);
        expect(call({ coefficient: bad })).toThrow(
          new RegExp(
            `^${name}: argument 'options\\.coefficient' must be a finite number ≥ 0, got ${bad}`,
          ),
        );
      }
    });
  }
});
