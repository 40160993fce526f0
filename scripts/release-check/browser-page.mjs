// The ESM builds as a page without a bundler loads them (plain files, as from a CDN): an import map
// sends each @lacuna/* to the file its `unpkg` field names. Any bare import left in a dist file
// (e.g. CommonJS seedrandom) fails the page. Needs Chromium (apt-get install chromium).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { root } from './workspace.mjs';

const chromiumPath = '/usr/bin/chromium';

/** The page's script: trains a small model and leaves what it computed in `window.result`. */
const pageScript = `import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
import * as datasets from '@lacuna/datasets';
const g = new tensor.Generator(3);
const { x, y } = datasets.twoMoons(64, { generator: g, noise: 0.1 });
const net = new layers.Sequential(new layers.Linear(2, 16, { generator: g }), new layers.ReLU(),
  new layers.Dropout(0.2, { generator: g.fork() }), new layers.Linear(16, 2, { generator: g }));
const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const loss = () => layers.crossEntropy(net.forward(x), y);
net.eval(); const before = loss().item(); net.train();
for (let i = 0; i < 60; i++) { opt.zeroGrad(); autograd.backward(loss()); opt.step(); }
net.eval(); const after = loss().item();
window.result = { before, after, product: tensor.matmul(tensor.tensor([[1, 2], [3, 4]]), tensor.tensor([[1, 2], [3, 4]])).toArray(),
  backend: tensor.getBackendInfo(), errorName: new tensor.ShapeError('op', 'arg', 'bad').name };
`;

/**
 * The page's files by URL path: an HTML page with the import map, and its script.
 * @param {Record<string, string>} imports - The import map's entries.
 * @returns {Record<string, string>}
 */
const pageFiles = (imports) => ({
  '/index.html': `<!doctype html>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module" src="/page.js"></script>`,
  '/page.js': pageScript,
});

/**
 * Serves the page and the consumer project's @lacuna packages on a free local port.
 * @param {string} app - The consumer project.
 * @param {Record<string, string>} page - The page's files by URL path.
 * @returns {Promise<{ server: import('node:http').Server, url: string, notFound: string[] }>}
 *   The server, the page's URL, and the paths asked for but not found (filled as they come).
 */
async function servePage(app, page) {
  /** @type {Record<string, string>} */
  const types = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
  /** @type {string[]} */
  const notFound = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    /** @type {string | Buffer | undefined} */
    let body = page[path];
    if (body === undefined && path.startsWith('/node_modules/@lacuna/') && !path.includes('..')) {
      body = existsSync(join(app, path)) ? readFileSync(join(app, path)) : undefined;
    }
    if (path === '/favicon.ico') body = '';
    if (body === undefined) {
      notFound.push(path);
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': types[posix.extname(path)] ?? 'text/plain' }).end(body);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${port}/index.html`;
  return { server, url, notFound };
}

/**
 * Loads the page in headless Chromium and checks what it computed; skipped without Chromium.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The consumer project.
 * @param {import('./workspace.mjs').Manifest[]} manifests
 */
export async function checkBrowserPage(report, app, manifests) {
  const { fail, ok } = report;
  if (!existsSync(chromiumPath)) {
    console.log(`  - skipped: no Chromium at ${chromiumPath}`);
    return;
  }
  const imports = Object.fromEntries(
    manifests.map(({ pkg }) => [
      pkg.name,
      `/node_modules/${pkg.name}/${posix.normalize(pkg.unpkg)}`,
    ]),
  );
  const { server, url, notFound } = await servePage(app, pageFiles(imports));
  const requireFromTensor = createRequire(join(root, 'packages', 'tensor', 'package.json'));
  const { chromium } = requireFromTensor('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const tab = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    tab.on('pageerror', (/** @type {Error} */ e) => errors.push(String(e)));
    tab.on(
      'console',
      (/** @type {{ type(): string, text(): string }} */ m) =>
        m.type() === 'error' && errors.push(m.text()),
    );
    await tab.goto(url);
    await tab
      .waitForFunction(() => 'result' in window || false, undefined, { timeout: 60_000 })
      .catch(() => {});
    /** @typedef {{ before: number, after: number, product: number[][], backend: { name: string }, errorName: string }} PageResult */
    const result = await tab.evaluate(
      () => /** @type {{ result?: PageResult }} */ (/** @type {unknown} */ (window)).result,
    );
    if (errors.length || !result)
      fail(
        `import-map page failed: ${errors.join('; ') || 'no result'}${notFound.length ? ` (not found: ${notFound.join(', ')})` : ''}`,
      );
    else if (
      JSON.stringify(result.product) !== '[[7,10],[15,22]]' ||
      !(result.after < result.before * 0.7) ||
      result.errorName !== 'ShapeError'
    )
      fail(`import-map page computed ${JSON.stringify(result)}`);
    else
      ok(
        `tensor + autograd + layers + optim + datasets from plain ESM files: loss ${result.before.toFixed(3)} → ${result.after.toFixed(3)} on ${result.backend.name}`,
      );
  } catch (error) {
    fail(`import-map page: ${/** @type {Error} */ (error).message}`);
  } finally {
    await browser?.close();
    server.close();
  }
}
