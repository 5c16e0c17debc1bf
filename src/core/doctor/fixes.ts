import { isSshTransport, type TransportKind } from '../hosts/nodeSpec';
import type { Finding } from './classify';
import {
  agentStartScripts, cliCommand, formatBytes, keygenRemove, overSsh, packageFor, remoteRoot, sshCopyId, sshPrefix, word,
} from './commands';
import type { CauseId } from './causes';
import type { FixContext, NodeEvidence, TargetFacts } from './evidence';
import { firstWorking, hostPort, sshLoginWorks, sshdSpoke } from './facts';
import { manualFix } from './manualFix';
import type { DoctorFix } from './report';
import { SET_TOKEN_HINT } from '../transports/http/orchestrator/token';
import { shellQuote } from '../transports/remotePath';

/**
 * The runbook's fix for each cause, as one command with the node's real address, user, port and
 * key. A command that needs SSH is written over SSH only when SSH login works (or only fails for a
 * reason of its own); otherwise it is given to run on the node's console.
 */

type Fix = DoctorFix;

const here = (title: string, command: string, changes: Fix['changes']): Fix => ({ title, command, changes, runOn: 'here' });

/** `scripts` (one ssh each) over SSH when we can log in, else to run on the node itself. */
function onNode(ev: NodeEvidence, title: string, scripts: string | string[], changes: Fix['changes']): Fix {
  const t = ev.target;
  const list = typeof scripts === 'string' ? [scripts] : scripts;
  const remote = list.map((s) => overSsh(t, ev.context, s)).join('; ');
  if (sshLoginWorks(ev)) return { title, command: remote, changes, runOn: 'here' };
  if (sshdSpoke(ev)) return { title: `${title} (once SSH login works: fix its cause first)`, command: remote, changes, runOn: 'here' };
  return { title: `${title}, on ${t.node}'s console (SSH does not work)`, command: list.join('; '), changes, runOn: 'node' };
}

/** `prefer NODE T` then `reenable NODE`: syncs start with a transport that works. */
function preferWorking(ev: NodeEvidence, failing: TransportKind | 'all', why: string): Fix {
  const t = ev.target;
  const next = firstWorking(ev) ?? t.chain.find((k) => k !== failing && isSshTransport(k));
  if (!next) return here(`${why}: no other transport to prefer; fix the node first`, cliCommand(ev.context, 'test', t.node), 'nothing');
  const command = `${cliCommand(ev.context, 'prefer', t.node, next)} && ${cliCommand(ev.context, 'reenable', t.node)}`;
  return here(`${why}: make syncs to ${t.node} start with ${next}${firstWorking(ev) ? ' (it works now)' : ''}, and re-enable it`, command, 'local');
}

/** One fix per cause; given the node's target and context as well, which nearly every fix names. */
type FixOf = (f: Finding, ev: NodeEvidence, t: TargetFacts, ctx: FixContext) => DoctorFix;

export function fixFor(f: Finding, ev: NodeEvidence): DoctorFix {
  return FIXES[f.cause](f, ev, ev.target, ev.context);
}

