import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/commands/commandTable';
import { SETTINGS_PROPERTIES } from '../../../src/extension/settings/settingsSchema';
import { activateExtension, EXTENSION_ID } from './helpers';

describe('the extension in the real extension host', () => {
  it('activates on the workspace and returns its API', async () => {
    const api = await activateExtension();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof api.tree.getChildren, 'function');
    assert.ok(api.activationMs >= 0);
    assert.equal(vscode.workspace.isTrusted, true, 'this window is trusted (the Restricted Mode suite runs in another)');
    console.log(`    activation took ${api.activationMs} ms (VS Code ${vscode.version}, ${vscode.env.appName}, remote ${vscode.env.remoteName})`);
  });

  it(`registers every command of the table (${COMMANDS.length})`, async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.map((c) => c.id).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('contributes every setting with its default, and reads the workspace values', () => {
    const config = vscode.workspace.getConfiguration();
    for (const [key, schema] of Object.entries(SETTINGS_PROPERTIES)) {
      assert.deepEqual(config.inspect(key)?.defaultValue, schema.default, key);
    }
    // The harness's workspace settings (.vscode/settings.json) are in force.
    assert.equal(config.get('ringriftSync.healthCheckIntervalSeconds'), 0);
    assert.match(String(config.get('ringriftSync.stateDir')), /ws-tests-state$/);
  });
});
