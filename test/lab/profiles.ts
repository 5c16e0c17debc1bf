/**
 * A node's link profile: the faults between the client and that node. Each impairment is one kind
 * of real fault; a profile combines them (the `wan` preset is latency + loss + a rate cap).
 */

export type Impairment =
  /** Round trip added by the delay line (half each way), plus up to `jitterMs` each way. */
  | { kind: 'latency'; rttMs: number; jitterMs: number }
  /** Packets dropped at random, per mille, each direction. */
  | { kind: 'loss'; perMille: number }
  /** Token bucket rate cap, each direction. */
  | { kind: 'rate'; mbit: number }
  /**
   * Every TCP flow is reset once it has carried this many bytes (both directions together). With
   * `halfOpen`, only the client hears of it: the node's packets vanish from then on, as behind a
   * NAT or firewall that forgot the flow, and the node's end stays open until its own timeouts.
   */
  | { kind: 'resetAfter'; bytes: number; halfOpen: boolean }
  /** SYNs to this port vanish: a connect never completes. */
  | { kind: 'synDrop'; port: number }
  /** Connections to this port get a TCP reset: ECONNREFUSED at once. */
  | { kind: 'reject'; port: number }
  /** The link goes down for `downMs`, up for `upMs`, starting down. */
  | { kind: 'flap'; downMs: number; upMs: number }
  /** A smaller MTU on the router's side and no ICMP frag-needed: large packets vanish. */
  | { kind: 'mtuBlackhole'; mtu: number }
  /**
   * Behind a masquerading router: the node connects out, nothing connects in; with `forwardSsh`,
   * the router forwards one public port to the node's sshd (vast.ai's SSH proxy, RunPod's TCP map).
   */
  | { kind: 'nat'; forwardSsh: boolean };

export type ImpairmentKind = Impairment['kind'];
export type LinkProfile = readonly Impairment[];

export const PRESETS: Record<string, LinkProfile> = {
  clean: [],
  wan: [
    { kind: 'latency', rttMs: 40, jitterMs: 0 },
    { kind: 'loss', perMille: 5 },
    { kind: 'rate', mbit: 200 },
  ],
  'agent-refused': [{ kind: 'reject', port: 8770 }],
  'agent-firewalled': [{ kind: 'synDrop', port: 8770 }],
  'resets-16m': [{ kind: 'resetAfter', bytes: 16 * 1024 * 1024, halfOpen: false }],
  'half-open-16m': [{ kind: 'resetAfter', bytes: 16 * 1024 * 1024, halfOpen: true }],
  nat: [{ kind: 'nat', forwardSsh: false }],
  'nat-ssh': [{ kind: 'nat', forwardSsh: true }],
  flapping: [{ kind: 'flap', downMs: 5000, upMs: 20000 }],
  'mtu-blackhole': [{ kind: 'mtuBlackhole', mtu: 1280 }],
};

/** Kinds that may appear more than once in a profile (one per port). */
const REPEATABLE: ReadonlySet<ImpairmentKind> = new Set(['synDrop', 'reject']);

/** Throws when a profile cannot be applied as written. */
export function validateProfile(profile: LinkProfile): void {
  const seen = new Set<ImpairmentKind>();
  for (const imp of profile) {
    if (seen.has(imp.kind) && !REPEATABLE.has(imp.kind)) throw new Error(`profile has '${imp.kind}' twice`);
    seen.add(imp.kind);
  }
  // The delay line sends each packet through the router twice; only the first pass is tracked by
  // conntrack, so masquerading cannot apply to a delayed flow.
  if (seen.has('nat') && seen.has('latency')) throw new Error(`profile combines 'nat' with 'latency': not supported by the lab`);
}

export function find<K extends ImpairmentKind>(profile: LinkProfile, kind: K): Extract<Impairment, { kind: K }> | undefined {
  return profile.find((i): i is Extract<Impairment, { kind: K }> => i.kind === kind);
}

