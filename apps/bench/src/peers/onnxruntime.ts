import { InferenceSession, Tensor } from 'onnxruntime-node';
import { convOperands, mlpInference } from './lacuna.js';
import { encodeModel, type Graph } from './onnx-model.js';
import { type OnnxWorkloadId, sessionOptions } from './onnxruntime-options.js';

/** A float32 input fed to the graph on each run. */
export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Workload `id` as an ONNX graph and its inputs, with the weights and inputs Lacuna's peer uses
 * (lacuna.ts, seed 0). W5: Gemm (weight [out, in], so `transB = 1`) + Relu, twice, then Gemm;
 * dropout is the identity at inference, so it has no node. W8: one Conv, 3×3, padding 1, no bias.
 */
export function onnxWorkload(
  id: OnnxWorkloadId,
  quick: boolean,
): { graph: Graph; feeds: Record<string, Feed> } {
  if (id === 'W8') {
    const { x, w } = convOperands(quick);
    const [n, , h, wd] = x.shape as [number, number, number, number];
    return {
      graph: {
        name: 'W8 conv2d',
        nodes: [
          {
            op: 'Conv',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] },
          },
        ],
        initializers: [{ name: 'w', dims: w.shape, data: w.data() as Float32Array }],
        inputs: [{ name: 'x', dims: x.shape }],
        outputs: [{ name: 'y', dims: [n, w.shape[0]!, h, wd] }],
      },
      feeds: { x: { data: x.data() as Float32Array, dims: x.shape } },
    };
  }
  const { linears, x } = mlpInference(quick);
  const batch = x.shape[0]!;
  const last = linears.length - 1;
  const nodes = linears.flatMap((_, i) => {
    const input = i === 0 ? 'x' : `a${i - 1}`;
    const gemm = {
      op: 'Gemm',
      inputs: [input, `w${i}`, `b${i}`],
      outputs: [i === last ? 'y' : `h${i}`],
      attributes: { transB: 1 },
    };
    return i === last ? [gemm] : [gemm, { op: 'Relu', inputs: [`h${i}`], outputs: [`a${i}`] }];
  });
  const initializers = linears.flatMap((l, i) => [
    { name: `w${i}`, dims: l.weight.shape, data: l.weight.data() as Float32Array },
    { name: `b${i}`, dims: l.bias!.shape, data: l.bias!.data() as Float32Array },
  ]);
  return {
    graph: {
      name: 'W5 MLP inference',
      nodes,
      initializers,
      inputs: [{ name: 'x', dims: x.shape }],
      outputs: [{ name: 'y', dims: [batch, 10] }],
    },
    feeds: { x: { data: x.data() as Float32Array, dims: x.shape } },
  };
}

/** An ONNX Runtime session for workload `id` and one call of it (`session.run`, resolved once the outputs are computed). */
export async function prepareOnnxRuntime(
  id: OnnxWorkloadId,
  quick: boolean,
): Promise<{ run: () => Promise<unknown>; session: InferenceSession }> {
  const { graph, feeds } = onnxWorkload(id, quick);
  const session = await InferenceSession.create(encodeModel(graph), sessionOptions());
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([name, f]) => [name, new Tensor('float32', f.data, [...f.dims])]),
  );
  return { run: () => session.run(inputs), session };
}
