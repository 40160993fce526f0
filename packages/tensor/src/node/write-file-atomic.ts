import { randomUUID } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import { type FileErrorContext, toFileError } from './file-error.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** The public op and argument to name in errors (default `writeFileAtomic`, `path`). */
  at?: FileErrorContext;
}

/** A dead writer's temp file is removed once it has not changed for this long. */
const STALE_AFTER_MS = 60_000;

const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f-]{36}\.tmp$/;

/**
 * Writes `bytes` to `path` all or nothing: readers see the old file or the new one, never part.
 *
 * Rule: write to a uniquely named sibling `.<name>.<pid>.<uuid>.tmp`, fsync it, rename it over
 * `path`, fsync the directory (so the rename survives a power cut). Concurrent writers to one path
 * never share a temp file; the last rename wins. Afterwards, temp files of the same target left
 * by processes that no longer run (killed mid-write) and unchanged for a minute are removed. Missing parent directories are
 * created.
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
  const dir = dirname(path);
  await ensureDir(dir, at);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw toFileError(error, at, path, 'written');
  }
  await syncDir(dir);
  await removeStaleTemps(dir, basename(path));
}

async function syncDir(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on every platform (Windows); the rename itself stands.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems reject fsync on a directory; nothing more can be done there.
  } finally {
    await handle.close();
  }
}

async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    const m = TEMP.exec(entry);
    if (!m || m[1] !== name) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    // A pid is only meaningful on this machine: on a shared directory another host's writer may
    // have a pid that is free here. Its temp file is young; a killed writer's stops changing.
    const path = join(dir, entry);
    const modified = (await stat(path).catch(() => undefined))?.mtimeMs;
    if (modified === undefined || Date.now() - modified < STALE_AFTER_MS) continue;
    await rm(path, { force: true }).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
