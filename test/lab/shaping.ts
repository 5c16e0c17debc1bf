import * as path from 'node:path';
import { ROUTER_CLIENT_ADDR, ROUTER_NS, nodeAddress, publicSshPort } from './namespaces';
import { delayLineBin } from './native';
import { startIn, type LabProcess } from './processes';
import { find, findAll, type LinkProfile } from './profiles';
import { SSH_PORT } from './nodes';
import { routerLink } from './router';
import { ipIn, nft, run, tryRun } from './sh';

/**
 * Puts a profile on node i's link: nftables rules in the router, tbf on both ends, the router-side
 * MTU, the delay line with its policy routing, and the flap loop. Applying a profile first removes
 * whatever the previous one set, so profiles can change while the lab runs.
 */

export interface LinkRef {
  index: number;
  nodeNs: string;
  /** Where the link's daemons log. */
  dir: string;
}

const tunOf = (i: number) => `rt-${i}`;
const tableOf = (i: number) => String(100 + i);

/** `10.203.1.2` as the 32-bit hex nft compares raw payload with. */
function hexAddress(addr: string): string {
  return '0x' + addr.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('');
}

/** A connection's first packet: SYN without ACK. */
const BARE_SYN = 'tcp flags & (syn|ack) == syn';

function nftRules(link: LinkRef, profile: LinkProfile): string {
  const i = link.index;
  const addr = nodeAddress(i);
  const rules = [...['', 'out', 'nat', 'fwd'].map((c) => `flush chain inet rrlab n${i}${c}`), `flush set inet rrlab n${i}flows`];
  const add = (chain: string, rule: string) => rules.push(`add rule inet rrlab ${chain} ${rule}`);
  const loss = find(profile, 'loss');
  if (loss) add(`n${i}`, `numgen random mod 1000 < ${loss.perMille} drop`);
  const reset = find(profile, 'resetAfter');
  if (reset) {
    // Bytes per TCP connection, both ways, keyed (peer, node) whichever way a packet goes: not
    // conntrack's `ct bytes`. conntrack does not see the RSTs nft sends, so a cut flow's entry
    // stays established, and a new connection from the same source port is re-synced onto it,
    // byte count kept: it was cut at once ("connection refused" once in the lab, "Broken pipe"
    // once). A bare SYN starts a connection's count afresh.
    const [toNode, fromNode, flows] = ['ip saddr . tcp sport . ip daddr . tcp dport', 'ip daddr . tcp dport . ip saddr . tcp sport', `@n${i}flows`];
    const over = `quota over ${reset.bytes} bytes`;
    add(`n${i}`, `ip daddr ${addr} ${BARE_SYN} delete ${flows} { ${toNode} }`);
    add(`n${i}`, `ip saddr ${addr} ${BARE_SYN} delete ${flows} { ${fromNode} }`);
    // Half-open: the node never hears of the cut (its packets vanish); the client gets the reset.
    add(`n${i}`, `ip saddr ${addr} update ${flows} { ${fromNode} ${over} } ${reset.halfOpen ? 'drop' : 'reject with tcp reset'}`);
    add(`n${i}`, `ip daddr ${addr} update ${flows} { ${toNode} ${over} } reject with tcp reset`);
  }
  for (const { port } of findAll(profile, 'synDrop')) add(`n${i}`, `ip daddr ${addr} tcp dport ${port} ${BARE_SYN} drop`);
  for (const { port } of findAll(profile, 'reject')) add(`n${i}`, `ip daddr ${addr} tcp dport ${port} reject with tcp reset`);
  const nat = find(profile, 'nat');
  if (nat) {
    if (nat.forwardSsh) {
      add(`n${i}fwd`, `ip daddr ${ROUTER_CLIENT_ADDR} tcp dport ${publicSshPort(i)} dnat ip to ${addr}:${SSH_PORT}`);
      add(`n${i}`, `ip daddr ${addr} ct status dnat accept`);
    }
    add(`n${i}`, `ip daddr ${addr} ct state new drop`);
    add(`n${i}nat`, `ip saddr ${addr} masquerade`);
  }
  // The inner header of a frag-needed starts 8 bytes into the ICMP message; its daddr is 16 further.
  if (find(profile, 'mtuBlackhole')) add(`n${i}out`, `icmp type destination-unreachable icmp code frag-needed @th,192,32 ${hexAddress(addr)} drop`);
  return rules.join('\n') + '\n';
}

