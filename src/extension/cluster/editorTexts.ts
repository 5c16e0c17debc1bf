import * as os from 'node:os';
import type { NodeSpec } from '../../core/hosts';
import { HostsDocument } from '../../core/language';
import { EVENT_LOOP_SLICING, runInSlices, type Slicing } from '../../core/slicedRun';
import type { EditorText } from './storePorts';
import { NO_UNSAVED_CHANGES, unsavedChangeSteps, type UnsavedChanges } from './unsavedChanges';

/**
 * The open editors' texts and the one parse of each: an incremental HostsDocument per document,
 * brought up to date (by version) when first asked after an edit. Diagnostics, lenses, hovers and
 * the tree's unsaved-changes marks all read the same one. It is brought up to date in slices (a
 * 5,000-host file's first validation takes seconds of CPU; an edit's, a few ms, in one slice), so
 * the extension host keeps answering meanwhile; everyone asking for a version shares its build.
 */
interface Parse {
  doc: HostsDocument;
  /** The version the document was last brought up to. */
  version: number;
  /** The build under way, for the version it is building. */
  pending?: { version: number; done: Promise<HostsDocument> };
}

export class EditorTexts {
  private readonly parses = new Map<string, Parse>();
  private readonly openByFile = new Map<string, EditorText>();

  constructor(
    private readonly homedir = os.homedir(),
    private readonly slicing: Slicing = EVENT_LOOP_SLICING,
  ) {}

  /** The text's parse once up to date with its version, or with a newer one an edit asked for meanwhile. */
  parse(text: EditorText): Promise<HostsDocument> {
    let entry = this.parses.get(text.key);
    if (!entry) {
      entry = { version: -1, doc: new HostsDocument(text.fileName, this.homedir) };
      this.parses.set(text.key, entry);
    }
    if (entry.version === text.version) return Promise.resolve(entry.doc);
    if (entry.pending?.version === text.version) return entry.pending.done;
    return this.build(entry, text);
  }

  private build(entry: Parse, text: EditorText): Promise<HostsDocument> {
    const { version } = text;
    const done = entry.doc.updateInSlices(text.getText(), this.slicing).then((current) => {
      if (current) {
        entry.version = version;
        entry.pending = undefined;
        return entry.doc;
      }
      // A newer version's build replaced this one: answer with it (or as is, when the editor closed).
      return entry.pending && entry.pending.version !== version ? entry.pending.done : entry.doc;
    });
    entry.pending = { version, done };
    return done;
  }

  opened(text: EditorText): void {
    this.openByFile.set(text.fileName, text);
  }

  closed(text: EditorText): void {
    this.openByFile.delete(text.fileName);
    const entry = this.parses.get(text.key);
    entry?.doc.cancelUpdate();
    if (entry) entry.pending = undefined;
    this.parses.delete(text.key);
  }

  /** The editor of `file` when it is open with unsaved edits. */
  dirtyEditor(file: string | undefined): EditorText | undefined {
    const text = file === undefined ? undefined : this.openByFile.get(file);
    return text?.isDirty ? text : undefined;
  }

  /** How the editor of `file`, when open with unsaved edits, differs from the saved nodes. */
  async unsavedAgainst(file: string | undefined, saved: readonly NodeSpec[]): Promise<UnsavedChanges> {
    const text = this.dirtyEditor(file);
    if (!text) return NO_UNSAVED_CHANGES;
    const { hosts } = await this.parse(text);
    // Never stale here: the store drops an answer that came after a newer edit.
    return (await runInSlices(unsavedChangeSteps(saved, hosts), this.slicing, () => false))!;
  }
}
