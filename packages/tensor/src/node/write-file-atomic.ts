import { dirname } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import { type FileErrorContext, toFileError } from './file-error.js';
import { replaceFile } from './replace-file.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** The public op and argument to name in errors (default `writeFileAtomic`, `path`). */
  at?: FileErrorContext;
}

/**
 * Writes `bytes` to `path` all or nothing: readers see the old file or the new one, never part.
 *
 * Rule: write to a uniquely named sibling `.<name>.<pid>.<uuid>.tmp`, fsync it, rename it over
 * `path`, fsync the directory (so the rename survives a power cut). Concurrent writers to one path
 * never share a temp file; the last rename wins. Afterwards, temp files of the same target left
 * by processes that no longer run (killed mid-write) and unchanged for a minute are removed.
 * Missing parent directories are created.
 *
 * @param path - Destination file.
 * @param bytes - The complete contents.
 * @param options - Error naming; see {@link WriteFileAtomicOptions}.
 * @throws FileError naming the path when any step fails; the temp file is removed.
 * @example
 * ```ts
 * import { writeFileAtomic } from '@lacuna/tensor/node';
 * await writeFileAtomic('example.bin', new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const at = options.at ?? { op: 'writeFileAtomic', argument: 'path' };
  await ensureDir(dirname(path), at);
  try {
    // The write itself is plain JavaScript, shared with the build scripts that run it unbuilt.
    await replaceFile(path, bytes);
  } catch (error) {
    throw toFileError(error, at, path, 'written');
  }
}
