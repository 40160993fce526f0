import { parseArgs } from 'node:util';
import { benchDropoutVariants } from './dropout-variants.js';
import { measure } from './measure.js';
import { workloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    'skip-variants': { type: 'boolean', default: false },
  },
});

const runs = values.runs === undefined ? (values.quick ? 3 : 9) : Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs must be a positive integer, got ${JSON.stringify(values.runs)}`);
  process.exit(2);
}
const only = values.only?.split(',').map((s) => s.trim());
const selected = workloads(values.quick).filter((w) => !only || only.includes(w.id));
if (selected.length === 0) {
  console.error(
    `bench: --only matched no workload; ids: ${workloads(true)
      .map((w) => w.id)
      .join(', ')}`,
  );
  process.exit(2);
}

console.log(
  `Lacuna benchmarks (${values.quick ? 'quick smoke run: sizes are tiny, figures mean nothing' : 'full'}); medians after warm-up`,
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
const rows = selected.map((w) => {
  const n = values.runs === undefined && !values.quick && w.runs !== undefined ? w.runs : runs;
  const t = measure(w.lacuna, n);
  const rate = w.work / (t.medianMs / 1000);
  const peer = w.peer ? measure(w.peer.run, n) : undefined;
  return {
    workload: w.title,
    runs: n,
    'median ms': t.medianMs.toFixed(2),
    'min–max ms': `${t.minMs.toFixed(2)}–${t.maxMs.toFixed(2)}`,
    throughput: `${rate.toFixed(w.unit === 'samples' ? 0 : 2)} ${w.unit}/s`,
    peer: w.peer ? w.peer.name : '',
    'peer median ms': peer ? peer.medianMs.toFixed(2) : '',
    'speed-up vs peer': peer ? `${(peer.medianMs / t.medianMs).toFixed(2)}×` : '',
  };
});
console.table(rows);

if (!values['skip-variants']) {
  const shape = values.quick ? [2, 64, 4, 4] : [32, 64, 32, 32];
  console.log(
    `\nDropout family: forward + backward on [${shape.join(', ')}] (p = 0.5), and bytes the graph holds between them`,
  );
  console.table(
    benchDropoutVariants(shape, values.quick ? 2 : 5).map((r) => ({
      variant: r.name,
      runs: r.timing.runs,
      'median ms': r.timing.medianMs.toFixed(1),
      'Melem/s': (r.elements / 1e6 / (r.timing.medianMs / 1000)).toFixed(1),
      'bytes held / element': r.bytesPerElement.toFixed(3),
    })),
  );
}
