/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROMIUM, launchChromium, pageErrors } from './browser.js';

/** Whether Debian's chromium is there; browser checks are skipped without it. */
export const hasChromium = existsSync(CHROMIUM);

/**
 * Opens a report in headless Chromium at `width` pixels, waits until its charts are drawn, and
 * keeps a full-page screenshot as `test-artifacts/<name>`. Returns how many pixels each canvas
 * painted, the console and page errors, and whether the page or its table scrolls sideways.
 */
export async function drawReport(
  html: string,
  name: string,
  charts: number,
  width = 1200,
): Promise<{ ink: number[]; errors: string[]; overflow: boolean }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`file://${html}`);
    await page.waitForFunction(
      (n) => (window as unknown as { chartsDrawn?: number }).chartsDrawn === n,
      charts,
      { timeout: 15_000 },
    );
    const ink = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].map((c) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return painted;
      }),
    );
    // The page, or a horizontally scrolling box (the table's), wider than the screen.
    const overflow = await page.evaluate(() =>
      [document.documentElement, ...document.querySelectorAll('.scroll')].some(
        (el) => el.scrollWidth > el.clientWidth + 1,
      ),
    );
    const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, name), fullPage: true });
    return { ink, errors, overflow };
  } finally {
    await browser.close();
  }
}
