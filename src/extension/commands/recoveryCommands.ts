import { preferTransport, reenableNode, resetNode, type RecoveryOutcome } from '../../core/router';
import { resolveNode, resolveTransport, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/** The runbook's recovery options: re-enable a node, reset its failure counters, prefer a transport. */
export function recoveryCommands(deps: CommandDeps) {
  const done = (outcome: RecoveryOutcome): RecoveryOutcome => {
    deps.store.afterChange();
    deps.log.info(outcome.message);
    void deps.ui().info(outcome.message);
    return outcome;
  };
  return {
    [COMMAND_IDS.reenableNode]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Re-enable which node?'));
      return node && done(await reenableNode(session!.recovery, node));
    },
    [COMMAND_IDS.resetNode]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Reset the transport failures of which node?'));
      return node && done(await resetNode(session!.recovery, node));
    },
    [COMMAND_IDS.preferTransport]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Set the preferred transport of which node?'));
      const transport = node && (await resolveTransport(deps, node, arg, `Syncs to ${node.name} try which transport first?`));
      if (!node || !transport) return undefined;
      const r = await preferTransport(session!.recovery, node, transport);
      if (!r.ok) {
        void deps.ui().error(`RingRift Sync: ${r.message}`);
        return undefined;
      }
      return done(r.value);
    },
    [COMMAND_IDS.clearPreferredTransport]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Clear the preferred transport of which node?'));
      if (!node) return undefined;
      const r = await preferTransport(session!.recovery, node, 'none');
      return r.ok ? done(r.value) : undefined;
    },
  } satisfies HandlersOf<CommandArg>;
}
