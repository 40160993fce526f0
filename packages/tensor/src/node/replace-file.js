// @ts-check
// The atomic write behind `writeFileAtomic`, in plain JavaScript so that build scripts run it
// straight from source before anything is compiled (scripts/build-wasm.mjs writes the generated
// kernels with it). It throws Node's own errors and expects the directory to exist;
// `writeFileAtomic` creates missing directories and turns errors into FileErrors.
import { randomUUID } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A dead writer's temp file is removed once it has not changed for this long. */
const STALE_AFTER_MS = 60_000;

const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f-]{36}\.tmp$/;

/**
 * Replaces `path`'s contents all or nothing: readers see the old file or the new one, never part.
 *
 * Rule: write to a uniquely named sibling `.<name>.<pid>.<uuid>.tmp`, fsync it, rename it over
 * `path`, fsync the directory (so the rename survives a power cut). Concurrent writers to one path
 * never share a temp file; the last rename wins. Afterwards, temp files of the same target left
 * by processes that no longer run (killed mid-write) and unchanged for a minute are removed.
 *
 * @param {string} path - Destination file; its directory must exist.
 * @param {Uint8Array | string} bytes - The complete contents.
 * @returns {Promise<void>}
 * @throws Node's error from the step that failed; the temp file is removed.
 * @internal
 */
export async function replaceFile(path, bytes) {
  const dir = dirname(path);
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
    throw error;
  }
  await syncDir(dir);
  await removeStaleTemps(dir, basename(path));
}

/** @param {string} dir */
async function syncDir(dir) {
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

/**
 * @param {string} dir
 * @param {string} name
 */
async function removeStaleTemps(dir, name) {
  const entries = await readdir(dir).catch(() => /** @type {string[]} */ ([]));
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

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}
