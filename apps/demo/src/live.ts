import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { DemoCommand } from './command.js';
import { wrap } from './common.js';
import { UsageError } from './errors.js';
import { type LiveRun, type LiveState, liveReport } from './live-report.js';
import { LINE_WIDTH } from './progress.js';
import { renderHtml } from './report/html.js';
import type { Report } from './report/types.js';
import { type RunHooks, run } from './run.js';

/** How often an idle event stream gets a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

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

/** The `--live` server: a page and an event stream on 127.0.0.1. */
export interface LiveServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** Hooks for one command's run; its live report replaces the previous command's. */
  hooks(command: string, quick: boolean): RunHooks;
  /** Every command has finished: every page gets `done` and keeps the final report. */
  finish(): void;
  /** Ends every event stream and stops listening. */
  close(): Promise<void>;
}

/** Server-sent event text; JSON keeps the data on one line (non-finite numbers become null). */
const event = (name: string, data: unknown) =>
  `event: ${name}\ndata: ${JSON.stringify(data, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n\n`;

/** The report as pages receive it: the raw metrics stay in metrics.json. */
const forPage = (report: Report): Report => ({ ...report, metrics: undefined });

/**
 * Starts the live server on 127.0.0.1 only (the training data and settings are nobody else's
 * business). GET / is the report page in live mode; GET /events is a server-sent event stream:
 * on connect the current report, status (and `done` when finished), then every update, and a
 * heartbeat comment every 15 s. GET /index.html and /<command>/report.html serve the finished
 * reports written to `out`, so the page's "all reports" link works. Node's own http module: four
 * routes need no framework.
 *
 * @param port - 0 for any free port.
 * @param out - The --out folder the commands write their reports to.
 * @throws UsageError when the port is taken or not allowed.
 */
export async function startLive(port: number, out: string): Promise<LiveServer> {
  const clients = new Set<ServerResponse>();
  let state: LiveState = { command: 'lacuna-demo', quick: false, runs: [] };
  let final: Report | null = null;
  let status = 'live: the data is loading';
  let done = false;
  const current = () => forPage(final ?? liveReport(state));
  const greeting = () =>
    event('report', current()) + event('status', status) + (done ? event('done', {}) : '');
  const broadcast = (text: string) => {
    for (const res of clients) res.write(text);
  };
  const update = (message: string) => {
    status = message;
    if (clients.size > 0) broadcast(event('report', current()) + event('status', status));
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      renderHtml(current(), { live: true }).then(
        (html) =>
          res
            .writeHead(200, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
            })
            .end(html),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(greeting());
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path === '/index.html' || /^\/[a-z0-9-]+\/report\.html$/.test(path)) {
      readFile(join(out, path)).then(
        (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
        () =>
          res
            .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
            .end('no report yet\n'),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is in use'
          : error.code === 'EACCES'
            ? 'is not allowed'
            : `failed (${error.code ?? error.message})`;
      reject(
        new UsageError(
          `--live ${port}: port ${port} on 127.0.0.1 ${why}; --live 0 picks a free one`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const heartbeat = setInterval(() => broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const { port: bound } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${bound}/`,
    hooks(command, quick) {
      state = { command, quick, runs: [] };
      final = null;
      update(`live: ${command}: the data is loading`);
      const runOf = (config: string, seed: number): LiveRun => {
        let r = state.runs.find((x) => x.config === config && x.seed === seed);
        if (!r) {
          r = { config, seed, points: [] };
          state.runs.push(r);
        }
        return r;
      };
      return {
        observer: {
          onRunStart(config, seed) {
            runOf(config, seed);
            update(`live: ${command}: training ${config}, seed ${seed}`);
          },
          onPoint(config, seed, point) {
            runOf(config, seed).points.push(point);
            update(`live: ${command}: ${config}, seed ${seed}, epoch ${point.epoch} evaluated`);
            // Training is synchronous between evaluations: one turn of the event loop here
            // lets the server accept pages and flush the streams.
            return new Promise<void>((resolve) => setImmediate(resolve));
          },
        },
        onReport(report) {
          final = report;
          update(`live: ${command} finished; this is its final report`);
        },
      };
    },
    finish() {
      done = true;
      broadcast(event('done', {}));
    },
    async close() {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Runs commands with the live server (`--live`): one server for all of them, started before the
 * data loads. When every command has finished, the page shows the final report and the server
 * keeps serving it (a reload still works) until Ctrl-C; then the demo exits with status 0.
 *
 * @param commands - The commands to run in turn.
 * @param raw - The parsed options (`raw.live`: a port, or true for any free port).
 */
export async function runLive(
  commands: readonly DemoCommand[],
  raw: Record<string, unknown>,
): Promise<void> {
  const out = resolve(String(raw.out ?? 'lacuna-report'));
  const live = await startLive(typeof raw.live === 'number' ? raw.live : 0, out);
  try {
    console.log(`live report: ${live.url} (updates every evaluation)\n`);
    for (const command of commands)
      await run(command, raw, live.hooks(command.name, Boolean(raw.quick)));
    live.finish();
    console.log(
      `\n${wrap(`live: training finished; ${live.url} shows the final report until you press Ctrl-C.`, LINE_WIDTH)}`,
    );
    await interrupted();
  } finally {
    await live.close();
  }
}
