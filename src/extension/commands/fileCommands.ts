import * as vscode from 'vscode';
import type { NodesModel } from '../tree/nodesModel';
import type { FileLocation } from '../tree/treeEntry';
import type { Ui } from '../ui/ui';
import { isEntry, nodeNameOf } from './commandContext';

/**
 * The hosts file and the log: refresh (reload file and state), open the file at a row's place,
 * reveal a node's entry, show the output channel. None connects.
 */
export function fileCommands(model: NodesModel, ui: () => Ui, log: vscode.LogOutputChannel): Record<string, (arg?: unknown) => Promise<unknown>> {
  const open = async (location: FileLocation | undefined): Promise<string | undefined> => {
    const state = model.state();
    const where = location ?? (state && state.kind !== 'not_found' ? { file: state.file, line: 1, column: 1 } : undefined);
    if (!where) {
      const message = state?.kind === 'not_found' ? state.message : 'The hosts file has not been loaded yet; try again in a moment.';
      const choice = await ui().error(message, 'Open Settings');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'ringriftSync.hostsFile');
      return undefined;
    }
    const position = new vscode.Position(where.line - 1, where.column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(where.file), { selection: new vscode.Range(position, position) });
    return where.file;
  };
  return {
    'ringriftSync.refresh': async () => {
      await model.reload();
      return model.roots().length;
    },
    // Returns the opened file's path (tests use it).
    'ringriftSync.openHostsFile': (arg) => open(isEntry(arg) ? arg.location : undefined),
    'ringriftSync.revealInHostsFile': async (arg) => {
      const name = nodeNameOf(arg) ?? (await ui().pickOne(model.nodes().map((n) => ({ id: n.name, label: n.name })), 'Reveal which node?'));
      const node = model.nodes().find((n) => n.name === name);
      const state = model.state();
      if (!node || state?.kind !== 'loaded') return undefined;
      return open({ file: state.file, line: node.range.start.line, column: node.range.start.column });
    },
    'ringriftSync.showLog': async () => log.show(true),
  };
}
