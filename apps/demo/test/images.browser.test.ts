/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { CHROMIUM, launchChromium, pageErrors } from './browser.js';

/**
 * Opens a command's report from the shared `all --quick` run (test/all-quick.setup.ts) in headless
 * Chromium and returns how many pixels each chart and image canvas painted; keeps a screenshot in
 * test-artifacts/.
 */
async function drawn(command: string) {
  const { out, code, stderr } = inject('allQuick');
  expect(code, stderr).toBe(0);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
    const errors = pageErrors(page);
    await page.goto(`file://${join(out, command, 'report.html')}`);
    await page.waitForFunction(
      () => (window as unknown as { imagesDrawn?: number }).imagesDrawn !== undefined,
      undefined,
      { timeout: 15_000 },
    );
    const result = await page.evaluate(() => {
      const ink = (c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      };
      return {
        charts: [...document.querySelectorAll('#charts canvas')].map((c) =>
          ink(c as HTMLCanvasElement),
        ),
        panels: [...document.querySelectorAll('#images section')].map((s) =>
          [...s.querySelectorAll('canvas')].map((c) => ink(c as HTMLCanvasElement)),
        ),
      };
    });
    const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `${command}-report.png`), fullPage: true });
    return { ...result, errors };
  } finally {
    await browser.close();
  }
}

// Needs Debian's chromium (apt-get install chromium); elsewhere it is skipped.
describe.skipIf(!existsSync(CHROMIUM))('image panels in headless Chromium', () => {
  it('coadaptation: three charts and two panels of 64 fully painted 28×28 features', async () => {
    const r = await drawn('coadaptation');
    expect(r.errors).toEqual([]);
    expect(r.charts).toHaveLength(3);
    for (const ink of r.charts) expect(ink).toBeGreaterThan(1000);
    expect(r.panels.map((p) => p.length)).toEqual([64, 64]);
    // Every pixel of every feature is painted (opaque).
    for (const panel of r.panels) for (const ink of panel) expect(ink).toBe(784);
  }, 300_000);

  it('mc: the reliability diagram among the charts, and 10 most and 10 least certain digits', async () => {
    const r = await drawn('mc');
    expect(r.errors).toEqual([]);
    expect(r.charts).toHaveLength(3);
    for (const ink of r.charts) expect(ink).toBeGreaterThan(1000);
    expect(r.panels.map((p) => p.length)).toEqual([10, 10]);
    for (const panel of r.panels) for (const ink of panel) expect(ink).toBe(784);
  }, 300_000);
});
