import * as os from 'node:os';
import * as vscode from 'vscode';
import { decideFeatures, HostsDocument, type FeatureSwitches } from '../../core/language';
import type { SchemaFeaturesSetting } from '../../core/language/featureSwitches';

/**
 * The open hosts files, each with its incremental HostsDocument, brought up to date with the
 * editor's text (by document version) whenever a provider asks; and which features are on.
 */
export const RED_HAT_YAML = 'redhat.vscode-yaml';

export interface LanguageSettings {
  files: string[];
  switches: FeatureSwitches;
}

export function readLanguageSettings(): LanguageSettings {
  const config = vscode.workspace.getConfiguration('ringriftSync.language');
  const switches = decideFeatures({
    enabled: config.get<boolean>('enabled', true),
    schemaFeatures: config.get<SchemaFeaturesSetting>('schemaFeatures', 'auto'),
    redHatYamlInstalled: vscode.extensions.getExtension(RED_HAT_YAML) !== undefined,
    codeLens: config.get<boolean>('codeLens', true),
    inlineState: config.get<boolean>('inlineState', true),
  });
  return { files: config.get<string[]>('files', ['**/distributed_hosts.yaml']), switches };
}

export class HostsDocuments {
  private readonly models = new Map<string, { version: number; doc: HostsDocument }>();
  private current = readLanguageSettings();

  get settings(): LanguageSettings {
    return this.current;
  }

  /** Re-reads the settings (and whether Red Hat YAML is there). */
  reloadSettings(): void {
    this.current = readLanguageSettings();
  }

  isHostsFile(document: vscode.TextDocument): boolean {
    if (document.languageId !== 'yaml') return false;
    return this.current.files.some((pattern) => vscode.languages.match({ pattern }, document) > 0);
  }

  /** The document's model, up to date with its text; undefined when it is not a hosts file. */
  get(document: vscode.TextDocument): HostsDocument | undefined {
    if (!this.isHostsFile(document)) return undefined;
    const key = document.uri.toString();
    let entry = this.models.get(key);
    if (!entry) {
      entry = { version: -1, doc: new HostsDocument(document.uri.fsPath, os.homedir()) };
      this.models.set(key, entry);
    }
    if (entry.version !== document.version) {
      entry.doc.update(document.getText());
      entry.version = document.version;
    }
    return entry.doc;
  }

  forget(document: vscode.TextDocument): void {
    this.models.delete(document.uri.toString());
  }
}
