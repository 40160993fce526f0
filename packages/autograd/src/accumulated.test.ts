import {
  add,
  type Backend,
  exp,
  Generator,
  getBackend,
  linear,
  matmul,
  mul,
  scaledSquare,
  setBackend,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { expect, it } from 'vitest';
import { backward, computeGradients } from './backward.js';
import { gradRules } from './rules/index.js';
import { describeBackends, FALLBACK_ELEMENTS } from './test-util/backends.js';

// A rule may take an input's accumulated gradient (Accumulated.take) and return it summed with
// its own: the engine then stores that instead of adding. These tests pin what users rely on:
// the same bits as the unfolded sum, the add pass gone, and duplicates counted once.

/** Leaves x and s with gradients on, from a fixed seed. */
function leaves(n: number): [Tensor, Tensor, Tensor] {
  const g = new Generator(7);
  const [x, s, k] = [
    uniform([n], { generator: g, low: -2, high: 2 }),
    uniform([n], { generator: g, low: -3, high: 1 }),
    uniform([n], { generator: g, low: -1, high: 1 }),
  ];
  x.requiresGrad = true;
  s.requiresGrad = true;
  return [x, s, k];
}

/** How many binary adds of `size` elements run inside `f`. */
function addsOf(size: number, f: () => void): number {
  let adds = 0;
  const active = getBackend();
  const spy: Backend = Object.assign(Object.create(active) as Backend, {
    binary(...args: Parameters<Backend['binary']>) {
      if (args[0] === 'add' && args[3].length === size) adds++;
      active.binary(...args);
    },
  });
  const previous = setBackend(spy);
  try {
    f();
  } finally {
    setBackend(previous);
  }
  return adds;
}

const bits = (t: Tensor) => Array.from(new Uint32Array(new Float32Array(t.data()).buffer));

describeBackends('Accumulated: rules folding a gradient already gathered', () => {
  it("scaledSquare folds both inputs' totals: the bits of the separate add, and no add pass", () => {
    // Not a multiple of 4 (the kernels' tails fold too), and past the capped backend's memory (its
    // fallback folds as well).
    const n = FALLBACK_ELEMENTS + 3;
    const [x, s, k] = leaves(n);
    const c = tensor(Array.from({ length: n }, (_, i) => 0.25 * ((i % 7) - 3)));
    // Each leaf gets two gradients: from c·x (or c·s) and from the scaledSquare term. Reverse
    // topological order runs the second term's rules first, so scaledSquare's rule finds totals.
    const loss = () => add(sum(mul(scaledSquare(x, s), k)), add(sum(mul(x, c)), sum(mul(s, c))));
    const first = computeGradients(sum(mul(scaledSquare(x, s), k)));
    const second = computeGradients(add(sum(mul(x, c)), sum(mul(s, c))));
    let folded = new Map<Tensor, Tensor>();
    const adds = addsOf(n, () => {
      folded = computeGradients(loss());
    });
    expect(adds).toBe(0);
    for (const leaf of [x, s])
      expect(bits(folded.get(leaf)!)).toEqual(bits(add(second.get(leaf)!, first.get(leaf)!)));
  });

  it("linear (θ, through matmul's addend) and exp (log σ², through addcmul) fold: the bits of the separate add", () => {
    // LinearSVD's shape of use: θ in the mean's product and in a KL-like term, log σ² in the
    // variance's product (through exp) and in the same term.
    const g = new Generator(3);
    const x = uniform([6, 37], { generator: g, low: -1, high: 1 });
    const [theta, logSigma2] = [
      uniform([9, 37], { generator: g, low: -1, high: 1 }),
      uniform([9, 37], { generator: g, low: -4, high: 0 }),
    ];
    theta.requiresGrad = true;
    logSigma2.requiresGrad = true;
    const k = uniform([9, 37], { generator: g });
    const data = () =>
      add(sum(linear(x, theta, null)), sum(linear(mul(x, x), exp(logSigma2), null)));
    const penalty = () => add(sum(mul(theta, k)), sum(mul(logSigma2, k)));
    const first = computeGradients(data());
    const second = computeGradients(penalty());
    let folded = new Map<Tensor, Tensor>();
    const adds = addsOf(9 * 37, () => {
      folded = computeGradients(add(data(), penalty()));
    });
    expect(adds).toBe(0);
    for (const leaf of [theta, logSigma2])
      expect(bits(folded.get(leaf)!)).toEqual(bits(add(second.get(leaf)!, first.get(leaf)!)));
  });

  it("matmul folds a weight's total as its addend, transposed too; a batch-summed gradient is added", () => {
    const g = new Generator(5);
    const x = uniform([6, 11], { generator: g, low: -1, high: 1 });
    const xb = uniform([3, 6, 11], { generator: g, low: -1, high: 1 });
    const w = uniform([7, 11], { generator: g, low: -1, high: 1 });
    w.requiresGrad = true;
    const k = uniform([7, 11], { generator: g });
    const penalty = () => sum(mul(w, k));
    const second = computeGradients(penalty()).get(w)!;
    for (const input of [x, xb]) {
      // xb [3, 6, 11] shares the 2-D w across its batch: w's gradient is summed over the batch
      // after the product, so the rule must not fold there (and the engine adds as before).
      const data = () => sum(matmul(input, w, { transB: true }));
      const first = computeGradients(data()).get(w)!;
      let folded: Tensor | undefined;
      const adds = addsOf(7 * 11, () => {
        folded = computeGradients(add(data(), penalty())).get(w);
      });
      expect(adds).toBe(input === x ? 0 : 1);
      expect(bits(folded!)).toEqual(bits(add(second, first)));
    }
  });

  it.each([
    ['the first', 0],
    ['the second', 1],
  ])(
    'a tensor at two positions of one node, its total taken at %s, gets every contribution once',
    (_, at) => {
      const x = tensor([1, -2, 0.5, 0, 2, -1, 1.5]);
      x.requiresGrad = true;
      const c = tensor([1, -2, 3, 0.5, 0, 2, -1]);
      // scaledSquare(x, x) = e^x·x²: x sits at positions 0 and 1 and already has c from c·x. The
      // rule folds that total at one position; the other position's gradient must still be added.
      const rule = gradRules.scaledSquare;
      const takingOne: typeof rule = (g, node, accumulated) =>
        rule(g, node, { take: (i) => (i === at ? accumulated?.take(i) : undefined) });
      const rules = gradRules as { scaledSquare: typeof rule };
      rules.scaledSquare = takingOne;
      let folded: Tensor;
      try {
        folded = computeGradients(add(sum(scaledSquare(x, x)), sum(mul(x, c)))).get(x)!;
      } finally {
        rules.scaledSquare = rule;
      }
      // d/dx (e^x·x² + c·x) = 2·e^x·x + e^x·x² + c.
      const want = Array.from(x.data(), (v, i) => {
        const e = Math.exp(v);
        return 2 * e * v + e * v * v + c.data()[i]!;
      });
      const got = Array.from(folded.data());
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    },
  );

  it('a rule that does not take a total still gets it added (the engine default)', () => {
    expect(gradRules.mul.length).toBeLessThan(3); // mul's rule ignores Accumulated
    const x = tensor([1, 2, 3]);
    x.requiresGrad = true;
    backward(add(sum(mul(x, x)), sum(mul(x, 2))));
    expect(Array.from(x.grad!.data())).toEqual([4, 6, 8]);
  });
});
