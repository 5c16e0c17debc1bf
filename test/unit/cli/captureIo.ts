import type { CliIO } from '../../../src/cli/command';

/** A CliIO that records what a command prints, for in-process runs of runCli. */
export interface CapturedIo extends CliIO {
  out(): string;
  err(): string;
}

export function captureIo(opts: { cwd?: string; env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    signal: new AbortController().signal,
    out: () => stdout,
    err: () => stderr,
  };
}
