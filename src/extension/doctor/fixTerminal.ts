import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { onPath } from '../../core/localTools';
import { shellQuote } from '../../core/transports/remotePath';

const NAME = 'RingRift Sync fixes';

/**
 * The terminal the report view's "Run in Terminal" buttons send their command to, exactly as shown.
 * Fix commands that call `ringrift-sync` need the CLI: when it is not on PATH, the terminal gets a
 * `ringrift-sync` shim on its PATH that runs the CLI bundled beside the extension (dist/cli.js) with
 * the editor's own Node runtime; without a bundle, the caller is told to install the CLI.
 */
export class FixTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private withShim = false;
  private readonly closed: vscode.Disposable;

  constructor(
    private readonly extensionPath: string,
    private readonly shimDir: string,
  ) {
    this.closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === this.terminal) this.terminal = undefined;
    });
  }

  /** False: the command needs the CLI and there is none to give it. */
  async run(command: string, usesCli: boolean): Promise<boolean> {
    let env: Record<string, string> | undefined;
    if (usesCli && !onPath('ringrift-sync', process.env)) {
      const dir = this.shim();
      if (!dir) return false;
      env = { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` };
    }
    // A terminal's environment is fixed when it starts: one without the shim is replaced when it is needed.
    if (!this.terminal || (env && !this.withShim)) {
      this.terminal?.dispose();
      this.terminal = vscode.window.createTerminal({ name: NAME, env });
      this.withShim = env !== undefined;
    }
    this.terminal.show();
    this.terminal.sendText(command, true);
    return true;
  }

  /** Folder holding the `ringrift-sync` shim, or undefined when there is no bundled CLI (or on Windows). */
  private shim(): string | undefined {
    const cli = path.join(this.extensionPath, 'dist', 'cli.js');
    if (process.platform === 'win32' || !fs.existsSync(cli)) return undefined;
    const file = path.join(this.shimDir, 'ringrift-sync');
    // ELECTRON_RUN_AS_NODE makes the editor's runtime a plain Node (and is ignored by Node itself).
    const script = `#!/bin/sh\n# Written by the RingRift Sync extension for its doctor's fix commands.\nELECTRON_RUN_AS_NODE=1 exec ${shellQuote(process.execPath)} ${shellQuote(cli)} "$@"\n`;
    fs.mkdirSync(this.shimDir, { recursive: true });
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== script) fs.writeFileSync(file, script, { mode: 0o755 });
    return this.shimDir;
  }

  dispose(): void {
    this.closed.dispose();
    this.terminal?.dispose();
  }
}
