import type { CliCommand } from '../command';

/** A command as the command list shows it; its module loads only when the command runs. */
export interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The command's module, required on first use (a `require` the bundler keeps lazy, as tsx does). */
  load: () => CliCommand;
}

/**
 * Every CLI command, in the order `--help` lists them (DESIGN.md's CLI table). Loaded on demand:
 * evaluating every command's modules (ssh2, the transports, the agent) at start-up cost each
 * `validate` ~50 ms.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'validate',
    summary: 'check the hosts file: every error and warning with file:line:column',
    load: () => (require('./validate') as typeof import('./validate')).validateCommand,
  },
  {
    name: 'nodes',
    summary: 'every node of the hosts file with its address, status and transport chain',
    load: () => (require('./nodes') as typeof import('./nodes')).nodesCommand,
  },
  {
    name: 'test',
    summary: 'connectivity test of each transport of the given nodes (curl the agent, ssh, rsync --dry-run, base64)',
    load: () => (require('./test') as typeof import('./test')).testCommand,
  },
  {
    name: 'doctor',
    summary: "why a node's transports fail: the cause of each, its evidence, and the fix command (never run)",
    load: () => (require('./doctor') as typeof import('./doctor')).doctorCommand,
  },
  {
    name: 'sync',
    summary: 'push a file or a directory tree to nodes, escalating p2p -> http -> rsync -> base64; disables a node when all fail',
    load: () => (require('./sync') as typeof import('./sync')).syncCommand,
  },
  {
    name: 'status',
    summary: 'router state: disabled nodes, failures, preferred transports, stats, alerts',
    load: () => (require('./status') as typeof import('./status')).statusCommand,
  },
  {
    name: 'history',
    summary: 'transport history of a node (syncs and probes, newest first)',
    load: () => (require('./history') as typeof import('./history')).historyCommand,
  },
  {
    name: 'reenable',
    summary: 're-enable a node disabled for sync (after fixing what broke it)',
    load: () => (require('./recovery') as typeof import('./recovery')).reenableCommand,
  },
  {
    name: 'reset',
    summary: "reset a node's transport failure counters",
    load: () => (require('./recovery') as typeof import('./recovery')).resetCommand,
  },
  {
    name: 'prefer',
    summary: 'make syncs to a node try TRANSPORT first (none: clear)',
    load: () => (require('./recovery') as typeof import('./recovery')).preferCommand,
  },
  {
    name: 'agent',
    summary: 'run the reference P2P agent on this node (receives pushes over HTTP)',
    load: () => (require('./agent') as typeof import('./agent')).agentCommand,
  },
  {
    name: 'demo',
    summary: 'start a loopback demo cluster showing every path of the runbook, sync to it, keep it up',
    load: () => (require('./demo') as typeof import('./demo')).demoCommand,
  },
];
