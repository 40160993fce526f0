/**
 * The report page's own script (runs in the browser, after Chart.js): draws the charts and image
 * panels from `window.REPORT`, and with `live` re-draws whenever the server sends a new report.
 * Kept as plain ES2020 text so the page needs no bundler and no network.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
const PALETTE = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
const DASH = { train: [], test: [7, 4], none: [] };
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
function format(unit, v, digits) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'percent') return (100 * v).toFixed(digits) + ' %';
  if (unit === 'points') return (v >= 0 ? '+' : '−') + Math.abs(100 * v).toFixed(digits) + ' pts';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(digits + 2)).toString();
}
// Percent and points ticks get as many decimals as their step needs (0.2-point steps must not all read '+0 pts').
function tickDigits(ticks) {
  const step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) * 100 : 1;
  return step >= 0.999 ? 0 : step >= 0.0999 ? 1 : 2;
}
function colours(report) {
  const map = new Map();
  for (const chart of report.charts) for (const s of chart.datasets)
    if (!map.has(s.config)) map.set(s.config, PALETTE[map.size % PALETTE.length]);
  return map;
}
const charts = [];
function drawCharts(report) {
  for (const c of charts.splice(0)) c.destroy();
  const box = document.getElementById('charts');
  box.textContent = '';
  const colour = colours(report);
  let points = 0;
  for (const spec of report.charts) {
    const fig = document.createElement('figure');
    const canvas = document.createElement('canvas');
    fig.appendChild(canvas);
    box.appendChild(fig);
    const datasets = [];
    for (const s of spec.datasets) {
      const c = colour.get(s.config);
      const label = s.label ?? (s.split === 'none' ? s.config : s.config + ' (' + s.split + ')');
      points += s.data.filter((v) => v !== null).length;
      if (s.low && s.high) {
        datasets.push({ label: label + ' low', data: s.low, borderColor: 'transparent', backgroundColor: c + '22', pointRadius: 0, fill: false, band: true, spanGaps: true });
        datasets.push({ label: label + ' high', data: s.high, borderColor: 'transparent', backgroundColor: c + '22', pointRadius: 0, fill: '-1', band: true, spanGaps: true });
      }
      datasets.push({ label, data: s.data, borderColor: c, backgroundColor: spec.type === 'bar' ? c + (s.split === 'test' ? '77' : 'cc') : c, borderDash: DASH[s.split] ?? [], borderWidth: 2, pointRadius: spec.labels.length > 30 ? 0 : 2, tension: 0.15, spanGaps: true });
    }
    const unit = spec.yUnit;
    charts.push(new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: true,
        aspectRatio: 1.6,
        plugins: {
          title: { display: true, text: spec.title },
          legend: { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band, boxHeight: 2 } },
          tooltip: { filter: (item) => !item.dataset.band, callbacks: { label: (ctx) => ctx.dataset.label + ': ' + format(unit, ctx.parsed.y, 2) } },
        },
        scales: {
          x: { title: { display: true, text: spec.xLabel } },
          y: { type: spec.yLog ? 'logarithmic' : 'linear', title: { display: true, text: spec.yLabel }, ticks: { callback: (v, i, ticks) => spec.yLog && ![1, 2, 5].includes(Number(Number(v).toExponential(0).split('e')[0])) ? '' : format(unit, Number(v), unit === 'number' ? 1 : tickDigits(ticks)) } },
        },
      },
    }));
  }
  window.livePoints = points;
  window.chartsDrawn = charts.length;
}
function drawImages(report) {
  const box = document.getElementById('images');
  box.textContent = '';
  for (const panel of report.images ?? []) {
    const section = document.createElement('section');
    section.className = 'panel';
    section.innerHTML = '<h2>' + esc(panel.title) + '</h2><p>' + esc(panel.caption) + '</p>';
    const grid = document.createElement('div');
    grid.className = 'grid';
    for (const image of panel.images) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = panel.width;
      canvas.height = panel.height;
      const ctx = canvas.getContext('2d');
      const pixels = ctx.createImageData(panel.width, panel.height);
      const top = panel.scale === 'signed' ? Math.max(1e-12, ...image.pixels.map(Math.abs)) : 1;
      image.pixels.forEach((v, i) => {
        let r, g, b;
        if (panel.scale === 'gray') { r = g = b = Math.round(255 * Math.min(1, Math.max(0, v))); }
        else { const t = Math.min(1, Math.abs(v) / top); const w = Math.round(255 * (1 - t));
          if (v >= 0) { r = 255; g = w; b = w; } else { r = w; g = w; b = 255; } }
        pixels.data.set([r, g, b, 255], 4 * i);
      });
      ctx.putImageData(pixels, 0, 0);
      fig.appendChild(canvas);
      const cap = document.createElement('figcaption');
      cap.textContent = image.label;
      fig.appendChild(cap);
      grid.appendChild(fig);
    }
    section.appendChild(grid);
    box.appendChild(section);
  }
  window.imagesDrawn = (report.images ?? []).length;
}
function drawText(report) {
  document.getElementById('findings').innerHTML = report.findings.map((f) => '<li>' + esc(f) + '</li>').join('');
  const t = report.table;
  document.getElementById('table').innerHTML = '<table><thead><tr>' + t.columns.map((c) => '<th>' + esc(c) + '</th>').join('') +
    '</tr></thead><tbody>' + t.rows.map((r) => '<tr>' + r.map((v) => '<td>' + esc(v) + '</td>').join('') + '</tr>').join('') + '</tbody></table>';
}
function draw(report) { drawText(report); drawCharts(report); drawImages(report); }
draw(window.REPORT);
if (window.LIVE) {
  const status = document.getElementById('live');
  const source = new EventSource('/events');
  source.addEventListener('report', (e) => { window.REPORT = JSON.parse(e.data); draw(window.REPORT); window.liveUpdates = (window.liveUpdates ?? 0) + 1; });
  source.addEventListener('status', (e) => { status.textContent = JSON.parse(e.data); });
  source.addEventListener('done', () => { status.textContent = 'training finished: this is the final report'; source.close(); });
  source.onerror = () => { status.textContent = 'the demo has stopped; this is the last report it sent'; source.close(); };
}
})();
`;
