/**
 * Reading rsync's own output: `--info=progress2` lines (separated by `\r`) for progress, and the
 * `--stats` block for what was really sent. rsync prints numbers with `,` separators (or `.` in
 * some locales; we run it under LC_ALL=C, but accept both).
 */

/** One `--info=progress2` line: `  3,309,568  16%    2.93MB/s    0:00:05 (xfr#1, to-chk=0/1)`. */
const PROGRESS_LINE = /^\s*([\d,.]+)\s+(\d{1,3})%\s+\S+\/s\s+\d+:\d{2}:\d{2}/;

function parseCount(text: string): number {
  return Number(text.replace(/[,.]/g, ''));
}

/** Bytes done from one progress line, or undefined when the line is something else. */
export function parseProgressLine(line: string): number | undefined {
  const m = PROGRESS_LINE.exec(line);
  if (!m) return undefined;
  const n = parseCount(m[1]);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Feeds stdout chunks in, calls `onBytes` for every progress line, and keeps the other lines (the
 * `--stats` block) for `parseStats`. Chunks may split a line anywhere.
 */
export class RsyncOutputReader {
  private pending = '';
  private readonly lines: string[] = [];

  constructor(private readonly onBytes: (bytesDone: number) => void) {}

  push(chunk: string): void {
    const parts = (this.pending + chunk).split(/[\r\n]/);
    this.pending = parts.pop() ?? '';
    for (const line of parts) this.take(line);
  }

  /** Flushes a last unterminated line; returns every non-progress line seen. */
  end(): string[] {
    if (this.pending) this.take(this.pending);
    this.pending = '';
    return this.lines;
  }

  private take(line: string): void {
    const bytes = parseProgressLine(line);
    if (bytes !== undefined) this.onBytes(bytes);
    else if (line.trim() && this.lines.length < 200) this.lines.push(line);
  }
}

export interface RsyncStats {
  /** `Number of regular files transferred`: 0 means the quick check found the file up to date. */
  filesTransferred: number;
  /** `Literal data`: file bytes actually sent (less than the size after a resume from a partial). */
  literalBytes: number;
  /** `Matched data`: bytes the node already had (the partial or an older version). */
  matchedBytes: number;
}

/** The `--stats` numbers we use, or undefined when the block is missing (rsync failed early). */
export function parseStats(lines: string[]): RsyncStats | undefined {
  const find = (label: string): number | undefined => {
    const line = lines.find((l) => l.startsWith(label + ':'));
    const m = line && /:\s*([\d,.]+)/.exec(line);
    return m ? parseCount(m[1]) : undefined;
  };
  const filesTransferred = find('Number of regular files transferred');
  const literalBytes = find('Literal data');
  if (filesTransferred === undefined || literalBytes === undefined) return undefined;
  return { filesTransferred, literalBytes, matchedBytes: find('Matched data') ?? 0 };
}
