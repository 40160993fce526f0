// What the ONNX Runtime peer runs and how, apart from running it (onnxruntime.ts): main.ts reads
// this without loading onnxruntime-node or Lacuna.
import type { InferenceSession } from 'onnxruntime-node';
import type { WorkloadId } from './types.js';

/** Intra-op threads: the machine's two cores, as the other peers have. */
export const ORT_THREADS = 2;
/** Graph optimisation level: every one ONNX Runtime has. */
export const ORT_OPTIMIZATION = 'all';

/** The workloads ONNX Runtime runs: the inference ones. */
export const ONNX_WORKLOADS = ['W5', 'W8'] as const;
export type OnnxWorkloadId = (typeof ONNX_WORKLOADS)[number];

/** Whether ONNX Runtime runs workload `id` (see {@link ONNX_WORKLOADS}). */
export const isOnnxWorkload = (id: WorkloadId): id is OnnxWorkloadId =>
  (ONNX_WORKLOADS as readonly string[]).includes(id);

/**
 * The session every workload runs in: the CPU execution provider on the machine's two cores
 * (intra-op threads; one inter-op thread, nodes run in order), with every graph optimisation on
 * (`all`: constant folding, node fusions such as Gemm + Relu, and the NCHWc layout for Conv).
 * Idle intra-op threads sleep instead of spinning (`session.intra_op.allow_spinning = 0`, from
 * onnxruntime_session_options_config_keys.h), as PyTorch's OpenMP threads do with
 * `OMP_WAIT_POLICY=passive`: on the shared two cores a spinning thread takes the core the other
 * needs.
 */
export const sessionOptions = (): InferenceSession.SessionOptions => ({
  executionProviders: ['cpu'],
  intraOpNumThreads: ORT_THREADS,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: ORT_OPTIMIZATION,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
