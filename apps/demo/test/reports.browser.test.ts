/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMMANDS as ALL } from '../src/commands/index.js';
import { renderHtml } from '../src/report/html.js';
import type { Report } from '../src/report/types.js';
import { supports } from '../src/run.js';
import { CHROMIUM, launchChromium, pageErrors } from './browser.js';

/** Screenshots of every report at both widths (gitignored; CI keeps them as artifacts). */
const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
const WIDTHS = [1200, 390] as const;
/** The commands `all` runs on MNIST, the default dataset (the others it skips). */
const COMMANDS = ALL.filter((c) => supports(c, 'mnist'));

interface ChartLike {
  scales: Record<string, { ticks: { label: unknown }[] }>;
}

interface DrawnWindow {
  chartsDrawn?: number;
  imagesDrawn?: number;
  REPORT: { charts: unknown[]; images?: unknown[] };
}

// Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Elsewhere it is skipped.
describe.skipIf(!existsSync(CHROMIUM))('every report of `all --quick` in headless Chromium', () => {
  // Run once for every test file by the global setup (test/all-quick.setup.ts).
  const { out, code, stdout, stderr } = inject('allQuick');
  let browser: Browser;

  beforeAll(async () => {
    expect(code, stderr).toBe(0);
    await mkdir(artifacts, { recursive: true });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
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

  it('labels point and percent ticks with the decimals their step needs', async () => {
    // A gap between 4 and 7 points: Chart.js picks 0.5-point steps, once shown as '+7 pts' twice.
    const report: Report = {
      command: 'ticks',
      title: 'ticks',
      findings: [],
      quick: false,
      settings: {},
      table: { columns: ['configuration'], rows: [] },
      charts: [
        {
          title: 'gap',
          type: 'line',
          labels: [1, 2, 3, 4],
          datasets: [{ config: 'a', split: 'none', data: [0.04, 0.055, 0.062, 0.07] }],
          xLabel: 'epoch',
          yLabel: 'gap',
          yUnit: 'points',
        },
        {
          title: 'accuracy',
          type: 'line',
          labels: [1, 2, 3, 4],
          datasets: [{ config: 'a', split: 'test', data: [0.9351, 0.9362, 0.9368, 0.9375] }],
          xLabel: 'epoch',
          yLabel: 'accuracy',
          yUnit: 'percent',
        },
        {
          // A loss axis within a few thousandths once read '2.29' three times.
          title: 'loss',
          type: 'line',
          labels: [1, 2, 3, 4],
          datasets: [{ config: 'a', split: 'test', data: [2.285, 2.298, 2.306, 2.314] }],
          xLabel: 'epoch',
          yLabel: 'loss',
          yUnit: 'number',
          yLog: true,
        },
      ],
      metrics: null,
    };
    const file = join(out, 'ticks.html');
    await writeFile(file, await renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as unknown as DrawnWindow).chartsDrawn === 3);
    const ticks = await page.evaluate(() =>
      Object.values(
        (window as unknown as { Chart: { instances: Record<string, ChartLike> } }).Chart.instances,
      ).map((chart) => chart.scales.y!.ticks.map((t) => String(t.label))),
    );
    expect(ticks[0]).toContain('+6.5 pts');
    expect(ticks[1]!.some((l) => /^93\.[0-9]+ %$/.test(l))).toBe(true);
    expect(ticks[2]!.filter((l) => l !== '').length).toBeGreaterThan(2);
    for (const labels of ticks) {
      const shown = labels.filter((l) => l !== '');
      expect(new Set(shown).size, shown.join(' ')).toBe(shown.length);
    }
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
            // Every axis labels each tick differently (no '+7 pts' twice).
            repeatedTicks: Object.values(
              (window as unknown as { Chart: { instances: Record<string, ChartLike> } }).Chart
                .instances,
            ).flatMap((chart) =>
              Object.values(chart.scales).flatMap((scale) => {
                const labels = scale.ticks.map((t) => t.label).filter((l) => l !== '');
                return labels.filter((l, i) => labels.indexOf(l) !== i).map(String);
              }),
            ),
            // On a phone the table is one block per row: nothing to scroll sideways.
            tableOverflow:
              document.querySelector('#table table')!.scrollWidth -
              document.getElementById('table')!.clientWidth,
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
        expect(drawn.repeatedTicks).toEqual([]);
        if (width < 600) expect(drawn.tableOverflow).toBeLessThanOrEqual(0);
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
