// The control block through which the calling thread posts a job to one helper thread: read by
// threads.ts and, interpolated into its source, by the helper script (worker-source.ts), so the
// two always agree. Int32 words first, then f64 arguments.

/** Int32 word: the helper's state, one of the states below. @internal */
export const STATE = 0;
/** Int32 word: 1 once the helper has instantiated the kernels. @internal */
export const READY = 1;
/** Int32 word: index of the kernel to run, in the host's kernel list. @internal */
export const KERNEL = 2;
/** Int32 word: number of arguments posted. @internal */
export const ARG_COUNT = 3;
/** Int32 words before the arguments. @internal */
export const WORDS = 4;

/** Thread state: waiting for a job. @internal */
export const IDLE = 0;
/** Thread state: a job is posted. @internal */
export const POSTED = 1;
/** Thread state: the job is done. @internal */
export const DONE = 2;
/** Thread state: the helper should exit. @internal */
export const EXIT = 3;
/** Thread state: the kernel threw. @internal */
export const FAILED = 4;

/** Byte offset of the f64 arguments in a control block. @internal */
export const ARGS_OFFSET = WORDS * Int32Array.BYTES_PER_ELEMENT;
/** The most arguments a kernel takes. @internal */
export const MAX_ARGS = 28;
/** Bytes of control block per thread. @internal */
export const CONTROL_STRIDE = 256;
