import { CAUSE_TITLES } from './causes';
import { formatBytes } from './commands';
import { groupCauses, hasProblems, type DoctorReport, type NodeReport } from './report';

/**
 * The report as Markdown, for the extension's report view (Markdown preview or webview) and for
 * pasting into an issue. Each fix is a fenced `sh` block so it copies as is.
 */

const RUN_ON = { here: 'run here', node: "run on the node's console", settings: 'VS Code setting' } as const;

/** `|` and backticks would break the inline code spans of evidence lines. */
function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function healthyLine(n: NodeReport): string {
  const ok = n.evidence?.probes.filter((p) => p.success).map((p) => p.transport) ?? [];
  const disk = n.evidence?.disk?.freeBytes !== undefined ? `; ${formatBytes(n.evidence.disk.freeBytes)} free` : '';
  return `No problem found: ${ok.length ? ok.join(', ') : 'no transport'} answered${disk}.`;
}

function renderNodeMarkdown(n: NodeReport): string {
  const lines = [`## ${n.node}`, ''];
  if (n.skipped) return [...lines, `Skipped: ${n.skipped}.`, ''].join('\n');
  if (!hasProblems(n)) lines.push(healthyLine(n), '');
  for (const g of groupCauses(n.causes)) {
    const c = g.cause;
    const expected = c.expected ? ' (expected, not a problem)' : '';
    lines.push(`### ${g.transports.join(', ')}: \`${c.cause}\`${expected}`, '', `**${CAUSE_TITLES[c.cause]}.** ${c.evidence.summary}`, '');
    for (const o of c.evidence.tried) {
      const took = o.latencyMs !== undefined ? ` (${o.latencyMs} ms)` : '';
      lines.push(`- ${o.check}: **${o.result}**${took} ${code(o.detail)}`);
    }
    if (c.evidence.couldAlsoBe.length) lines.push('', `Could also be: ${c.evidence.couldAlsoBe.join('; ')}.`);
    const changes = c.fix.changes === 'nothing' ? 'only looks' : `changes ${c.fix.changes === 'node' ? 'the node' : 'this machine'}`;
    lines.push('', `**Fix** (${RUN_ON[c.fix.runOn]}, ${changes}): ${c.fix.title}`, '', '```' + (c.fix.runOn === 'settings' ? 'json' : 'sh'), c.fix.command, '```', '');
  }
  return lines.join('\n');
}

export function renderReportMarkdown(report: DoctorReport): string {
  const bad = report.nodes.filter(hasProblems).length;
  const head = `# ringrift-sync doctor: ${report.nodes.length} node(s), ${bad ? `${bad} with problems` : 'no problems'}\n\n`;
  return head + report.nodes.map(renderNodeMarkdown).join('\n');
}
