/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const chromium = '/usr/bin/chromium';
const cli = join(import.meta.dirname, '..', 'dist', 'main.js');

/**
 * Runs a command with --quick, opens its report in headless Chromium and returns how many
 * charts and image canvases it painted (non-transparent pixels per canvas); keeps a screenshot in
 * test-artifacts/.
 */
async function drawn(command: string) {
  const { chromium: launcher } = await import('playwright-core');
  const out = await mkdtemp(join(tmpdir(), `lacuna-${command}-`));
  try {
    const r = spawnSync(process.execPath, [cli, command, '--quick', '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const browser = await launcher.launch({
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
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
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

// Needs Debian's chromium (apt-get install chromium); elsewhere it is skipped.
describe.skipIf(!existsSync(chromium))('image panels in headless Chromium', () => {
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
