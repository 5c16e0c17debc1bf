import type { DiagnosticPath } from '../hosts/diagnostics';
import { HOST_SPEC, HOSTS_FILE_SPEC, TRANSPORT_TYPE_WORDS } from '../hosts/fields';
import type { ValueSpec } from '../hosts/fieldSpec';

/**
 * What the editor says about a place in the file, read from the one field table (fields.ts):
 * the spec at a path, and Markdown for hover and completion documentation.
 */

/** The spec of the value at `path` (keys and list indexes from the root), or undefined when nothing is known. */
export function specAt(path: DiagnosticPath): ValueSpec | undefined {
  let spec: ValueSpec | undefined = HOSTS_FILE_SPEC;
  for (const part of path) {
    if (!spec) return undefined;
    if (spec.kind === 'map') spec = typeof part === 'string' && Object.hasOwn(spec.fields, part) ? spec.fields[part] : spec.values;
    else if (spec.kind === 'list' && typeof part === 'number') spec = spec.items;
    else return undefined;
  }
  return spec;
}

/** Places that name a host (the same places references.ts checks). */
const HOST_NAME_LISTS: readonly string[] = ['p2p_voters', 'sync_routing.priority_hosts', 'sync_routing.excluded_hosts', 'auto_sync.exclude_hosts'];

/** Whether the value at `path` is a host name: an item of a host list, or elo_sync.coordinator. */
export function namesHost(path: DiagnosticPath): boolean {
  if (path.length === 2 && path[0] === 'elo_sync' && path[1] === 'coordinator') return true;
  const list = path.slice(0, -1).join('.');
  return typeof path[path.length - 1] === 'number' && HOST_NAME_LISTS.includes(list);
}

/** Whether `path` is a host-name list itself (its items are host names). */
export function isHostList(path: DiagnosticPath): boolean {
  return HOST_NAME_LISTS.includes(path.join('.'));
}

/** `hosts.NAME` or deeper: the host's name; else undefined. */
export function hostOf(path: DiagnosticPath): string | undefined {
  return path[0] === 'hosts' && path.length >= 2 ? String(path[1]) : undefined;
}

/** `hosts.NAME.transports[i]` or deeper. */
export function isTransportStep(path: DiagnosticPath): boolean {
  return path[0] === 'hosts' && path[2] === 'transports' && typeof path[3] === 'number';
}

export function kindLabel(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'integer':
      return spec.port ? 'port' : 'whole number';
    case 'choice':
      return spec.values.join(' | ');
    case 'any':
      return 'any value';
    case 'map':
      return 'map';
    default:
      return spec.kind;
  }
}

/** Markdown for a field: name, type, what it does, its default. */
export function fieldMarkdown(name: string, spec: ValueSpec): string {
  const lines = [`**${name}** (${kindLabel(spec)})`, '', spec.description];
  if (spec.default !== undefined) lines.push('', `Default: \`${String(spec.default)}\``);
  return lines.join('\n');
}

const P2P_PORT = HOST_SPEC.fields.p2p_port.default;
const SSH_PORT = HOST_SPEC.fields.ssh_port.default;

/** What each transport type needs from the host, with the defaults from the field table. */
export const TRANSPORT_NEEDS: Readonly<Record<(typeof TRANSPORT_TYPE_WORDS)[number], string>> = {
  p2p: `The RingRift agent over HTTP at \`tailscale_ip\` (else \`ssh_host\`), port \`p2p_port\` (default ${P2P_PORT}). Needs \`p2p_enabled\` not false.`,
  http: 'The agent at the public address `ssh_host`, port `p2p_public_port`. Needs `p2p_public_port`.',
  rsync: `rsync over the system ssh to \`ssh_host\` (\`ssh_user\`, \`ssh_port\` default ${SSH_PORT}, \`ssh_key\`). Needs rsync on the node.`,
  ssh: 'The same transport as `rsync` (rsync over ssh).',
  base64: 'The file in base64 chunks through an SSH session to `ssh_host`. Slow; works where rsync is missing.',
};

export function transportTypeMarkdown(word: string): string | undefined {
  const needs = (TRANSPORT_NEEDS as Record<string, string>)[word];
  return needs === undefined ? undefined : `**${word}** transport\n\n${needs}`;
}
