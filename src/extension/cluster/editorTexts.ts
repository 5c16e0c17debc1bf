import * as os from 'node:os';
import type { NodeSpec } from '../../core/hosts';
import { HostsDocument } from '../../core/language';
import type { EditorText } from './storePorts';
import { NO_UNSAVED_CHANGES, unsavedChanges, type UnsavedChanges } from './unsavedChanges';

/**
 * The open editors' texts and the one parse of each: an incremental HostsDocument per document,
 * brought up to date (by version) when first asked after an edit. Diagnostics, lenses, hovers and
 * the tree's unsaved-changes marks all read the same one.
 */
export class EditorTexts {
  private readonly parses = new Map<string, { version: number; doc: HostsDocument }>();
  private readonly openByFile = new Map<string, EditorText>();

  constructor(private readonly homedir = os.homedir()) {}

  parse(text: EditorText): HostsDocument {
    let entry = this.parses.get(text.key);
    if (!entry) {
      entry = { version: -1, doc: new HostsDocument(text.fileName, this.homedir) };
      this.parses.set(text.key, entry);
    }
    if (entry.version !== text.version) {
      entry.doc.update(text.getText());
      entry.version = text.version;
    }
    return entry.doc;
  }

  opened(text: EditorText): void {
    this.openByFile.set(text.fileName, text);
  }

  closed(text: EditorText): void {
    this.openByFile.delete(text.fileName);
    this.parses.delete(text.key);
  }

  /** How the editor of `file`, when open with unsaved edits, differs from the saved nodes. */
  unsavedAgainst(file: string | undefined, saved: readonly NodeSpec[]): UnsavedChanges {
    const text = file === undefined ? undefined : this.openByFile.get(file);
    return text?.isDirty ? unsavedChanges(saved, this.parse(text).hosts) : NO_UNSAVED_CHANGES;
  }
}
