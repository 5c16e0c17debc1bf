import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './helpers';

describe('the extension in the real extension host', () => {
  it('activates on the workspace fixture and returns its API', async () => {
    const api = await activateExtension();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof api.tree.getChildren, 'function');
    assert.ok(api.activationMs >= 0);
    console.log(`    activation took ${api.activationMs} ms (VS Code ${vscode.version}, ${vscode.env.appName}, remote ${vscode.env.remoteName})`);
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['ringriftSync.refresh', 'ringriftSync.openHostsFile']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it('contributes the ringriftSync.hostsFile setting, empty by default', () => {
    const inspect = vscode.workspace.getConfiguration('ringriftSync').inspect<string>('hostsFile');
    assert.equal(inspect?.defaultValue, '');
  });
});
