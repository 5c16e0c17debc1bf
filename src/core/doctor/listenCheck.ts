import type { NodeSpec } from '../hosts/nodeSpec';
import { runOnNode } from '../ssh/nodeCommands';
import { shellQuote } from '../transports/remotePath';
import type { TransportOptions } from '../transports/transport';
import type { AgentListenEvidence } from './evidence';

/**
 * "Does anything listen on the agent's port on the node?", asked over SSH with whatever the node
 * has: `ss -ltn`, else `netstat -an`, else a connect to 127.0.0.1 with bash's /dev/tcp or curl.
 * The listing is read here (not filtered on the node), so one parser serves Linux and BSD formats.
 */

const LINES = 4000;

/**
 * The remote script. It prints the SSH connection's ends (`@ssh CLIENT CPORT SERVER SPORT`), then
 * a line naming the tool that answered, then that tool's output.
 */
export function listenScript(port: number): string {
  const p = String(port);
  return [
    `echo "@ssh $SSH_CONNECTION"`,
    `if command -v ss >/dev/null 2>&1 && out=$(ss -ltn 2>/dev/null); then echo '@tool ss'; printf '%s\\n' "$out" | head -n ${LINES}; exit 0; fi`,
    `if command -v netstat >/dev/null 2>&1 && out=$(netstat -an 2>/dev/null); then echo '@tool netstat'; printf '%s\\n' "$out" | grep -i listen | head -n ${LINES}; exit 0; fi`,
    // A connect to loopback is answered at once (RST or SYN-ACK): no timeout needed.
    `if command -v bash >/dev/null 2>&1; then echo '@tool bash'; if bash -c 'exec 3<>/dev/tcp/127.0.0.1/${p}' 2>/dev/null; then echo '@connected'; else echo '@refused'; fi; exit 0; fi`,
    // curl exit 7: could not connect; anything else got a TCP connection.
    `if command -v curl >/dev/null 2>&1; then echo '@tool curl'; curl -s -o /dev/null --max-time 3 http://127.0.0.1:${p}/; echo "@curl $?"; exit 0; fi`,
    `echo '@tool none'`,
  ].join('\n');
}

const WILDCARD = new Set(['*', '0.0.0.0', '::']);

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || host === 'localhost';
}

/** `0.0.0.0:8770`, `[::]:8770`, `10.0.0.5%eth0:8770` (Linux), `*.8770`, `::1.8770` (BSD netstat) -> host, port. */
export function splitLocal(local: string): { host: string; port: number } | undefined {
  const m = /^(.*)[.:](\d+)$/.exec(local);
  if (!m) return undefined;
  const host = m[1].replace(/^\[|\]$/g, '').replace(/%.*$/, '').replace(/^::ffff:/i, '');
  return { host, port: Number(m[2]) };
}

/** Local addresses of the listeners on `port` in `ss -ltn` / `netstat -an` output (4th column). */
function listenersOn(lines: string[], port: number): string[] {
  const hosts = lines
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4 && /listen/i.test(cols.join(' ')))
    .map((cols) => splitLocal(cols[3]))
    .filter((a): a is { host: string; port: number } => a?.port === port)
    .map((a) => a.host);
  return [...new Set(hosts)];
}

/** `@ssh 10.0.0.1 50000 10.203.5.2 22` -> the node's end; undefined when SSH_CONNECTION was empty. */
function sshLanded(line: string): AgentListenEvidence['sshLanded'] {
  const m = /^@ssh \S+ \d+ (\S+) (\d+)\s*$/.exec(line.trim());
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

/** Reads the script's output. `ours`: the addresses we connect to (p2p address, ssh_host, tailscale_ip). */
export function parseListen(stdout: string, port: number, ours: string[]): AgentListenEvidence {
  const lines = stdout.split('\n');
  const landed = lines[0]?.startsWith('@ssh') ? sshLanded(lines.shift() ?? '') : undefined;
  return { ...parseListing(lines, port, ours), ...(landed ? { sshLanded: landed } : {}) };
}

function parseListing([first = '', ...rest]: string[], port: number, ours: string[]): AgentListenEvidence {
  const tool = /^@tool (ss|netstat|bash|curl|none)$/.exec(first.trim())?.[1] as AgentListenEvidence['tool'] | undefined;
  const base = { port, addresses: [] as string[] };
  if (!tool || tool === 'none') return { ...base, tool: 'none', state: 'unknown', detail: tool ? 'none of ss, netstat, bash, curl there' : `unexpected output: ${first.slice(0, 120)}` };
  if (tool === 'bash' || tool === 'curl') {
    const said = rest.join(' ');
    const connected = /@connected/.test(said) || (/@curl (\d+)/.exec(said)?.[1] ?? '7') !== '7';
    return connected
      ? { ...base, tool, state: 'listening', detail: `${tool}: 127.0.0.1:${port} accepts a connection` }
      : { ...base, tool, state: 'not_listening', detail: `${tool}: 127.0.0.1:${port} refuses` };
  }
  const addresses = listenersOn(rest, port);
  const what = tool === 'ss' ? 'ss -ltn' : 'netstat -an';
  if (!addresses.length) return { ...base, tool, state: 'not_listening', detail: `${what}: nothing listens on port ${port}` };
  const on = `listening on ${addresses.map((a) => `${a.includes(':') ? `[${a}]` : a}:${port}`).join(', ')}`;
  if (addresses.some((a) => WILDCARD.has(a) || ours.includes(a))) return { tool, port, addresses, state: 'listening', detail: `${what}: ${on}` };
  const state = addresses.every(isLoopback) ? 'loopback_only' : 'other_address';
  return { tool, port, addresses, state, detail: `${what}: ${on} only` };
}

/** Runs the check on the node (bounded by `timeoutMs`); an SSH failure comes back as `unknown`. */
export async function agentListenEvidence(node: NodeSpec, o: TransportOptions, signal: AbortSignal, timeoutMs: number): Promise<AgentListenEvidence> {
  const port = node.p2pPort;
  const ran = await runOnNode(node, o, `sh -c ${shellQuote(listenScript(port))}`, signal, timeoutMs);
  if (!ran.ok) return { port, tool: 'none', state: 'unknown', addresses: [], detail: ran.message };
  const ours = [node.address, node.sshHost, node.tailscaleIp].filter((a): a is string => a !== undefined);
  return parseListen(ran.value.stdout, port, ours);
}
