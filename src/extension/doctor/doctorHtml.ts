import { CAUSE_TITLES } from '../../core/doctor/causes';
import { formatBytes } from '../../core/doctor/commands';
import { groupCauses, hasProblems, type CauseGroup, type DoctorReport, type NodeReport } from '../../core/doctor/report';
import { escapeHtml } from '../dashboard/dashboardHtml';
import { fixAction } from './fixAction';
import { webviewPage, type WebviewPageOptions } from '../webviewPage';

/**
 * The doctor's report view as HTML: per node, each cause with its evidence and its fix command,
 * and a button per fix (fixAction says what it does). Pure strings, every value escaped; buttons
 * carry only the node name and the cause's index, the panel looks the fix up in its own report.
 */

export interface ReportMeta {
  /** ISO time the report was ready. */
  at: string;
  /** Nodes asked for; more than were diagnosed when the run was cancelled. */
  requested: number;
  cancelled: boolean;
}

const RUN_ON = { here: 'run here', node: "run on the node's console", settings: 'VS Code setting' } as const;

function changesText(changes: 'node' | 'local' | 'nothing'): string {
  return changes === 'nothing' ? 'only looks' : `changes ${changes === 'node' ? 'the node' : 'this machine'}`;
}

function evidence(g: CauseGroup): string {
  const items = g.cause.evidence.tried.map((o) => {
    const took = o.latencyMs !== undefined ? ` (${o.latencyMs} ms)` : '';
    return `<li>${escapeHtml(o.check)}: <b>${escapeHtml(o.result)}</b>${took} <code>${escapeHtml(o.detail)}</code></li>`;
  });
  return `<details><summary>Evidence: ${items.length} check${items.length === 1 ? '' : 's'}</summary><ul>${items.join('')}</ul></details>`;
}

function cause(node: string, g: CauseGroup, index: number): string {
  const c = g.cause;
  const action = fixAction(node, c.fix);
  const data = `data-node="${escapeHtml(node)}" data-index="${index}"`;
  const also = c.evidence.couldAlsoBe.length ? `<p class="also">Could also be: ${escapeHtml(c.evidence.couldAlsoBe.join('; '))}.</p>` : '';
  return (
    `<article class="cause${c.expected ? ' expected' : ''}" data-cause="${c.cause}">` +
    `<h3><span class="transports">${escapeHtml(g.transports.join(', '))}</span> <code class="cause-id">${c.cause}</code>${c.expected ? ' <span class="note">expected, not a problem</span>' : ''}</h3>` +
    `<p><strong>${escapeHtml(CAUSE_TITLES[c.cause])}.</strong> ${escapeHtml(c.evidence.summary)}</p>` +
    evidence(g) +
    also +
    `<div class="fix"><p><strong>Fix</strong> <span class="how">(${RUN_ON[c.fix.runOn]}, ${changesText(c.fix.changes)})</span>: ${escapeHtml(c.fix.title)}</p>` +
    `<pre><code>${escapeHtml(c.fix.command)}</code></pre>` +
    `<p class="fix-actions"><button class="primary" data-fix ${data}>${escapeHtml(action.label)}</button> <button class="secondary" data-copy ${data}>Copy</button></p></div>` +
    '</article>'
  );
}

function healthyLine(n: NodeReport): string {
  const ok = n.evidence?.probes.filter((p) => p.success).map((p) => p.transport) ?? [];
  const disk = n.evidence?.disk?.freeBytes !== undefined ? `; ${formatBytes(n.evidence.disk.freeBytes)} free` : '';
  return `<p class="healthy">No problem found: ${escapeHtml(ok.length ? ok.join(', ') : 'no transport')} answered${disk}.</p>`;
}

function nodeSection(n: NodeReport): string {
  const name = escapeHtml(n.node);
  if (n.skipped) return `<section class="node skipped" data-node="${name}"><h2>${name} <span class="badge">skipped</span></h2><p>${escapeHtml(n.skipped)}.</p></section>`;
  const groups = groupCauses(n.causes);
  const problems = groups.filter((g) => !g.cause.expected).length;
  const badge = problems ? `${problems} problem${problems > 1 ? 's' : ''}` : 'ok';
  return (
    `<section class="node ${problems ? 'bad' : 'ok'}" data-node="${name}"><h2>${name} <span class="badge">${badge}</span></h2>` +
    (problems ? '' : healthyLine(n)) +
    groups.map((g, i) => cause(n.node, g, i)).join('') +
    '</section>'
  );
}

export function renderDoctorBody(report: DoctorReport, meta: ReportMeta): string {
  const bad = report.nodes.filter(hasProblems).length;
  const skipped = report.nodes.filter((n) => n.skipped).length;
  const counts = [`${report.nodes.length} node${report.nodes.length === 1 ? '' : 's'}`, bad ? `${bad} with problems` : 'no problems', ...(skipped ? [`${skipped} skipped`] : [])];
  const cancelled = meta.cancelled ? ` · <span class="warn">cancelled: ${report.nodes.length} of ${meta.requested} diagnosed</span>` : '';
  return [
    `<header><h1>RingRift Sync doctor</h1><p class="summary">${counts.join(' · ')}</p>`,
    `<p class="meta">diagnosed <time>${escapeHtml(meta.at)}</time>${cancelled} · fixes that change anything ask first</p>`,
    '<p class="actions"><button class="primary" data-action="rerun">Diagnose Again</button> <button class="secondary" data-action="markdown">Open as Markdown</button></p></header>',
    report.nodes.length ? report.nodes.map(nodeSection).join('') : '<p class="empty">No node was diagnosed.</p>',
  ].join('');
}

/** The whole page (see webviewPage: strict CSP, our one script). */
export function doctorPage(opts: Omit<WebviewPageOptions, 'title'>): string {
  return webviewPage({ ...opts, title: 'RingRift Sync doctor' });
}
