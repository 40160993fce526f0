import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const chromium = '/usr/bin/chromium';

// The page: runs the wasm backend next to the reference backend and reports what it saw.
const PAGE_SCRIPT = `
import * as T from './tensor.js';
const wasm = T.createWasmBackend({ threads: 2 });
const threads = await wasm.whenReady();
const m = 96, n = 200, k = 300;
const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
const p = { batch: 1, m, n, k, transA: false, transB: true };
const got = new Float32Array(m * n), want = new Float32Array(m * n);
wasm.matmul(a, b, got, p);
T.referenceBackend.matmul(a, b, want, p);
let maxDiff = 0;
for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
const x = Float32Array.from({ length: 100003 }, (_, i) => i % 11 - 5);
const key = { hi: 7, lo: -3 };
const d1 = new Float32Array(x.length), d2 = new Float32Array(x.length);
wasm.dropout(x, d1, { keepThreshold: 8388608, scale: 2, key });
T.referenceBackend.dropout(x, d2, { keepThreshold: 8388608, scale: 2, key });
const n1 = new Float32Array(1001), n2 = new Float32Array(1001);
wasm.normal(key, n1);
T.referenceBackend.normal(key, n2);
const conv = { groups: 1, outChannels: 4, geometry: { batch: 3, channels: 2, inH: 9, inW: 9, kH: 3, kW: 3,
  stride: [1, 1], padding: [1, 1], dilation: [1, 1], outH: 9, outW: 9 } };
const img = Float32Array.from({ length: 3 * 2 * 81 }, (_, i) => Math.sin(i));
const ker = Float32Array.from({ length: 4 * 2 * 9 }, (_, i) => Math.cos(i));
const c1 = new Float32Array(3 * 4 * 81), c2 = new Float32Array(3 * 4 * 81);
wasm.conv2d(img, ker, conv, c1);
T.referenceBackend.conv2d(img, ker, conv, c2);
let convDiff = 0;
for (let i = 0; i < c1.length; i++) convDiff = Math.max(convDiff, Math.abs(c1[i] - c2[i]));
const y = T.dropout(T.ones([4, 8]), { p: 0.5, training: true, generator: new T.Generator(1) });
window.result = {
  defaultBackend: T.getBackend().name,
  name: wasm.name,
  simd: wasm.simd,
  threads,
  isolated: self.crossOriginIsolated,
  maxDiff,
  dropoutSame: d1.every((v, i) => Object.is(v, d2[i])),
  normalSame: n1.every((v, i) => Object.is(v, n2[i])),
  convDiff,
  opValues: [...new Set(y.toArray().flat())].sort(),
};
`;

// A page under a Content-Security-Policy: what the default backend became, and what a 2-thread
// wasm backend really runs on.
const CSP_SCRIPT = `
import * as T from './tensor.js';
let name, threads, threadReason, simd;
try {
  const wasm = T.createWasmBackend({ threads: 2 });
  threads = await wasm.whenReady();
  name = wasm.name;
  simd = wasm.simd;
  threadReason = wasm.threadReason;
  wasm.dispose();
} catch (e) {
  name = 'error: ' + e.message;
}
window.result = {
  info: T.getBackendInfo(),
  name,
  simd,
  threads,
  threadReason,
  product: T.matmul(T.ones([2, 3]), T.ones([3, 2])).toArray(),
};
`;

const CSP: Record<string, string> = {
  // No 'wasm-unsafe-eval': WebAssembly may not compile.
  'no-wasm': "default-src 'self'; script-src 'self'",
  // WebAssembly allowed, but workers only from the page's origin: blob: workers are blocked.
  'no-blob-workers': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'",
  // What the README asks for.
  recommended: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:",
};

// Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Elsewhere it is skipped.
describe.skipIf(!existsSync(chromium))('the wasm backend in headless Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    // The package as a browser user gets it: bundled for the browser, wasm embedded.
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, '..', 'src', 'index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    });
    const files: Record<string, string> = {
      '/tensor.js': bundle.outputFiles[0]!.text,
      '/page.js': PAGE_SCRIPT,
      '/page.html': '<!doctype html><script type="module" src="./page.js"></script>',
      '/csp.js': CSP_SCRIPT,
      '/csp.html': '<!doctype html><script type="module" src="./csp.js"></script>',
      '/favicon.ico': '',
    };
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = files[url.pathname];
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      // ?isolated turns on cross-origin isolation, which is what lets a page use SharedArrayBuffer.
      const headers: Record<string, string> = {
        'content-type': url.pathname.endsWith('.html') ? 'text/html' : 'text/javascript',
      };
      if (url.searchParams.has('isolated') || req.headers.referer?.includes('isolated')) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      const csp = CSP[url.searchParams.get('csp') ?? ''];
      if (csp) headers['content-security-policy'] = csp;
      res.writeHead(200, headers).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium: launcher } = await import('playwright-core');
    browser = await launcher.launch({
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The backend name's stem for the kernel build the page ran. */
  const family = (r: Record<string, unknown>) =>
    r.simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd';

  async function visit(
    path: string,
    expectErrors = false,
  ): Promise<Record<string, unknown> & { errors: string[]; warnings: string[] }> {
    // A fresh context per visit: its own origin state, one browser for the whole file.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const warnings: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
        if (m.type() === 'warning') warnings.push(m.text());
      });
      await page.goto(`${origin}${path}`);
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 30_000 });
      if (!expectErrors) expect(errors).toEqual([]);
      const result = await page.evaluate(
        () => (window as unknown as { result: Record<string, unknown> }).result,
      );
      return { ...result, errors, warnings };
    } finally {
      await context.close();
    }
  }

  it('runs on two threads (Web Workers over shared memory) when the page is cross-origin isolated', async () => {
    const r = await visit('/page.html?isolated');
    expect(r.isolated).toBe(true);
    // Chrome ≥ 114 has relaxed SIMD: auto picks the relaxed-SIMD kernels.
    if (Number(browser.version().split('.')[0]) >= 114) expect(r.simd).toBe('relaxed');
    expect(r.defaultBackend).toMatch(new RegExp(`^${family(r)}`));
    expect(r.name).toBe(`${family(r)} (2 threads)`);
    expect(r.threads).toBe(2);
    expect(r.maxDiff as number).toBeLessThan(1e-3);
    expect(r.dropoutSame).toBe(true);
    expect(r.normalSame).toBe(true);
    expect(r.convDiff as number).toBeLessThan(1e-4);
    expect(r.opValues).toEqual([0, 2]);
  });

  it('without SharedArrayBuffer the backend says why it has one thread', async () => {
    const r = await visit('/csp.html');
    expect(r.name).toBe(family(r));
    expect(r.threads).toBe(1);
    expect(r.threadReason).toMatch(/^1 of 2 threads: the page is not cross-origin isolated/);
  });

  it("under a CSP without 'wasm-unsafe-eval' the fallback is reported and warned about once", async () => {
    const r = await visit('/csp.html?csp=no-wasm', true);
    const info = r.info as Record<string, unknown>;
    // Before: name 'reference' and nothing else; the page had no way to learn why.
    expect(info.name).toBe('reference');
    expect(info.threads).toBe(1);
    expect(info.fallbackFrom).toBe('wasm-simd');
    expect(info.reason).toMatch(
      /^fallback: the WebAssembly SIMD backend could not load: .*WebAssembly/,
    );
    expect(r.name).toMatch(/^error: /);
    expect(r.product).toEqual([
      [3, 3],
      [3, 3],
    ]);
    const warned = r.warnings.filter((w) => w.includes('@lacuna/tensor'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/could not load .*'wasm-unsafe-eval'/);
  });

  it("with worker-src 'self' the blocked helper threads are not counted, and a warning says so", async () => {
    const r = await visit('/csp.html?isolated&csp=no-blob-workers', true);
    // Before: 'wasm-simd (2 threads)' while every kernel ran on one thread.
    expect(r.name).toBe(family(r));
    expect(r.threads).toBe(1);
    expect(r.threadReason).toMatch(/^1 of 2 threads: helper 1: /);
    expect((r.info as Record<string, unknown>).fallbackFrom).toBeUndefined();
    const warned = r.warnings.filter((w) => w.includes('@lacuna/tensor'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/runs on 1 of 2 threads.*worker-src 'self' blob:/);
  });

  it('the CSP the README recommends gives the wasm backend its threads, with no warning', async () => {
    const r = await visit('/csp.html?isolated&csp=recommended');
    expect(r.name).toBe(`${family(r)} (2 threads)`);
    expect(r.threads).toBe(2);
    expect((r.info as Record<string, unknown>).name).toMatch(new RegExp(`^${family(r)}`));
    expect(r.warnings.filter((w) => w.includes('@lacuna/tensor'))).toEqual([]);
  });

  it('falls back to one thread without SharedArrayBuffer, with the same results', async () => {
    const r = await visit('/page.html');
    expect(r.isolated).toBe(false);
    expect(r.name).toBe(family(r));
    expect(r.threads).toBe(1);
    expect(r.maxDiff as number).toBeLessThan(1e-3);
    expect(r.dropoutSame).toBe(true);
    expect(r.normalSame).toBe(true);
    expect(r.convDiff as number).toBeLessThan(1e-4);
  });
});
