import type { ParseArgsConfig } from 'node:util';
import { HOSTS_FILE_CANDIDATES } from '../core/hosts/loadHostsFile';

/** Exit codes of DESIGN.md: scripts branch on these. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage or input problem: printed as one line, exit 2. */
export class UsageError extends Error {}

/** Ends a command with `code` after it has already told the user why (nothing more is printed). */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (colour, progress). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Cancelled on SIGINT/SIGTERM: long commands stop cleanly. */
  signal: AbortSignal;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** What a command takes and does; its name and summary are in the command list (commands/index.ts). */
export interface CliCommand {
  /** The usage line after `ringrift-sync `. */
  usage: string;
  /** Extra help text (flags, examples). */
  help: string;
  options: OptionSpec;
  /** Whether positionals are accepted. */
  allowPositionals: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Options every command takes (DESIGN.md: --hosts, --state-dir, --known-hosts, --json). */
export const COMMON_OPTIONS: OptionSpec = {
  hosts: { type: 'string' },
  'state-dir': { type: 'string' },
  'known-hosts': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const COMMON_HELP = `Common options:
  --hosts FILE        hosts file (default: $RINGRIFT_HOSTS_FILE, then the first of
${HOSTS_FILE_CANDIDATES.map((c) => `                      ./${c}`).join('\n')})
  --state-dir DIR     router state (default: $XDG_STATE_HOME/ringrift-sync)
  --known-hosts FILE  known_hosts (default: $RINGRIFT_SYNC_KNOWN_HOSTS or ~/.ssh/known_hosts)
  --json              machine-readable output
  -h, --help          this help`;

/** For the commands that connect to nodes (test, sync, doctor): the cluster token's file. */
export const TOKEN_FILE_OPTION: OptionSpec = { 'token-file': { type: 'string' } };
export const TOKEN_FILE_HELP = `  --token-file FILE   the cluster token (RingRift orchestrator, agent) from FILE, trimmed; default:
                      $RINGRIFT_CLUSTER_AUTH_TOKEN, $RINGRIFT_CLUSTER_AUTH_TOKEN_FILE, $RINGRIFT_AGENT_TOKEN`;

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOpt(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** Parses a positive integer flag, or throws a UsageError naming the flag. */
export function intOpt(args: ParsedArgs, name: string, min = 1): number | undefined {
  const raw = stringOpt(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number >= ${min}, got '${raw}'`);
  return n;
}
