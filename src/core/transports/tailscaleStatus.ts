import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { runBounded } from './boundedProcess';

/**
 * The runbook's `tailscale status`: is the node's tailscale_ip a peer, online, and reached directly
 * or through a DERP relay (slow: the usual reason p2p is sluggish). Read from
 * `tailscale status --json`; when the CLI is not installed here, says so instead.
 */

interface TailscalePeer {
  hostName: string;
  dnsName?: string;
  os?: string;
  ips: string[];
  online: boolean;
  /** Traffic flowed recently. */
  active: boolean;
  /** DERP region name when traffic goes through a relay (`fra`, `nyc`). */
  relay?: string;
  /** `ip:port` of a direct path; empty/undefined means relayed (or idle). */
  curAddr?: string;
  lastSeen?: string;
  /** The IP is this machine's own. */
  self: boolean;
}

export type TailscalePeerResult =
  | { available: false; message: string }
  | { available: true; found: false; message: string }
  | { available: true; found: true; peer: TailscalePeer; /** Like a line of `tailscale status`. */ line: string; message: string };

interface RawNode {
  HostName?: string;
  DNSName?: string;
  OS?: string;
  TailscaleIPs?: string[];
  Online?: boolean;
  Active?: boolean;
  Relay?: string;
  CurAddr?: string;
  LastSeen?: string;
}

function toPeer(raw: RawNode, self: boolean): TailscalePeer {
  return {
    hostName: raw.HostName ?? '?',
    dnsName: raw.DNSName || undefined,
    os: raw.OS || undefined,
    ips: raw.TailscaleIPs ?? [],
    online: self || raw.Online === true,
    active: raw.Active === true,
    relay: raw.Relay || undefined,
    curAddr: raw.CurAddr || undefined,
    // tailscale writes the zero time for peers it has never seen.
    lastSeen: raw.LastSeen && !raw.LastSeen.startsWith('0001-') ? raw.LastSeen : undefined,
    self,
  };
}

/** The `tailscale status` line for a peer: `100.64.0.7  gpu-7  linux  active; relay "fra"`. */
function statusLine(p: TailscalePeer): string {
  let state: string;
  if (p.self) state = '-';
  else if (!p.online) state = `offline${p.lastSeen ? `, last seen ${p.lastSeen}` : ''}`;
  else if (p.curAddr) state = `${p.active ? 'active; ' : ''}direct ${p.curAddr}`;
  else if (p.active && p.relay) state = `active; relay "${p.relay}"`;
  else state = 'idle';
  return [p.ips[0] ?? '-', p.hostName, p.os ?? '-', state].join('  ');
}

/** Finds `ip` in `tailscale status --json` output. Pure: unit-tested with fixture JSON. */
export function peerFromStatusJson(json: string, ip: string): TailscalePeerResult {
  let data: { BackendState?: string; Self?: RawNode; Peer?: Record<string, RawNode> };
  try {
    data = JSON.parse(json);
  } catch {
    return { available: true, found: false, message: 'tailscale status --json printed something that is not JSON' };
  }
  if (data.BackendState && data.BackendState !== 'Running') {
    return { available: true, found: false, message: `tailscale on this machine is ${data.BackendState}: run 'tailscale up' to reach ${ip}` };
  }
  const candidates: Array<[RawNode, boolean]> = [
    ...(data.Self ? [[data.Self, true] as [RawNode, boolean]] : []),
    ...Object.values(data.Peer ?? {}).map((p) => [p, false] as [RawNode, boolean]),
  ];
  const hit = candidates.find(([n]) => (n.TailscaleIPs ?? []).includes(ip));
  if (!hit) {
    return { available: true, found: false, message: `${ip} is not a peer of this tailnet: check tailscale_ip, or the node left the tailnet` };
  }
  const peer = toPeer(hit[0], hit[1]);
  const line = statusLine(peer);
  let message: string;
  if (peer.self) message = `${ip} is this machine (${peer.hostName})`;
  else if (!peer.online) message = `${peer.hostName} (${ip}) is offline in tailscale${peer.lastSeen ? ` since ${peer.lastSeen}` : ''}: start tailscale on the node`;
  else if (!peer.curAddr && peer.relay) message = `${peer.hostName} (${ip}) is online but relayed through DERP "${peer.relay}" (slow): open UDP 41641 for a direct path`;
  else message = `${peer.hostName} (${ip}) is online${peer.curAddr ? `, direct ${peer.curAddr}` : ''}`;
  return { available: true, found: true, peer, line, message };
}

/** `command -v tailscale` over env.PATH, then the macOS app's bundled CLI. */
async function findTailscale(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [...dirs.map((d) => path.join(d, 'tailscale')), '/Applications/Tailscale.app/Contents/MacOS/Tailscale'];
  for (const c of candidates) {
    try {
      await access(c, fsConstants.X_OK);
      return c;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const TAILSCALE_DEADLINE_MS = 5000;

export async function tailscalePeer(ip: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<TailscalePeerResult> {
  const cli = await findTailscale(env);
  if (!cli) return { available: false, message: `tailscale CLI not found on this machine: cannot check ${ip} (install tailscale, or check on the coordinator)` };
  const out = await runBounded(cli, ['status', '--json'], { env, signal, deadlineMs: TAILSCALE_DEADLINE_MS, keepStdoutChars: 8_000_000 }).done;
  if (out.aborted) return { available: false, message: 'tailscale check cancelled' };
  if (out.timedOut) return { available: false, message: `tailscale status did not answer within ${TAILSCALE_DEADLINE_MS / 1000} s (is tailscaled running?)` };
  if (out.rc !== 0) {
    const why = out.stderr.trim().split('\n').pop() || out.spawnError || `exit code ${out.rc}`;
    return { available: false, message: `tailscale status failed: ${why}` };
  }
  return peerFromStatusJson(out.stdout, ip);
}
