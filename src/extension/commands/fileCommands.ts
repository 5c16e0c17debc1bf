import * as vscode from 'vscode';
import type { ClusterStore } from '../cluster/clusterStore';
import type { FileLocation } from '../tree/treeEntry';
import type { Ui } from '../ui/ui';
import { isEntry, nodeNameOf } from './commandContext';
import { COMMAND_IDS, WORKBENCH_COMMANDS, type HandlersOf } from './commandIds';

/**
 * The hosts file and the log: refresh (reload file and state), open the file at a row's place,
 * reveal a node's entry, show the output channel. None connects.
 */
export function fileCommands(store: ClusterStore, ui: () => Ui, log: vscode.LogOutputChannel) {
  const open = async (location: FileLocation | undefined): Promise<string | undefined> => {
    const state = store.hosts();
    const where = location ?? (state && state.kind !== 'not_found' ? { file: state.file, line: 1, column: 1 } : undefined);
    if (!where) {
      const message = state?.kind === 'not_found' ? state.message : 'The hosts file has not been loaded yet; try again in a moment.';
      const choice = await ui().error(message, 'Open Settings');
      if (choice) await vscode.commands.executeCommand(WORKBENCH_COMMANDS.openSettings, 'ringriftSync.hostsFile');
      return undefined;
    }
    const position = new vscode.Position(where.line - 1, where.column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(where.file), { selection: new vscode.Range(position, position) });
    return where.file;
  };
  return {
    [COMMAND_IDS.refresh]: async () => {
      await store.reload();
      return store.roots().length;
    },
    // Returns the opened file's path (tests use it).
    [COMMAND_IDS.openHostsFile]: (arg) => open(isEntry(arg) ? arg.location : undefined),
    [COMMAND_IDS.revealInHostsFile]: async (arg) => {
      const name = nodeNameOf(arg) ?? (await ui().pickOne(store.nodes().map((n) => ({ id: n.name, label: n.name })), 'Reveal which node?'));
      const node = store.nodes().find((n) => n.name === name);
      const state = store.hosts();
      if (!node || state?.kind !== 'loaded') return undefined;
      return open({ file: state.file, line: node.range.start.line, column: node.range.start.column });
    },
    [COMMAND_IDS.showLog]: async () => log.show(true),
  } satisfies HandlersOf<unknown>;
}
