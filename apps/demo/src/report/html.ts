import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PAGE_SCRIPT } from './page-script.js';
import { QUICK_NOTICE, type Report } from './types.js';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** JSON that is safe inside a <script> element. */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Chart.js's UMD build, read from its npm package so the report needs no network. */
async function chartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/; its main entry sits beside the UMD build.
  return readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

/** Shared styles: readable from 390 px phones to wide screens. */
export const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:1.5rem auto;padding:0 .8rem;color:#222}
h1{font-size:1.4rem;line-height:1.3}h2{font-size:1.1rem}
.quick{background:#fff4d6;border:1px solid #e0b84c;padding:.5rem .8rem;border-radius:4px}
.live{color:#555;font-style:italic}
.scroll{overflow-x:auto;max-width:100%}
@media (max-width:600px){#table table,#table tbody,#table tr,#table td{display:block}#table thead{display:none}
#table tr{border:1px solid #ccc;margin:.6rem 0;padding:.2rem .5rem}#table td{border:0;padding:.1rem 0;white-space:normal}
#table td::before{content:attr(data-label);float:left;color:#555;padding-right:.8rem;text-align:left}
#table td:first-child{font-weight:600;text-align:left}#table td:first-child::before{content:none}}
table{border-collapse:collapse;margin:1rem 0;font-variant-numeric:tabular-nums}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:right}td{white-space:nowrap}td:first-child,th:first-child{text-align:left}
th{background:#f3f3f3}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:1rem}
figure{margin:0;border:1px solid #eee;padding:.4rem;min-width:0}
.grid{display:flex;flex-wrap:wrap;gap:.4rem}.grid figure{border:0;padding:0;text-align:center}
.grid canvas{width:84px;height:84px;image-rendering:pixelated;border:1px solid #ddd}
figcaption{font-size:12px;color:#555;max-width:84px;overflow-wrap:anywhere}
code{background:#f6f6f6;padding:0 .2rem;overflow-wrap:anywhere}
ul.findings li{margin:.3rem 0}
@media (max-width:520px){body{font-size:14px}table{font-size:12px}td,th{padding:.2rem .3rem}}
`;

/**
 * The self-contained HTML page of a report: styles, Chart.js, the data and the drawing script
 * inline, nothing fetched. With `live`, the page also listens to the demo's server (`--live`) and
 * redraws on every update.
 */
export async function renderHtml(
  report: Report,
  options: { live?: boolean } = {},
): Promise<string> {
  const settings = Object.entries(report.settings)
    .map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(JSON.stringify(v))}</code>`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style></head><body>
<p><a href="../index.html">all reports</a></p>
<h1>${escapeHtml(report.title)}</h1>
${report.quick ? `<p class="quick">${escapeHtml(QUICK_NOTICE)}</p>` : ''}
${options.live ? '<p class="live" id="live">live: training is running; this page updates every evaluation</p>' : ''}
<ul class="findings" id="findings"></ul>
<p>${settings}</p>
<div class="scroll" id="table"></div>
<div class="charts" id="charts"></div>
<div id="images"></div>
<script>${await chartJs()}</script>
<script>window.REPORT = ${scriptJson({ ...report, metrics: undefined })}; window.LIVE = ${options.live ? 'true' : 'false'};</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
