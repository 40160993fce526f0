import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LacunaError } from '@lacuna/tensor';
import { FileError } from '@lacuna/tensor/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUT_MS,
  DownloadError,
  type DownloadOptions,
  defaultCacheDir,
  downloadFile,
  type RemoteFile,
} from './download.js';

const content = new TextEncoder().encode('lacuna test payload '.repeat(2000));
const sha256 = createHash('sha256').update(content).digest('hex');
const gz = gzipSync(content);
// 64 MiB of zeros in ~64 KB: a decompression bomb.
const bombGz = gzipSync(new Uint8Array(64 * 2 ** 20), { level: 9 });
const smallBombGz = gzipSync(new Uint8Array(2 ** 20), { level: 9 });

/** A fixture server on 127.0.0.1: good, corrupt, missing, failing and truncated files. */
function startServer(hits: Map<string, number>): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url === '/good.gz') return res.writeHead(200, { 'content-length': gz.length }).end(gz);
    if (url === '/plain')
      return res.writeHead(200, { 'content-length': content.length }).end(content);
    if (url === '/corrupt.gz')
      return res.writeHead(200).end(gzipSync(new TextEncoder().encode('tampered')));
    if (url === '/missing.gz') return res.writeHead(404).end('not found');
    if (url === '/error.gz') return res.writeHead(500).end('boom');
    if (url === '/flaky.gz') {
      // Fails twice, then serves: retries must get through.
      if ((hits.get(url) ?? 0) <= 2) return res.writeHead(503).end();
      return res.writeHead(200).end(gz);
    }
    if (url === '/encoded') {
      // The server compresses on the wire: Content-Length counts gzip bytes, fetch yields plain ones.
      return res
        .writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length })
        .end(gz);
    }
    if (url === '/encoded-bomb')
      return res.writeHead(200, { 'content-encoding': 'gzip' }).end(bombGz);
    if (url === '/bomb.gz') return res.writeHead(200).end(bombGz);
    if (url === '/small-bomb.gz') return res.writeHead(200).end(smallBombGz);
    if (url === '/hang') return; // never answers
    if (url === '/stall') {
      res.writeHead(200, { 'content-length': gz.length });
      res.write(gz.subarray(0, 100)); // then nothing, forever
      return;
    }
    if (url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (url === '/dropped.gz') {
      // Promise the whole file, send half, then drop the connection.
      res.writeHead(200, { 'content-length': gz.length });
      res.write(gz.subarray(0, gz.length >> 1));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('downloadFile against a local HTTP server', () => {
  const hits = new Map<string, number>();
  let server: Server;
  let base = '';
  let cacheDir = '';
  const file = (mirrors: string[], extra: Partial<RemoteFile> = {}): RemoteFile => ({
    name: 'sets/payload.txt',
    sha256,
    gzip: true,
    mirrors: mirrors.map((m) => `${base}${m}`),
    ...extra,
  });
  const fast = () => ({ cacheDir, retries: 2, backoffMs: 5 });

  beforeAll(async () => {
    server = await startServer(hits);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  beforeEach(async () => {
    hits.clear();
    cacheDir = await mkdtemp(join(tmpdir(), 'lacuna-cache-'));
    return () => rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads, decompresses, verifies and caches; a second call does not refetch', async () => {
    const path = await downloadFile(file(['/good.gz']), fast());
    expect(new Uint8Array(await readFile(path))).toEqual(content);
    await downloadFile(file(['/good.gz']), fast());
    expect(hits.get('/good.gz')).toBe(1);
    expect(await readdir(join(cacheDir, 'sets'))).toEqual(['payload.txt']);
  });

  it('falls through a 404, a 500, a corrupt file and a dropped connection to a good mirror', async () => {
    const path = await downloadFile(
      file(['/missing.gz', '/error.gz', '/corrupt.gz', '/dropped.gz', '/good.gz']),
      fast(),
    );
    expect(new Uint8Array(await readFile(path))).toEqual(content);
    expect(hits.get('/missing.gz')).toBe(2); // retried
    expect(hits.get('/corrupt.gz')).toBe(1); // a checksum mismatch is not retried
    expect(hits.get('/dropped.gz')).toBe(2);
  });

  it('retries a flaky mirror; stores non-gzip files too', async () => {
    await downloadFile(file(['/flaky.gz']), { cacheDir, retries: 3, backoffMs: 5 });
    expect(hits.get('/flaky.gz')).toBe(3);
    const plain = await downloadFile(file(['/plain'], { gzip: false, name: 'plain.txt' }), fast());
    expect(new Uint8Array(await readFile(plain))).toEqual(content);
  });

  it('fails with every attempt listed when every mirror fails, leaving no partial file', async () => {
    const promise = downloadFile(file(['/missing.gz', '/corrupt.gz', '/dropped.gz']), fast());
    await expect(promise).rejects.toThrow(DownloadError);
    await promise.catch((error: Error) => {
      expect(error.message).toMatch(/could not be fetched from any mirror/);
      expect(error.message).toMatch(/missing\.gz \(attempt 2\): HTTP 404/);
      expect(error.message).toMatch(
        /corrupt\.gz \(attempt 1\): .*has SHA-256 [0-9a-f]{64}, expected/,
      );
      expect(error.message).toMatch(/dropped\.gz \(attempt 1\)/);
    });
    expect(
      (await readdir(cacheDir, { recursive: true })).filter((f) => String(f).includes('payload')),
    ).toEqual([]);
  });

  it('replaces a cached copy whose checksum no longer matches', async () => {
    const path = await downloadFile(file(['/good.gz']), fast());
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'stale'));
    await downloadFile(file(['/good.gz']), fast());
    expect(hits.get('/good.gz')).toBe(2);
    expect(new Uint8Array(await readFile(path))).toEqual(content);
  });
});

describe('downloadFile limits, errors and names (issue 14)', () => {
  const hits = new Map<string, number>();
  let server: Server;
  let base = '';
  let cacheDir = '';
  const file = (mirrors: string[], extra: Partial<RemoteFile> = {}): RemoteFile => ({
    name: 'sets/payload.txt',
    sha256,
    gzip: true,
    mirrors: mirrors.map((m) => `${base}${m}`),
    ...extra,
  });
  const fast = (extra: DownloadOptions = {}): DownloadOptions => ({
    cacheDir,
    retries: 2,
    backoffMs: 1,
    ...extra,
  });
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a rejection');
  };

  beforeAll(async () => {
    server = await startServer(hits);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  beforeEach(async () => {
    hits.clear();
    cacheDir = await mkdtemp(join(tmpdir(), 'lacuna-cache-'));
    return () => rm(cacheDir, { recursive: true, force: true });
  });

  it('accepts a server that sends Content-Encoding: gzip (length checked on the wire bytes only)', async () => {
    const path = await downloadFile(file(['/encoded'], { gzip: false }), fast());
    expect(new Uint8Array(await readFile(path))).toEqual(content);
    expect(hits.get('/encoded')).toBe(1);
  });

  it('stops an encoded bomb at maxBytes while streaming, and a gzip-file bomb at file.size', async () => {
    const encoded = await failure(
      downloadFile(file(['/encoded-bomb'], { gzip: false }), fast({ maxBytes: 2 ** 20 })),
    );
    expect(encoded).toBeInstanceOf(DownloadError);
    expect(encoded.message).toMatch(
      /encoded-bomb \(attempt 1\): sent more than 1048576 bytes once its gzip encoding was undone/,
    );
    expect(hits.get('/encoded-bomb')).toBe(1); // too large is not retried
    // With file.size, the compressed transfer is capped near the size (the bomb is ~65 KB) …
    const bomb = await failure(downloadFile(file(['/bomb.gz'], { size: content.length }), fast()));
    expect(bomb.message).toMatch(
      /bomb\.gz \(attempt 1\): sent more than 41039 bytes \(from file\.size\)/,
    );
    // … and the decompression at the size itself.
    const exact = await failure(
      downloadFile(file(['/small-bomb.gz'], { size: content.length }), fast()),
    );
    expect(exact.message).toMatch(/decompresses to more than 40000 bytes \(file\.size\)/);
    const capped = await failure(downloadFile(file(['/bomb.gz']), fast({ maxBytes: 2 ** 20 })));
    expect(capped.message).toMatch(/decompresses to more than 1048576 bytes \(maxBytes\)/);
  });

  it('times out a server that never answers, or stalls mid-body, after timeoutMs without progress', async () => {
    const error = await failure(
      downloadFile(file(['/hang', '/stall']), fast({ timeoutMs: 50, retries: 1 })),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(/\/hang \(attempt 1\): no response for 50 ms \(timeoutMs\)/);
    expect(error.message).toMatch(/\/stall \(attempt 1\): no response for 50 ms \(timeoutMs\)/);
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
  });

  it('reports the cause of a redirect loop, with the URL', async () => {
    const error = await failure(downloadFile(file(['/loop']), fast({ retries: 1 })));
    expect(error.message).toMatch(/\/loop \(attempt 1\): fetch failed: redirect count exceeded/);
    expect((error.cause as Error).message).toBe('fetch failed');
  });

  it.each(['../x', 'sets/../../x', '/etc/passwd', 'a\\b', 'a//b', './x', '', 'C:x'])(
    'rejects the name %j before touching the network or the disk',
    async (name) => {
      const error = await failure(downloadFile(file(['/good.gz'], { name }), fast()));
      expect(error).toBeInstanceOf(LacunaError);
      expect(error.message).toMatch(
        /downloadFile: argument 'file\.name' must be a relative path inside the cache directory/,
      );
      expect(hits.size).toBe(0);
      expect(await readdir(cacheDir)).toEqual([]);
    },
  );

  it('a directory where the file belongs, or a file where the cache directory belongs, is a FileError', async () => {
    await mkdir(join(cacheDir, 'sets', 'payload.txt'), { recursive: true });
    const eisdir = await failure(downloadFile(file(['/good.gz']), fast()));
    expect(eisdir).toBeInstanceOf(FileError);
    expect((eisdir as FileError).code).toBe('EISDIR');
    expect(eisdir.message).toMatch(/payload\.txt"\) is where the cached file belongs/);
    await writeFile(join(cacheDir, 'plain-file'), 'x');
    const eexist = await failure(
      downloadFile(file(['/good.gz']), fast({ cacheDir: join(cacheDir, 'plain-file') })),
    );
    expect(eexist).toBeInstanceOf(FileError);
    expect(eexist.message).toMatch(/downloadFile: argument 'options\.cacheDir' .* is a file/);
    expect(hits.size).toBe(0);
  });

  it.runIf(process.platform === 'linux')('fails fast on a cacheDir under /proc', async () => {
    const error = await failure(downloadFile(file(['/good.gz']), fast({ cacheDir: '/proc/x' })));
    expect(error).toBeInstanceOf(FileError);
  });

  it('20 concurrent downloads of one file all succeed and leave no temp file', async () => {
    const paths = await Promise.all(
      Array.from({ length: 20 }, () => downloadFile(file(['/good.gz']), fast())),
    );
    expect(new Set(paths).size).toBe(1);
    expect(new Uint8Array(await readFile(paths[0]!))).toEqual(content);
    expect(await readdir(join(cacheDir, 'sets'))).toEqual(['payload.txt']);
  });

  it('rejects unknown, mistyped and out-of-range options and file fields', async () => {
    await expect(downloadFile(file(['/good.gz']), fast({ timeout: 2 } as never))).rejects.toThrow(
      /downloadFile: argument 'options\.timeout' is not a known option\. did you mean 'timeoutMs'\?/,
    );
    await expect(
      downloadFile({ ...file(['/good.gz']), sha265: 'x' } as never, fast()),
    ).rejects.toThrow(/argument 'file\.sha265' is not a known option\. did you mean 'sha256'\?/);
    await expect(
      downloadFile(file(['/good.gz'], { gzip: 'yes' as never }), fast()),
    ).rejects.toThrow(/argument 'file\.gzip' must be true or false/);
    await expect(downloadFile(file(['/good.gz']), fast({ timeoutMs: 0 }))).rejects.toThrow(
      /options\.timeoutMs/,
    );
    await expect(downloadFile(file(['/good.gz']), fast({ retries: 0 }))).rejects.toThrow(
      RangeError,
    );
    await expect(downloadFile(file(['ftp://x']), fast())).rejects.toThrow(/file\.mirrors/);
    await expect(downloadFile(file(['/good.gz'], { sha256: 'abc' }), fast())).rejects.toThrow(
      /file\.sha256' must be 64 hexadecimal digits/,
    );
    expect(hits.size).toBe(0);
  });
});

describe('defaultCacheDir', () => {
  it('prefers LACUNA_DATA_DIR, then the platform cache', () => {
    expect(defaultCacheDir({ LACUNA_DATA_DIR: '/data/here' })).toBe('/data/here');
    if (process.platform === 'linux') {
      expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/lacuna');
      expect(defaultCacheDir({})).toMatch(/\.cache\/lacuna$/);
    }
  });
});
