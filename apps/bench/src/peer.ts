// One peer, one workload, in its own process: prints a JSON line with the timing and the peak
// resident memory. Spawned by main.ts; run directly as `node dist/peer.js <peer> <workload> [--quick]`.
import { benchDropoutVariants } from './dropout-variants.js';
import { measure, measureAsync, measurePair, type Timing } from './measure.js';
import { prepareLacuna } from './peers/lacuna.js';
import { isOnnxWorkload, ONNX_WORKLOADS } from './peers/onnxruntime-options.js';
import { prepareTfjs, useTfjsBackend } from './peers/tfjs.js';
import {
  describeWorkload,
  PEERS,
  type PeerId,
  schedule,
  sizes,
  WORKLOADS,
  type WorkloadId,
} from './peers/types.js';
import { LEARNED_RATE_KIND, prepareVariationalStep } from './variational-step.js';

const [peer, workload, flag] = process.argv.slice(2) as [PeerId, WorkloadId, string | undefined];
const quick = flag === '--quick';
// PyTorch's workloads run in Python (scripts/torch_peer.py, spawned by main.ts), not here.
const jsPeers = PEERS.filter((p) => p !== 'pytorch');
const onnxCannot = peer === 'onnxruntime' && !isOnnxWorkload(workload);
const learnedRate = LEARNED_RATE_KIND[workload] !== undefined;
const lacunaOnly = (workload === 'W6' || learnedRate) && peer !== 'lacuna';
if (
  peer === 'pytorch' ||
  onnxCannot ||
  lacunaOnly ||
  !PEERS.includes(peer) ||
  !WORKLOADS.includes(workload)
) {
  console.error(
    `usage: peer.js <${jsPeers.join('|')}> <${WORKLOADS.join('|')}> [--quick] (onnxruntime: ${ONNX_WORKLOADS.join(', ')}; W6 and W9–W11: lacuna only)`,
  );
  process.exit(2);
}

if (workload === 'W6') {
  const variants = benchDropoutVariants(sizes(quick).variants, quick ? 2 : 3);
  console.log(
    JSON.stringify({ peer, workload, variants, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
} else {
  const w = describeWorkload(workload, quick);
  const { runs, warmup } = schedule(w, quick);
  let timing: Timing;
  let baseline: Timing | undefined;
  if (learnedRate) {
    // The learned-rate layer and its fixed-rate baseline in alternation: the ratio is the figure
    // that matters.
    [timing, baseline] = measurePair(
      prepareVariationalStep(LEARNED_RATE_KIND[workload]!, quick),
      prepareVariationalStep('dropout', quick),
      runs,
      warmup,
    );
  } else if (peer === 'onnxruntime' && isOnnxWorkload(workload)) {
    // Loaded only here, so the native library adds nothing to the other peers' peak memory.
    const { prepareOnnxRuntime } = await import('./peers/onnxruntime.js');
    // session.run returns a promise: timed until it resolves, with the same statistics.
    timing = await measureAsync((await prepareOnnxRuntime(workload, quick)).run, runs, warmup);
  } else {
    if (peer !== 'lacuna') await useTfjsBackend(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
    const run = peer === 'lacuna' ? prepareLacuna(workload, quick) : prepareTfjs(workload, quick);
    timing = measure(run, runs, warmup);
  }
  console.log(
    JSON.stringify({
      peer,
      workload,
      title: w.title,
      unit: w.unit,
      work: w.work,
      timing,
      ...(baseline ? { baseline, ratio: timing.medianMs / baseline.medianMs } : {}),
      throughput: w.work / (timing.medianMs / 1000),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
