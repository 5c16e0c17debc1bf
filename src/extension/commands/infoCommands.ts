import { manualCommandsText } from '../../core/transports/manualCommands';
import { historyMarkdown, statsMarkdown } from '../docs/reports';
import { resolveNode, sessionOrExplain, transportOf, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/** Read-only views of the shared state, and the runbook's manual commands. None connects. */
export function infoCommands(deps: CommandDeps) {
  return {
    [COMMAND_IDS.showHistory]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Show the history of which node?'));
      if (!node) return undefined;
      const transport = transportOf(arg);
      const text = historyMarkdown(node, session!.router.history(node, 200), transport);
      await deps.ui().showMarkdown(`${node.name}${transport ? ` ${transport}` : ''} history`, text);
      return text;
    },
    [COMMAND_IDS.showStats]: async () => {
      const session = sessionOrExplain(deps);
      if (!session) return undefined;
      const text = statsMarkdown(session.nodes, session.store.read(), Date.now(), session.settings.alertThresholds, session.hosts.fileName);
      await deps.ui().showMarkdown('cluster stats', text);
      return text;
    },
    [COMMAND_IDS.copyManualCommands]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Copy the manual commands of which node?'));
      if (!node) return undefined;
      const text = manualCommandsText(node);
      await deps.ui().copy(text);
      void deps.ui().info(`Copied the runbook's manual commands for ${node.name} (curl, ssh, rsync, base64) to the clipboard.`);
      return text;
    },
  } satisfies HandlersOf<CommandArg>;
}
