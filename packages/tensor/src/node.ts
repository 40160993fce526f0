/**
 * `@lacuna/tensor/node`: file helpers for Node.js that every Lacuna package with a Node entry
 * shares, so checkpoints, downloads and reports are written the same careful way.
 *
 * @packageDocumentation
 */
export { ensureDir } from './node/ensure-dir.js';
export { FileError, type FileErrorContext, toFileError } from './node/file-error.js';
export { type WriteFileAtomicOptions, writeFileAtomic } from './node/write-file-atomic.js';
