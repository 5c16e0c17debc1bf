import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TransportKind } from '../hosts/nodeSpec';

/** Event names of DESIGN.md "State and events". */
type RouterEventType =
  | 'SYNC_STALLED'
  | 'SYNC_RETRY_REQUESTED'
  | 'NODE_DISABLED'
  | 'NODE_REENABLED'
  | 'TRANSPORT_FAILURES_RESET'
  | 'PREFERRED_TRANSPORT_SET'
  | 'SYNC_COMPLETED'
  | 'TRANSPORT_DEGRADED'
  /** A try moved the node's partial forward and the same transport resumes from it (not a failure). */
  | 'SYNC_RESUMED'
  /** A fan-out node's copy, pulled from `source` in `wave` and verified; `run`: the fan-out's start (ISO). */
  | 'SYNC_PULLED';

export interface RouterEvent {
  type: RouterEventType;
  /** ISO time. */
  time: string;
  node: string;
  /** `none`: PREFERRED_TRANSPORT_SET that cleared the preference. */
  transport?: TransportKind | 'none';
  [field: string]: unknown;
}

/**
 * `events.jsonl` in the state dir. Each event is one `write()` of one whole line on a file opened
 * with O_APPEND, so lines from the CLI and the extension never interleave.
 */
export class EventLog {
  readonly file: string;
  private readonly listeners = new Set<(e: RouterEvent) => void>();

  constructor(dir: string, private readonly warn: (message: string) => void = () => undefined) {
    this.file = path.join(dir, 'events.jsonl');
  }

  emit(event: RouterEvent): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, JSON.stringify(event) + '\n', { mode: 0o600 });
    } catch (err) {
      this.warn(`could not append to ${this.file}: ${(err as Error).message}`);
    }
    for (const listener of this.listeners) listener(event);
  }

  /** In-process subscribers (the extension's output channel, the CLI's progress lines). */
  onEvent(listener: (e: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
