import { access, constants, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LacunaError } from '@lacuna/tensor';
import { Command, InvalidArgumentError, Option } from 'commander';
import { compare } from './commands/compare.js';
import { mc } from './commands/mc.js';
import { scaling } from './commands/scaling.js';
import { size } from './commands/size.js';
import { sweep } from './commands/sweep.js';
import { variants } from './commands/variants.js';
import { type CommonOptions, printTable } from './common.js';
import { DATASETS, loadTask, type Task } from './data.js';
import { UsageError } from './errors.js';
import { type Report, writeReport } from './report.js';

// commander: the de-facto Node CLI parser, with subcommands, typed options and generated help.
const int = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
  return n;
};
const positive = (value: string) => {
  const v = Number(value);
  if (!(v > 0) || !Number.isFinite(v)) throw new InvalidArgumentError('must be a positive number');
  return v;
};
const probability = (value: string) => {
  const p = Number(value);
  if (!(p >= 0 && p < 1)) throw new InvalidArgumentError('a drop probability must lie in [0, 1)');
  return p;
};

type Runner = (task: Task, o: CommonOptions) => Promise<Report>;

async function run(name: string, runner: Runner, raw: Record<string, unknown>): Promise<void> {
  const quick = Boolean(raw.quick);
  const dataset = String(raw.dataset);
  const o: CommonOptions = {
    dataset,
    quick,
    trainSize:
      (raw.trainSize as number | undefined) ??
      (quick ? (dataset === 'moons' ? 64 : 300) : dataset === 'moons' ? 64 : 2000),
    epochs: (raw.epochs as number | undefined) ?? (quick ? 10 : dataset === 'moons' ? 150 : 12),
    seed: raw.seed as number,
    out: resolve(String(raw.out ?? `lacuna-report/${name}`)),
    inputP: (raw.inputP as number | undefined) ?? (dataset === 'moons' ? 0 : 0.2),
    hiddenP: raw.hiddenP as number,
    optimizer: raw.optimizer as 'sgd' | 'adam',
    // Quick runs train a small net for a few epochs: a larger Adam step gets it somewhere.
    lr: (raw.lr as number | undefined) ?? (raw.optimizer === 'sgd' ? 0.05 : quick ? 0.005 : 0.001),
  };
  // Fail on an unwritable --out before minutes of training, not after.
  try {
    await mkdir(o.out, { recursive: true });
    await access(o.out, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write the report to --out ${o.out}`);
  }
  const started = performance.now();
  const task = await loadTask(dataset, o.trainSize, o.seed, quick ? 1000 : undefined);
  console.log(
    `${name}: ${task.name}, ${task.train.y.size} training / ${task.test.y.size} test examples, ${o.epochs} epochs, seed ${o.seed}${quick ? ' (quick)' : ''}\n`,
  );
  const report = await runner(task, o);
  const { html, json } = await writeReport(report, o.out);
  console.log(`\n${report.title}\n${printTable(report.table)}\n\n${report.summary}`);
  console.log(
    `\nreport: ${html}\nmetrics: ${json}\n(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

const program = new Command()
  .name('lacuna-demo')
  .description(
    'What dropout does to over-fitting, measured: trains real networks and writes an HTML report.',
  )
  .showHelpAfterError('(run with --help for usage)');

const commands: [string, string, Runner][] = [
  [
    'compare',
    'does dropout prevent over-fitting? the same MLP without and with dropout (default)',
    compare,
  ],
  ['sweep', 'dropout rate from 0.0 to 0.9: final test accuracy and loss per rate', sweep],
  ['variants', 'Dropout, GaussianDropout, DropConnect, AlphaDropout with SELU, and none', variants],
  [
    'mc',
    'MC dropout: confidence against accuracy, entropy on clean versus shifted inputs, vote versus mean',
    mc,
  ],
  ['size', 'effect of the training-set size (Srivastava et al. Figure 10)', size],
  ['scaling', 'classic versus inverted scaling reach the same test accuracy', scaling],
];

for (const [name, description, runner] of commands) {
  program
    .command(name, { isDefault: name === 'compare' })
    .description(description)
    .addOption(new Option('--dataset <name>', 'dataset').choices([...DATASETS]).default('mnist'))
    .option('--train-size <n>', 'training examples (class-balanced subset)', int('--train-size', 1))
    .option('--epochs <n>', 'training epochs', int('--epochs', 1))
    .option('--seed <n>', 'random seed', int('--seed', 0), 1)
    .option('--input-p <p>', 'dropout on the inputs', probability)
    .option('--hidden-p <p>', 'dropout on hidden units', probability, 0.5)
    .addOption(
      new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam']).default('adam'),
    )
    .option(
      '--lr <rate>',
      'learning rate (default 0.001 for adam, 0.005 with --quick; 0.05 for sgd)',
      positive,
    )
    .option('--out <dir>', 'directory for report.html and metrics.json')
    .option('--quick', 'a small, fast run (for tests and a first look)', false)
    .action((opts) => run(name, runner, opts));
}

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const e = error as { code?: string; exitCode?: number; message?: string };
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 2); // commander already printed it
  if (error instanceof UsageError || error instanceof LacunaError) {
    console.error(`lacuna-demo: ${e.message}`);
    process.exit(2);
  }
  console.error(`lacuna-demo: unexpected error: ${e.message ?? String(error)}`);
  process.exit(1);
}
