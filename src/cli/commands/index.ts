import type { CliCommand } from '../command';
import { agentCommand } from './agent';
import { demoCommand } from './demo';
import { doctorCommand } from './doctor';
import { historyCommand } from './history';
import { nodesCommand } from './nodes';
import { preferCommand, reenableCommand, resetCommand } from './recovery';
import { statusCommand } from './status';
import { syncCommand } from './sync';
import { testCommand } from './test';
import { validateCommand } from './validate';

/** Every CLI command, in the order `--help` lists them (DESIGN.md's CLI table). */
export const COMMANDS: CliCommand[] = [
  validateCommand,
  nodesCommand,
  testCommand,
  doctorCommand,
  syncCommand,
  statusCommand,
  historyCommand,
  reenableCommand,
  resetCommand,
  preferCommand,
  agentCommand,
  demoCommand,
];
