import * as path from 'node:path';
import type { HostsFile } from '../core/hosts';
import { didYouMean } from '../core/hosts/didYouMean';
import type { NodeSpec, TransportKind } from '../core/hosts/nodeSpec';
import { parseTransportName, type RouterSettings } from '../core/router';
import { openSession, type ClusterSession } from '../core/session';
import { defaultKnownHostsFile } from '../core/ssh/userFiles';
import { resolveClusterToken } from '../core/transports/http/orchestrator/token';
import { parseStreams } from '../core/transports/streamCount';
import type { TransportOptions } from '../core/transports/transport';
import { boolOpt, ExitError, intOpt, stringOpt, UsageError, type CliIO, type ParsedArgs } from './command';
import { loadHostsForCommand } from './loadHosts';
import { askPassphrase } from './prompts';

/** The CLI's side of opening a cluster: flags and env into a core session. */

function knownHostsPath(args: ParsedArgs, io: CliIO): string {
  return stringOpt(args, 'known-hosts') ?? defaultKnownHostsFile(io.env);
}

/** Finds and loads the hosts file, printing its errors; a missing or unreadable one ends with exit 2. */
async function openHosts(command: string, args: ParsedArgs, io: CliIO): Promise<HostsFile> {
  const loaded = await loadHostsForCommand(command, args, io, 'errors');
  if (!loaded.ok) throw new ExitError(loaded.exitCode);
  return loaded.hosts;
}

export async function openCluster(command: string, args: ParsedArgs, io: CliIO): Promise<ClusterSession> {
  const hosts = await openHosts(command, args, io);
  const errors = hosts.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    io.stderr(`warning: ${hosts.fileName} has ${errors.length} error(s); hosts with errors are not synced (run 'ringrift-sync validate')\n`);
  }
  const router: Partial<RouterSettings> = {};
  const concurrency = args.values.concurrency !== undefined ? intOpt(args, 'concurrency') : undefined;
  if (concurrency) router.concurrency = concurrency;

  const transport: Partial<TransportOptions> = {
    onUnknownHostKey: boolOpt(args, 'accept-new') ? async () => 'always' : undefined,
    onPassphrase: (keyPath) => askPassphrase(keyPath, io),
  };
  const tokenFile = stringOpt(args, 'token-file');
  if (tokenFile !== undefined) {
    const t = resolveClusterToken(io.env, path.resolve(io.cwd, tokenFile));
    if (!t.ok) throw new UsageError(`--token-file: ${t.message}`);
    if (t.value.token) transport.agentToken = t.value.token;
  }
  const timeoutS = stringOpt(args, 'timeout');
  if (timeoutS !== undefined) {
    const s = Number(timeoutS);
    if (!(s > 0)) throw new UsageError(`--timeout takes seconds > 0, got '${timeoutS}'`);
    transport.probeTimeoutMs = s * 1000;
    transport.connectTimeoutMs = Math.min(5000, s * 1000);
  }
  const streams = stringOpt(args, 'streams');
  if (streams !== undefined) {
    const parsed = parseStreams(streams);
    if (!parsed.ok) throw new UsageError(`--streams: ${parsed.message}`);
    transport.streams = parsed.value;
  }
  return openSession({
    hosts,
    env: io.env,
    stateDir: stringOpt(args, 'state-dir'),
    knownHostsFile: knownHostsPath(args, io),
    router,
    transport,
    warn: (m) => io.stderr(`warning: ${m}\n`),
  });
}

/** Resolves node names (or --all) to specs; an unknown name is a usage error with a suggestion. */
export function pickNodes(nodes: NodeSpec[], names: string[], all: boolean): NodeSpec[] {
  if (all) return nodes;
  if (names.length === 0) throw new UsageError('name at least one node, or pass --all');
  return names.map((name) => {
    const node = nodes.find((n) => n.name === name);
    if (node) return node;
    const guess = didYouMean(name, nodes.map((n) => n.name));
    throw new UsageError(`no node '${name}' in the hosts file${guess ? ` (did you mean '${guess}'?)` : ''}; 'ringrift-sync nodes' lists them`);
  });
}

export function transportOpt(args: ParsedArgs, flag: string): TransportKind | undefined {
  const raw = stringOpt(args, flag);
  if (raw === undefined) return undefined;
  const t = parseTransportName(raw);
  if (!t) throw new UsageError(`--${flag}: '${raw}' is not a transport (p2p, http, rsync, ssh, base64)`);
  return t;
}
