/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS as ALL } from '../src/commands/index.js';
import { supports } from '../src/run.js';
import { CHROMIUM, launchChromium, pageErrors } from './browser.js';

const main = join(import.meta.dirname, '..', 'dist', 'main.js');
/** Screenshots of every report at both widths (gitignored; CI keeps them as artifacts). */
const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
const WIDTHS = [1200, 390] as const;
/** The commands `all` runs on MNIST, the default dataset (the others it skips). */
const COMMANDS = ALL.filter((c) => supports(c, 'mnist'));

interface DrawnWindow {
  chartsDrawn?: number;
  imagesDrawn?: number;
  REPORT: { charts: unknown[]; images?: unknown[] };
}

// Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Elsewhere it is skipped.
describe.skipIf(!existsSync(CHROMIUM))('every report of `all --quick` in headless Chromium', () => {
  let out = '';
  let stdout = '';
  let browser: Browser;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-reports-'));
    await mkdir(artifacts, { recursive: true });
    // One run of every command; stdout is a pipe, so the progress is plain lines.
    const child = spawn(process.execPath, [main, 'all', '--quick', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('prints nothing wider than 80 columns (file paths aside)', () => {
    const lines = stdout.split('\n');
    expect(lines.length).toBeGreaterThan(COMMANDS.length * 5);
    // A path is as long as the folder it names; everything else fits a terminal.
    const wide = lines.filter(
      (l) => [...l].length > 80 && !/^(report|metrics|all reports): \//.test(l),
    );
    expect(wide).toEqual([]);
  });

  it('index.html links every command’s report', async () => {
    const page = await browser.newPage();
    const errors = pageErrors(page);
    await page.goto(`file://${join(out, 'index.html')}`);
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    );
    expect(links.sort()).toEqual(COMMANDS.map((c) => `${c.name}/report.html`).sort());
    expect(errors).toEqual([]);
    await page.close();
  });

  describe.each(COMMANDS.map((c) => c.name))('%s', (name) => {
    it.each(WIDTHS)(
      'draws every chart and image at %i px without console errors',
      async (width) => {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const errors = pageErrors(page);
        await page.goto(`file://${join(out, name, 'report.html')}`);
        await page.waitForFunction(
          () => {
            const w = window as unknown as DrawnWindow;
            return w.chartsDrawn !== undefined && w.imagesDrawn !== undefined;
          },
          undefined,
          { timeout: 30_000 },
        );
        const drawn = await page.evaluate(() => {
          const w = window as unknown as DrawnWindow;
          // Painted pixels per canvas: a chart that failed to draw stays transparent.
          const ink = (c: HTMLCanvasElement) => {
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
            return n;
          };
          return {
            charts: w.REPORT.charts.length,
            chartsDrawn: w.chartsDrawn,
            images: (w.REPORT.images ?? []).length,
            imagesDrawn: w.imagesDrawn,
            chartInk: [...document.querySelectorAll<HTMLCanvasElement>('#charts canvas')].map(ink),
            imageInk: [...document.querySelectorAll<HTMLCanvasElement>('#images canvas')].map(ink),
            scrollWidth: document.documentElement.scrollWidth,
            shapes: [...document.querySelectorAll<HTMLCanvasElement>('#charts canvas')].map(
              (c) => c.clientHeight / c.clientWidth,
            ),
          };
        });
        expect(drawn.charts).toBeGreaterThan(0);
        expect(drawn.chartsDrawn).toBe(drawn.charts);
        expect(drawn.imagesDrawn).toBe(drawn.images);
        expect(drawn.chartInk.length).toBe(drawn.charts);
        for (const ink of drawn.chartInk) expect(ink).toBeGreaterThan(1000);
        for (const ink of drawn.imageInk) expect(ink).toBeGreaterThan(0);
        // The page itself never scrolls sideways; a wide table scrolls in its own box.
        expect(drawn.scrollWidth).toBeLessThanOrEqual(width);
        // On a phone the charts are taller than on a wide screen (1.6:1), so the legend leaves
        // room for the plot.
        for (const shape of drawn.shapes) expect(shape).toBeGreaterThan(width < 500 ? 0.85 : 0.55);
        expect(errors).toEqual([]);
        await page.screenshot({ path: join(artifacts, `${name}-${width}.png`), fullPage: true });
        await page.close();
      },
    );
  });
});
