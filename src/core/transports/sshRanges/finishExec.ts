import type { Writable } from 'node:stream';
import { mergeRanges, type ByteRange } from '../../byteRanges';
import type { Result } from '../../result';
import { execWritable, type ExecResult, type SshSession } from '../../ssh/session';
import type { SshErrorCode } from '../../ssh/sshErrors';
import { commitLines, prefixLine } from './rangedScripts';

/**
 * A ranged push's finish command, opened before its ranges go (rangedFinishCommand): each time the
 * verified prefix of the partial grows (a range the node recorded, joined to those from 0), the
 * node's whole-file hash reads on to its new end, so the hash is nearly done when the last range
 * lands (it read 256 MiB in 0.2-0.4 s after the last range before, the link idle meanwhile). The
 * prefix only ever covers ranges the node verified and recorded: no stream writes there again.
 */
export class FinishExec {
  private readonly cancel = new AbortController();
  private readonly onAbort = () => this.cancel.abort();
  private readonly stdin: Promise<Writable | undefined>;
  private readonly result: Promise<Result<ExecResult, SshErrorCode>>;
  private verified: ByteRange[];
  private sentTo = 0;

  constructor(ssh: SshSession, command: string, kept: readonly ByteRange[], private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
    ({ stdin: this.stdin, result: this.result } = execWritable(ssh, command, { signal: this.cancel.signal }));
    this.verified = mergeRanges(kept);
    this.advance();
  }

  /** The node verified and recorded `range`. */
  landed(range: ByteRange): void {
    this.verified = mergeRanges([...this.verified, range]);
    this.advance();
  }

  /**
   * Every range is on the node: the hash must be `sha256`, then the rename. Bounded by `timeoutMs`
   * from here (the node hashes what is left of the partial, at least the last range).
   */
  async commit(sha256: string, timeoutMs: number): Promise<Result<ExecResult, SshErrorCode>> {
    this.write(commitLines(sha256), true);
    const timer = setTimeout(() => this.cancel.abort(), timeoutMs);
    try {
      const r = await this.result;
      const timedOut = !r.ok && r.code === 'cancelled' && !this.signal.aborted;
      return timedOut ? { ok: false, code: 'timeout', message: `no answer within ${timeoutMs} ms` } : r;
    } finally {
      clearTimeout(timer);
      this.release();
    }
  }

  /** The push stops without a commit: stdin ends before `commit`, so the node changes nothing. */
  close(): void {
    this.write('', true);
    void this.result.then(() => this.release());
  }

  /** Sends the prefix's new end, when it grew. Writes queue in order until the command's stdin is there. */
  private advance(): void {
    const first = this.verified[0];
    const end = first?.start === 0 ? first.end : 0;
    if (end <= this.sentTo) return;
    this.sentTo = end;
    this.write(prefixLine(end), false);
  }

  private write(text: string, last: boolean): void {
    void this.stdin.then((w) => {
      if (!w) return;
      if (text) w.write(text);
      if (last) w.end();
    });
  }

  private release(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
