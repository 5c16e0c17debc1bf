import * as path from 'node:path';
import { isMap, isScalar, type Node as YamlNode } from 'yaml';
import { resolveChain } from './chain';
import { checkTree, describe, judge } from './checkValue';
import { DEFAULT_DATA_SERVER_PORT, DEFAULT_P2P_PORT, DEFAULT_RINGRIFT_PATH, DEFAULT_SSH_PORT, DEFAULT_STATUS, DEFAULT_USER } from './defaults';
import { HOST_SPEC } from './fields';
import type { ValueSpec } from './fieldSpec';
import { NODE_STATUSES, type ClusterSettings, type NodeSpec, type SourceRange } from './nodeSpec';
import { bandwidthFor } from './settings';
import { deref, entriesToPlain, ExpansionLimit, HOST_VALUE_BUDGET, mapEntries, type MapEntry } from './yamlValues';
import type { ParsedYaml } from './yamlDocument';

export interface NormaliseOptions {
  homedir: string;
}

/** `~` and `~/...` -> the local home directory; `~user/...` and other paths unchanged. */
export function expandHome(p: string, homedir: string): string {
  if (p === '~') return homedir;
  if (p.startsWith('~/')) return path.join(homedir, p.slice(2));
  return p;
}

/** `user@host` -> both parts; a bare host has no user. The last `@` splits (users rarely hold one, hosts never). */
export function splitUserHost(sshHost: string): { user: string | undefined; host: string | undefined } {
  const at = sshHost.lastIndexOf('@');
  const user = at > 0 ? sshHost.slice(0, at).trim() : undefined;
  const host = sshHost.slice(at + 1).trim();
  return { user: user || undefined, host: host || undefined };
}

type Read = <T>(name: string) => T | undefined;

function reader(fields: Map<string, MapEntry>, y: ParsedYaml): Read {
  return <T>(name: string): T | undefined => {
    const v = judge(fields.get(name)?.value, HOST_SPEC.fields[name] as ValueSpec, y);
    return v.ok ? (v.value as T | undefined) : undefined;
  };
}

/** Absent: RingRift's default. `null` stays unset, as RingRift's `cfg.get("ringrift_path", default)` returns None for it. */
function remoteBaseOf(fields: Map<string, MapEntry>, read: Read): string | undefined {
  return fields.has('ringrift_path') ? read<string>('ringrift_path') : DEFAULT_RINGRIFT_PATH;
}

/** The RingRift flags; each one absent is false. */
function flagsOf(read: Read): Pick<NodeSpec, 'natBlocked' | 'forceRelayMode' | 'skipSyncReceive' | 'isEphemeral'> {
  return {
    natBlocked: read<boolean>('nat_blocked') ?? false,
    forceRelayMode: read<boolean>('force_relay_mode') ?? false,
    skipSyncReceive: read<boolean>('skip_sync_receive') ?? false,
    isEphemeral: read<boolean>('is_ephemeral') ?? false,
  };
}

function statusOf(fields: Map<string, MapEntry>, y: ParsedYaml): { status: string; statusKnown: boolean } {
  const raw = deref(fields.get('status')?.value, y) as { value?: unknown } | null | undefined;
  const value = raw?.value;
  if (value === undefined || value === null) return { status: DEFAULT_STATUS, statusKnown: true };
  const status = String(value);
  return { status, statusKnown: (NODE_STATUSES as readonly string[]).includes(status) };
}

function plainFields(fields: Map<string, MapEntry>, name: string, keyRange: SourceRange, y: ParsedYaml): Record<string, unknown> {
  try {
    return entriesToPlain(fields, y, { left: HOST_VALUE_BUDGET });
  } catch (err) {
    if (!(err instanceof ExpansionLimit)) throw err;
    const message =
      err.reason === 'budget'
        ? `host '${name}': its YAML aliases expand to more than ${HOST_VALUE_BUDGET} values (an alias bomb?): its fields were not read; remove the aliases (*name) under this host`
        : `host '${name}': its values nest too deeply to read (or an alias contains itself): its fields were not read; flatten them`;
    y.sink.error(err.reason === 'budget' ? 'alias_limit' : 'too_deep', ['hosts', name], keyRange, message);
    return {};
  }
}

/**
 * One host of `hosts:` -> NodeSpec. Every problem is reported with the host's name; a value
 * that is wrong is replaced by its default so the node can still be shown (the orchestrator
 * then keeps it from syncing).
 */
export function normaliseHost(name: string, key: YamlNode, raw: unknown, y: ParsedYaml, settings: ClusterSettings, options: NormaliseOptions): NodeSpec | undefined {
  const keyRange = y.sink.rangeOf(key);
  const node = deref(raw, y);
  if (!isMap(node)) {
    const got = describe(node);
    const message = `host '${name}' must be a map of fields (ssh_host: ..., ssh_user: ...), got ${got}: the host is skipped`;
    const nothing = node === null || node === undefined || (isScalar(node) && node.value === null);
    y.sink.error('host_not_map', ['hosts', name], nothing ? keyRange : y.sink.rangeOf(node as never, keyRange), message);
    return undefined;
  }
  const fields = mapEntries(node, y, (merge) =>
    y.sink.error('bad_merge', ['hosts', name], y.sink.rangeOf(merge as never, keyRange), `host '${name}': '<<' must point at a map (<<: *defaults): it is ignored`),
  );
  for (const [field, entry] of fields) {
    const spec = Object.hasOwn(HOST_SPEC.fields, field) ? HOST_SPEC.fields[field] : undefined;
    if (spec) checkTree(entry.value, spec, ['hosts', name, field], y, true, entry.key, keyRange);
  }
  const read = reader(fields, y);

  const sshHostField = read<string>('ssh_host');
  const split = sshHostField !== undefined ? splitUserHost(sshHostField) : { user: undefined, host: undefined };
  const tailscaleIp = read<string>('tailscale_ip')?.trim() || undefined;
  const address = tailscaleIp ?? split.host;
  if (address === undefined) {
    y.sink.error('no_address', ['hosts', name], keyRange, `host '${name}' has no address: add ssh_host (or tailscale_ip) so it can be reached`);
  }
  const p2pEnabled = read<boolean>('p2p_enabled') ?? true;
  const httpPort = read<number>('p2p_public_port');
  const sshKey = read<string>('ssh_key');
  const { status, statusKnown } = statusOf(fields, y);
  const chain = resolveChain(fields.get('transports')?.value, { name, p2pEnabled, httpPort }, y, keyRange);

  return {
    name,
    address,
    sshHost: split.host,
    tailscaleIp,
    user: read<string>('ssh_user') ?? split.user ?? DEFAULT_USER,
    sshPort: read<number>('ssh_port') ?? DEFAULT_SSH_PORT,
    sshKey: sshKey === undefined ? undefined : expandHome(sshKey, options.homedir),
    p2pEnabled,
    p2pPort: read<number>('p2p_port') ?? DEFAULT_P2P_PORT,
    httpPort,
    status,
    statusKnown,
    ready: statusKnown && status === 'ready',
    ...flagsOf(read),
    dataServerPort: read<number>('data_server_port') ?? DEFAULT_DATA_SERVER_PORT,
    remoteBase: remoteBaseOf(fields, read),
    bandwidthLimitMbps: bandwidthFor(name, settings),
    transports: chain.transports,
    chainSource: chain.chainSource,
    fields: plainFields(fields, name, keyRange, y),
    range: keyRange,
  };
}
