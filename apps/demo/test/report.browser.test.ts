/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const chromium = '/usr/bin/chromium';

// Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Elsewhere it is skipped.
describe.skipIf(!existsSync(chromium))('the HTML report in headless Chromium', () => {
  it('draws every chart without console errors; a screenshot is kept as an artifact', async () => {
    const { chromium: launcher } = await import('playwright-core');
    const out = await mkdtemp(join(tmpdir(), 'lacuna-report-'));
    try {
      const r = spawnSync(
        process.execPath,
        [join(import.meta.dirname, '..', 'dist', 'main.js'), 'mc', '--quick', '--out', out],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const browser = await launcher.launch({
        executablePath: chromium,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`file://${join(out, 'mc', 'report.html')}`);
        await page.waitForFunction(
          () => (window as unknown as { chartsDrawn: number }).chartsDrawn >= 3,
          undefined,
          { timeout: 15_000 },
        );
        const painted = await page.evaluate(() =>
          [...document.querySelectorAll('canvas')].map((c) => {
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
            return ink;
          }),
        );
        expect(painted.length).toBe(3);
        for (const ink of painted) expect(ink).toBeGreaterThan(1000);
        expect(errors).toEqual([]);
        const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
        await mkdir(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, 'mc-report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
