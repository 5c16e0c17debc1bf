import { HOST_SPEC, type NodeSpec } from '../../core/hosts';

/**
 * RingRift's boolean host fields that change what syncs do or are worth a glance: a short word
 * for the node's row, and the field's own hover text (fields.ts) for its tooltip.
 */
const FLAGS: ReadonlyArray<{ field: string; set: (n: NodeSpec) => boolean | undefined; word: string }> = [
  { field: 'nat_blocked', set: (n) => n.natBlocked, word: 'relay mode' },
  { field: 'force_relay_mode', set: (n) => n.forceRelayMode, word: 'relay mode' },
  { field: 'skip_sync_receive', set: (n) => n.skipSyncReceive, word: 'receives no syncs' },
  { field: 'is_ephemeral', set: (n) => n.isEphemeral, word: 'ephemeral' },
];

/** `relay mode`, `receives no syncs`, `ephemeral`: each once, in that order. */
export function flagWords(node: NodeSpec): string[] {
  return [...new Set(FLAGS.filter((f) => f.set(node)).map((f) => f.word))];
}

/** Tooltip rows: the field set to true, and what it does. */
export function flagRows(node: NodeSpec): Array<[string, string]> {
  return FLAGS.filter((f) => f.set(node)).map((f) => [f.field, HOST_SPEC.fields[f.field].description]);
}
