import type { NodeSpec } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import { previewTreeDeletes, type DeletePreview } from '../../core/tree/deletePreview';
import { EXIT_FAILED, EXIT_OK, type CliIO } from '../command';
import { styleFor, table } from '../format';

/** Names shown per node in the table; JSON has them all. */
const SHOWN_NAMES = 5;

/** `sync --path DIR --delete --dry-run`: per node, what --delete would remove; nothing sent or removed. */
export async function previewDeletes(io: CliIO, cluster: ClusterSession, nodes: NodeSpec[], localDir: string, remoteDir: string, json: boolean): Promise<number> {
  const outcome = await previewTreeDeletes(nodes, localDir, remoteDir, { transportOptions: cluster.transportOptions, concurrency: cluster.router.deps.settings.concurrency, signal: io.signal });
  if (outcome.kind === 'refused') {
    if (json) io.stdout(JSON.stringify({ dryRun: true, results: [], refused: outcome.refusals, message: outcome.message }, null, 2) + '\n');
    io.stderr(`not previewed: ${outcome.message}\n`);
    return EXIT_FAILED;
  }
  const { previews } = outcome;
  if (json) io.stdout(JSON.stringify({ dryRun: true, results: previews.map(resultOf) }, null, 2) + '\n');
  else io.stdout(render(previews, io));
  return previews.every((p) => p.ok) ? EXIT_OK : EXIT_FAILED;
}

/** A node's JSON result: `wouldDelete` (every name, relative to `root`) or why it could not be asked. */
function resultOf(p: DeletePreview) {
  if (!p.ok) return { node: p.node, success: false, code: p.code, message: p.message };
  return { node: p.node, success: true, root: p.root, wouldDelete: p.extras, message: summary(p) };
}

function summary(p: Extract<DeletePreview, { ok: true }>): string {
  if (!p.rootExists) return `${p.root} is not there yet: nothing to delete`;
  return p.extras.length === 0 ? `nothing under ${p.root} would be deleted` : `${p.extras.length} file(s) under ${p.root} would be deleted`;
}

function render(previews: DeletePreview[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  const rows = previews.map((p) => {
    if (!p.ok) return [p.node, style.bad('FAILED'), '', p.message];
    const names = p.extras.slice(0, SHOWN_NAMES).map((n) => JSON.stringify(n)).join(', ') + (p.extras.length > SHOWN_NAMES ? `, … (${p.extras.length - SHOWN_NAMES} more)` : '');
    return [p.node, p.extras.length ? style.bad(String(p.extras.length)) : style.ok('0'), p.root, names || summary(p)];
  });
  return `--delete dry run: nothing was sent or removed\n${table(['NODE', 'WOULD DELETE', 'UNDER', 'FILES'], rows, style)}`;
}
