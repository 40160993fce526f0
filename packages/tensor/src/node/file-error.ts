import { LacunaError } from '../errors.js';

/**
 * A file-system operation that failed: the message names the op, the argument, the path and the
 * system's reason (`ENOENT`, `EISDIR`, …), which Node's own errors leave out or bury.
 *
 * @example
 * ```ts
 * import { FileError, ensureDir } from '@lacuna/tensor/node';
 * try {
 *   await ensureDir('/proc/lacuna', { op: 'example', argument: 'dir' });
 * } catch (e) {
 *   console.log(e instanceof FileError, (e as FileError).code); // true 'ENOENT'
 * }
 * ```
 */
export class FileError extends LacunaError {
  /** The path the operation was given. */
  readonly path: string;
  /** The system error code (`'ENOENT'`, `'EISDIR'`, …), or `undefined` for a check of ours. */
  readonly code: string | undefined;

  constructor(op: string, argument: string, path: string, detail: string, code?: string) {
    super(op, argument, `(${JSON.stringify(path)}) ${detail}`);
    this.path = path;
    this.code = code;
  }
}

/** Names an op, argument and path for {@link FileError}s. */
export interface FileErrorContext {
  /** The public op, e.g. `'saveCheckpoint'`. */
  op: string;
  /** The argument that holds the path, e.g. `'path'`. */
  argument: string;
}

/**
 * Wraps a Node file-system error as a {@link FileError} naming the op, argument and path (Node's
 * own errors say nothing of which argument was wrong); FileErrors pass through unchanged.
 *
 * @param error - What was thrown.
 * @param at - The public op and argument.
 * @param path - The path being worked on.
 * @param doing - Past participle for the message: `'read'`, `'written'`, `'created'`.
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { toFileError } from '@lacuna/tensor/node';
 * const error = await readFile('/nonexistent').catch((e) =>
 *   toFileError(e, { op: 'example', argument: 'path' }, '/nonexistent', 'read'),
 * );
 * console.log(error instanceof Error && error.code); // 'ENOENT'
 * ```
 */
export function toFileError(
  error: unknown,
  at: FileErrorContext,
  path: string,
  doing: string,
): FileError {
  if (error instanceof FileError) return error;
  const code = (error as { code?: unknown })?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return new FileError(
    at.op,
    at.argument,
    path,
    `could not be ${doing}: ${reason}`,
    typeof code === 'string' ? code : undefined,
  );
}
