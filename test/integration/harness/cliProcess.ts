import { execFile } from 'node:child_process';
import { CLI_JS } from './cluster';

/** What a finished CLI process left: its exit code (-1 when it did not exit on its own) and output. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI as a process, with `env`, bounded at 2 minutes. */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_JS, ...args], { env, timeout: 120_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
