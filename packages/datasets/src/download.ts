import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkOptionKeys, LacunaError, optionBoolean } from '@lacuna/tensor';
import { ensureDir, FileError, toFileError, writeFileAtomic } from '@lacuna/tensor/node';
import { describeError, fetchBytes, PermanentFetchError } from './http-fetch.js';
import { DatasetFormatError } from './idx.js';
import {
  optionFunction,
  optionNonNegative,
  optionPositiveInteger,
  optionString,
} from './option-checks.js';

/**
 * Every mirror failed (or the file never matched its checksum). The message lists each attempt
 * with its cause (HTTP status, timeout, redirect loop, connection refused…); `cause` holds the
 * last attempt's error.
 *
 * @example
 * ```ts
 * import { DownloadError } from '@lacuna/datasets/node';
 * console.log(new DownloadError('download', 'train.gz', 'failed').message); // "download: argument 'train.gz' failed"
 * ```
 */
export class DownloadError extends LacunaError {}

/** A file to fetch: where from, and what its content must hash to. */
export interface RemoteFile {
  /**
   * File name in the cache directory (the decompressed name for gzip files). `/` separates
   * sub-directories; absolute paths, backslashes, `.`/`..` and empty segments are rejected, so
   * the file always lands inside the cache directory.
   */
  name: string;
  /** URLs tried in order (http or https). */
  mirrors: readonly string[];
  /** SHA-256 (hex) of the stored content (after gunzip when `gzip`). */
  sha256: string;
  /** The mirrors serve it gzip-compressed; it is stored decompressed. */
  gzip?: boolean;
  /**
   * The stored content's exact length in bytes (after gunzip when `gzip`). When given, the
   * transfer and the decompression are capped by it instead of by `maxBytes`.
   */
  size?: number;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Cache directory; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Attempts per mirror (default 3). */
  retries?: number;
  /** Milliseconds before the second attempt, doubling after each failure (default 500). */
  backoffMs?: number;
  /**
   * Milliseconds a request may go without progress (no response headers, or no new body bytes)
   * before the attempt fails; default 10,000. A slow download that keeps moving is never cut
   * off. `Infinity` disables it.
   */
  timeoutMs?: number;
  /**
   * Most bytes accepted for a file without a `size`, both as transferred (after any
   * Content-Encoding is undone) and after gunzip; default 256 MiB. Checked while streaming.
   */
  maxBytes?: number;
  /**
   * Reports progress in content bytes; `total` is null when the server does not say, or when it
   * compresses the transfer (`Content-Encoding`), since its length then counts other bytes.
   */
  onProgress?: (received: number, total: number | null) => void;
}

const DOWNLOAD_OPTION_KEYS = [
  'cacheDir',
  'retries',
  'backoffMs',
  'timeoutMs',
  'maxBytes',
  'onProgress',
] as const;

/** The keys {@link DownloadOptions} may hold. @internal */
export const DOWNLOAD_OPTIONS: readonly string[] = DOWNLOAD_OPTION_KEYS;

/** Default {@link DownloadOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Default {@link DownloadOptions.maxBytes}: 256 MiB. */
export const DEFAULT_DOWNLOAD_MAX_BYTES = 2 ** 28;

