/** The workloads of the comparison (see the README for their definitions). */
export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** The implementations measured side by side, each in its own process. */
export const PEERS = ['lacuna', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type PeerId = (typeof PEERS)[number];

/** A prepared workload: one call of `run` does `work` units of work. */
export interface Prepared {
  title: string;
  /** Work per call, in `unit` (elements, FLOPs, samples). */
  work: number;
  unit: 'Melem' | 'GFLOP' | 'samples';
  run: () => void;
  /** Timed repetitions in a full run. */
  runs: number;
}

/** Sizes for a full run, or tiny ones for the smoke test. */
export function sizes(quick: boolean) {
  return quick
    ? {
        dropout: [64, 64],
        batch: 8,
        inferBatch: 16,
        matmul: 64,
        hidden: 64,
        variants: [2, 64, 4, 4],
        conv: { batch: 2, channels: 4, size: 8, filters: 4 },
      }
    : {
        dropout: [1024, 1024],
        batch: 128,
        inferBatch: 1024,
        matmul: 1024,
        hidden: 1024,
        variants: [128, 64, 32, 32],
        conv: { batch: 32, channels: 16, size: 32, filters: 32 },
      };
}

/** FLOPs of one 3×3 convolution of the W7/W8 layer: 2·N·O·H·W·C·3·3 (W7 does three: forward and two gradients). */
export function convFlops(c: ReturnType<typeof sizes>['conv']): number {
  return 2 * c.batch * c.filters * c.size * c.size * c.channels * 9;
}
