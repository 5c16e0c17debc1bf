import * as vscode from 'vscode';
import { inlineStates, type LiveStateLookup } from '../../core/language';
import { toRange } from './convert';
import type { HostsDocuments } from './hostsDocuments';

/** The faint live-state text after each host name, in every visible hosts-file editor. */
export class LiveStateDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });

  constructor(
    private readonly documents: HostsDocuments,
    private readonly liveState: LiveStateLookup,
  ) {}

  async refresh(document?: vscode.TextDocument): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      if (document && editor.document !== document) continue;
      const doc = this.documents.settings.switches.inlineState ? await this.documents.get(editor.document) : undefined;
      const states = doc ? inlineStates(doc, this.liveState) : [];
      editor.setDecorations(
        this.type,
        // At the end of the host's line (after `name:` and any comment), not inside it.
        states.map((s) => {
          const end = editor.document.lineAt(toRange(s.range).end.line).range.end;
          return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: s.text } } };
        }),
      );
    }
  }

  dispose(): void {
    this.type.dispose();
  }
}
