import { expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from '../errors.js';
import { withoutRecording } from '../record.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { tensor } from './creation.js';
import {
  sparseVariationalDropoutKl,
  sparseVariationalDropoutKlWithSigma2,
} from './sparse-variational-dropout-kl.js';
import { exp } from './unary.js';

// The float64 definitions, in the paper's form: −KL ≈ k1·sigmoid(k2 + k3·log α) − ½·log1p(1/α) − k1.
const [K1, K2, K3] = [0.63576, 1.8732, 1.48695];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const rawLogAlpha = (t: number, s: number) => s - Math.log(t * t + 1e-16);
const clip = (l: number) => Math.min(10, Math.max(-10, l));
const klOf = (l: number) => -(K1 * sigmoid(K2 + K3 * l) - 0.5 * Math.log1p(Math.exp(-l)) - K1);
/** dKL/dlog α: −k1·k3·σ(k2 + k3·l)·(1 − σ(k2 + k3·l)) − ½/(1 + α). */
const dKlOf = (l: number) => {
  const s = sigmoid(K2 + K3 * l);
  return -K1 * K3 * s * (1 - s) - 0.5 / (1 + Math.exp(l));
};

/** θ and log σ² of n weights: θ from tiny to large (0 and ±1e-9 among them), log α from −40 to 33. */
function weights(n: number, seed: number): [Float32Array, Float32Array] {
  const theta = new Float32Array(n);
  const logSigma2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.sin(seed * 12.9898 + i * 78.233);
    theta[i] = i % 97 === 5 ? 0 : i % 89 === 7 ? 1e-9 * Math.sign(u) : u * 10 ** ((i % 5) - 3);
    logSigma2[i] = -22 + 30 * Math.abs(Math.cos(seed + i * 0.7));
  }
  return [theta, logSigma2];
}

const flat = (data: Float32Array) => new Tensor(data, [data.length], 'float32');

/** The op on θ and log σ² that both require gradients: its value and the gradients it saved. */
function recorded(theta: Tensor, logSigma2: Tensor, scale = 1) {
  theta.requiresGrad = true;
  logSigma2.requiresGrad = true;
  const kl = sparseVariationalDropoutKl(theta, logSigma2, { scale });
  const node = kl.gradNode;
  if (node?.op !== 'sparseVariationalDropoutKl' || node.released) throw new Error('not recorded');
  return { kl, dTheta: node.saved.dTheta!, dLogSigma2: node.saved.dLogSigma2! };
}

/** Σ KL and Σ |KL| in float64. */
function definition(theta: Float32Array, logSigma2: Float32Array): [number, number] {
  let sum = 0;
  for (let i = 0; i < theta.length; i++) sum += klOf(clip(rawLogAlpha(theta[i]!, logSigma2[i]!)));
  return [sum, sum]; // every term is positive
}

/**
 * The first element whose gradient is not within a few float32 roundings of the float64 value,
 * scaled by the log terms log α is the difference of (cancellation there is the only loss); -1
 * when all are. Weights within 1e-4 of the clip's edges are skipped: float32 and float64 may
 * put them on different sides.
 */
function firstBadGradient(
  theta: Float32Array,
  logSigma2: Float32Array,
  grad: number,
  dTheta: Float32Array,
  dLogSigma2: Float32Array,
): number {
  for (let i = 0; i < theta.length; i++) {
    const t = theta[i]!;
    const raw = rawLogAlpha(t, logSigma2[i]!);
    if (Math.abs(Math.abs(raw) - 10) < 1e-4) continue;
    const inside = raw >= -10 && raw <= 10;
    const ds = inside ? grad * dKlOf(raw) : 0;
    const dt = (ds * -2 * t) / (t * t + 1e-16);
    const scale =
      2 ** -24 * (16 + 4 * (Math.abs(logSigma2[i]!) + Math.abs(Math.log(t * t + 1e-16))));
    if (!(Math.abs(dLogSigma2[i]! - ds) <= Math.abs(ds) * scale)) return i;
    if (!(Math.abs(dTheta[i]! - dt) <= Math.abs(dt) * scale)) return i;
  }
  return -1;
}

