import { parseArgs } from 'node:util';
import {
  defaultConfig,
  type ExperimentConfig,
  type RunResult,
  runConfiguration,
} from './experiment.js';

// node:util's parseArgs is enough for a handful of numeric flags; no CLI dependency needed yet.
const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    seed: { type: 'string' },
    'train-size': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`lacuna demo: does dropout prevent over-fitting?

Trains the same over-sized MLP (2-${defaultConfig.hidden}-${defaultConfig.hidden}-2) on a small noisy two-moons
set twice, without and with dropout (p = 0.5 on hidden layers), and compares train and test accuracy.

Options:
  --epochs N       training epochs (default ${defaultConfig.epochs})
  --seed N         random seed (default ${defaultConfig.seed})
  --train-size N   training examples (default ${defaultConfig.trainSize})`);
  process.exit(0);
}

function intOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`demo: option --${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const cfg: ExperimentConfig = {
  ...defaultConfig,
  epochs: intOption('epochs', values.epochs, defaultConfig.epochs),
  seed: intOption('seed', values.seed, defaultConfig.seed),
  trainSize: intOption('train-size', values['train-size'], defaultConfig.trainSize),
};

const pct = (v: number) => `${(100 * v).toFixed(1).padStart(5)} %`;
console.log(
  `Does dropout prevent over-fitting? two moons, ${cfg.trainSize} training / ${cfg.testSize} test points, noise ${cfg.noise}`,
);
console.log(
  `MLP 2-${cfg.hidden}-${cfg.hidden}-2, SGD lr ${cfg.lr} momentum 0.9, batch ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}\n`,
);

const results: RunResult[] = [];
for (const [name, p] of [
  ['no dropout', 0],
  ['dropout 0.5', 0.5],
] as const) {
  const started = performance.now();
  results.push(
    runConfiguration(cfg, name, p, (epoch, train, test) => {
      console.log(
        `  ${name.padEnd(12)} epoch ${String(epoch).padStart(4)}  train loss ${train.loss.toFixed(4)} acc ${pct(train.accuracy)}  test loss ${test.loss.toFixed(4)} acc ${pct(test.accuracy)}`,
      );
    }),
  );
  console.log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

console.log('configuration   train acc   test acc   gap (train - test)   test loss');
for (const r of results) {
  console.log(
    `${r.name.padEnd(14)}  ${pct(r.train.accuracy)}   ${pct(r.test.accuracy)}   ${pct(r.train.accuracy - r.test.accuracy).padStart(18)}   ${r.test.loss.toFixed(4).padStart(9)}`,
  );
}
