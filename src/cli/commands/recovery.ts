import { preferTransport, reenableNode, resetNode, type RecoveryOutcome } from '../../core/router';
import { EXIT_OK, EXIT_USAGE, UsageError, boolOpt, type CliCommand, type CliIO, type ParsedArgs } from '../command';
import { openCluster, pickNodes } from '../cluster';

/** The runbook's recovery options 1-3: re-enable, reset failure counters, prefer a transport. */

function report(outcome: RecoveryOutcome, args: ParsedArgs, io: CliIO): number {
  io.stdout(boolOpt(args, 'json') ? JSON.stringify(outcome, null, 2) + '\n' : outcome.message + '\n');
  return EXIT_OK;
}

async function oneNode(command: string, args: ParsedArgs, io: CliIO, count: number) {
  if (args.positionals.length !== count) throw new UsageError(count === 1 ? 'name exactly one node' : 'name a node and a transport');
  const cluster = await openCluster(command, args, io);
  const [node] = pickNodes(cluster.nodes, args.positionals.slice(0, 1), false);
  return { node, deps: cluster.recovery };
}

export const reenableCommand: CliCommand = {
  usage: 'reenable NODE',
  help: '',
  options: {},
  allowPositionals: true,
  async run(args, io) {
    const { node, deps } = await oneNode('reenable', args, io, 1);
    return report(await reenableNode(deps, node), args, io);
  },
};

export const resetCommand: CliCommand = {
  usage: 'reset NODE',
  help: '',
  options: {},
  allowPositionals: true,
  async run(args, io) {
    const { node, deps } = await oneNode('reset', args, io, 1);
    return report(await resetNode(deps, node), args, io);
  },
};

export const preferCommand: CliCommand = {
  usage: 'prefer NODE TRANSPORT',
  help: 'TRANSPORT: p2p, http, rsync (or ssh), base64, or none. It must be in the node\'s chain.',
  options: {},
  allowPositionals: true,
  async run(args, io) {
    const { node, deps } = await oneNode('prefer', args, io, 2);
    const result = await preferTransport(deps, node, args.positionals[1]);
    if (!result.ok) {
      io.stderr(`ringrift-sync prefer: ${result.message}\n`);
      return EXIT_USAGE; // the argument names a transport this node cannot use
    }
    return report(result.value, args, io);
  },
};