/** A table rather than a switch: the compiler refuses a cause without its fix. */
const FIXES: Record<CauseId, FixOf> = {
  node_offline: (_f, _ev, t, ctx) => {
    // Nothing to run until the node is back; the command then proves SSH works before re-enabling.
    if (!t.sshHost) return here(`Start or reboot ${t.node} from its provider console, then test it`, cliCommand(ctx, 'test', t.node), 'nothing');
    return here(`Start or reboot ${t.node} from its provider console (and tailscale on it, if it uses tailscale_ip); once it is up, this checks SSH and re-enables it`,
      `${sshPrefix(t, ctx, '-o ConnectTimeout=5')} true && ${cliCommand(ctx, 'reenable', t.node)}`, 'local');
  },
  port_blocked: portBlockedFix,
  agent_not_running: (_f, ev, t, ctx) =>
    onNode(ev, `Start the agent on ${t.node} (port ${t.p2pPort}, root ${t.remoteBase ?? '~'}; log /tmp/ringrift-agent.log)`, agentStartScripts(t, ctx, false), 'node'),
  service_unresponsive: (f, ev, t, ctx) => {
    if (f.hung === 'agent') {
      return onNode(ev, `Restart the hung agent on ${t.node} (kill it, start it again on port ${t.p2pPort})`, agentStartScripts(t, ctx, true), 'node');
    }
    if (f.hung === 'login') {
      return here(`Look at ${t.node}'s load and disk (the login or command hangs after sshd greets)`, `${sshPrefix(t, ctx, '-o ConnectTimeout=5')} 'uptime; df -h ~'`, 'nothing');
    }
    return { title: `Restart sshd on ${t.node} (${hostPort(t.sshHost ?? '', t.sshPort)} accepts but never speaks) from its provider console; reboot it if the console hangs too`,
      command: 'sudo systemctl restart ssh', changes: 'node', runOn: 'node' };
  },
  nat_blocked: (f, ev) => natFix(f, ev),
  ssh_auth_failed: (_f, _ev, t, ctx) =>
    here(`Authorise ${t.sshKey ? `${t.sshKey}.pub` : 'our key'} for ${t.user} on ${t.node} (ssh-copy-id asks for the password; or append it to ~${t.user}/.ssh/authorized_keys from the console)`, sshCopyId(t, ctx), 'node'),
  host_key_changed: (_f, ev, t, ctx) => {
    const hk = ev.hostKey;
    const fp = hk?.presentedFingerprint ? ` (now ${hk.presentedFingerprint})` : '';
    const line = hk?.line ? ` line ${hk.line} of ${hk.knownHostsFile}` : ` its old key in ${ctx.knownHostsFile}`;
    return here(`If ${t.node} was rebuilt${fp} (compare with its provider console), remove${line}, then: ${cliCommand(ctx, 'test', t.node, '--accept-new')}`,
      keygenRemove(hk?.host ?? t.sshHost ?? '', hk?.port ?? t.sshPort, hk?.knownHostsFile ?? ctx.knownHostsFile), 'local');
  },
  host_key_unknown: (_f, ev, t, ctx) => {
    const fp = ev.hostKey?.presentedFingerprint ?? 'the fingerprint the node shows';
    return here(`Check that ${t.node}'s host key is ${fp} (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console), then add it to known_hosts`,
      `ssh-keyscan -p ${ev.hostKey?.port ?? t.sshPort} ${word(ev.hostKey?.host ?? t.sshHost ?? '')} >> ${word(ctx.knownHostsFile)}`, 'local');
  },
  host_key_revoked: (_f, _ev, t) => ({ title: `${t.node} presents a revoked host key: give it new host keys from its console, then add the new key here`,
    command: 'sudo rm -f /etc/ssh/ssh_host_* && sudo ssh-keygen -A && sudo systemctl restart ssh', changes: 'node', runOn: 'node' }),
  remote_tool_missing: (f, ev, t, ctx) => {
    const tool = f.tool ?? 'rsync';
    const alt = tool === 'rsync' && t.chain.includes('base64') ? `; meanwhile syncs escalate to base64 (${cliCommand(ctx, 'prefer', t.node, 'base64')})` : '';
    return onNode(ev, `Install ${tool} on ${t.node} (Debian/Ubuntu; macOS: brew install ${tool})${alt}`, `sudo apt-get install -y ${packageFor(tool)}`, 'node');
  },
  disk_full: (_f, ev, t) => {
    const root = remoteRoot(t);
    return onNode(ev, `Free space on ${t.node}: the largest entries under ${t.remoteBase ?? '~'} (delete what is no longer needed)`,
      `df -h ${root}; du -xsh ${root}/* 2>/dev/null | sort -h | tail -n 20`, 'nothing');
  },
  transfer_timeout: (f, ev) => stallFix(f.transport, ev),
  sshd_not_running: (_f, _ev, t) =>
    ({ title: `Start sshd on ${t.node} from its provider console (or correct ssh_port ${t.sshPort})`, command: 'sudo systemctl start ssh', changes: 'node', runOn: 'node' }),
  tailscale_down: (_f, ev, t) => {
    if (ev.tailscale?.selfDown) return here(`Start tailscale on this machine: no tailnet address (${t.tailscaleIp ?? ''}) is reachable without it`, 'sudo tailscale up', 'local');
    return { title: `Bring ${t.node} back into the tailnet (its tailscale_ip ${t.tailscaleIp ?? ''} is not online)`, command: 'sudo tailscale up', changes: 'node', runOn: 'node' };
  },
  agent_token_rejected: (_f, _ev, t) =>
    here(`Give the token ${t.node}'s agent was started with (--token) to ringrift-sync`, `export RINGRIFT_AGENT_TOKEN=${shellQuote(`<token of the agent on ${t.node}>`)}`, 'local'),
  auth_failed: (_f, _ev, t) => here(`Give ringrift-sync ${t.node}'s cluster token (the orchestrator's RINGRIFT_CLUSTER_AUTH_TOKEN): ${SET_TOKEN_HINT}`,
    `export RINGRIFT_CLUSTER_AUTH_TOKEN_FILE=${shellQuote('<file holding the cluster token>')}`, 'local'),
  wrong_service: (_f, ev, t) => onNode(ev, `See which program holds port ${t.p2pPort} on ${t.node}`, `sudo ss -ltnp 'sport = :${t.p2pPort}'`, 'nothing'),
  address_unresolved: (_f, _ev, t) =>
    here(`Fix ${t.node}'s address in the hosts file (ssh_host / tailscale_ip): it does not resolve`, `getent hosts ${word(t.sshHost ?? t.address ?? t.node)}`, 'nothing'),
  local_tool_missing: () => here('Install rsync and ssh on this machine (macOS: brew install rsync)', 'sudo apt-get install -y rsync openssh-client', 'local'),
  node_disabled: (_f, ev, t, ctx) => here(`Re-enable ${t.node}: ${firstWorking(ev)} works again`, cliCommand(ctx, 'reenable', t.node), 'local'),
  lossy_link: (_f, ev) => {
    const derp = ev.tailscale?.relay ? `tailscale relays through DERP (${ev.tailscale.relay}): a direct path helps most. Else ` : '';
    return here(`${derp}Send with BBR on this machine: loss holds CUBIC near MSS/(RTT*sqrt(loss)), BBR is not loss-bound (Linux; add it to /etc/sysctl.d to keep it)`,
      'sudo modprobe tcp_bbr && sudo sysctl -w net.ipv4.tcp_congestion_control=bbr', 'local');
  },
  // Linux only probes for a smaller MSS when asked to; macOS detects black holes by default.
  mtu_blackhole: () => here(`Let TCP on this machine find the path's real MTU when large packets vanish (Linux; keep it in /etc/sysctl.d). Or lower the MTU of the tunnel or VPN interface on the path, or ask the provider to pass ICMP "fragmentation needed"`,
    'sudo sysctl -w net.ipv4.tcp_mtu_probing=1', 'local'),
  unclassified: (f, ev, t) => {
    // Worth preferring another transport only when syncs would try this one before it.
    const w = firstWorking(ev);
    return w && f.transport !== 'all' && t.chain.indexOf(w) > t.chain.indexOf(f.transport)
      ? preferWorking(ev, f.transport, 'The cause is unclear (see the evidence); until it is found')
      : manualFix(ev, f.transport);
  },
};

