#!/usr/bin/env node
// Screenshots of every report in an output folder, at 1200 and 390 px, for the README and the
// issue's evidence: `node scripts/screenshots.mjs <out-dir>` (after `lacuna-demo all --out <out-dir>`).
// Writes apps/demo/test-artifacts/full/<command>-<width>.png (gitignored) and fails (status 1) when
// a report logs a console error, draws fewer charts or images than it has, or scrolls sideways.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * What a report page sets on `window` once it has drawn (src/report/page-script.ts).
 * @typedef {{ chartsDrawn?: number, imagesDrawn?: number, REPORT: { charts: unknown[], images?: unknown[] } }} DrawnWindow
 */

const WIDTHS = [1200, 390];
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const [arg] = process.argv.slice(2);
if (!arg || arg.startsWith('-')) {
  console.error('usage: screenshots.mjs <out-dir>  (the --out folder of a demo run)');
  process.exit(2);
}
// Under pnpm the script runs in apps/demo; a relative folder means where the user typed it.
const out = resolve(process.env.INIT_CWD ?? process.cwd(), arg);
const index = join(out, 'index.html');
if (!existsSync(index)) {
  console.error(`screenshots: no index.html in ${out}; run the demo with --out ${arg} first`);
  process.exit(2);
}
if (!existsSync(executablePath)) {
  console.error(
    `screenshots: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`,
  );
  process.exit(2);
}
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts', 'full');
await mkdir(target, { recursive: true });

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
/** @type {string[]} */
const problems = [];
try {
  const first = await browser.newPage();
  await first.goto(`file://${index}`);
  const hrefs = await first.evaluate(() =>
    // Every link on the index names a report (`<command>/report.html`).
    [...document.querySelectorAll('a')].map((a) => /** @type {string} */ (a.getAttribute('href'))),
  );
  await first.close();
  for (const href of hrefs) {
    const command = href.split('/')[0];
    for (const width of WIDTHS) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      /** @type {string[]} */
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${join(out, href)}`);
      await page.waitForFunction(
        () => {
          const w = /** @type {DrawnWindow} */ (/** @type {unknown} */ (window));
          return w.chartsDrawn !== undefined && w.imagesDrawn !== undefined;
        },
        undefined,
        { timeout: 60_000 },
      );
      const s = await page.evaluate(() => {
        const w = /** @type {DrawnWindow} */ (/** @type {unknown} */ (window));
        return {
          charts: w.REPORT.charts.length,
          chartsDrawn: w.chartsDrawn,
          images: (w.REPORT.images ?? []).length,
          imagesDrawn: w.imagesDrawn,
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      const path = join(target, `${command}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      await page.close();
      const bad = [
        ...errors.map((e) => `console error: ${e}`),
        ...(s.chartsDrawn !== s.charts ? [`${s.chartsDrawn} of ${s.charts} charts drawn`] : []),
        ...(s.imagesDrawn !== s.images ? [`${s.imagesDrawn} of ${s.images} image panels`] : []),
        ...(s.scrollWidth > width ? [`page is ${s.scrollWidth} px wide`] : []),
      ];
      for (const b of bad) problems.push(`${command} at ${width} px: ${b}`);
      console.log(`${bad.length ? 'PROBLEM' : 'ok     '} ${path}`);
    }
  }
} finally {
  await browser.close();
}
for (const p of problems) console.error(p);
process.exit(problems.length ? 1 : 0);
