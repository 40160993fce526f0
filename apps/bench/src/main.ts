import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@lacuna/tensor/node';
import type { Timing } from './measure.js';
import {
  isOnnxWorkload,
  ONNX_WORKLOADS,
  ORT_OPTIMIZATION,
  ORT_THREADS,
} from './peers/onnxruntime-options.js';
import { findTorchPython, runTorch, TORCH_THREADS } from './peers/pytorch.js';
import {
  LEARNED_RATE_LAYER_TITLES,
  PEERS,
  type PeerId,
  WORKLOADS,
  type WorkloadId,
} from './peers/types.js';

interface Result {
  peer: PeerId;
  workload: WorkloadId;
  title?: string;
  unit?: string;
  work?: number;
  timing?: Timing;
  /** W9–W11: Linear + Dropout's step, timed in alternation with the learned-rate layer's, and the ratio. */
  baseline?: Timing;
  ratio?: number;
  throughput?: number;
  peakRssMb: number;
  variants?: { name: string; elements: number; timing: Timing; bytesPerElement: number }[];
}

const here = dirname(fileURLToPath(import.meta.url));
// node:util's parseArgs covers three flags; no CLI dependency needed.
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    peers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: bench [--quick] [--only W1,W4] [--peers lacuna,tfjs-cpu,tfjs-wasm,pytorch,onnxruntime]\n  W1 dropout forward, W2 dropout forward+backward, W3 MLP train step, W4 matmul, W5 MLP inference, W6 dropout variants, W7 conv2d forward+backward, W8 conv2d forward, W9 LinearSVD train step vs Linear + Dropout, W10 VariationalLinear (α per weight) train step vs Linear + Dropout, W11 VariationalLinear (α per unit) train step vs Linear + Dropout',
  );
  process.exit(0);
}
const pick = <T extends string>(raw: string | undefined, all: readonly T[], what: string): T[] => {
  if (raw === undefined) return [...all];
  const list = raw.split(',').map((s) => s.trim());
  const bad = list.filter((s) => !all.includes(s as T));
  if (bad.length) {
    console.error(`bench: unknown ${what} ${bad.join(', ')} (choose from ${all.join(', ')})`);
    process.exit(2);
  }
  return list as T[];
};
const workloads = pick(values.only, WORKLOADS, 'workload');
const peers = pick(values.peers, PEERS, 'peer');
const quick = values.quick;

// Combinations a peer cannot run at all: reported beside the table, never measured.
const UNSUPPORTED: Partial<Record<`${WorkloadId} ${PeerId}`, string>> = {
  'W7 tfjs-wasm':
    "TensorFlow.js 4.22's wasm backend registers no Conv2DBackpropFilter kernel, so it cannot train a convolution",
};

// ONNX Runtime is an inference engine: it runs the inference workloads only.
const onnxNotMeasured = (workload: WorkloadId) =>
  ['W2', 'W3', 'W7'].includes(workload)
    ? 'ONNX Runtime (onnxruntime-node) is an inference engine: it has no gradients, so it cannot train'
    : `ONNX Runtime is compared on the inference workloads only (${ONNX_WORKLOADS.join(', ')})`;

// The learned-rate layers exist in no peer's core library.
const LEARNED_RATE_NOT_MEASURED: Partial<Record<WorkloadId, string>> = {
  W9: "LinearSVD (sparse variational dropout, Molchanov et al. 2017) is Lacuna's own: no peer ships it in its core library, only research code",
  W10: "VariationalLinear (variational dropout, Kingma et al. 2015) is Lacuna's own: no peer ships it in its core library, only research code",
  W11: "VariationalLinear (variational dropout, Kingma et al. 2015) is Lacuna's own: no peer ships it in its core library, only research code",
};

// PyTorch runs in Python: looked for once, and "not measured" with the reason when absent.
const torch =
  peers.includes('pytorch') &&
  workloads.some((w) => w !== 'W6' && !(w in LEARNED_RATE_NOT_MEASURED))
    ? findTorchPython()
    : undefined;

const results: Result[] = [];
const notMeasured: string[] = [];
for (const workload of workloads) {
  for (const peer of peers) {
    if (workload === 'W6' && peer !== 'lacuna') continue; // the dropout family is Lacuna's own
    const why =
      (peer !== 'lacuna' ? LEARNED_RATE_NOT_MEASURED[workload] : undefined) ??
      UNSUPPORTED[`${workload} ${peer}`] ??
      (peer === 'onnxruntime' && !isOnnxWorkload(workload)
        ? onnxNotMeasured(workload)
        : undefined) ??
      (peer === 'pytorch' && torch && 'reason' in torch ? torch.reason : undefined);
    if (why) {
      notMeasured.push(`${workload} ${peer}: ${why}`);
      continue;
    }
    process.stderr.write(`${workload} ${peer} … `);
    const r =
      peer === 'pytorch' && workload !== 'W6' && torch && 'python' in torch
        ? runTorch(torch.python, join(here, '..', 'scripts', 'torch_peer.py'), workload, quick)
        : spawnSync(
            process.execPath,
            [join(here, 'peer.js'), peer, workload, ...(quick ? ['--quick'] : [])],
            { encoding: 'utf8', maxBuffer: 1 << 24 },
          );
    if (r.status !== 0) {
      console.error(`\nbench: ${peer} ${workload} failed:\n${r.stderr}`);
      process.exit(1);
    }
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Result;
    results.push(result);
    process.stderr.write(`${result.timing ? `${result.timing.medianMs.toFixed(1)} ms` : 'done'}\n`);
  }
}

