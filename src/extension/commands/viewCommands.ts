import * as vscode from 'vscode';
import type { ClusterStore } from '../cluster/clusterStore';
import type { GroupBy, ViewOptions } from '../tree/viewOptions';
import type { Ui } from '../ui/ui';
import { COMMAND_IDS, WORKBENCH_COMMANDS, type HandlersOf } from './commandIds';

/** Arranging the Nodes tree: group, filter, only problems. Kept per workspace across reloads. */
const STATE_KEY = 'ringriftSync.view';

export function restoreView(store: ClusterStore, memento: vscode.Memento): void {
  const saved = memento.get<Partial<ViewOptions>>(STATE_KEY);
  if (saved) store.setView(saved);
  void syncContextKeys(store);
}

function syncContextKeys(store: ClusterStore): Thenable<unknown> {
  const v = store.view();
  return Promise.all([
    vscode.commands.executeCommand(WORKBENCH_COMMANDS.setContext, 'ringriftSync.filtered', v.filter.trim() !== ''),
    vscode.commands.executeCommand(WORKBENCH_COMMANDS.setContext, 'ringriftSync.onlyProblems', v.onlyProblems),
  ]);
}

export function viewCommands(store: ClusterStore, memento: vscode.Memento, ui: () => Ui) {
  const set = async (change: Partial<ViewOptions>) => {
    store.setView(change);
    // The tree is already repainted; saving and the title-bar toggles follow in the background.
    void Promise.resolve(memento.update(STATE_KEY, store.view())).catch(() => undefined);
    void Promise.resolve(syncContextKeys(store)).catch(() => undefined);
    return store.view();
  };
  return {
    [COMMAND_IDS.groupBy]: async (arg) => {
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
    [COMMAND_IDS.filter]: async (arg) => {
      const text = typeof arg === 'string' ? arg : await ui().askText('Show nodes whose name contains (empty: all nodes)', store.view().filter);
      return text === undefined ? undefined : set({ filter: text });
    },
    [COMMAND_IDS.clearFilter]: () => set({ filter: '' }),
    [COMMAND_IDS.showOnlyProblems]: () => set({ onlyProblems: true }),
    [COMMAND_IDS.showAllNodes]: () => set({ onlyProblems: false, filter: '' }),
  } satisfies HandlersOf<unknown>;
}
