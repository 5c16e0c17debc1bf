// Shared by the extension-host tests (bundled into each of them by esbuild).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import type { TreeEntry } from '../../../src/extension/tree/treeEntry';
import type { Ui } from '../../../src/extension/ui/ui';

export const EXTENSION_ID = 'ringrift.ringrift-sync';

export async function activateExtension(): Promise<RingriftSyncApi> {
  const ext = vscode.extensions.getExtension<RingriftSyncApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext.activate();
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e workspace fixture is not open');
  return folder.uri.fsPath;
}

/** The live loopback cluster of this run (test/e2e/harness/liveCluster.ts writes it beside the workspaces). */
export interface ClusterInfo {
  hostsYaml: string;
  knownHostsFile: string;
  clientKey: string;
  nodes: Record<string, { address: string; sshPort: number; agentPort: number; root: string; sshdLog?: string; agentLog?: string }>;
}

export function clusterInfo(): ClusterInfo {
  return JSON.parse(fs.readFileSync(path.join(workspaceFolder(), '..', 'cluster.json'), 'utf8'));
}

/** The workspace's own settings (state dir, known_hosts copy): written by the harness. */
export function workspaceSettings(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(workspaceFolder(), '.vscode', 'settings.json'), 'utf8'));
}

/** One tree row as the user sees it. */
export interface Row {
  label: string;
  description: string;
  contextValue: string;
  /** The tooltip's Markdown with escapes removed: the text a person reads. */
  tooltip: string;
  children: Row[];
}

export function rows(api: RingriftSyncApi, entries: TreeEntry[] = api.tree.getChildren()): Row[] {
  return entries.map((entry) => {
    const item = api.tree.resolveTreeItem(api.tree.getTreeItem(entry), entry);
    const markdown = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
    return {
      label: String(item.label),
      description: String(item.description ?? ''),
      contextValue: item.contextValue ?? '',
      tooltip: markdown.replace(/\\(.)/g, '$1'),
      children: rows(api, api.tree.getChildren(entry)),
    };
  });
}

export function row(api: RingriftSyncApi, label: string): Row {
  const found = rows(api).find((r) => r.label === label);
  if (!found) throw new Error(`no row '${label}'; rows: ${rows(api).map((r) => r.label).join(', ')}`);
  return found;
}

/** Polls `check` until it returns true; fails with `what` and the last rows after `timeoutMs`. */
export async function waitForRows(api: RingriftSyncApi, what: string, check: (r: Row[]) => boolean, timeoutMs = 10_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = rows(api);
    if (check(current)) return current;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not seen within ${timeoutMs} ms; rows: ${JSON.stringify(current.map((r) => [r.label, r.description]))}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the stubbed prompts were asked, in order. */
export interface UiRecord {
  messages: Array<{ level: 'info' | 'warn' | 'error'; text: string }>;
  confirms: Array<{ message: string; detail: string }>;
  markdown: Array<{ title: string; text: string }>;
  copied: string[];
  hostKeys: Array<{ node: string; fingerprint: string }>;
  /** Each multi-pick offered: its items as shown (label, description, ticked). */
  picks: Array<Array<{ id: string; description?: string; picked?: boolean }>>;
  /** Each text asked: the prompt and the prefilled value. */
  asked: Array<{ prompt: string; value: string }>;
  progress: string[];
}

/**
 * Swaps the extension's prompts for answers given here (nobody clicks dialogs in the extension
 * host). Progress runs the task with a real AbortSignal; `cancelAtPercent` aborts it once a progress
 * report says that much is done, the way the notification's Cancel button does. Returns a restore function.
 */
export function stubUi(
  api: RingriftSyncApi,
  answers: Partial<{ confirm: boolean; hostKey: 'once' | 'always' | 'reject'; cancelAtPercent: number; secret: string; pickMany: string[]; text: string }> = {},
): { record: UiRecord; restore: () => void } {
  const ui = api.ui as Ui & Record<string, unknown>;
  const saved = { ...ui };
  const record: UiRecord = { messages: [], confirms: [], markdown: [], copied: [], hostKeys: [], picks: [], asked: [], progress: [] };
  const say = (level: 'info' | 'warn' | 'error') => async (text: string) => (record.messages.push({ level, text }), undefined);
  Object.assign(ui, {
    info: say('info'),
    warn: say('warn'),
    error: say('error'),
    confirm: async (message: string, detail: string) => (record.confirms.push({ message, detail }), answers.confirm ?? false),
    askHostKey: async (info: { node: string; fingerprint: string }) => (record.hostKeys.push({ node: info.node, fingerprint: info.fingerprint }), answers.hostKey ?? 'reject'),
    askPassphrase: async () => undefined,
    askSecret: async () => answers.secret,
    showMarkdown: async (title: string, text: string) => void record.markdown.push({ title, text }),
    copy: async (text: string) => void record.copied.push(text),
    pickOne: async () => {
      throw new Error('a test reached a picker: pass the command its arguments');
    },
    pickMany: async (items: Array<{ id: string; description?: string; picked?: boolean }>) => {
      if (!answers.pickMany) throw new Error('a test reached a picker: pass the command its arguments');
      record.picks.push(items.map(({ id, description, picked }) => ({ id, description, picked })));
      return answers.pickMany;
    },
    askText: async (prompt: string, value: string) => (record.asked.push({ prompt, value }), answers.text ?? value),
    pickFile: async () => {
      throw new Error('a test reached the file picker: pass the command its arguments');
    },
    withProgress: async <T>(_title: string, task: (report: (r: { message?: string }) => void, signal: AbortSignal) => Promise<T>) => {
      const controller = new AbortController();
      return task((r) => {
        if (r.message) record.progress.push(r.message);
        const percent = Number(/(\d+)%/.exec(r.message ?? '')?.[1] ?? -1);
        if (answers.cancelAtPercent !== undefined && percent >= answers.cancelAtPercent) controller.abort();
      }, controller.signal);
    },
  });
  return { record, restore: () => Object.assign(ui, saved) };
}
