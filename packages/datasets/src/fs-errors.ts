import { readFile, stat } from 'node:fs/promises';
import { FileError, toFileError } from '@lacuna/tensor/node';

/**
 * The size of a regular file; a missing path, a directory or an unreadable one is a
 * {@link FileError} naming the op, argument and path.
 */
export async function regularFileSize(
  path: string,
  at: { op: string; argument: string },
): Promise<number> {
  const info = await stat(path).catch((error) => {
    throw toFileError(error, at, path, 'read');
  });
  if (!info.isFile())
    throw new FileError(at.op, at.argument, path, 'is not a regular file (a directory?)', 'EISDIR');
  return info.size;
}

/** Reads a whole file; failures are {@link FileError}s naming the op, argument and path. */
export async function readWholeFile(
  path: string,
  at: { op: string; argument: string },
): Promise<Uint8Array> {
  const bytes = await readFile(path).catch((error) => {
    throw toFileError(error, at, path, 'read');
  });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a whole regular file, refusing directories and files longer than `maxBytes` before
 * reading a byte of them.
 *
 * @throws FileError naming the op, argument and path.
 */
export async function readFileLimited(
  path: string,
  maxBytes: number,
  at: { op: string; argument: string },
): Promise<Uint8Array> {
  const size = await regularFileSize(path, at);
  if (size > maxBytes)
    throw new FileError(
      at.op,
      at.argument,
      path,
      `is ${size} bytes, more than maxBytes (${maxBytes}); pass a larger maxBytes to read it`,
      'EFBIG',
    );
  return readWholeFile(path, at);
}
