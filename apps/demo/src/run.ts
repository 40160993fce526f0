import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ensureDir } from '@lacuna/tensor/node';
import { type CommonOptions, printTable } from './common.js';
import { loadTask, type Task } from './data.js';
import { UsageError } from './errors.js';
import { type Report, writeReport } from './report.js';

/** Trains a command's configurations and returns its report. */
export type Runner = (task: Task, o: CommonOptions) => Promise<Report>;

/** A command's options with their defaults filled in (they depend on the dataset and --quick). */
export function resolveOptions(name: string, raw: Record<string, unknown>): CommonOptions {
  const quick = Boolean(raw.quick);
  const dataset = String(raw.dataset);
  return {
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

/** Runs one command: checks --out, loads the data, trains, prints the table, writes the report. */
export async function run(
  name: string,
  runner: Runner,
  raw: Record<string, unknown>,
): Promise<void> {
  const o = resolveOptions(name, raw);
  await checkOut(o.out);
  const started = performance.now();
  const task = await loadTask(o.dataset, o.trainSize, o.seed, o.quick ? 1000 : undefined);
  console.log(
    `${name}: ${task.name}, ${task.train.y.size} training / ${task.test.y.size} test examples, ${o.epochs} epochs, seed ${o.seed}${o.quick ? ' (quick)' : ''}\n`,
  );
  const report = await runner(task, o);
  const { html, json } = await writeReport(report, o.out);
  console.log(`\n${report.title}\n${printTable(report.table)}\n\n${report.summary}`);
  console.log(
    `\nreport: ${html}\nmetrics: ${json}\n(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}
