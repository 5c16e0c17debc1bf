import { run, tryRun } from './sh';

/**
 * Network namespaces and addresses of the lab. Every name the lab makes starts with `rrlab-`
 * (namespaces, and the one veth in the root namespace); everything else lives inside them and goes
 * when they are deleted. Only `rrlab-*` names are ever deleted.
 */

const PREFIX = 'rrlab-';
export const ROUTER_NS = 'rrlab-router';
/** The client's veth in the root namespace; its peer is `c0` in the router. */
export const CLIENT_IF = 'rrlab-c';
export const LAB_NET = '10.203.0.0/16';
export const CLIENT_ADDR = '10.203.0.1';
export const ROUTER_CLIENT_ADDR = '10.203.0.2';

/** Node i (1-based) sits on 10.203.i.0/24: the router is .1, the node .2. */
export function nodeAddress(index: number): string {
  return `10.203.${index}.2`;
}
export function routerAddress(index: number): string {
  return `10.203.${index}.1`;
}
/**
 * The router's public port that a `nat=ssh` node's sshd is forwarded to, on ROUTER_CLIENT_ADDR (as
 * a provider's SSH proxy: one public address, a port per machine).
 */
export function publicSshPort(index: number): number {
  return 2200 + index;
}
export function nodeNamespace(name: string): string {
  return `${PREFIX}${name}`;
}

export function labNamespaces(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((ns) => ns.startsWith(PREFIX));
}

export function createNamespace(ns: string): void {
  try {
    run('ip', ['netns', 'add', ns]);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(the lab needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN, e.g. not an unprivileged container)`);
  }
  run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Kills what still runs inside one of our namespaces (all of it was started by a lab), then deletes it. */
export async function deleteNamespace(ns: string): Promise<void> {
  const pids = () => run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const left = pids();
    if (!left.length) break;
    for (const pid of left) {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  run('ip', ['netns', 'del', ns]);
}

/**
 * Without this, a packet for 10.203/16 whose lab route is gone (a down or deleted veth) would take
 * the root namespace's default route off the machine.
 */
export function addGuardRoute(): void {
  run('ip', ['route', 'replace', 'unreachable', LAB_NET, 'metric', '4000']);
}

/** Removes the guard once no lab namespace is left (another lab may still need it). */
export function removeGuardRouteIfUnused(): void {
  if (labNamespaces().length === 0) tryRun('ip', ['route', 'del', 'unreachable', LAB_NET, 'metric', '4000']);
}

/**
 * Deletes the client's veth (and with it its peer in the router). Namespace deletion tears down
 * its devices asynchronously, so the root namespace's end would linger for a moment otherwise.
 */
export function deleteClientLink(): void {
  tryRun('ip', ['link', 'del', CLIENT_IF]);
}

/** Deletes every `rrlab-*` namespace and the client veth: what a crashed run left behind. */
export async function cleanStaleLab(): Promise<string[]> {
  deleteClientLink();
  const stale = labNamespaces();
  for (const ns of stale) await deleteNamespace(ns);
  return stale;
}