function portBlockedFix(f: Finding, ev: NodeEvidence, t: TargetFacts, ctx: FixContext): DoctorFix {
  // p2p_public_port is the provider's mapping onto the agent's p2p_port: the node opens the latter.
  const port = f.port?.role === 'http' ? t.p2pPort : (f.port?.port ?? t.p2pPort);
  const mapping = f.port?.role === 'http' ? `that the provider maps public port ${f.port.port} to it` : "the provider's security group / port mapping";
  // The SSH port itself is what is blocked: nothing can go over SSH.
  if (f.port?.role === 'ssh') {
    return { title: `Open TCP ${port} in ${t.node}'s firewall from its console (also the provider's security group)`, command: `sudo ufw allow ${port}/tcp`, changes: 'node', runOn: 'node' };
  }
  const meanwhile = t.chain.includes('http') && f.transport !== 'http'
    ? `; or use the http transport meanwhile: ${cliCommand(ctx, 'prefer', t.node, 'http')}`
    : '; or use the http transport (give the node p2p_public_port, mapped to it by the provider)';
  return onNode(ev, `Open TCP ${port} in ${t.node}'s firewall (also check ${mapping})${meanwhile}`, `sudo ufw allow ${port}/tcp`, 'node');
}

const RELAY = 'RingRift relay mode: syncs skip p2p and rsync and try base64, then http';

