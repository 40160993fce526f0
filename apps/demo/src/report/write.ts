import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lacuna/tensor/node';
import { renderHtml } from './html.js';
import { type IndexEntry, renderIndex } from './index-page.js';
import type { Report } from './types.js';

const at = { op: 'lacuna-demo', argument: '--out' };
const encode = (s: string) => new TextEncoder().encode(s);

/** metrics.json's text: the report without its charts, non-finite numbers as null. */
export function metricsJson(report: Report): string {
  const { charts: _charts, images: _images, ...rest } = report;
  return `${JSON.stringify(rest, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/**
 * Writes `<root>/<command>/report.html` and `metrics.json` (each atomically: a reader sees the old
 * file or the new one, never half), then rewrites `<root>/index.html` over every report under
 * `root`. Returns the paths.
 */
export async function writeReport(
  report: Report,
  root: string,
  order: readonly string[] = [],
): Promise<{ html: string; json: string; index: string }> {
  const dir = join(root, report.command);
  const html = join(dir, 'report.html');
  const json = join(dir, 'metrics.json');
  await writeFileAtomic(html, encode(await renderHtml(report)), { at });
  await writeFileAtomic(json, encode(metricsJson(report)), { at });
  return { html, json, index: await writeIndex(root, order) };
}

/**
 * Reads the reports under `root` (one folder per command) and writes `index.html` over them,
 * commands named in `order` first and in that order, then the rest by name.
 */
export async function writeIndex(root: string, order: readonly string[] = []): Promise<string> {
  const entries: IndexEntry[] = [];
  for (const item of await readdir(root, { withFileTypes: true })) {
    if (!item.isDirectory()) continue;
    let saved: Partial<Report>;
    try {
      saved = JSON.parse(await readFile(join(root, item.name, 'metrics.json'), 'utf8'));
    } catch {
      continue; // not a report folder (or one being written for the first time)
    }
    if (typeof saved.title !== 'string' || !Array.isArray(saved.findings)) continue;
    entries.push({
      href: `${item.name}/report.html`,
      command: String(saved.command ?? item.name),
      title: saved.title,
      finding: String(saved.findings[0] ?? ''),
      quick: saved.quick === true,
    });
  }
  const rank = (command: string) => {
    const i = order.indexOf(command);
    return i < 0 ? order.length : i;
  };
  entries.sort((a, b) => rank(a.command) - rank(b.command) || a.command.localeCompare(b.command));
  const index = join(root, 'index.html');
  await writeFileAtomic(index, encode(renderIndex(entries)), { at });
  return index;
}
