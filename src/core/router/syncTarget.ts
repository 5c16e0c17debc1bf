import type { NodeSpec } from '../hosts/nodeSpec';

/**
 * Why a sync does not go to this node at all, or undefined when it may. Checked before any
 * connection: a refusal, not a failure (nothing recorded, never disabled). A forced transport
 * overrides the status (runbook recovery) but not `skip_sync_receive`, which RingRift never
 * sends data to (ai-service/app/config/cluster_config.py:906-916).
 */
export function whyNotTarget(node: NodeSpec, forced: boolean): string | undefined {
  if (node.skipSyncReceive) return 'skip_sync_receive is true: this node never receives syncs (remove the field to sync to it)';
  if (node.ready || forced) return undefined;
  return node.status === 'ready' ? 'its entry in the hosts file has errors (run ringrift-sync validate)' : `status is '${node.status}', only 'ready' nodes are synced`;
}
