import type { TransportKind } from '../../core/hosts/nodeSpec';
import type { ProbeRow } from '../../core/router';

/** A transport being tested right now, or its fresh result before the router has recorded it. */
export type LiveProbe = { status: 'testing' } | { status: 'done'; row: ProbeRow };

/**
 * Results of connectivity tests in flight, so the tree shows each one as it arrives instead of
 * waiting for the slowest (dead) node. The router's state takes over once a test is recorded.
 */
export class LiveProbes {
  private readonly nodes = new Map<string, Map<TransportKind, LiveProbe>>();
  private readonly listeners = new Set<() => void>();

  get(node: string): ReadonlyMap<TransportKind, LiveProbe> | undefined {
    return this.nodes.get(node);
  }

  /** Marks these transports as being tested. */
  start(targets: Array<{ node: string; transports: TransportKind[] }>): void {
    for (const t of targets) {
      const m = this.nodes.get(t.node) ?? new Map<TransportKind, LiveProbe>();
      for (const kind of t.transports) m.set(kind, { status: 'testing' });
      this.nodes.set(t.node, m);
    }
    this.changed();
  }

  result(row: ProbeRow): void {
    this.nodes.get(row.node)?.set(row.transport, { status: 'done', row });
    this.changed();
  }

  /** The test is over (recorded, or cancelled): state alone tells from now on. */
  finish(nodes: string[]): void {
    for (const n of nodes) this.nodes.delete(n);
    this.changed();
  }

  /** True while any transport is still being tested. */
  busy(): boolean {
    for (const m of this.nodes.values()) for (const p of m.values()) if (p.status === 'testing') return true;
    return false;
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
