import type { NodeSpec } from '../../core/hosts/nodeSpec';
import { removeKnownHostLine } from '../../core/ssh';
import { inspectHostKey } from '../../core/ssh/hostKeyChange';
import { diskSpace, runOnNode } from '../../core/ssh/nodeCommands';
import type { ClusterSession } from '../../core/session';
import { resolveNode, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { runConnectivityTest } from './testCommands';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/** Operator actions over SSH on one node: disk space, restarting the agent, a changed host key. */

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

async function pick(deps: CommandDeps, arg: CommandArg, title: string): Promise<{ session: ClusterSession; node: NodeSpec } | undefined> {
  const session = sessionOrExplain(deps);
  const node = session && (await resolveNode(deps, session, arg, title));
  return node && { session: session!, node };
}

async function checkDiskSpace(deps: CommandDeps, arg: CommandArg): Promise<unknown> {
  const p = await pick(deps, arg, 'Check the disk space of which node?');
  if (!p) return undefined;
  const r = await deps.ui().withProgress(`Checking disk space on ${p.node.name}`, (_report, signal) => diskSpace(p.node, p.session.transportOptions, signal));
  if (!r.ok) {
    deps.log.warn(r.message);
    void deps.ui().error(`RingRift Sync: ${r.message}`);
    return r;
  }
  const d = r.value;
  const message = `${p.node.name}: ${gb(d.freeBytes)} free of ${gb(d.totalBytes)} (${d.usedPercent}% used) in ${d.path} (${d.mountedOn})`;
  deps.log.info(message);
  void (d.usedPercent >= 90 ? deps.ui().warn(message) : deps.ui().info(message));
  return r;
}

async function restartAgent(deps: CommandDeps, arg: CommandArg): Promise<unknown> {
  const p = await pick(deps, arg, 'Restart the P2P agent of which node?');
  if (!p) return undefined;
  const command = deps.settings().agentRestartCommand;
  const target = `${p.node.user}@${p.node.sshHost}:${p.node.sshPort}`;
  const yes = await deps.ui().confirm(`Restart the P2P agent on ${p.node.name}?`, `Runs over SSH as ${target}:\n\n${command}\n\n(setting ringriftSync.agentRestartCommand)`, 'Restart Agent');
  if (!yes) return undefined;
  const r = await deps.ui().withProgress(`Restarting the agent on ${p.node.name}`, (_report, signal) => runOnNode(p.node, p.session.transportOptions, command, signal, 60_000));
  if (!r.ok || r.value.code !== 0) {
    const why = r.ok ? `'${command}' exited ${r.value.code}: ${r.value.stderr || r.value.stdout || 'no output'}` : r.message;
    deps.log.warn(`restart agent on ${p.node.name}: ${why}`);
    void deps.ui().error(`RingRift Sync: restarting the agent on ${p.node.name} failed: ${why}`);
    return r;
  }
  deps.log.info(`restart agent on ${p.node.name}: done (${command})`);
  void deps.ui().info(`Agent restarted on ${p.node.name}; testing its p2p transport.`);
  if (p.node.transports.includes('p2p')) await runConnectivityTest(deps, p.session, [p.node], 'p2p');
  return r;
}

async function removeHostKey(deps: CommandDeps, arg: CommandArg): Promise<unknown> {
  const p = await pick(deps, arg, 'Remove the changed host key of which node?');
  if (!p) return undefined;
  const r = await deps.ui().withProgress(`Reading the host key of ${p.node.name}`, (_report, signal) => inspectHostKey(p.node, p.session.transportOptions, signal));
  if (!r.ok) {
    void deps.ui().error(`RingRift Sync: ${r.message}`);
    return r;
  }
  const { check, presented, host, port } = r.value;
  if (check.status !== 'changed') {
    const why =
      check.status === 'match' ? `matches line ${check.line} of ${r.value.knownHostsFile}: nothing to remove`
      : check.status === 'unknown' ? `is not in ${r.value.knownHostsFile} yet: testing the node will ask whether to accept it`
      : check.status === 'revoked' ? `is marked @revoked on line ${check.line} of ${check.file}: the node needs a new key`
      : check.message;
    void deps.ui().info(`${p.node.name}: the host key of ${host}:${port} (${presented.fingerprint}) ${why}.`);
    return r;
  }
  const yes = await deps.ui().confirm(
    `The host key of ${p.node.name} (${host}:${port}) changed. Remove the old one from known_hosts?`,
    `Old (line ${check.line} of ${check.file}):\n${check.knownFingerprint}\n\nNew (${presented.keyType}):\n${presented.fingerprint}\n\n` +
      'Only do this if you know the node was rebuilt. A key that changed for no reason may mean someone is in the middle.',
    'Remove Old Key',
  );
  if (!yes) return r;
  const removed = await removeKnownHostLine(check.file, check.line);
  if (!removed.ok) {
    void deps.ui().error(`RingRift Sync: ${removed.message}`);
    return removed;
  }
  deps.log.info(`removed line ${check.line} (${check.knownFingerprint}) of ${check.file} for ${p.node.name}`);
  void deps.ui().info(`Removed the old key of ${p.node.name} (line ${check.line} of ${check.file}). Test the node to accept the new key.`);
  return removed;
}

export function sshCommands(deps: CommandDeps) {
  return {
    [COMMAND_IDS.checkDiskSpace]: (arg) => checkDiskSpace(deps, arg),
    [COMMAND_IDS.restartAgent]: (arg) => restartAgent(deps, arg),
    [COMMAND_IDS.removeHostKey]: (arg) => removeHostKey(deps, arg),
  } satisfies HandlersOf<CommandArg>;
}