export function findAll<K extends ImpairmentKind>(profile: LinkProfile, kind: K): Extract<Impairment, { kind: K }>[] {
  return profile.filter((i): i is Extract<Impairment, { kind: K }> => i.kind === kind);
}

const SIZE = /^(\d+(?:\.\d+)?)([kmg]?)(?:i?b)?$/i;

function bytesOf(text: string): number {
  const m = SIZE.exec(text);
  if (!m) throw new Error(`not a size: '${text}' (e.g. 16M)`);
  return Math.round(Number(m[1]) * 1024 ** ' kmg'.indexOf(m[2].toLowerCase() || ' '));
}

function num(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(n) || n < 0) throw new Error(`${what} needs a number, got '${text ?? ''}'`);
  return n;
}

/** One `key=value` of a profile spec. */
function parseItem(key: string, value: string | undefined): Impairment {
  switch (key) {
    case 'rtt': {
      const [rtt, jitter] = (value ?? '').split('/');
      return { kind: 'latency', rttMs: num(rtt, 'rtt'), jitterMs: jitter ? num(jitter, 'rtt jitter') : 0 };
    }
    case 'loss':
      return { kind: 'loss', perMille: Math.round(num(value?.replace(/%$/, ''), 'loss') * 10) };
    case 'rate':
      return { kind: 'rate', mbit: num(value, 'rate') };
    case 'reset-after':
    case 'half-open-after':
      return { kind: 'resetAfter', bytes: bytesOf(value ?? ''), halfOpen: key === 'half-open-after' };
    case 'syn-drop':
      return { kind: 'synDrop', port: num(value, 'syn-drop') };
    case 'reject':
      return { kind: 'reject', port: num(value, 'reject') };
    case 'flap': {
      const [down, up] = (value ?? '').split('/');
      return { kind: 'flap', downMs: num(down, 'flap down ms'), upMs: num(up, 'flap up ms') };
    }
    case 'mtu':
      return { kind: 'mtuBlackhole', mtu: num(value, 'mtu') };
    case 'nat':
      if (value !== undefined && value !== 'ssh') throw new Error(`nat takes nothing or 'ssh' (forward a public port to the node's sshd), got '${value}'`);
      return { kind: 'nat', forwardSsh: value === 'ssh' };
    default:
      throw new Error(`unknown profile item '${key}' (rtt, loss, rate, reset-after, half-open-after, syn-drop, reject, flap, mtu, nat)`);
  }
}

/**
 * A preset name (`wan`) or a spec: `rtt=40/5,loss=0.5%,rate=200,reset-after=16M,half-open-after=16M,syn-drop=8770,
 * reject=8770,flap=5000/20000,mtu=1280,nat[=ssh]` (rtt and flap in ms, loss in percent, rate in Mbit/s;
 * `nat=ssh` forwards a public port of the router to the node's sshd).
 */
export function parseProfile(text: string): LinkProfile {
  const preset = PRESETS[text];
  const profile = preset ?? text.split(',').filter(Boolean).map((item) => {
    const [key, value] = item.split('=', 2);
    return parseItem(key.trim(), value?.trim());
  });
  validateProfile(profile);
  return profile;
}

/** The spec form of a profile, for messages. */
export function describeProfile(profile: LinkProfile): string {
  if (!profile.length) return 'clean';
  return profile
    .map((i) => {
      switch (i.kind) {
        case 'latency': return `rtt=${i.rttMs}${i.jitterMs ? `/${i.jitterMs}` : ''}`;
        case 'loss': return `loss=${i.perMille / 10}%`;
        case 'rate': return `rate=${i.mbit}`;
        case 'resetAfter': return `${i.halfOpen ? 'half-open-after' : 'reset-after'}=${i.bytes}`;
        case 'synDrop': return `syn-drop=${i.port}`;
        case 'reject': return `reject=${i.port}`;
        case 'flap': return `flap=${i.downMs}/${i.upMs}`;
        case 'mtuBlackhole': return `mtu=${i.mtu}`;
        case 'nat': return i.forwardSsh ? 'nat=ssh' : 'nat';
      }
    })
    .join(',');
}
