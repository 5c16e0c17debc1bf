import * as vscode from 'vscode';
import type { NodesModel } from '../tree/nodesModel';
import type { GroupBy, ViewOptions } from '../tree/viewOptions';
import type { Ui } from '../ui/ui';

/** Arranging the Nodes tree: group, filter, only problems. Kept per workspace across reloads. */
const STATE_KEY = 'ringriftSync.view';

export function restoreView(model: NodesModel, memento: vscode.Memento): void {
  const saved = memento.get<Partial<ViewOptions>>(STATE_KEY);
  if (saved) model.setView(saved);
  void syncContextKeys(model);
}

function syncContextKeys(model: NodesModel): Thenable<unknown> {
  const v = model.view();
  return Promise.all([
    vscode.commands.executeCommand('setContext', 'ringriftSync.filtered', v.filter.trim() !== ''),
    vscode.commands.executeCommand('setContext', 'ringriftSync.onlyProblems', v.onlyProblems),
  ]);
}

export function viewCommands(model: NodesModel, memento: vscode.Memento, ui: () => Ui): Record<string, (arg?: unknown) => Promise<unknown>> {
  const set = async (change: Partial<ViewOptions>) => {
    model.setView(change);
    // The tree is already repainted; saving and the title-bar toggles follow in the background.
    void Promise.resolve(memento.update(STATE_KEY, model.view())).catch(() => undefined);
    void Promise.resolve(syncContextKeys(model)).catch(() => undefined);
    return model.view();
  };
  return {
    'ringriftSync.groupBy': async (arg) => {
      const given = typeof arg === 'string' && ['none', 'state', 'role'].includes(arg) ? (arg as GroupBy) : undefined;
      const choice =
        given ??
        ((await ui().pickOne(
          [
            { id: 'none', label: 'No grouping', description: 'file order' },
            { id: 'state', label: 'By state', description: 'disabled, unreachable, degraded, healthy, …' },
            { id: 'role', label: 'By role', description: 'the hosts file’s role: field' },
          ],
          'Group the nodes',
        )) as GroupBy | undefined);
      return choice && set({ groupBy: choice });
    },
    'ringriftSync.filter': async (arg) => {
      const text = typeof arg === 'string' ? arg : await ui().askText('Show nodes whose name contains (empty: all nodes)', model.view().filter);
      return text === undefined ? undefined : set({ filter: text });
    },
    'ringriftSync.clearFilter': () => set({ filter: '' }),
    'ringriftSync.showOnlyProblems': () => set({ onlyProblems: true }),
    'ringriftSync.showAllNodes': () => set({ onlyProblems: false, filter: '' }),
  };
}
