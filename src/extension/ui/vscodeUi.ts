import * as vscode from 'vscode';
import type { HostKeyDecision, UnknownHostKeyInfo } from '../../core/transports/transport';
import type { PickItem, ProgressReport, Ui } from './ui';

const ACCEPT_ONCE = 'Accept Once';
const ACCEPT_ALWAYS = 'Accept and Save';

/** The Ui over the VS Code API. Every method is a plain property so tests can replace it. */
export class VscodeUi implements Ui {
  constructor(private readonly docs: ReadonlyDocs) {}

  info = async (message: string, ...actions: string[]) => vscode.window.showInformationMessage(message, ...actions);
  warn = async (message: string, ...actions: string[]) => vscode.window.showWarningMessage(message, ...actions);
  error = async (message: string, ...actions: string[]) => vscode.window.showErrorMessage(message, ...actions);

  confirm = async (message: string, detail: string, confirmLabel: string): Promise<boolean> =>
    (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel)) === confirmLabel;

  pickMany = async (items: PickItem[], title: string): Promise<string[] | undefined> => {
    const picked = await vscode.window.showQuickPick(
      items.map((i) => ({ ...i })),
      { title, canPickMany: true, matchOnDescription: true, ignoreFocusOut: true },
    );
    return picked?.map((p) => p.id);
  };

  pickOne = async (items: PickItem[], title: string): Promise<string | undefined> =>
    (await vscode.window.showQuickPick(items.map((i) => ({ ...i })), { title, matchOnDescription: true }))?.id;

  pickFile = async (title: string): Promise<string | undefined> => {
    const uris = await vscode.window.showOpenDialog({ title, canSelectFiles: true, canSelectMany: false, openLabel: 'Sync' });
    return uris?.[0]?.fsPath;
  };

  askText = async (prompt: string, value: string): Promise<string | undefined> => vscode.window.showInputBox({ prompt, value });

  askHostKey = async (info: UnknownHostKeyInfo): Promise<HostKeyDecision> => {
    const choice = await vscode.window.showWarningMessage(
      `Unknown SSH host key for node ${info.node} (${info.host}:${info.port})`,
      {
        modal: true,
        detail:
          `${info.keyType} key fingerprint:\n${info.fingerprint}\n\n` +
          `Compare it with the node's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the node) before you accept. ` +
          `"${ACCEPT_ALWAYS}" adds it to ${info.knownHostsFile}.`,
      },
      ACCEPT_ONCE,
      ACCEPT_ALWAYS,
    );
    return choice === ACCEPT_ALWAYS ? 'always' : choice === ACCEPT_ONCE ? 'once' : 'reject';
  };

  askSecret = async (title: string, prompt: string): Promise<string | undefined> =>
    vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true });

  askPassphrase = async (keyPath: string, again: boolean): Promise<string | undefined> =>
    vscode.window.showInputBox({
      title: 'RingRift Sync: SSH key passphrase',
      prompt: `${again ? 'Wrong passphrase. ' : ''}Passphrase for ${keyPath} (kept in memory for this session only)`,
      password: true,
      ignoreFocusOut: true,
    });

  withProgress = <T>(title: string, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const controller = new AbortController();
        // Cancel aborts the core's signal: transfers stop, partial files stay for resume.
        token.onCancellationRequested(() => controller.abort());
        return task((r) => progress.report(r), controller.signal);
      }),
    );

  copy = async (text: string) => vscode.env.clipboard.writeText(text);

  showMarkdown = async (title: string, markdown: string): Promise<void> => {
    const doc = await vscode.workspace.openTextDocument(this.docs.put(title, markdown));
    await vscode.window.showTextDocument(doc, { preview: true });
  };
}

/** Read-only documents (history, stats): content by URI, served by a TextDocumentContentProvider. */
export class ReadonlyDocs implements vscode.Disposable {
  static readonly SCHEME = 'ringrift-sync';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(ReadonlyDocs.SCHEME, {
    onDidChange: this.changed.event,
    provideTextDocumentContent: (uri) => this.texts.get(uri.toString()) ?? 'Closed: run the command again.',
  });

  put(title: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: ReadonlyDocs.SCHEME, path: `/${title.replace(/[\\/]/g, '_')}.md` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
