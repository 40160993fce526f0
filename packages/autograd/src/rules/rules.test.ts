import {
  abs,
  add,
  avgPool2d,
  broadcastTo,
  clamp,
  concat,
  conv2d,
  div,
  dropout,
  elu,
  erf,
  exp,
  flatten,
  Generator,
  gather,
  gaussianDropout,
  gaussianNoise,
  gelu,
  greater,
  indexSelect,
  leakyRelu,
  linear,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  maskedAffine,
  matmul,
  max,
  maximum,
  maxPool2d,
  mean,
  min,
  minimum,
  mul,
  neg,
  pad,
  permute,
  pow,
  relu,
  reshape,
  scaledSquare,
  selu,
  sigmoid,
  slice,
  softmax,
  softmaxCrossEntropy,
  softplus,
  sparseVariationalDropoutKl,
  sqrt,
  squeeze,
  stack,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  transpose,
  uniform,
  unsqueeze,
  variance,
  variationalDropoutKl,
  where,
} from '@lacuna/tensor';
import { expect, it } from 'vitest';
import { backward, computeGradients } from '../backward.js';
import { detach } from '../grad.js';
import { gradcheck } from '../gradcheck.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';

/** Draws one test's inputs; see {@link inputs}. */
type Input = (shape: number[], options?: { positive?: boolean; awayFromZero?: boolean }) => Tensor;

/**
 * The input maker of one test: its own generator, seeded by `seedName`, so a test draws the same
 * inputs when run alone (`-t`) as in the full run, whatever ran before it. Inputs are random
 * float32 in [-2, 2) ([0.5, 2) when `positive`), pushed 0.1 further from 0 (the kinks of relu
 * and abs) when `awayFromZero`.
 */
function inputs(seedName: string): Input {
  const generator = new Generator(seedName);
  return (shape, { positive = false, awayFromZero = false } = {}) => {
    const t = uniform(shape, { generator, low: positive ? 0.5 : -2, high: 2 });
    if (awayFromZero)
      for (let i = 0; i < t.size; i++)
        t.storage[i] = t.storage[i]! + Math.sign(t.storage[i]!) * 0.1;
    return t;
  };
}

