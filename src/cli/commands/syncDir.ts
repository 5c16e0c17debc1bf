import * as path from 'node:path';
import type { NodeSpec, TransportKind } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import { syncTree, type TreeSyncOutcome, type TreeSyncResult } from '../../core/tree/syncTree';
import { EXIT_FAILED, EXIT_OK, boolOpt, stringOpt, type CliIO, type ParsedArgs } from '../command';
import { styleFor } from '../format';
import { renderSyncResults } from './sync';

/** `sync --path DIR`: the tree through each node's escalation (core/tree/syncTree.ts). */

export async function syncDirectory(args: ParsedArgs, io: CliIO, cluster: ClusterSession, nodes: NodeSpec[], localDir: string, force: TransportKind | undefined): Promise<number> {
  const json = boolOpt(args, 'json');
  const remoteDir = stringOpt(args, 'remote') ?? path.basename(localDir);
  const painter = progressPainter(io, json);
  const outcome = await syncTree(cluster, nodes, localDir, remoteDir, {
    signal: io.signal,
    forceTransport: force,
    delete: boolOpt(args, 'delete'),
    onProgress: painter.paint,
  });
  painter.clear();
  if (outcome.kind === 'refused') return refused(outcome, io, json);
  if (json) io.stdout(JSON.stringify({ results: outcome.results }, null, 2) + '\n');
  else io.stdout(renderSyncResults(outcome.results, io) + renderFiles(outcome.results, io));
  return outcome.results.every((r) => r.success) ? EXIT_OK : EXIT_FAILED;
}

function refused(outcome: Extract<TreeSyncOutcome, { kind: 'refused' }>, io: CliIO, json: boolean): number {
  if (json) io.stdout(JSON.stringify({ results: [], refused: outcome.refusals, message: outcome.message }, null, 2) + '\n');
  io.stderr(`not synced: ${outcome.message}\n`);
  return EXIT_FAILED;
}

/** One line per node and progress event, at most every 500 ms: `node rsync 12/300 files 40%`. */
function progressPainter(io: CliIO, json: boolean) {
  const lines = new Map<string, string>();
  let lastPaint = 0;
  return {
    paint(node: string, transport: string, p: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }) {
      if (json) return;
      const pct = p.bytesTotal ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100;
      lines.set(node, `${node} ${transport} ${p.filesDone}/${p.filesTotal} files ${pct}%`);
      const now = Date.now();
      if (now - lastPaint < 500) return;
      lastPaint = now;
      io.stderr(io.isTTY ? `\r\x1b[K${[...lines.values()].join('  ')}` : `${[...lines.values()].join('  ')}\n`);
    },
    clear() {
      if (io.isTTY && !json && lines.size) io.stderr('\r\x1b[K');
    },
  };
}

/** Per node: files sent, already there, deleted; and each file a transport refused, with who took it. */
function renderFiles(results: TreeSyncResult[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  const lines = results.map((r) => {
    const f = r.files;
    const deleted = f.deleted ? `, ${f.deleted} deleted` : '';
    let line = `  ${r.node}: ${f.total} files: ${f.sent} sent, ${f.skipped} already there${deleted}`;
    for (const x of f.refused) {
      line += `\n    ${style.dim(`${x.transport} refused`)} ${JSON.stringify(x.path)} (${x.reason})${x.sentBy ? `: sent over ${x.sentBy}` : ': not sent'}`;
    }
    return line;
  });
  return `\nFiles:\n${lines.join('\n')}\n`;
}
