import {
  ARG_COUNT,
  ARGS_OFFSET,
  CONTROL_STRIDE,
  EXIT,
  FAILED,
  IDLE,
  KERNEL,
  MAX_ARGS,
  POSTED,
  READY,
  STATE,
  WORDS,
} from './control-block.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { WORKER_SOURCE } from './worker-source.js';

// Helper threads that run wasm kernels on the shared memory. The kernel API is synchronous, so
// the main thread posts each helper its share through a control block, runs its own share, then
// waits (Atomics.wait in Node and workers; a spin on the browser main thread, where waiting is
// not allowed). Helpers start asynchronously; until one reports ready, the main thread does its
// share too, which changes speed, never results.

interface WorkerHandle {
  post(message: unknown): void;
  terminate(): void;
}

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true },
  ) => {
    postMessage(message: unknown): void;
    on(event: 'error', listener: (error: unknown) => void): void;
    unref(): void;
    terminate(): Promise<number>;
  };
}

interface Host {
  process?: { getBuiltinModule?: (id: string) => unknown };
  Worker?: new (
    url: string,
  ) => {
    postMessage(message: unknown): void;
    terminate(): void;
    onerror: ((event: unknown) => void) | null;
  };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
}

function spawn(onError: () => void): WorkerHandle | undefined {
  const host = globalThis as unknown as Host;
  const threads = host.process?.getBuiltinModule?.('node:worker_threads') as
    | NodeWorkerThreads
    | undefined;
  if (threads) {
    const worker = new threads.Worker(WORKER_SOURCE, { eval: true });
    worker.on('error', onError);
    worker.unref(); // helpers never keep a process alive
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => void worker.terminate(),
    };
  }
  if (host.Worker && host.Blob && host.URL) {
    const url = host.URL.createObjectURL(
      new host.Blob([WORKER_SOURCE], { type: 'text/javascript' }),
    );
    const worker = new host.Worker(url);
    worker.onerror = onError;
    return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
  }
  return undefined;
}

function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false; // the browser main thread
  }
}

/** One share of a job: the kernel's arguments for one thread. @internal */
export type Share = readonly number[];

/** A fixed set of helper threads over one shared memory. @internal */
export class ThreadPool {
  private readonly helpers: (WorkerHandle | undefined)[] = [];
  private readonly words: Int32Array[] = [];
  private readonly args: Float64Array[] = [];
  private readonly blocking = canBlock();
  private started = false;
  /** Why helpers that were wanted are not running, one line each. */
  readonly failures: string[] = [];

  /**
   * @param memory - The shared memory the kernels run on.
   * @param module - The compiled kernels (shared-memory variant).
   * @param names - Kernel export names; jobs refer to them by index.
   * @param control - Byte offset of the control blocks (`helperCount` × CONTROL_STRIDE bytes).
   * @param helperCount - Number of helper threads (threads − 1).
   */
  constructor(
    private readonly memory: WasmMemory,
    private readonly module: WasmModule,
    private readonly names: readonly string[],
    private readonly control: number,
    readonly helperCount: number,
  ) {}

  /** Starts the helpers (once, on the first job big enough to want them). */
  private start(): void {
    this.started = true;
    for (let t = 0; t < this.helperCount; t++) {
      const offset = this.control + t * CONTROL_STRIDE;
      const words = new Int32Array(this.memory.buffer, offset, WORDS);
      words.fill(0);
      this.words.push(words);
      this.args.push(new Float64Array(this.memory.buffer, offset + ARGS_OFFSET, MAX_ARGS));
      // A helper that fails to start (no Worker, or one blocked by a Content-Security-Policy,
      // which throws here or reports an error later) is never marked ready, so it is never used;
      // it is counted so that the backend reports the threads it really has.
      let helper: WorkerHandle | undefined;
      let why = 'this host has no Worker';
      try {
        helper = spawn(() => this.fail(t, 'failed to start'));
      } catch (error) {
        why = String((error as Error)?.message ?? error);
      }
      this.helpers.push(helper);
      if (!helper) {
        this.failures.push(`helper ${t + 1}: ${why}`);
        this.onFailure?.();
      }
      helper?.post({
        module: this.module,
        memory: this.memory,
        control: offset,
        names: this.names,
      });
    }
  }

  private fail(t: number, why: string): void {
    if (this.helpers[t] === undefined) return;
    this.helpers[t] = undefined;
    this.failures.push(`helper ${t + 1}: ${why}`);
    this.onFailure?.();
  }

  /** Called whenever a helper fails to start. */
  onFailure: (() => void) | undefined;

  /** Whether the helpers have been started (on the first large job, or by `whenReady`). */
  get hasStarted(): boolean {
    return this.started;
  }

  /**
   * Threads that can run kernels: this one plus every helper that has not failed (helpers still
   * starting count; until they are ready this thread does their share). Before the helpers are
   * started only this thread is known to run: a blocked Worker shows only once one is made.
   */
  liveThreads(): number {
    if (!this.started) return 1;
    return 1 + this.helperCount - this.failures.length;
  }

  /** Helpers that have started and can take a share now. */
  readyHelpers(): number[] {
    if (!this.started) this.start();
    const ready: number[] = [];
    for (let t = 0; t < this.helperCount; t++) {
      if (this.helpers[t] && Atomics.load(this.words[t]!, READY) === 1) ready.push(t);
    }
    return ready;
  }

  /** Resolves once every helper has started (or after `timeoutMs`); returns how many did. */
  async whenReady(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (
      this.readyHelpers().length < this.helpers.filter(Boolean).length &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.readyHelpers().length;
  }

  /**
   * Runs `kernel` with `shares[0]` on this thread and `shares[i]` on helper `helpers[i - 1]`,
   * returning when all are done.
   */
  run(
    kernel: (...args: number[]) => void,
    index: number,
    shares: readonly Share[],
    helpers: readonly number[],
  ): void {
    for (let s = 1; s < shares.length; s++) {
      const t = helpers[s - 1]!;
      const share = shares[s]!;
      const args = this.args[t]!;
      for (let i = 0; i < share.length; i++) args[i] = share[i]!;
      const words = this.words[t]!;
      words[KERNEL] = index;
      words[ARG_COUNT] = share.length;
      Atomics.store(words, STATE, POSTED);
      Atomics.notify(words, STATE);
    }
    let failed = false;
    try {
      kernel(...shares[0]!);
    } finally {
      // Wait for every helper even when this thread's share threw: the caller hands the operand
      // memory back to the pool as soon as this returns, and a helper may still be writing it.
      for (let s = 1; s < shares.length; s++) {
        const words = this.words[helpers[s - 1]!]!;
        let spins = 0;
        while (Atomics.load(words, STATE) === POSTED) {
          if (this.blocking && ++spins > 1000) Atomics.wait(words, STATE, POSTED, 50);
        }
        if (Atomics.load(words, STATE) === FAILED) failed = true;
        Atomics.store(words, STATE, IDLE);
      }
    }
    if (failed) {
      throw new Error(`wasm backend: kernel ${this.names[index]} threw on a helper thread`);
    }
  }

  /** Stops the helpers. */
  dispose(): void {
    for (let t = 0; t < this.helpers.length; t++) {
      const words = this.words[t]!;
      Atomics.store(words, STATE, EXIT);
      Atomics.notify(words, STATE);
      this.helpers[t]?.terminate();
      this.helpers[t] = undefined;
    }
  }
}
