import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { type LiveRun, type LiveState, liveReport } from './live-report.js';
import { renderHtml } from './report/html.js';
import type { Report } from './report/types.js';
import type { EvalPoint } from './train.js';

/** How often an idle event stream gets a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * The least time between two updates sent to the pages. A small run evaluates many times a
 * second and every update redraws every chart: a page would fall minutes behind. Each update
 * carries every point so far, so coalescing loses nothing.
 */
const MIN_INTERVAL_MS = 250;

/** What the training side tells the live server, in order. */
export type LiveMessage =
  /** A command starts: its live report replaces the previous command's report. */
  | { type: 'command'; command: string; quick: boolean }
  /** A configuration starts training at a seed. */
  | { type: 'run'; config: string; seed: number }
  /** A configuration at a seed was evaluated. */
  | { type: 'point'; config: string; seed: number; point: EvalPoint }
  /** The command's final report (without its metrics). */
  | { type: 'report'; report: Report }
  /** Every command has finished. */
  | { type: 'done' };

/** The `--live` server: a page and an event stream on 127.0.0.1. */
export interface LiveServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** Updates the state and sends it to every open page. */
  send(message: LiveMessage): void;
  /** Ends every event stream and stops listening. */
  close(): Promise<void>;
}

/** Server-sent event text; JSON keeps the data on one line (non-finite numbers become null). */
const event = (name: string, data: unknown) =>
  `event: ${name}\ndata: ${JSON.stringify(data, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n\n`;

const text = { 'content-type': 'text/plain; charset=utf-8' };
const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/** Bytes a client may leave unread before it is dropped. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** The Host header of a request made to the loopback address (any port). */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost)(?::\d+)?$/;

/**
 * Starts the live server on 127.0.0.1 only (the training data and settings are nobody else's
 * business). GET / is the report page in live mode; GET /events is a server-sent event stream:
 * on connect the current report and status (and `done` when finished), then every update, and a
 * heartbeat comment every 15 s. GET /index.html and /<command>/report.html serve the finished
 * reports written to `out`, so the page's "all reports" link works. Node's own http module: a
 * handful of routes need no framework.
 *
 * Updates are sent at most every 250 ms (`minIntervalMs`), the latest state each time; a
 * command's start, its final report and `done` are sent at once.
 *
 * @param port - 0 for any free port.
 * @param out - The --out folder the commands write their reports to.
 * @param options - `minIntervalMs`: the least time between updates (tests use 0).
 * @throws UsageError when the port is taken or not allowed.
 */
export async function startLive(
  port: number,
  out: string,
  options: { minIntervalMs?: number } = {},
): Promise<LiveServer> {
  const minInterval = options.minIntervalMs ?? MIN_INTERVAL_MS;
  const clients = new Set<ServerResponse>();
  let state: LiveState = { command: 'lacuna-demo', quick: false, runs: [] };
  let final: Report | null = null;
  let status = 'live: the data is loading';
  let done = false;
  const current = () => final ?? liveReport(state);
  const greeting = () =>
    event('report', current()) + event('status', status) + (done ? event('done', {}) : '');
  const broadcast = (chunk: string) => {
    for (const res of clients) {
      // A client that stopped reading (a suspended tab) would make us buffer every update: drop
      // it; its EventSource reconnects and gets the current report in its greeting.
      if (res.writableLength > MAX_BUFFERED) {
        clients.delete(res);
        res.destroy();
      } else res.write(chunk);
    }
  };
  let lastSent = Number.NEGATIVE_INFINITY;
  let pending: NodeJS.Timeout | null = null;
  const flush = () => {
    if (pending) clearTimeout(pending);
    pending = null;
    lastSent = performance.now();
    if (clients.size > 0) broadcast(event('report', current()) + event('status', status));
  };
  const update = (message: string, now = false) => {
    status = message;
    if (now) flush();
    else if (!pending) {
      const wait = lastSent + minInterval - performance.now();
      if (wait <= 0) flush();
      else pending = setTimeout(flush, wait);
    }
  };
  /** The latest run of a configuration at a seed; a new one when `fresh` and it has points. */
  const runOf = (config: string, seed: number, fresh = false): LiveRun => {
    let r = state.runs.filter((x) => x.config === config && x.seed === seed).pop();
    // A command may train the same configuration and seed again (repeats): a run of its own.
    if (!r || (fresh && r.points.length > 0)) {
      r = { config, seed, points: [] };
      state.runs.push(r);
    }
    return r;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    // Only pages on this machine's loopback names: a page from elsewhere that rebinds its DNS
    // name to 127.0.0.1 arrives with its own Host and is refused.
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      res.writeHead(403, text).end('lacuna-demo --live answers 127.0.0.1 and localhost only\n');
    } else if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      renderHtml(current(), { live: true }).then(
        (page) => res.writeHead(200, html).end(page),
        (error: Error) => res.writeHead(500, text).end(`${error.message}\n`),
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
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end(); // no icon, and no 404 in the browser's console
    } else if (path === '/index.html' || /^\/[a-z0-9-]+\/report\.html$/.test(path)) {
      readFile(join(out, path)).then(
        (page) => res.writeHead(200, html).end(page),
        () => res.writeHead(404, text).end('no report there yet\n'),
      );
    } else {
      res.writeHead(404, text).end('not found\n');
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
    send(m) {
      const { command } = state;
      switch (m.type) {
        case 'command':
          state = { command: m.command, quick: m.quick, runs: [] };
          final = null;
          update(`live: ${m.command}: the data is loading`, true);
          break;
        case 'run':
          runOf(m.config, m.seed, true);
          update(`live: ${command}: training ${m.config}, seed ${m.seed}`);
          break;
        case 'point':
          runOf(m.config, m.seed).points.push(m.point);
          update(`live: ${command}: ${m.config}, seed ${m.seed}, epoch ${m.point.epoch} evaluated`);
          break;
        case 'report':
          // The raw metrics stay in metrics.json: the page does not draw them.
          final = { ...m.report, metrics: undefined };
          update(`live: ${command} finished; this is its final report`, true);
          break;
        case 'done':
          done = true;
          broadcast(event('done', {}));
          break;
      }
    },
    async close() {
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