function setRate(ns: string, dev: string, mbit: number | undefined): void {
  if (mbit === undefined) {
    tryRun('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'del', 'dev', dev, 'root']);
    return;
  }
  // A burst of 10 ms at the rate (at least 32 KB) keeps tbf accurate at any HZ.
  const burst = Math.max(32768, Math.round(mbit * 1250));
  run('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbit}mbit`, 'burst', String(burst), 'latency', '400ms']);
}

function delayRules(i: number): string[][] {
  const pref = ['pref', String(1000 + i), 'lookup', tableOf(i)];
  return [
    ['iif', routerLink(i), ...pref],
    ['iif', 'c0', 'to', `10.203.${i}.0/24`, ...pref],
  ];
}

/** Takes the delay line out of the path (its process is stopped by the caller). */
export function removeDelayRouting(i: number): void {
  for (const rule of delayRules(i)) tryRun('ip', ['-n', ROUTER_NS, 'rule', 'del', ...rule]);
}

async function waitForCarrier(dev: string): Promise<void> {
  for (let t = 0; t < 100; t++) {
    if (ipIn(ROUTER_NS, ['link', 'show', dev]).includes('LOWER_UP')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`lab: the delay line did not attach to ${dev}`);
}

/** Starts the delay line, then routes the node's traffic (both directions) through it. */
async function startDelay(link: LinkRef, rttMs: number, jitterMs: number): Promise<LabProcess> {
  const i = link.index;
  const tun = tunOf(i);
  if (!tryRun('ip', ['-n', ROUTER_NS, 'link', 'show', tun])) ipIn(ROUTER_NS, ['tuntap', 'add', 'dev', tun, 'mode', 'tun']);
  ipIn(ROUTER_NS, ['link', 'set', tun, 'up']);
  ipIn(ROUTER_NS, ['route', 'replace', 'default', 'dev', tun, 'table', tableOf(i)]);
  const half = (ms: number) => String(Math.round(ms / 2));
  const line = startIn(ROUTER_NS, `delay-line ${i}`, delayLineBin(), [tun, half(rttMs), half(jitterMs)], path.join(link.dir, 'delay-line.log'));
  await waitForCarrier(tun);
  for (const rule of delayRules(i)) ipIn(ROUTER_NS, ['rule', 'add', ...rule]);
  return line;
}

function startFlap(link: LinkRef, downMs: number, upMs: number): LabProcess {
  const dev = routerLink(link.index);
  const s = (ms: number) => (ms / 1000).toFixed(3);
  const loop = `while :; do ip link set ${dev} down; sleep ${s(downMs)}; ip link set ${dev} up; sleep ${s(upMs)}; done`;
  return startIn(ROUTER_NS, `flap ${link.index}`, 'sh', ['-c', loop], path.join(link.dir, 'flap.log'));
}

/**
 * Applies `profile` to a link whose previous delay line and flap loop are already stopped
 * (and `removeDelayRouting` done). Returns the processes this profile runs.
 */
export async function applyProfile(link: LinkRef, profile: LinkProfile): Promise<LabProcess[]> {
  const dev = routerLink(link.index);
  ipIn(ROUTER_NS, ['link', 'set', dev, 'up']);
  ipIn(ROUTER_NS, ['link', 'set', dev, 'mtu', String(find(profile, 'mtuBlackhole')?.mtu ?? 1500)]);
  nft(ROUTER_NS, nftRules(link, profile));
  const rate = find(profile, 'rate')?.mbit;
  setRate(ROUTER_NS, dev, rate);
  setRate(link.nodeNs, 'eth0', rate);
  const procs: LabProcess[] = [];
  const latency = find(profile, 'latency');
  if (latency) procs.push(await startDelay(link, latency.rttMs, latency.jitterMs));
  const flap = find(profile, 'flap');
  if (flap) procs.push(startFlap(link, flap.downMs, flap.upMs));
  return procs;
}
