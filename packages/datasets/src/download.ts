import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LacunaError } from '@lacuna/tensor';
import { DatasetFormatError } from './idx.js';

/**
 * Every mirror failed (or the file never matched its checksum). The message lists each attempt.
 *
 * @example
 * ```ts
 * import { DownloadError } from '@lacuna/datasets/node';
 * console.log(new DownloadError('download', 'train.gz', 'failed').message);
 * ```
 */
export class DownloadError extends LacunaError {}

/** A file to fetch: where from, and what its content must hash to. */
export interface RemoteFile {
  /** File name in the cache directory (the decompressed name for gzip files). */
  name: string;
  /** URLs tried in order. */
  mirrors: readonly string[];
  /** SHA-256 (hex) of the stored content (after gunzip when `gzip`). */
  sha256: string;
  /** The mirrors serve it gzip-compressed; it is stored decompressed. */
  gzip?: boolean;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Cache directory; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Attempts per mirror (default 3). */
  retries?: number;
  /** Milliseconds before the second attempt, doubling after each failure (default 500). */
  backoffMs?: number;
  /** Milliseconds a request may take (default 60,000). */
  timeoutMs?: number;
  /** Reports progress; `total` is null when the server does not say. */
  onProgress?: (received: number, total: number | null) => void;
}

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

async function fetchBytes(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  if (!response.ok || !response.body)
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  const header = response.headers.get('content-length');
  const total = header === null ? null : Number(header);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    received += chunk.length;
    options.onProgress?.(received, total);
  }
  if (total !== null && received !== total)
    throw new Error(`connection closed after ${received} of ${total} bytes`);
  const out = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Downloads a file into the cache, unless a copy with the right SHA-256 is already there. Each
 * mirror is tried `retries` times with exponential back-off; the content (decompressed, for gzip
 * files) must match `sha256`; it is written to a temporary file and renamed, so the cache never
 * holds a partial or corrupt file.
 *
 * @returns The cached file's path.
 * @example
 * ```ts
 * import { downloadFile } from '@lacuna/datasets/node';
 * const path = await downloadFile({ name: 'x.bin', mirrors: ['https://example.org/x.bin'], sha256: '…' });
 * ```
 */
export async function downloadFile(
  file: RemoteFile,
  options: DownloadOptions = {},
): Promise<string> {
  const dir = options.cacheDir ?? defaultCacheDir();
  const path = join(dir, file.name);
  if (await stat(path).catch(() => null)) {
    if (sha256(new Uint8Array(await readFile(path))) === file.sha256) return path;
    await rm(path, { force: true }); // a stale or tampered copy: fetch again
  }
  await mkdir(dirname(path), { recursive: true });
  const retries = options.retries ?? 3;
  const failures: string[] = [];
  for (const url of file.mirrors) {
    for (let attempt = 1; attempt <= retries; attempt++) {
      try {
        const raw = await fetchBytes(url, options);
        let content: Uint8Array;
        try {
          content = file.gzip ? new Uint8Array(gunzipSync(raw)) : raw;
        } catch (error) {
          throw new Error(`not valid gzip (${(error as Error).message})`);
        }
        const digest = sha256(content);
        if (digest !== file.sha256)
          throw new DatasetFormatError(
            'downloadFile',
            file.name,
            `has SHA-256 ${digest}, expected ${file.sha256}`,
          );
        const temp = `${path}.${process.pid}.${Date.now()}.part`;
        try {
          const handle = await open(temp, 'w');
          try {
            await handle.writeFile(content);
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(temp, path);
        } finally {
          await rm(temp, { force: true });
        }
        return path;
      } catch (error) {
        failures.push(`${url} (attempt ${attempt}): ${(error as Error).message}`);
        // A checksum mismatch will not fix itself by retrying the same mirror.
        if (error instanceof DatasetFormatError) break;
        if (attempt < retries) await sleep((options.backoffMs ?? 500) * 2 ** (attempt - 1));
      }
    }
  }
  throw new DownloadError(
    'downloadFile',
    file.name,
    `could not be fetched from any mirror:\n  ${failures.join('\n  ')}`,
  );
}