const require = createRequire(import.meta.url);
const version = async (name: string) => {
  try {
    let dir = dirname(require.resolve(name));
    while (
      !(await readFile(join(dir, 'package.json'), 'utf8').then(
        (t) => JSON.parse(t).name === name,
        () => false,
      ))
    )
      dir = dirname(dir);
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
};
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  lacunaTensor: await version('@lacuna/tensor'),
  tfjs: await version('@tensorflow/tfjs'),
  onnxruntime: `${await version('onnxruntime-node')}, cpu provider, ${ORT_THREADS} intra-op threads (no spinning), graph optimisation ${ORT_OPTIMIZATION}`,
  pytorch:
    torch && 'python' in torch
      ? `${torch.version} (${torch.python}), ${TORCH_THREADS} threads`
      : 'not measured',
  date: new Date().toISOString(),
  quick,
};

const fmt = (r: Result) =>
  r.unit === 'GFLOP'
    ? `${r.throughput!.toFixed(2)} GFLOP/s`
    : r.unit === 'samples'
      ? `${r.throughput!.toFixed(0)} samples/s`
      : `${r.throughput!.toFixed(0)} Melem/s`;
const rows = results
  .filter((r) => r.timing)
  .map((r) => {
    const base = results.find((b) => b.workload === r.workload && b.peer === 'lacuna' && b.timing);
    return {
      workload: r.workload,
      what: r.title!,
      peer: r.peer,
      runs: r.timing!.runs,
      'median ms': r.timing!.medianMs.toFixed(2),
      'min–max ms': `${r.timing!.minMs.toFixed(2)}–${r.timing!.maxMs.toFixed(2)}`,
      throughput: fmt(r),
      'Lacuna speed-up':
        base && r.peer !== 'lacuna'
          ? `${(r.timing!.medianMs / base.timing!.medianMs).toFixed(2)}×`
          : '',
      'peak RSS MB': r.peakRssMb.toFixed(0),
    };
  });
console.log(
  `\nLacuna vs TensorFlow.js ${machine.tfjs}, PyTorch ${machine.pytorch} and ONNX Runtime ${machine.onnxruntime} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${quick ? ' (quick smoke run: tiny sizes, the figures mean nothing)' : ''}`,
);
console.table(rows);
const variants = results.find((r) => r.variants)?.variants ?? [];
const variantRows = variants.map((v) => ({
  variant: v.name,
  runs: v.timing.runs,
  'median ms': v.timing.medianMs.toFixed(1),
  'Melem/s (fwd+bwd)': (v.elements / 1e6 / (v.timing.medianMs / 1000)).toFixed(1),
  'bytes held / element': v.bytesPerElement.toFixed(3),
}));
if (notMeasured.length) console.log(`\nNot measured: ${notMeasured.join('; ')}`);
const ratioLines = results
  .filter((r) => r.ratio !== undefined)
  .map(
    (r) =>
      `${r.workload}: ${LEARNED_RATE_LAYER_TITLES[r.workload as keyof typeof LEARNED_RATE_LAYER_TITLES]} train step ${r.timing!.medianMs.toFixed(2)} ms, Linear + Dropout ${r.baseline!.medianMs.toFixed(2)} ms (median, timed in alternation): ${r.ratio!.toFixed(2)}× (target ≤ 2.5×)`,
  );
if (ratioLines.length) console.log(`\n${ratioLines.join('\n')}`);
if (variantRows.length) {
  console.log('\nW6: dropout family, forward + backward, and what each keeps between them');
  console.table(variantRows);
}

const table = (list: Record<string, unknown>[]) => {
  if (!list.length) return '';
  const cols = Object.keys(list[0]!);
  return [
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...list.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`),
  ].join('\n');
};
const markdown = `# Lacuna benchmark results\n\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, @lacuna/tensor ${machine.lacunaTensor}, TensorFlow.js ${machine.tfjs}, PyTorch ${machine.pytorch}, ONNX Runtime ${machine.onnxruntime}, ${machine.date}${quick ? ' (quick smoke run)' : ''}.\nMedians; "Lacuna speed-up" is the peer's median time over Lacuna's. Each peer and workload ran in its own process.\n\n${table(rows)}\n${notMeasured.map((line) => `\nNot measured: ${line}.\n`).join('')}${ratioLines.map((line) => `\n${line}.\n`).join('')}\n## W6: dropout family\n\n${table(variantRows)}\n`;
// Only a complete run replaces the results kept in the repository; partial and quick runs go to tmp/.
const complete = !quick && values.only === undefined && values.peers === undefined;
const dir = join(here, '..', 'results', ...(complete ? [] : ['tmp']));
await writeFileAtomic(
  join(dir, 'latest.json'),
  new TextEncoder().encode(`${JSON.stringify({ machine, results, notMeasured }, null, 2)}\n`),
);
await writeFileAtomic(join(dir, 'latest.md'), new TextEncoder().encode(markdown));
console.log(`\nresults: ${join(dir, 'latest.md')}`);
