import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from 'commander';
import type { DemoCommand } from './command.js';
import { wrap } from './common.js';
import { UsageError } from './errors.js';
import type { LiveMessage } from './live-server.js';
import type { FromWorker, ToWorker } from './live-worker.js';
import { LINE_WIDTH } from './progress.js';
import type { RunHooks } from './run.js';

/**
 * A commander value parser for `--live [port]`: a port from 0 to 65535 in decimal digits (0: any
 * free port). The value is optional, so `--live sweep` reads `sweep` as the port; the message
 * says to name the command first.
 */
export function livePort(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 65_535))
    throw new InvalidArgumentError(
      `--live takes an optional port from 0 to 65535 (0: any free port), got ${JSON.stringify(value)}; name the command before --live`,
    );
  return n;
}

/**
 * The run hooks of one command under `--live`: each evaluation, run start and the final report
 * become a message for the live server.
 *
 * @param command - The command's name.
 * @param quick - Whether it is a `--quick` run.
 * @param send - Delivers a message to the server.
 */
export function liveHooks(
  command: string,
  quick: boolean,
  send: (message: LiveMessage) => void,
): RunHooks {
  send({ type: 'command', command, quick });
  return {
    observer: {
      onRunStart: (config, seed) => send({ type: 'run', config, seed }),
      onPoint: (config, seed, point) => send({ type: 'point', config, seed, point }),
    },
    // The raw metrics can be large and the page does not draw them.
    onReport: (report) => send({ type: 'report', report: { ...report, metrics: undefined } }),
  };
}

/** Starts the server's thread; resolves once it listens (a UsageError when it cannot). */
async function startWorker(port: number, out: string): Promise<{ worker: Worker; url: string }> {
  // tsup builds the worker beside main.js (dist/live-worker.js).
  const worker = new Worker(new URL('./live-worker.js', import.meta.url), {
    workerData: { live: port, out },
  });
  const first = await new Promise<FromWorker>((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  if (first.type === 'listening') return { worker, url: first.url };
  await worker.terminate();
  throw first.usage ? new UsageError(first.message) : new Error(first.message);
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Runs commands with the live server (`--live`): one server, in its own thread so it answers
 * while training keeps this one busy, for all of them, started before the data loads. When
 * every command has finished, the page shows the final report and the server keeps serving it
 * (a reload still works) until Ctrl-C; then the demo exits with status 0.
 *
 * @param raw - The parsed options (`raw.live`: a port, or true for any free port).
 * @param runAll - Runs the commands, each with the hooks `hooks(command)` gives it.
 */
export async function runLive(
  raw: Record<string, unknown>,
  runAll: (hooks: (command: DemoCommand) => RunHooks) => Promise<void>,
): Promise<void> {
  const out = resolve(String(raw.out ?? 'lacuna-report'));
  const { worker, url } = await startWorker(typeof raw.live === 'number' ? raw.live : 0, out);
  const send = (m: ToWorker) => worker.postMessage(m);
  const ended = new Promise((done) => worker.once('exit', done));
  try {
    console.log(`live report: ${url} (updates every evaluation)\n`);
    await runAll((command) => liveHooks(command.name, Boolean(raw.quick), send));
    send({ type: 'done' });
    console.log(
      `\n${wrap(`live: training finished; ${url} shows the final report until you press Ctrl-C.`, LINE_WIDTH)}`,
    );
    await interrupted();
  } finally {
    send({ type: 'close' });
    await ended;
  }
}