describeBackends('sparseVariationalDropoutKl', () => {
  it.each([0, 1, 7, 4096, 4099, 70_001, FALLBACK_ELEMENTS])(
    '%i weights: scale·Σ KL within 1e-5 of the float64 sum, the saved gradients within a few roundings',
    (n) => {
      const [theta, logSigma2] = weights(n, n);
      const [want, size] = definition(theta, logSigma2);
      const plain = sparseVariationalDropoutKl(flat(theta), flat(logSigma2));
      expect(plain.shape).toEqual([]);
      expect(Math.abs(plain.item() - want)).toBeLessThanOrEqual(1e-5 * size);
      const { kl, dTheta, dLogSigma2 } = recorded(flat(theta), flat(logSigma2), 0.5);
      expect(Math.abs(kl.item() - 0.5 * want)).toBeLessThanOrEqual(0.5e-5 * size);
      expect(dTheta.shape).toEqual([n]);
      const bad = firstBadGradient(
        theta,
        logSigma2,
        0.5,
        dTheta.storage as Float32Array,
        dLogSigma2.storage as Float32Array,
      );
      expect(bad, `weight ${bad}: θ ${theta[bad]}, log σ² ${logSigma2[bad]}`).toBe(-1);
    },
  );

  it('computes the documented values: log α clipped to [−10, 10], KL(α = 1) = ½·ln 2 + k1·sigmoid(−k2)', () => {
    const theta = () =>
      tensor([
        [1, 1, 1],
        [1, 1, 0],
      ]);
    const logSigma2 = () =>
      tensor([
        [0, -10, -30],
        [10, 30, -20],
      ]);
    const want = [0, -10, -10, 10, 10, 10].reduce((a, l) => a + klOf(l), 0);
    expect(sparseVariationalDropoutKl(theta(), logSigma2()).item()).toBeCloseTo(want, 5);
    expect(klOf(0)).toBeCloseTo(0.5 * Math.LN2 + K1 * sigmoid(-K2), 14);
    const scaled = recorded(theta(), logSigma2(), -1 / 3);
    expect(scaled.kl.item()).toBeCloseTo(-want / 3, 5);
    expect(scaled.dTheta.shape).toEqual([2, 3]);
    // The clip is active at −30 and 30 (and at θ = 0: log α = −20 + 36.8): no gradient there.
    const d = scaled.dLogSigma2.data();
    expect([d[2], d[4], d[5]]).toEqual([0, 0, 0]);
    expect(scaled.dTheta.data()[5]).toBe(0);
    expect(d[0]).toBeCloseTo(-dKlOf(0) / 3, 6);
    // Exactly on the clip's ends (log α = ±10) the gradient still passes, as clamp's does.
    expect(d[1]).toBeCloseTo(-dKlOf(-10) / 3, 6);
    expect(d[3]).toBeCloseTo(-dKlOf(10) / 3, 6);
    expect(d[1]).not.toBe(0);
    expect(d[3]).not.toBe(0);
    expect(scaled.dTheta.data()[0]).toBeCloseTo((2 * dKlOf(0)) / 3, 6);
  });

  it('sums exactly where every term is largest: all weights at log α ≤ −10 (1 + e = e¹⁰ + 1 each)', () => {
    // The wasm kernel multiplies the 1 + e of 64 weights per float64 lane before one log: the
    // largest factors must neither overflow nor lose the sum's accuracy.
    const n = 70_001;
    const kl = sparseVariationalDropoutKl(
      flat(new Float32Array(n).fill(1)),
      flat(new Float32Array(n).fill(-25)),
    ).item();
    expect(Math.abs(kl - n * klOf(-10))).toBeLessThanOrEqual(1e-6 * n * klOf(-10));
  });

  it('NaN gives NaN; infinite θ or log σ² sit on the clip, with no gradient', () => {
    const nan = recorded(tensor([1, Number.NaN]), tensor([0, 0]));
    expect(nan.kl.item()).toBeNaN();
    expect(nan.dLogSigma2.data()[1]).toBe(0);
    expect(nan.dTheta.data()[1]).toBe(0);
    const inf = Number.POSITIVE_INFINITY;
    const { kl, dTheta, dLogSigma2 } = recorded(
      tensor([inf, -inf, 1, 1]),
      tensor([0, 0, inf, -inf]),
    );
    expect(kl.item()).toBeCloseTo(klOf(-10) * 2 + klOf(10) + klOf(-10), 5);
    for (const d of [dTheta, dLogSigma2]) expect(Array.from(d.data())).toEqual([0, 0, 0, 0]);
  });

  it('records one node over θ and log σ², saving a gradient only for each input that requires one', () => {
    const [theta, logSigma2] = weights(4099, 3).map(flat) as [Tensor, Tensor];
    expect(sparseVariationalDropoutKl(theta, logSigma2).gradNode).toBeNull();
    logSigma2.requiresGrad = true;
    const node = sparseVariationalDropoutKl(theta, logSigma2, { scale: 2 }).gradNode;
    if (node?.op !== 'sparseVariationalDropoutKl' || node.released) throw new Error('not recorded');
    expect(node.inputs).toEqual([theta, logSigma2]);
    expect(node.saved.dTheta).toBeNull();
    // The same bits as when both gradients are computed.
    const both = recorded(theta, logSigma2, 2);
    expectSameBits(node.saved.dLogSigma2!.data(), both.dLogSigma2.data());
  });

  it('WithSigma2: the KL op’s sum and gradients and exp’s σ², recorded as those two ops', () => {
    // exp's bits where the fused call and exp run in one place (wasm, or the reference:
    // splits.test.ts checks the wasm kernels' bits at size); a capped memory may send the fused
    // call alone to the reference, so σ² is held to exp's ulps and the gradients to the float64
    // definition, as the KL op's own are above.
    const near = (got: Float32Array, want: Float32Array) => {
      for (const [i, w] of want.entries())
        expect(Math.abs(got[i]! - w), `σ² ${i}`).toBeLessThanOrEqual(Math.abs(w) * 2 ** -22);
    };
    for (const n of [7, 4099, 70_001]) {
      const [thetas, logSigma2s] = weights(n, n + 1);
      const [theta, logSigma2] = [flat(thetas), flat(logSigma2s)];
      theta.requiresGrad = true;
      logSigma2.requiresGrad = true;
      const { kl, sigma2 } = sparseVariationalDropoutKlWithSigma2(theta, logSigma2, { scale: 0.5 });
      expect(kl.item()).toBeCloseTo(recorded(theta, logSigma2, 0.5).kl.item(), 5);
      expect(sigma2.shape).toEqual([n]);
      near(sigma2.data() as Float32Array, exp(logSigma2).data() as Float32Array);
      const klNode = kl.gradNode;
      if (klNode?.op !== 'sparseVariationalDropoutKl' || klNode.released) throw new Error('kl');
      expect(klNode.inputs).toEqual([theta, logSigma2]);
      const [dTheta, dLogSigma2] = [klNode.saved.dTheta!, klNode.saved.dLogSigma2!];
      const bad = firstBadGradient(
        thetas,
        logSigma2s,
        0.5,
        dTheta.storage as Float32Array,
        dLogSigma2.storage as Float32Array,
      );
      expect(bad).toBe(-1);
      const expNode = sigma2.gradNode;
      if (expNode?.op !== 'exp' || expNode.released) throw new Error('sigma2');
      expect(expNode.inputs).toEqual([logSigma2]);
      expect(expNode.saved.output).toBe(sigma2);
    }
    // Unrecorded: σ² still comes back, with no node.
    const plain = sparseVariationalDropoutKlWithSigma2(tensor([1, 1]), tensor([0, -10]));
    expect(plain.sigma2.gradNode).toBeNull();
    expect(plain.kl.item()).toBeCloseTo(klOf(0) + klOf(-10), 5);
    expect(Array.from(plain.sigma2.data())).toEqual([1, Math.fround(Math.exp(-10))]);
    expect(() => sparseVariationalDropoutKlWithSigma2(tensor([1]), tensor([1, 2]))).toThrow(
      ShapeError,
    );
  });

  it('computes no gradient when nothing will be recorded (noGrad, or no input requiring one)', () => {
    const wanted: boolean[] = [];
    const active = getBackend();
    const spy: Backend = Object.assign(Object.create(active) as Backend, {
      sparseVariationalDropoutKl(...args: Parameters<Backend['sparseVariationalDropoutKl']>) {
        wanted.push(args[4] !== null, args[5] !== null);
        expect(args[6]).toBeNull();
        active.sparseVariationalDropoutKl(...args);
      },
    });
    const previous = setBackend(spy);
    try {
      const theta = tensor([0.5, -1]);
      const logSigma2 = tensor([-3, -2]);
      sparseVariationalDropoutKl(theta, logSigma2);
      theta.requiresGrad = true;
      logSigma2.requiresGrad = true;
      const kl = withoutRecording(() => sparseVariationalDropoutKl(theta, logSigma2));
      expect(kl.gradNode).toBeNull();
      sparseVariationalDropoutKl(theta, logSigma2);
    } finally {
      setBackend(previous);
    }
    expect(wanted).toEqual([false, false, false, false, true, true]);
  });

  it('rejects operands and options that do not fit, naming op, argument and what came', () => {
    const theta = tensor([1, 2]);
    expect(() => sparseVariationalDropoutKl(theta, tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => sparseVariationalDropoutKl(theta, tensor([[1, 2]]))).toThrow(
      /sparseVariationalDropoutKl: argument 'logSigma2' must have theta's shape \[2\], got \[1,2\]/,
    );
    expect(() => sparseVariationalDropoutKl(tensor([1, 2], { dtype: 'int32' }), theta)).toThrow(
      DTypeError,
    );
    const bad = (options: unknown) => () =>
      sparseVariationalDropoutKl(theta, theta, options as { scale?: number });
    expect(bad({ scal: 2 })).toThrow(LacunaError);
    expect(bad({ scal: 2 })).toThrow(
      /'options\.scal' is not a known option\. did you mean 'scale'\?/,
    );
    for (const scale of [Number.NaN, Number.POSITIVE_INFINITY, -1e39, '2', null]) {
      expect(bad({ scale })).toThrow(ArgumentRangeError);
      expect(bad({ scale })).toThrow(
        /sparseVariationalDropoutKl: argument 'options\.scale' must be a finite number/,
      );
    }
  });
});
