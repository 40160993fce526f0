/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, pageErrors } from './browser.js';

const main = join(import.meta.dirname, '..', 'dist', 'main.js');

interface LiveWindow {
  livePoints?: number;
  liveUpdates?: number;
  REPORT: { title: string; findings: string[]; table: { columns: string[] } };
}

// Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Elsewhere it is skipped.
describe.skipIf(!existsSync(CHROMIUM))('--live in headless Chromium', () => {
  it('the chart gains points while training runs, then the final report arrives', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lacuna-live-browser-'));
    // The browser starts first, so the page opens as soon as the demo prints its address.
    const browser = await launchChromium();
    // Training outlasts opening the page by far (two configurations of 150 epochs on 1000
    // moons examples); the test waits on events, never on the clock.
    const child = spawn(
      process.execPath,
      [
        main,
        'compare',
        '--quick',
        '--dataset',
        'moons',
        '--train-size',
        '1000',
        '--epochs',
        '150',
        '--live',
        '0',
      ],
      { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const m =
            /^live report: (http:\/\/127\.0\.0\.1:\d+\/) \(updates every evaluation\)$/m.exec(
              stdout,
            );
          if (m) resolve(m[1]!);
        };
        child.stdout.on('data', look);
        exited.then((code) => reject(new Error(`exited ${code} before serving: ${stderr}`)));
      });
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors = pageErrors(page);
      await page.goto(url);

      // Live reports (titled '… (live)') exist only while training runs: the chart gains
      // points from one to the next before the final report replaces them.
      const live = await page.waitForFunction(
        () => {
          const lw = window as unknown as LiveWindow;
          return lw.REPORT.title.endsWith('(live)') && (lw.livePoints ?? 0) > 0
            ? { points: lw.livePoints!, updates: lw.liveUpdates ?? 0 }
            : null;
        },
        undefined,
        { timeout: 120_000 },
      );
      const before = (await live.jsonValue()) as { points: number; updates: number };
      const grown = await page.waitForFunction(
        ({ points, updates }) => {
          const lw = window as unknown as LiveWindow;
          if (!lw.REPORT.title.endsWith('(live)')) return { points: -1 }; // the final one came first
          return (lw.liveUpdates ?? 0) > updates && (lw.livePoints ?? 0) > points
            ? { points: lw.livePoints! }
            : null;
        },
        before,
        { timeout: 120_000 },
      );
      expect(((await grown.jsonValue()) as { points: number }).points).toBeGreaterThan(
        before.points,
      );

      // Kept as test artifacts (gitignored) beside the reports' screenshots.
      const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'live-training.png'), fullPage: true });

      // The command's final report replaces the live one; `done` tells the page it is final.
      await page.waitForFunction(
        () => document.getElementById('live')!.textContent!.includes('training finished'),
        undefined,
        { timeout: 240_000 },
      );
      const final = await page.evaluate(() => ({
        title: document.querySelector('h1')!.textContent,
        report: (window as unknown as LiveWindow).REPORT,
        charts: document.querySelectorAll('#charts canvas').length,
      }));
      expect(final.title).toBe(
        'Does dropout prevent over-fitting? (moons, 1000 training examples)',
      );
      expect(final.report.title).toBe(final.title);
      expect(final.report.findings.length).toBeGreaterThanOrEqual(3);
      expect(final.report.table.columns.slice(1)).toEqual(['no dropout', 'dropout']);
      expect(final.charts).toBe(4); // the final report's two loss charts, accuracy and gap
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(artifacts, 'live-final.png'), fullPage: true });

      // The server keeps serving the final report until Ctrl-C, then the demo exits with 0.
      expect(stdout).toMatch(
        /live: training finished; http:\/\/127\.0\.0\.1:\d+\/ shows the final/,
      );
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await browser.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 400_000);
});
