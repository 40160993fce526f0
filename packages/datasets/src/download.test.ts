import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, defaultCacheDir, downloadFile, type RemoteFile } from './download.js';

const content = new TextEncoder().encode('lacuna test payload '.repeat(2000));
const sha256 = createHash('sha256').update(content).digest('hex');
const gz = gzipSync(content);

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
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
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

describe('defaultCacheDir', () => {
  it('prefers LACUNA_DATA_DIR, then the platform cache', () => {
    expect(defaultCacheDir({ LACUNA_DATA_DIR: '/data/here' })).toBe('/data/here');
    if (process.platform === 'linux') {
      expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/lacuna');
      expect(defaultCacheDir({})).toMatch(/\.cache\/lacuna$/);
    }
  });
});
