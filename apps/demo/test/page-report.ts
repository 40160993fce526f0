import { expect } from 'vitest';

/** The report a page draws (charts and images, which metrics.json leaves out), read from its HTML. */
export function pageReport(html: string) {
  const json = /window\.REPORT = (.*?); window\.LIVE/s.exec(html)?.[1];
  expect(json).toBeDefined();
  return JSON.parse(json!);
}
