import { CATEGORY, COMMANDS, itemWhen, VIEW_ID, type CommandSpec } from './commandTable';

/** package.json `contributes.commands` and `contributes.menus`, as commandTable.ts says. */

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

export function commandContributions(): Array<{ command: string; title: string; category: string; icon?: string }> {
  return COMMANDS.map((s) => ({ command: s.id, title: s.title, category: CATEGORY, ...(s.icon ? { icon: `$(${s.icon})` } : {}) }));
}

/** The Explorer entry's `when`, by what it is for (commandTable's `explorer`). */
const EXPLORER_WHEN: Record<NonNullable<CommandSpec['explorer']>, { when?: string }> = {
  files: { when: '!explorerResourceIsFolder' },
  folders: { when: 'explorerResourceIsFolder' },
  filesAndFolders: {},
};

export function menuContributions(): Record<string, MenuItem[]> {
  const viewTitle: MenuItem[] = [];
  const itemContext: MenuItem[] = [];
  const palette: MenuItem[] = [];
  const explorer: MenuItem[] = [];
  for (const s of COMMANDS) {
    if (s.viewTitle) {
      viewTitle.push({ command: s.id, when: [`view == ${VIEW_ID}`, s.viewTitle.when].filter(Boolean).join(' && '), group: s.viewTitle.group });
    }
    for (const rule of s.items ?? []) {
      itemContext.push({ command: s.id, when: itemWhen(rule), group: rule.group });
      if (rule.inline) itemContext.push({ command: s.id, when: itemWhen(rule), group: 'inline' });
    }
    if (s.palette === false) palette.push({ command: s.id, when: 'false' });
    else if (typeof s.palette === 'string') palette.push({ command: s.id, when: s.palette });
    if (s.explorer) explorer.push({ command: s.id, ...EXPLORER_WHEN[s.explorer], group: '7_ringriftSync@1' });
  }
  return { 'view/title': viewTitle, 'view/item/context': itemContext, commandPalette: palette, 'explorer/context': explorer };
}
