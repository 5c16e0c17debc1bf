import type { CliCommand } from '../command';

/** Every CLI command, in the order `--help` lists them. Each lives in its own file. */
export const COMMANDS: CliCommand[] = [];
