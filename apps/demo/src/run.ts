import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ensureDir } from '@lacuna/tensor/node';
import { baseDefaults, type DemoCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { type CommonOptions, printTable, wrap } from './common.js';
import { type DatasetName, loadTask } from './data.js';
import { UsageError } from './errors.js';
import { LINE_WIDTH } from './progress.js';
import { QUICK_NOTICE, type Report } from './report/types.js';
import { writeReport } from './report/write.js';
import type { Observer } from './train.js';

/** A command's options: the base defaults, then the command's, then what the user gave. */
export function resolveOptions(command: DemoCommand, raw: Record<string, unknown>): CommonOptions {
  const quick = Boolean(raw.quick);
  const dataset = String(raw.dataset) as DatasetName;
  const d = { ...baseDefaults(dataset, quick), ...command.defaults?.(dataset, quick) };
  const optimizer = (raw.optimizer as 'sgd' | 'adam' | undefined) ?? d.optimizer;
  const given = <T>(key: string, fallback: T): T => (raw[key] as T | undefined) ?? fallback;
  return {
    dataset,
    quick,
    trainSize: given('trainSize', d.trainSize),
    testSize: d.testSize,
    epochs: given('epochs', d.epochs),
    seed: raw.seed as number,
    seeds: given('seeds', d.seeds),
    evalEvery: given('evalEvery', d.evalEvery),
    out: resolve(String(raw.out ?? 'lacuna-report')),
    inputP: given('inputP', d.inputP),
    hiddenP: given('hiddenP', d.hiddenP),
    optimizer,
    lr: given('lr', d.lr[optimizer]),
    momentum: d.momentum,
    schedule: d.schedule,
    batchSize: d.batchSize,
    hidden: d.hidden,
    maxNorm: d.maxNorm,
    ...(raw.dataDir === undefined ? {} : { dataDir: resolve(String(raw.dataDir)) }),
  };
}

/** Whether a command works on a dataset. */
export function supports(command: DemoCommand, dataset: string): boolean {
  return !command.datasets || command.datasets.includes(dataset as DatasetName);
}

/** Fails on an unwritable --out before minutes of training, not after. */
async function checkOut(out: string): Promise<void> {
  try {
    // ensureDir, not mkdir({recursive}): Node's recursive mkdir loops for ever under /proc.
    await ensureDir(out, { op: 'lacuna-demo', argument: '--out' });
    await access(out, constants.W_OK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      `cannot write the report to --out ${out}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

/** Hooks around one command's run (the `--live` server). */
export interface RunHooks {
  observer?: Observer;
  /** The command's final report, once written. */
  onReport?(report: Report): void;
}

/** Runs one command: checks --out, loads the data, trains, prints the table, writes the report. */
export async function run(
  command: DemoCommand,
  raw: Record<string, unknown>,
  hooks: RunHooks = {},
): Promise<Report> {
  const o = { ...resolveOptions(command, raw), observer: hooks.observer };
  if (!supports(command, o.dataset))
    throw new UsageError(
      `${command.name} works on ${command.datasets!.join(' and ')}, not ${o.dataset}`,
    );
  await checkOut(o.out);
  const started = performance.now();
  const task = command.loadTask
    ? await command.loadTask(o)
    : await loadTask(o.dataset, o.trainSize, o.seed, o.testSize);
  const seeds = o.seeds > 1 ? `seeds ${o.seed}..${o.seed + o.seeds - 1}` : `seed ${o.seed}`;
  const every = o.evalEvery > 1 ? `, evaluated every ${o.evalEvery}` : '';
  console.log(
    wrap(
      `${command.name}: ${task.name}, ${task.train.y.size} training / ${task.test.y.size} test examples, ${o.epochs} epochs${every}, ${seeds}`,
      LINE_WIDTH,
      '  ',
    ),
  );
  if (o.quick) console.log(wrap(QUICK_NOTICE, LINE_WIDTH));
  console.log('');
  const report = await command.run(task, o);
  const { html, json, index } = await writeReport(
    report,
    o.out,
    COMMANDS.map((c) => c.name),
  );
  hooks.onReport?.(report);
  console.log(`\n${report.title}\n${printTable(report.table)}\n`);
  for (const finding of report.findings) console.log(wrap(`- ${finding}`, LINE_WIDTH, '  '));
  if (o.quick) console.log(`\n${wrap(QUICK_NOTICE, LINE_WIDTH)}`);
  console.log(
    `\nreport: ${html}\nmetrics: ${json}\nall reports: ${index}\n(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  return report;
}
