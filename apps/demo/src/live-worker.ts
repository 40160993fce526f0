/**
 * The `--live` server's thread. Training keeps the main thread busy for seconds between
 * evaluations; here the server answers pages and keeps the event streams going meanwhile, and
 * gets each update as a message the moment training posts it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UsageError } from './errors.js';
import { type LiveMessage, startLive } from './live-server.js';

/** What the main thread sends: an update, or `close` when the demo stops. */
export type ToWorker = LiveMessage | { type: 'close' };

/** What the worker answers once: listening at `url`, or why it cannot. */
export type FromWorker =
  | { type: 'listening'; url: string }
  | { type: 'error'; message: string; usage: boolean };

const port = parentPort!;
const { live, out } = workerData as { live: number; out: string };
try {
  const server = await startLive(live, out);
  port.on('message', (m: ToWorker) => {
    if (m.type !== 'close') server.send(m);
    // With the server closed and the port closed, nothing is left and the thread ends.
    else server.close().then(() => port.close());
  });
  port.postMessage({ type: 'listening', url: server.url } satisfies FromWorker);
} catch (error) {
  port.postMessage({
    type: 'error',
    message: (error as Error).message,
    usage: error instanceof UsageError,
  } satisfies FromWorker);
}
