/** The workloads of the comparison (see the README for their definitions). */
export const WORKLOADS = [
  'W1',
  'W2',
  'W3',
  'W4',
  'W5',
  'W6',
  'W7',
  'W8',
  'W9',
  'W10',
  'W11',
] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** The implementations measured side by side, each in its own process. */
export const PEERS = ['lacuna', 'tfjs-cpu', 'tfjs-wasm', 'pytorch', 'onnxruntime'] as const;
export type PeerId = (typeof PEERS)[number];

/** One call of a prepared workload: `work` units of it (see {@link describeWorkload}). */
export type Run = () => void;

/** What a workload is, for every peer: its title, the work one call does and its timed runs. */
export interface WorkloadInfo {
  title: string;
  /** Work per call, in `unit` (elements, FLOPs, samples). */
  work: number;
  unit: 'Melem' | 'GFLOP' | 'samples';
  /** Timed repetitions in a full run. */
  runs: number;
}

/** The learned-rate layer each of W9–W11 times, as its workload's title names it. */
export const LEARNED_RATE_LAYER_TITLES: Readonly<Record<'W9' | 'W10' | 'W11', string>> = {
  W9: 'LinearSVD',
  W10: 'VariationalLinear (α per weight)',
  W11: 'VariationalLinear (α per unit)',
};

/** The one description of each timed workload (W6 reports per variant instead; W9–W11 also time their baseline). */
export function describeWorkload(id: Exclude<WorkloadId, 'W6'>, quick: boolean): WorkloadInfo {
  const s = sizes(quick);
  const c = s.conv;
  const layer = `[${c.batch},${c.channels},${c.size},${c.size}]→${c.filters}`;
  const elements = s.dropout[0]! * s.dropout[1]!;
  const h = s.hidden;
  switch (id) {
    case 'W1':
      return {
        title: `dropout forward p=0.5 [${s.dropout}]`,
        work: elements / 1e6,
        unit: 'Melem',
        runs: 21,
      };
    case 'W2':
      return {
        title: `dropout forward+backward [${s.dropout}]`,
        work: elements / 1e6,
        unit: 'Melem',
        runs: 21,
      };
    case 'W3':
      return {
        title: `MLP 784-${h}-${h}-10 train step, batch ${s.batch}`,
        work: s.batch,
        unit: 'samples',
        runs: 9,
      };
    case 'W4':
      return {
        title: `matmul ${s.matmul}×${s.matmul}×${s.matmul}`,
        work: (2 * s.matmul ** 3) / 1e9,
        unit: 'GFLOP',
        runs: 5,
      };
    case 'W5':
      return {
        title: `MLP inference (eval), batch ${s.inferBatch}`,
        work: s.inferBatch,
        unit: 'samples',
        runs: 9,
      };
    case 'W7':
      // 3 runs: TF.js cpu takes over 20 s a run.
      return {
        title: `conv2d 3×3 forward+backward ${layer}`,
        work: (3 * convFlops(c)) / 1e9,
        unit: 'GFLOP',
        runs: 3,
      };
    case 'W8':
      return {
        title: `conv2d 3×3 forward ${layer}`,
        work: convFlops(c) / 1e9,
        unit: 'GFLOP',
        runs: 9,
      };
    case 'W9':
    case 'W10':
    case 'W11':
      return {
        title: `${LEARNED_RATE_LAYER_TITLES[id]} ${h}→${h} train step, batch ${s.batch} (vs Linear + Dropout 0.5)`,
        work: s.batch,
        unit: 'samples',
        runs: 9,
      };
  }
}

/** Timed runs and warm-up calls of a workload, for every peer: two and one in a quick run. */
export function schedule(w: WorkloadInfo, quick: boolean): { runs: number; warmup: number } {
  return { runs: quick ? 2 : w.runs, warmup: quick ? 1 : 2 };
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
