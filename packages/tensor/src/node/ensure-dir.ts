import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileError, type FileErrorContext, toFileError } from './file-error.js';

/**
 * Creates a directory and its missing parents, one level at a time.
 *
 * Node's `mkdir(path, { recursive: true })` never returns on some virtual file systems (under
 * `/proc` it retries forever); walking up to the deepest existing ancestor and creating each
 * level once fails fast instead, with a {@link FileError} naming the path.
 *
 * @param dir - The directory to create; an existing directory is fine.
 * @param at - The public op and argument to name in errors.
 * @throws FileError when a level exists as a file or cannot be created.
 * @example
 * ```ts
 * import { ensureDir } from '@lacuna/tensor/node';
 * await ensureDir('out/a/b', { op: 'example', argument: 'dir' });
 * ```
 */
export async function ensureDir(dir: string, at: FileErrorContext): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw toFileError(error, at, current, 'inspected');
    });
    if (info) {
      if (!info.isDirectory())
        throw new FileError(
          at.op,
          at.argument,
          dir,
          `cannot be created: ${current} is a file`,
          'ENOTDIR',
        );
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing.reverse()) {
    await mkdir(level).catch(async (error: NodeJS.ErrnoException) => {
      // Another writer may have created it between our stat and mkdir.
      if (error.code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory())
        return;
      throw toFileError(error, at, level, 'created');
    });
  }
}
