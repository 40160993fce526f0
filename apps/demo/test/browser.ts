/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); the browser tests skip when it is absent. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium as the tests run it: no sandbox (containers), no GPU, no network chatter. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Collects console errors and uncaught exceptions of a page. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}
