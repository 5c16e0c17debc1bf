import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RouterEvent } from '../../core/router';

/**
 * Follows `events.jsonl` in the state dir: each `read()` returns the whole lines appended since the
 * last one (by this process or a CLI run). Starts at the end: the log shows what happens from now.
 */
export class EventTail {
  private offset: number;
  private partial = '';

  constructor(readonly file: string) {
    this.offset = sizeOf(file);
  }

  read(): RouterEvent[] {
    const size = sizeOf(this.file);
    if (size < this.offset) {
      // Rotated or truncated: start over at its beginning.
      this.offset = 0;
      this.partial = '';
    }
    if (size === this.offset) return [];
    let text: string;
    try {
      const fd = fs.openSync(this.file, 'r');
      try {
        const buf = Buffer.alloc(size - this.offset);
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        text = buf.subarray(0, n).toString('utf8');
        this.offset += n;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    }
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    const events: RouterEvent[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as RouterEvent);
      } catch {
        /* a foreign line: not ours to show */
      }
    }
    return events;
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** One log line for an event: `NODE_DISABLED gpu-3 rsync reason=all_transports_exhausted`. */
export function formatEvent(e: RouterEvent): string {
  const { type, time: _time, node, transport, ...rest } = e;
  const extras = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [type, node, transport, ...extras].filter(Boolean).join(' ');
}

const WARNING_EVENTS = new Set<RouterEvent['type']>(['NODE_DISABLED', 'TRANSPORT_DEGRADED', 'SYNC_STALLED']);

/** The state dir's new events, into the log (warnings as warnings); follows the state dir when the setting moves it. */
export class EventLog {
  private tail: EventTail | undefined;

  constructor(private readonly log: { info(m: string): void; warn(m: string): void }) {}

  follow(stateDir: string): void {
    const file = path.join(stateDir, 'events.jsonl');
    if (this.tail?.file !== file) this.tail = new EventTail(file);
  }

  logNew(): void {
    for (const e of this.tail?.read() ?? []) {
      const line = `event ${formatEvent(e)}`;
      if (WARNING_EVENTS.has(e.type)) this.log.warn(line);
      else this.log.info(line);
    }
  }
}
