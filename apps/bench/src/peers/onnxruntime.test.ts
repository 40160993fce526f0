import { noGrad } from '@lacuna/autograd';
import { conv2d } from '@lacuna/tensor';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convOperands, mlpInference } from './lacuna.js';
import { encodeModel } from './onnx-model.js';
import { onnxWorkload, prepareOnnxRuntime } from './onnxruntime.js';
import { sessionOptions } from './onnxruntime-options.js';

// The models are encoded by hand (onnx-model.ts): running them in ONNX Runtime and comparing with
// Lacuna on the same weights catches a wrong field number, layout or attribute.
const runGraph = async (id: 'W5' | 'W8') => {
  const { graph, feeds } = onnxWorkload(id, true);
  const session = await InferenceSession.create(encodeModel(graph), sessionOptions());
  const x = feeds.x!;
  const out = await session.run({ x: new Tensor('float32', x.data, [...x.dims]) });
  await session.release();
  return out.y!;
};

const expectClose = (actual: Float32Array, expected: Float32Array) => {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  expect(worst).toBeLessThan(1e-5);
};

describe('ONNX Runtime peer', () => {
  it('W5: the encoded MLP gives Lacuna eval-mode outputs on the same weights', async () => {
    const y = await runGraph('W5');
    const { net, x } = mlpInference(true);
    const expected = noGrad(() => net.forward(x));
    expect(y.dims).toEqual(expected.shape);
    expectClose(y.data as Float32Array, expected.data() as Float32Array);
  });

  it('W8: the encoded Conv gives Lacuna conv2d (3×3, padding 1) on the same weights', async () => {
    const y = await runGraph('W8');
    const { x, w } = convOperands(true);
    const expected = conv2d(x, w, { padding: 1 });
    expect(y.dims).toEqual(expected.shape);
    expectClose(y.data as Float32Array, expected.data() as Float32Array);
  });

  it('a model that differs from Lacuna fails the comparison', async () => {
    // The kernel flipped in both spatial axes: same shapes, a convolution instead of a
    // cross-correlation; the comparison above must tell them apart.
    const { graph, feeds } = onnxWorkload('W8', true);
    const w = graph.initializers[0]!;
    const [o, c] = w.dims as [number, number];
    const flipped = new Float32Array(w.data.length);
    for (let i = 0; i < o * c; i++)
      for (let k = 0; k < 9; k++) flipped[i * 9 + k] = w.data[i * 9 + 8 - k]!;
    const session = await InferenceSession.create(
      encodeModel({ ...graph, initializers: [{ ...w, data: flipped }] }),
    );
    const x = feeds.x!;
    const out = await session.run({ x: new Tensor('float32', x.data, [...x.dims]) });
    await session.release();
    const { x: lx, w: lw } = convOperands(true);
    const expected = conv2d(lx, lw, { padding: 1 }).data() as Float32Array;
    expect(() => expectClose(out.y!.data as Float32Array, expected)).toThrow();
  });

  it('a Gemm without transB cannot read the [out, in] weights: the session is refused', async () => {
    const { graph } = onnxWorkload('W5', true);
    const broken = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.op === 'Gemm' ? { ...n, attributes: {} } : n)),
    };
    await expect(InferenceSession.create(encodeModel(broken))).rejects.toThrow();
  });

  it('prepares a run that resolves to the outputs', async () => {
    const { run, session } = await prepareOnnxRuntime('W8', true);
    const out = (await run()) as Record<string, Tensor>;
    expect(out.y!.dims).toEqual([2, 4, 8, 8]);
    await session.release();
  });
});