/**
 * The cache directory: `$LACUNA_DATA_DIR` if set, else the platform's cache location
 * (`$XDG_CACHE_HOME/lacuna` or `~/.cache/lacuna` on Linux, `~/Library/Caches/lacuna` on macOS,
 * `%LOCALAPPDATA%\lacuna\Cache` on Windows). The `cacheDir` option of each loader wins over both.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from '@lacuna/datasets/node';
 * console.log(defaultCacheDir());
 * ```
 */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.LACUNA_DATA_DIR) return env.LACUNA_DATA_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'lacuna');
  if (process.platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'lacuna', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lacuna');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The largest a gzip file of `size` content bytes can be (stored blocks: 5 bytes per 16 KiB, plus headers). */
const gzipBound = (size: number) => size + 5 * Math.ceil(size / 16383) + 1024;

/** The checked fields of a {@link RemoteFile}. */
interface CheckedFile {
  name: string;
  mirrors: string[];
  sha256: string;
  gzip: boolean;
  size: number | undefined;
}

function checkRemoteFile(op: string, file: RemoteFile): CheckedFile {
  checkOptionKeys(op, file, ['name', 'mirrors', 'sha256', 'gzip', 'size'], 'file');
  if (file === undefined)
    throw new LacunaError(op, 'file', 'is required: { name, mirrors, sha256 }');
  const { name } = file;
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    isAbsolute(name) ||
    /[\\\0]|^[a-zA-Z]:/.test(name) ||
    name.split('/').some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new LacunaError(
      op,
      'file.name',
      `must be a relative path inside the cache directory ('/' between sub-directories; no absolute path, backslash, '.', '..' or empty segment), got ${JSON.stringify(name)}`,
    );
  }
  if (!Array.isArray(file.mirrors) || file.mirrors.length === 0)
    throw new LacunaError(op, 'file.mirrors', 'must be a non-empty array of http(s) URLs');
  for (const m of file.mirrors) {
    const url = typeof m === 'string' && URL.canParse(m) ? new URL(m) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new LacunaError(op, 'file.mirrors', `must hold http(s) URLs, got ${JSON.stringify(m)}`);
  }
  if (typeof file.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(file.sha256))
    throw new LacunaError(
      op,
      'file.sha256',
      `must be 64 hexadecimal digits, got ${JSON.stringify(file.sha256)}`,
    );
  return {
    name,
    mirrors: [...file.mirrors],
    sha256: file.sha256.toLowerCase(),
    gzip: optionBoolean(op, 'file.gzip', file.gzip, false),
    size:
      file.size === undefined ? undefined : optionPositiveInteger(op, 'file.size', file.size, 0),
  };
}

function checkTimeout(op: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  // setTimeout treats delays above 2³¹ - 1 ms as 1 ms: reject them rather than time out at once.
  const ms = optionNonNegative(op, 'options.timeoutMs', value, DEFAULT_TIMEOUT_MS);
  if (ms === 0 || ms > 2 ** 31 - 1)
    throw new LacunaError(
      op,
      'options.timeoutMs',
      `must be in (0, 2147483647] ms or Infinity, got ${ms}`,
    );
  return ms;
}

/** Whether `path` already holds the right content; a directory there is an error. */
async function cachedCopyIsGood(
  path: string,
  file: CheckedFile,
  maxBytes: number,
  op: string,
): Promise<boolean> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw toFileError(error, { op, argument: 'file.name' }, path, 'inspected');
  });
  if (!info) return false;
  if (!info.isFile())
    throw new FileError(
      op,
      'file.name',
      path,
      'is where the cached file belongs, but it is not a regular file (a directory?): remove it or choose another cacheDir',
      'EISDIR',
    );
  // A copy of the wrong size (or larger than any download may be) is stale: not worth hashing.
  if (file.size !== undefined ? info.size !== file.size : info.size > maxBytes) return false;
  const bytes = await readFile(path).catch((error) => {
    throw toFileError(error, { op, argument: 'file.name' }, path, 'read');
  });
  return sha256(bytes) === file.sha256;
}

/**
 * Downloads a file into the cache, unless a copy with the right SHA-256 is already there.
 *
 * Each mirror is tried `retries` times with exponential back-off; a response that is too large
 * or has the wrong checksum moves on to the next mirror at once. The content (decompressed, for
 * gzip files) must match `sha256`; it is written with `writeFileAtomic` (unique temp file, fsync,
 * rename), so the cache never holds a partial or corrupt file.
 *
 * Limits: a request that makes no progress for `timeoutMs` (default 10 s) fails, so a server that
 * never answers costs at most `retries × timeoutMs` plus back-off per mirror (about 31.5 s with
 * the defaults); the bytes received and the decompressed bytes are capped while streaming (by
 * `file.size` when given, else `maxBytes`, default 256 MiB). A server's own
 * `Content-Encoding: gzip` is undone by fetch and does not disturb the length check.
 *
 * @param file - What to fetch; see {@link RemoteFile}.
 * @param options - See {@link DownloadOptions}. Unknown keys are an error.
 * @returns The cached file's path.
 * @throws LacunaError for a bad `file` or option; FileError (from `@lacuna/tensor/node`) when the
 *   cache cannot be written (a directory in the way, `/proc`, no permission); DownloadError when
 *   every mirror failed, listing each attempt and its cause.
 * @example
 * ```ts no-run: downloads from the network
 * import { downloadFile } from '@lacuna/datasets/node';
 * const path = await downloadFile({
 *   name: 'x.bin',
 *   mirrors: ['https://example.org/x.bin'],
 *   sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // the file's SHA-256
 * });
 * ```
 */
