import * as vscode from 'vscode';
import { HOSTS_FILE_GLOBS } from '../../core/hosts';
import { decideFeatures, type FeatureSwitches, type HostsDocument } from '../../core/language';
import type { SchemaFeaturesSetting } from '../../core/language/featureSwitches';
import { nextTimerTurn, TurnQueue } from '../../core/slicedRun';
import type { ClusterStore } from '../cluster/clusterStore';
import { editorText } from '../hostsWatcher';

/**
 * Which open documents get the editing help, and which features are on. Their parse is the cluster
 * store's (one per document version, shared with the tree's unsaved-changes marks), handed to each
 * caller in an event-loop turn of its own (see `get`).
 */
const RED_HAT_YAML = 'redhat.vscode-yaml';

export interface LanguageSettings {
  files: string[];
  switches: FeatureSwitches;
}

function readLanguageSettings(): LanguageSettings {
  const config = vscode.workspace.getConfiguration('ringriftSync.language');
  const switches = decideFeatures({
    enabled: config.get<boolean>('enabled', true),
    schemaFeatures: config.get<SchemaFeaturesSetting>('schemaFeatures', 'auto'),
    redHatYamlInstalled: vscode.extensions.getExtension(RED_HAT_YAML) !== undefined,
    codeLens: config.get<boolean>('codeLens', true),
    inlineState: config.get<boolean>('inlineState', true),
  });
  return { files: config.get<string[]>('files', [...HOSTS_FILE_GLOBS]), switches };
}

export class HostsDocuments {
  private current = readLanguageSettings();
  /** Which YAML documents the globs match, by URI: asked on every edit and provider call (a profile of an edit in a 5,000-host file showed tens of ms in matching). */
  private readonly matched = new Map<string, boolean>();
  private readonly turns = new TurnQueue(nextTimerTurn);

  constructor(readonly store: ClusterStore) {}

  get settings(): LanguageSettings {
    return this.current;
  }

  /** Re-reads the settings (and whether Red Hat YAML is there). */
  reloadSettings(): void {
    this.current = readLanguageSettings();
    this.matched.clear();
  }

  isHostsFile(document: vscode.TextDocument): boolean {
    if (document.languageId !== 'yaml') return false;
    const key = document.uri.toString();
    let matches = this.matched.get(key);
    if (matches === undefined) {
      matches = this.current.files.some((pattern) => vscode.languages.match({ pattern }, document) > 0);
      this.matched.set(key, matches);
    }
    return matches;
  }

  /**
   * The document's parse, once up to date with its text (a big file's first parse takes a while);
   * undefined when it is not a hosts file. The parse starts in a turn of its own, and each caller
   * goes on in one: for a 5,000-host file, VS Code receiving the opened text, our copy of it, and
   * each provider's answer with VS Code's copy of it take tens of ms each, and in one turn they
   * blocked the extension host for over 100 ms.
   */
  async get(document: vscode.TextDocument): Promise<HostsDocument | undefined> {
    if (!this.isHostsFile(document)) return undefined;
    await this.turns.take();
    // Closed meanwhile: a parse now would keep its text until the window closes.
    if (document.isClosed) return undefined;
    const doc = await this.store.parse(editorText(document));
    await this.turns.take();
    return doc;
  }

  /** A turn of its own for what the caller does next (after work of its own in this one). */
  nextTurn(): Promise<void> {
    return this.turns.take();
  }

  /**
   * Hosts of `document` no command can act on yet: it is the loaded hosts file, with unsaved edits
   * that add them. Empty for a saved document or any other file (commands act on the saved file).
   */
  unsavedOnlyHosts(document: vscode.TextDocument, doc: HostsDocument): ReadonlySet<string> {
    const saved = document.isDirty ? this.store.savedNodeNames(editorText(document).fileName) : undefined;
    return saved ? new Set(doc.hosts.map((h) => h.name).filter((name) => !saved.has(name))) : new Set();
  }
}