function expectOk(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]): void {
  const r = gradcheck(fn, xs);
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

describeBackends('gradient rules pass gradcheck', () => {
  it('a gradient over an operand too big for the capped backend: d Σx² = 2x exactly', () => {
    const x = uniform([FALLBACK_ELEMENTS], { generator: new Generator('big'), low: -2, high: 2 });
    x.requiresGrad = true;
    backward(sum(mul(x, x)));
    const g = x.grad!.storage;
    for (let i = 0; i < x.size; i++) {
      if (g[i] !== 2 * x.storage[i]!) throw new Error(`element ${i}: ${g[i]} ≠ 2·${x.storage[i]}`);
    }
  });

  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [4]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[5], []],
    [
      [1, 3],
      [2, 1],
    ],
  ];

  it.each(shapes)('binary ops with broadcasting %j × %j', (sa, sb) => {
    const input = inputs(`binary ops ${JSON.stringify(sa)} × ${JSON.stringify(sb)}`);
    expectOk(add, [input(sa), input(sb)]);
    expectOk(sub, [input(sa), input(sb)]);
    expectOk(mul, [input(sa), input(sb)]);
    expectOk(div, [input(sa), input(sb, { positive: true })]);
    expectOk(maximum, [input(sa), input(sb)]);
    expectOk(minimum, [input(sa), input(sb)]);
  });

  it('fan-out: one tensor used several times', () => {
    const input = inputs('fan-out');
    expectOk((x) => mul(add(x, x), mul(x, exp(x))), [input([2, 3])]);
    expectOk(
      (x, y) => add(matmul(x, y), matmul(x, y, { transB: false })),
      [input([2, 3]), input([3, 2])],
    );
  });

  it('unary ops', () => {
    const input = inputs('unary ops');
    expectOk(neg, [input([2, 3])]);
    expectOk(exp, [input([2, 3])]);
    expectOk(log, [input([2, 3], { positive: true })]);
    expectOk(sqrt, [input([2, 3], { positive: true })]);
    expectOk(relu, [input([2, 3], { awayFromZero: true })]);
    expectOk(abs, [input([2, 3], { awayFromZero: true })]);
    expectOk(sigmoid, [input([2, 3])]);
    expectOk(tanh, [input([2, 3])]);
  });

  it('reductions over every axis set, with and without keepDims', () => {
    const input = inputs('reductions');
    for (const axis of [undefined, 0, 1, -1, [0, 2]] as const) {
      for (const keepDims of [false, true]) {
        expectOk((x) => sum(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => mean(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => max(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => min(x, { axis, keepDims }), [input([2, 3, 2])]);
      }
    }
  });

  it('matmul in every transpose combination, batched and with a shared operand', () => {
    const input = inputs('matmul');
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = input(transA ? [4, 3] : [3, 4]);
        const b = input(transB ? [5, 4] : [4, 5]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [a, b]);
        const ba = input(transA ? [2, 4, 3] : [2, 3, 4]);
        const bb = input(transB ? [2, 5, 4] : [2, 4, 5]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [ba, bb]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [ba, b]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [a, bb]);
        // With an addend: its gradient is the output's.
        const d = input([3, 5]);
        expectOk((x, y, z) => matmul(x, y, { transA, transB, addend: z }), [a, b, d]);
        expectOk(
          (x, y, z) => matmul(x, y, { transA, transB, addend: z }),
          [ba, b, input([2, 3, 5])],
        );
      }
    }
    // Only the addend needing a gradient, or only the operands (a constant addend).
    const [x, y, d] = [input([3, 4]), input([4, 5]), input([3, 5])];
    expectOk((z) => matmul(x, y, { addend: z }), [d]);
    expectOk((xt, yt) => matmul(xt, yt, { addend: d }), [x, y]);
  });

  it('linear with and without bias, activation none and relu', () => {
    const input = inputs('linear');
    const [x, w, b] = [input([3, 4]), input([5, 4]), input([5])];
    // relu's kink: every pre-activation stays well away from 0 for these seeded inputs.
    const z = linear(x, w, b).storage;
    expect(Math.min(...Array.from(z, Math.abs))).toBeGreaterThan(0.05);
    for (const activation of ['none', 'relu'] as const) {
      expectOk((xt, wt, bt) => linear(xt, wt, bt, { activation }), [x, w, b]);
    }
    expectOk((xt, wt) => linear(xt, wt, null, { activation: 'relu' }), [x, w]);
    // Dropout: the same generator seed inside fn each evaluation, so the same mask.
    for (const activation of ['none', 'relu'] as const) {
      expectOk(
        (xt, wt, bt) =>
          linear(xt, wt, bt, {
            activation,
            dropout: { p: 0.4, training: true, generator: new Generator(5) },
          }),
        [x, w, b],
      );
    }
  });

  it('linear: the same gradient bits as matmul + add + relu (+ dropout)', () => {
    const input = inputs('linear against its composition');
    const [x, w, b, upstream] = [input([6, 9]), input([7, 9]), input([7]), input([6, 7])];
    const grads = (fused: boolean, withDropout: boolean) => {
      const leaves = [x, w, b].map((t) => detach(t));
      for (const t of leaves) t.requiresGrad = true;
      const [xl, wl, bl] = leaves as [Tensor, Tensor, Tensor];
      const drop = withDropout
        ? { p: 0.5, training: true, generator: new Generator('linear dropout') }
        : undefined;
      const a = fused
        ? linear(xl, wl, bl, { activation: 'relu', dropout: drop })
        : relu(add(matmul(xl, wl, { transB: true }), bl));
      const y = !fused && drop ? dropout(a, drop) : a;
      backward(sum(mul(y, upstream)));
      return leaves.map((t) => Array.from(t.grad!.storage));
    };
    expect(grads(true, false)).toEqual(grads(false, false));
    expect(grads(true, true)).toEqual(grads(false, true));
  });

  it('logSoftmax and softmax along each axis, reshape', () => {
    const input = inputs('logSoftmax, softmax, reshape');
    for (const axis of [0, 1, -1]) {
      expectOk((x) => logSoftmax(x, axis), [input([3, 4])]);
      expectOk((x) => softmax(x, axis), [input([3, 4])]);
    }
    expectOk((x) => reshape(x, [4, -1]), [input([2, 3, 2])]);
  });

  it('softmaxCrossEntropy: class indices and probabilities, label smoothing, every reduction', () => {
    const input = inputs('softmaxCrossEntropy');
    const labels = tensor([2, 0, 3], { dtype: 'int32' });
    const probs = softmax(input([3, 4]));
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const labelSmoothing of [0, 0.2]) {
        const options = { reduction, labelSmoothing };
        expectOk((z) => softmaxCrossEntropy(z, labels, options), [input([3, 4])]);
        expectOk((z) => softmaxCrossEntropy(z, probs, options), [input([3, 4])]);
      }
    }
  });

  it('dropout (same generator seed inside fn each evaluation)', () => {
    const input = inputs('dropout');
    expectOk(
      (x) => dropout(x, { p: 0.4, training: true, generator: new Generator(5) }),
      [input([4, 6])],
    );
  });

  it('pow (base > 0 for the exponent gradient), log1p, erf, clamp', () => {
    const input = inputs('pow, log1p, erf, clamp');
    expectOk(pow, [input([2, 3], { positive: true }), input([3])]);
    expectOk((x) => pow(x, 3), [input([2, 3])]);
    expectOk(log1p, [input([2, 3], { positive: true })]);
    expectOk(erf, [input([2, 3])]);
    const x = input([3, 4]);
    // keep inputs off the clamp bounds, where the derivative jumps
    for (let i = 0; i < x.size; i++)
      if (Math.abs(Math.abs(x.storage[i]!) - 1) < 0.05) x.storage[i] = 0.3;
    expectOk((t) => clamp(t, -1, 1), [x]);
  });

  it('sparseVariationalDropoutKl (log α inside the clip) and variationalDropoutKl, scaled', () => {
    const input = inputs('KL ops');
    // |θ| ≥ 0.1 and log σ² in [−2, 2): log α in (−3.4, 6.6), away from the clip at ±10.
    const theta = input([3, 4], { awayFromZero: true });
    const logSigma2 = input([3, 4]);
    const logAlpha = input([2, 5]);
    // gradcheck's projection makes the upstream gradient ≠ 1; mul makes it another one.
    expectOk((t, s) => sparseVariationalDropoutKl(t, s, { scale: 0.25 }), [theta, logSigma2]);
    expectOk((t, s) => mul(sparseVariationalDropoutKl(t, s), 3), [theta, logSigma2]);
    expectOk((l) => variationalDropoutKl(l, { scale: -0.5 }), [logAlpha]);
    expectOk((l) => mul(variationalDropoutKl(l), 3), [logAlpha]);
  });

  it('KL ops with an upstream gradient of 1 hand on their saved gradients, which accumulation leaves alone', () => {
    const input = inputs('KL ops, upstream 1');
    const theta = input([3, 4], { awayFromZero: true });
    const logSigma2 = input([3, 4]);
    const logAlpha = input([2, 5]);
    for (const t of [theta, logSigma2, logAlpha]) t.requiresGrad = true;
    const svd = sparseVariationalDropoutKl(theta, logSigma2, { scale: 0.25 });
    const vd = variationalDropoutKl(logAlpha, { scale: 0.25 });
    // Twice the gradients of the op times 2: the same values with no pass (×2 is exact).
    const twice = computeGradients(add(mul(svd, 2), mul(vd, 2)), { retainGraph: true });
    const once = computeGradients(add(svd, vd), { retainGraph: true });
    const saved = [svd.gradNode, vd.gradNode].flatMap((node) =>
      !node || node.released
        ? []
        : node.op === 'sparseVariationalDropoutKl'
          ? [node.saved.dTheta, node.saved.dLogSigma2]
          : node.op === 'variationalDropoutKl'
            ? [node.saved.dLogAlpha]
            : [],
    );
    [theta, logSigma2, logAlpha].forEach((t, i) => {
      expect(once.get(t)).toBe(saved[i]);
      expect(Array.from(mul(once.get(t)!, 2).data())).toEqual(Array.from(twice.get(t)!.data()));
    });
    // θ also gets Σθ's gradient: added into a new tensor, the saved one unchanged.
    const before = Array.from(saved[0]!.data());
    const both = computeGradients(add(svd, sum(theta))).get(theta)!;
    expect(Array.from(both.data())).toEqual(before.map((v) => Math.fround(v + 1)));
    expect(Array.from(saved[0]!.data())).toEqual(before);
  });

  it('activations', () => {
    const input = inputs('activations');
    expectOk((x) => leakyRelu(x, 0.2), [input([2, 5], { awayFromZero: true })]);
    expectOk((x) => elu(x, 1.5), [input([2, 5], { awayFromZero: true })]);
    expectOk(selu, [input([2, 5], { awayFromZero: true })]);
    expectOk(gelu, [input([2, 5])]);
    expectOk(softplus, [input([2, 5])]);
  });

  it('scaledSquare: both gradients, x = 0 included', () => {
    const input = inputs('scaledSquare');
    const x = input([3, 4]);
    x.storage[5] = 0;
    expectOk((t, s) => mul(scaledSquare(t, s), 3), [x, input([3, 4])]);
  });

  it('where, variance, logsumexp', () => {
    const input = inputs('where, variance, logsumexp');
    const c = greater(input([3, 1]), 0);
    expectOk((a, b) => where(c, a, b), [input([3, 4]), input([4])]);
    expectOk((x) => variance(x, { axis: 1 }), [input([3, 4])]);
    expectOk((x) => variance(x), [input([3, 4])]);
    expectOk((x) => logsumexp(x, { axis: -1 }), [input([3, 4])]);
  });

  it('shape ops', () => {
    const input = inputs('shape ops');
    expectOk((x) => permute(x, [2, 0, 1]), [input([2, 3, 4])]);
    expectOk((x) => transpose(x), [input([3, 4])]);
    expectOk((x) => broadcastTo(x, [2, 3, 4]), [input([3, 1])]);
    expectOk(
      (x) =>
        slice(x, [
          [1, 3],
          [0, 4, 2],
        ]),
      [input([3, 4])],
    );
    expectOk((a, b) => concat([a, b, a], 1), [input([2, 3]), input([2, 1])]);
    expectOk((a, b) => stack([a, b], 1), [input([2, 3]), input([2, 3])]);
    expectOk((x) => squeeze(unsqueeze(flatten(x), 0)), [input([2, 3, 2])]);
    const idx = tensor(
      [
        [2, 0],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    expectOk((x) => gather(x, 1, idx), [input([2, 3])]);
    expectOk((x) => indexSelect(x, 0, tensor([2, 0, 2], { dtype: 'int32' })), [input([3, 2])]);
    expectOk(
      (x) =>
        pad(x, [
          [1, 0],
          [2, 1],
        ]),
      [input([2, 3])],
    );
  });

  it('conv2d (input, weight, bias) with stride, padding, dilation and groups; pooling', () => {
    const input = inputs('conv2d, pooling');
    expectOk(
      (x, w, b) => conv2d(x, w, { bias: b, stride: 2, padding: 1 }),
      [input([2, 2, 5, 5]), input([3, 2, 3, 3]), input([3])],
    );
    expectOk(
      (x, w) => conv2d(x, w, { dilation: 2, groups: 2, padding: [1, 0] }),
      [input([1, 4, 6, 5]), input([4, 2, 2, 2])],
    );
    const x = input([2, 2, 4, 4]);
    // distinct values so the max in each window is unique and stays unique under perturbation
    for (let i = 0; i < x.size; i++) x.storage[i] = Math.fround(((i * 37) % 64) / 16);
    expectOk((t) => maxPool2d(t, 2), [x]);
    expectOk((t) => maxPool2d(t, 3, { stride: 1, padding: 1 }), [x]);
    expectOk((t) => avgPool2d(t, 3, { stride: 2, padding: 1 }), [input([1, 2, 5, 5])]);
  });

  it('noise ops: Gaussian dropout, Gaussian noise, masked affine with a broadcast mask', () => {
    const input = inputs('noise ops');
    expectOk(
      (x) => gaussianDropout(x, { p: 0.3, training: true, generator: new Generator(4) }),
      [input([3, 4])],
    );
    expectOk(
      (x) => gaussianNoise(x, { std: 0.5, training: true, generator: new Generator(4) }),
      [input([3, 4])],
    );
    const mask = tensor([[[true], [false], [true]]]);
    expectOk(
      (x) => maskedAffine(x, mask, { scale: 1.5, shift: 0.2, fill: -0.3 }),
      [input([2, 3, 4])],
    );
  });

  it('reports the worst element when a gradient is wrong', () => {
    const input = inputs('wrong gradient');
    // sqrt with its gradient scaled by 1.1: y + 0.1·(y - detach(y)) has y's value. A too-wide
    // step is no longer reported as a wrong gradient: gradcheck's noise estimate absorbs it.
    const x = input([4], { positive: true });
    const r = gradcheck(
      (t) => {
        const y = sqrt(t);
        return add(y, mul(sub(y, detach(y)), 0.1));
      },
      [x],
    );
    expect(r.ok).toBe(false);
    expect(r.worst).not.toBeNull();
    expect(r.maxRelError).toBeGreaterThan(0.05);
    expect(gradcheck(sqrt, [x], { eps: 0.1 }).ok).toBe(true);
  });
});