export async function downloadFile(
  file: RemoteFile,
  options: DownloadOptions = {},
): Promise<string> {
  const op = 'downloadFile';
  const remote = checkRemoteFile(op, file);
  checkOptionKeys(op, options, DOWNLOAD_OPTIONS);
  const dir = optionString(op, 'options.cacheDir', options.cacheDir) ?? defaultCacheDir();
  const retries = optionPositiveInteger(op, 'options.retries', options.retries, 3);
  const backoffMs = optionNonNegative(op, 'options.backoffMs', options.backoffMs, 500);
  const timeoutMs = checkTimeout(op, options.timeoutMs);
  const maxBytes = optionPositiveInteger(
    op,
    'options.maxBytes',
    options.maxBytes,
    DEFAULT_DOWNLOAD_MAX_BYTES,
  );
  const onProgress = optionFunction<DownloadOptions['onProgress']>(
    op,
    'options.onProgress',
    options.onProgress,
  );
  const path = join(dir, ...remote.name.split('/'));
  // Belt and braces after the name check: the file must land inside the cache directory.
  const inside = relative(resolve(dir), resolve(path));
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new LacunaError(op, 'file.name', `leads outside the cache directory ${dir}`);
  if (await cachedCopyIsGood(path, remote, maxBytes, op)) return path;
  await ensureDir(dirname(path), { op, argument: 'options.cacheDir' });

  const contentLimit = remote.size ?? maxBytes;
  const transferLimit =
    remote.size === undefined ? maxBytes : remote.gzip ? gzipBound(remote.size) : remote.size;
  const failures: string[] = [];
  let lastError: unknown;
  for (const url of remote.mirrors) {
    for (let attempt = 1; attempt <= retries; attempt++) {
      try {
        const raw = await fetchBytes(url, {
          timeoutMs,
          maxBytes: transferLimit,
          limitName: remote.size === undefined ? 'maxBytes' : 'from file.size',
          onProgress,
        });
        const content = remote.gzip
          ? gunzipCapped(raw, contentLimit, remote.size === undefined ? 'maxBytes' : 'file.size')
          : raw;
        if (remote.size !== undefined && content.length !== remote.size)
          throw new PermanentFetchError(`holds ${content.length} bytes, expected ${remote.size}`);
        const digest = sha256(content);
        if (digest !== remote.sha256)
          throw new PermanentFetchError(`has SHA-256 ${digest}, expected ${remote.sha256}`);
        await writeFileAtomic(path, content, { at: { op, argument: 'options.cacheDir' } });
        return path;
      } catch (error) {
        // The cache cannot be written: another mirror will not help.
        if (error instanceof FileError) throw error;
        lastError = error;
        failures.push(`${url} (attempt ${attempt}): ${describeError(error)}`);
        // A wrong or oversized file will not fix itself by asking the same mirror again.
        if (error instanceof PermanentFetchError || error instanceof DatasetFormatError) break;
        if (attempt < retries) await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }
  const error = new DownloadError(
    op,
    remote.name,
    `could not be fetched from any mirror:\n  ${failures.join('\n  ')}`,
  );
  Object.defineProperty(error, 'cause', { value: lastError, configurable: true, writable: true });
  throw error;
}

/** gunzip whose output may not exceed `limit` bytes (a bomb stops there). */
function gunzipCapped(raw: Uint8Array, limit: number, limitName: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(raw, { maxOutputLength: limit }));
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ||
      error instanceof RangeError
    )
      throw new PermanentFetchError(`decompresses to more than ${limit} bytes (${limitName})`);
    throw new Error(`is not valid gzip (${(error as Error).message})`);
  }
}
