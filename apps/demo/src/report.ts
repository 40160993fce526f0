import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@lacuna/tensor/node';

/** A chart in the report, drawn by Chart.js. */
export interface ChartSpec {
  title: string;
  type: 'line' | 'bar';
  /** x-axis categories (epochs, rates, sizes, bins). */
  labels: (number | string)[];
  datasets: { label: string; data: (number | null)[]; dashed?: boolean }[];
  xLabel: string;
  yLabel: string;
}

/** Everything a command reports: a table, charts and the raw metrics. */
export interface Report {
  command: string;
  title: string;
  /** A paragraph saying what the experiment shows. */
  summary: string;
  settings: Record<string, unknown>;
  table: { columns: string[]; rows: (string | number)[][] };
  charts: ChartSpec[];
  metrics: unknown;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Chart.js's UMD build, read from its npm package so the report needs no network. */
async function chartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/; its main entry sits beside the UMD build.
  return readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

/** The self-contained HTML page: styles, Chart.js and the data inline, nothing fetched. */
export async function renderHtml(report: Report): Promise<string> {
  const data = JSON.stringify(report.charts).replace(/</g, '\\u003c');
  const table = `<table><thead><tr>${report.table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${report.table.rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(String(v))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const settings = Object.entries(report.settings)
    .map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(JSON.stringify(v))}</code>`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th{background:#f3f3f3}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1.5rem}
figure{margin:0;border:1px solid #eee;padding:.5rem}code{background:#f6f6f6;padding:0 .2rem}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.summary)}</p>
<p>${settings}</p>
${table}
<div class="charts" id="charts"></div>
<script>${await chartJs()}</script>
<script>
const specs = ${data};
const palette = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
window.chartsDrawn = 0;
for (const spec of specs) {
  const fig = document.createElement('figure');
  const canvas = document.createElement('canvas');
  fig.appendChild(canvas);
  document.getElementById('charts').appendChild(fig);
  new Chart(canvas, {
    type: spec.type,
    data: { labels: spec.labels, datasets: spec.datasets.map((d, i) => ({ ...d, borderDash: d.dashed ? [6, 4] : [], borderColor: palette[i % 10], backgroundColor: palette[i % 10] + '99', tension: 0.2, spanGaps: true })) },
    options: { animation: false, plugins: { title: { display: true, text: spec.title } }, scales: { x: { title: { display: true, text: spec.xLabel } }, y: { title: { display: true, text: spec.yLabel } } } },
  });
  window.chartsDrawn++;
}
</script>
</body></html>
`;
}

/**
 * Writes `report.html` and `metrics.json` into `dir` (each atomically: a reader sees the old file
 * or the new one, never half) and returns their paths. Missing directories are created level by
 * level (Node's recursive mkdir never returns under /proc).
 */
export async function writeReport(
  report: Report,
  dir: string,
): Promise<{ html: string; json: string }> {
  const at = { op: 'lacuna-demo', argument: '--out' };
  const html = join(dir, 'report.html');
  const json = join(dir, 'metrics.json');
  await writeFileAtomic(html, new TextEncoder().encode(await renderHtml(report)), { at });
  const { charts: _charts, ...rest } = report;
  await writeFileAtomic(
    json,
    new TextEncoder().encode(
      `${JSON.stringify(rest, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    ),
    { at },
  );
  return { html, json };
}
