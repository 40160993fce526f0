// A minimal ONNX ModelProto encoder: float32 graphs of standard operators with fixed shapes,
// weights as initializers. Enough for the bench's inference workloads (onnxruntime.ts); built at
// run time, so the bench needs no model files and no Python.
import { Message } from './protobuf.js';

/**
 * Field numbers of the messages written here, from onnx/onnx.proto (github.com/onnx/onnx,
 * `onnx/onnx.proto`; unchanged since IR version 7). The file is proto2: repeated scalars are
 * unpacked unless marked `[packed = true]`, and readers accept either.
 */
const F = {
  model: { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 },
  operatorSetId: { domain: 1, version: 2 },
  graph: { node: 1, name: 2, initializer: 5, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5 },
  // AttributeProto.type (field 20) is an AttributeType: INT = 2, INTS = 7.
  attribute: { name: 1, i: 3, ints: 8, type: 20 },
  tensor: { dims: 1, dataType: 2, name: 8, rawData: 9 },
  valueInfo: { name: 1, type: 2 },
  typeProto: { tensorType: 1 },
  typeTensor: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dimension: { dimValue: 1 },
} as const;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;
/** TensorProto.DataType FLOAT. */
const FLOAT = 1;

/** IR version 7 (ONNX 1.7) is the first to carry opset 13; ONNX Runtime reads both. */
export const IR_VERSION = 7;
/** The default-domain operator set the graphs use (Gemm, Relu, Conv as of opset 13). */
export const OPSET = 13;

/** A float32 tensor stored in the model (a weight). */
export interface Initializer {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** A graph input or output: float32, every dimension fixed. */
export interface Value {
  name: string;
  dims: readonly number[];
}

/** One operator of the default domain; integer and integer-list attributes only. */
export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, number | readonly number[]>>;
}

/** A graph: nodes in topological order, weights, and the inputs and outputs fed and fetched. */
export interface Graph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly Initializer[];
  inputs: readonly Value[];
  outputs: readonly Value[];
}

const attribute = (name: string, value: number | readonly number[]): Message => {
  const m = new Message().string(F.attribute.name, name);
  if (typeof value === 'number')
    return m.int(F.attribute.type, ATTRIBUTE_INT).int(F.attribute.i, value);
  m.int(F.attribute.type, ATTRIBUTE_INTS);
  for (const v of value) m.int(F.attribute.ints, v);
  return m;
};

const node = (n: OnnxNode, index: number): Message => {
  const m = new Message();
  for (const input of n.inputs) m.string(F.node.input, input);
  for (const output of n.outputs) m.string(F.node.output, output);
  m.string(F.node.name, `${n.op}_${index}`).string(F.node.opType, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {}))
    m.message(F.node.attribute, attribute(name, value));
  return m;
};

const initializer = (t: Initializer): Message => {
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (size !== t.data.length)
    throw new RangeError(
      `ONNX initializer ${t.name}: dims [${t.dims}] hold ${size} values, got ${t.data.length}`,
    );
  const m = new Message();
  for (const d of t.dims) m.int(F.tensor.dims, d);
  // raw_data is little-endian; the platforms onnxruntime-node ships binaries for all are.
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return m.int(F.tensor.dataType, FLOAT).string(F.tensor.name, t.name).bytes(F.tensor.rawData, raw);
};

const valueInfo = (v: Value): Message => {
  const shape = new Message();
  for (const d of v.dims) shape.message(F.shape.dim, new Message().int(F.dimension.dimValue, d));
  const tensorType = new Message()
    .int(F.typeTensor.elemType, FLOAT)
    .message(F.typeTensor.shape, shape);
  return new Message()
    .string(F.valueInfo.name, v.name)
    .message(F.valueInfo.type, new Message().message(F.typeProto.tensorType, tensorType));
};

/** Encodes `graph` as an ONNX ModelProto (IR version {@link IR_VERSION}, opset {@link OPSET}). */
export function encodeModel(graph: Graph): Uint8Array {
  const g = new Message();
  graph.nodes.forEach((n, i) => {
    g.message(F.graph.node, node(n, i));
  });
  g.string(F.graph.name, graph.name);
  for (const t of graph.initializers) g.message(F.graph.initializer, initializer(t));
  for (const v of graph.inputs) g.message(F.graph.input, valueInfo(v));
  for (const v of graph.outputs) g.message(F.graph.output, valueInfo(v));
  return new Message()
    .int(F.model.irVersion, IR_VERSION)
    .string(F.model.producerName, '@lacuna/bench')
    .message(F.model.graph, g)
    .message(
      F.model.opsetImport,
      new Message().string(F.operatorSetId.domain, '').int(F.operatorSetId.version, OPSET),
    )
    .encode();
}
