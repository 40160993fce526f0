import { escapeHtml, STYLE } from './html.js';

/** One report as the index lists it. */
export interface IndexEntry {
  href: string;
  command: string;
  title: string;
  /** The report's first finding. */
  finding: string;
  quick: boolean;
}

/** The page linking every report in an output folder, each with its main finding. */
export function renderIndex(entries: IndexEntry[]): string {
  const items = entries
    .map(
      (e) =>
        `<li><a href="${escapeHtml(e.href)}"><b>${escapeHtml(e.command)}</b>: ${escapeHtml(e.title)}</a>${e.quick ? ' <span class="quick">smoke test (--quick)</span>' : ''}<br>${escapeHtml(e.finding)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Lacuna dropout demo: reports</title><style>${STYLE}li{margin:.8rem 0}</style></head><body>
<h1>Lacuna dropout demo: reports</h1>
<p>Each report is one self-contained page (it opens offline). Its first finding is quoted here.</p>
<ul>
${items || '<li>No reports yet.</li>'}
</ul>
</body></html>
`;
}
