import { COMMAND_IDS } from '../commands/commandIds';
import type { DashboardModel, FanoutMap, Metric, TimelineBucket } from './dashboardModel';
import { webviewPage, type WebviewPageOptions } from '../webviewPage';

/**
 * The dashboard as HTML: a nodes x transports matrix, the last 24 h as an inline SVG plot, and the
 * three alert metrics against their thresholds. Pure strings (every value escaped); colours come
 * from the theme through CSS classes in media/dashboard.css, so no inline style is needed (the CSP
 * allows none).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function matrix(model: DashboardModel): string {
  if (model.rows.length === 0) return '<p class="empty">No nodes in the hosts file.</p>';
  const head = `<tr><th>node</th>${model.transports.map((t) => `<th>${t}</th>`).join('')}</tr>`;
  const rows = model.rows.map(
    (r) =>
      `<tr class="node h-${r.health}" data-node="${escapeHtml(r.node)}"><th scope="row" title="${escapeHtml(r.description)}">${escapeHtml(r.node)}<span class="desc">${escapeHtml(r.description)}</span></th>` +
      r.cells.map((c) => `<td class="cell s-${c.state}" data-transport="${c.transport}" title="${escapeHtml(`${r.node} ${c.transport}: ${c.text}`)}">${escapeHtml(c.state === 'absent' ? '—' : c.state.replace('_', ' '))}</td>`).join('') +
      '</tr>',
  );
  return `<table class="matrix" aria-label="nodes by transport">${head}${rows.join('')}</table>`;
}

const W = 720;
const H = 180;
const PAD = { left: 34, right: 8, top: 10, bottom: 24 };
const SERIES: Array<{ key: keyof Omit<TimelineBucket, 'start' | 'syncs'>; label: string }> = [
  { key: 'failures', label: 'transport failures' },
  { key: 'escalations', label: 'escalations' },
  { key: 'disables', label: 'nodes disabled' },
];

export function timelineSvg(buckets: TimelineBucket[]): string {
  const max = Math.max(1, ...buckets.flatMap((b) => [b.failures, b.escalations, b.disables, b.syncs]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / buckets.length;
  const barW = Math.max(1, (slot - 2) / SERIES.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"/>`);
  parts.push(`<text class="tick" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${max}</text>`);
  parts.push(`<text class="tick" x="${PAD.left - 4}" y="${PAD.top + plotH}" text-anchor="end">0</text>`);
  buckets.forEach((b, i) => {
    const x0 = PAD.left + i * slot + 1;
    SERIES.forEach((s, j) => {
      const v = b[s.key];
      if (v > 0) {
        parts.push(`<rect class="bar ${s.key}" x="${(x0 + j * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - y(v)).toFixed(1)}"><title>${new Date(b.start).toISOString().slice(11, 16)} UTC: ${v} ${s.label}</title></rect>`);
      }
    });
    if (i % 4 === 0 || i === buckets.length - 1) {
      const label = i === buckets.length - 1 ? 'now' : `-${buckets.length - 1 - i} h`;
      parts.push(`<text class="tick" x="${(x0 + slot / 2).toFixed(1)}" y="${H - 6}" text-anchor="middle">${label}</text>`);
    }
  });
  // Successful syncs as a line over the bars: escalation only matters against how much got through.
  const pts = buckets.map((b, i) => `${(PAD.left + i * slot + slot / 2).toFixed(1)},${y(b.syncs).toFixed(1)}`).join(' ');
  parts.push(`<polyline class="line syncs" points="${pts}"><title>successful syncs per hour</title></polyline>`);
  const total = (k: keyof TimelineBucket) => buckets.reduce((n, b) => n + (k === 'start' ? 0 : b[k]), 0);
  const desc = `Last 24 hours: ${total('failures')} transport failures, ${total('escalations')} escalations, ${total('disables')} nodes disabled, ${total('syncs')} successful syncs`;
  return `<svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(desc)}"><title>${escapeHtml(desc)}</title>${parts.join('')}</svg>`;
}

function legend(): string {
  const items = [...SERIES.map((s) => `<span class="key ${s.key}"></span>${s.label}`), '<span class="key syncs"></span>successful syncs'];
  return `<p class="legend">${items.join(' ')}</p>`;
}

function metric(m: Metric): string {
  const scale = Math.max(m.threshold * 1.5, m.value, 1);
  const w = 240;
  const bar = `<svg class="gauge" viewBox="0 0 ${w} 14" role="img" aria-label="${escapeHtml(`${m.value}${m.unit} of threshold ${m.threshold}${m.unit}`)}">` +
    `<rect class="track" x="0" y="2" width="${w}" height="10"/>` +
    `<rect class="fill ${m.over ? 'over' : 'under'}" x="0" y="2" width="${((m.value / scale) * w).toFixed(1)}" height="10"/>` +
    `<line class="threshold" x1="${((m.threshold / scale) * w).toFixed(1)}" y1="0" x2="${((m.threshold / scale) * w).toFixed(1)}" y2="14"/></svg>`;
  const detail = m.detail ? ` (${escapeHtml(m.detail)})` : '';
  return `<li class="metric ${m.over ? 'over' : 'under'}" data-metric="${m.metric}"><span class="label">${escapeHtml(m.label)}${detail}</span>` +
    `<span class="value">${m.value}${m.unit} / ${m.threshold}${m.unit}${m.over ? ' — ALERT' : ''}</span>${bar}</li>`;
}

/** The latest fan-out, a line per wave: each source and the nodes that pulled their copy from it. */
function fanoutSection(f: FanoutMap | undefined): string {
  if (!f) return '';
  const waves = [...new Set(f.edges.map((e) => e.wave))];
  const lines = waves.map((wave) => {
    const edges = f.edges.filter((e) => e.wave === wave);
    const items = edges.map((e) => `<span class="edge" data-source="${escapeHtml(e.source)}" data-node="${escapeHtml(e.node)}" title="${escapeHtml(`${e.node} pulled its copy from ${e.source} in ${(e.durationMs / 1000).toFixed(1)} s, verified`)}">${escapeHtml(e.source)} → ${escapeHtml(e.node)}</span>`);
    return `<li data-wave="${wave}"><span class="wave">wave ${wave}</span> ${items.join(' ')}</li>`;
  });
  const seeds = f.seeds.length ? ` · seeded from this machine: ${f.seeds.map(escapeHtml).join(', ')}` : '';
  return [
    '<section><h2>Last fan-out: which node fed which</h2>',
    `<p class="meta">started <time>${escapeHtml(f.run)}</time> · ${f.edges.length} node(s) pulled a verified copy from a peer${seeds}</p>`,
    `<ol class="fanout" aria-label="fan-out waves">${lines.join('')}</ol></section>`,
  ].join('');
}

export function renderDashboardBody(model: DashboardModel): string {
  return [
    `<header><h1>RingRift Sync</h1><p class="summary">${model.nodeCount} nodes · ${model.disabledCount} disabled · ${model.alertCount ? `${model.alertCount} alert(s)` : 'no alerts'}</p>`,
    `<p class="meta">${escapeHtml(model.hostsFile)} · updated <time>${model.generatedAt}</time></p>`,
    `<p class="actions"><button data-command="${COMMAND_IDS.testAll}">Test all nodes</button> <button data-command="${COMMAND_IDS.refresh}">Refresh</button></p></header>`,
    '<section><h2>Nodes × transports</h2>', matrix(model), '</section>',
    '<section><h2>Escalations and failures, last 24 h</h2>', timelineSvg(model.timeline), legend(), '</section>',
    '<section><h2>Alert metrics</h2><ul class="metrics">', ...model.metrics.map(metric), '</ul></section>',
    fanoutSection(model.lastFanout),
  ].join('');
}

/** The whole page (see webviewPage: strict CSP, our one script). */
export function dashboardPage(opts: Omit<WebviewPageOptions, 'title'>): string {
  return webviewPage({ ...opts, title: 'RingRift Sync dashboard' });
}