function natFix(f: Finding, ev: NodeEvidence): DoctorFix {
  const t = ev.target;
  const ctx = ev.context;
  if (f.expected) {
    return here(`Nothing to fix: ${t.node} is in relay mode (${RELAY}). If direct connections should work, forward ports ${t.sshPort} and ${t.p2pPort} to it, remove ${t.natBlocked ? 'nat_blocked' : 'force_relay_mode'}, and test p2p`,
      cliCommand(ctx, 'test', t.node, '--transport', 'p2p'), 'nothing');
  }
  if (f.natLikely && firstWorking(ev) === 'p2p') {
    // Relay mode would skip the p2p that works: reach SSH over tailscale instead.
    return here(`${t.node} looks NATed but p2p over tailscale works: leave nat_blocked unset (${RELAY}). For rsync and base64, set ssh_host: ${t.tailscaleIp ?? ''} once this login works`,
      `${sshPrefix({ ...t, sshHost: t.tailscaleIp }, ctx, '-o ConnectTimeout=5')} true`, 'nothing');
  }
  if (f.portForward) {
    return here(`${t.node} is reached through a port forward for SSH only. rsync and base64 work over it; for p2p, map a public port to the agent's port ${t.p2pPort} at the provider and set p2p_public_port to it, or mark ${t.node} nat_blocked: true (${RELAY}). Then test it`,
      cliCommand(ctx, 'test', t.node), 'nothing');
  }
  if (f.natLikely) {
    return here(`Mark ${t.node} nat_blocked: true in the hosts file (${RELAY}; base64 still needs an SSH path to ssh_host), then test it`, cliCommand(ctx, 'test', t.node), 'nothing');
  }
  // p2p works (tailscale): only the http fallback is broken; marking nat_blocked would skip the working p2p.
  return { ...manualFix(ev, 'http'), title: `Map public port ${t.httpPort ?? '?'} to the agent's port ${t.p2pPort} at the provider (or remove p2p_public_port from ${t.node}); p2p works meanwhile. Check it with` };
}

function stallFix(transport: TransportKind | 'all', ev: NodeEvidence): DoctorFix {
  const t = ev.target;
  const ctx = ev.context;
  if (transport === 'base64') {
    const smaller = Math.max(1 << 20, Math.floor(ctx.base64ChunkBytes / 8));
    // The env var works for the CLI; in VS Code the setting ringriftSync.base64ChunkBytes does the same.
    return here(
      `Push with smaller base64 chunks (${formatBytes(smaller)} instead of ${formatBytes(ctx.base64ChunkBytes)}): a stall then loses less and resumes sooner (in VS Code: "ringriftSync.base64ChunkBytes": ${smaller})`,
      `RINGRIFT_SYNC_BASE64_CHUNK_BYTES=${smaller} ${cliCommand(ctx, 'sync', t.node, '--path', ctx.pushPath ?? 'FILE', '--force-transport', 'base64')}`,
      'node',
    );
  }
  if (transport === 'rsync') {
    return here(`Push again: rsync resumes its partial file (and set a bandwidth limit for ${t.node} in auto_sync.host_bandwidth_overrides if it stalls again)`,
      cliCommand(ctx, 'sync', t.node, '--path', ctx.pushPath ?? 'FILE', '--force-transport', 'rsync'), 'node');
  }
  if (t.chain.includes('rsync')) {
    const command = `${cliCommand(ctx, 'prefer', t.node, 'rsync')} && ${cliCommand(ctx, 'reenable', t.node)}`;
    return here(`Make syncs to ${t.node} start with rsync (resumable, with its own stall timeout); the ${transport} partial stays for later`, command, 'local');
  }
  return here(`Push again: the ${transport} partial resumes where it stopped`, cliCommand(ctx, 'sync', t.node, '--path', ctx.pushPath ?? 'FILE'), 'node');
}
