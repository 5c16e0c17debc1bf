import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The extension keeps `vscode` in a few thin glue files; everything else under src/extension is
 * pure, so unit tests can load it without an editor.
 */
const GLUE = [
  'extension.ts',
  'app.ts',
  'hostsWatcher.ts',
  'statusBar.ts',
  'tree/nodesTreeProvider.ts',
  'cluster/stateWatcher.ts',
  'cluster/storedToken.ts',
  'commands/commandContext.ts',
  'commands/fileCommands.ts',
  'commands/registerCommands.ts',
  'commands/syncCommands.ts',
    'commands/syncToNodes.ts',
  'commands/syncRemovingExtras.ts',
  'commands/viewCommands.ts',
  'dashboard/dashboardPanel.ts',
  'doctor/doctorPanel.ts',
  'doctor/fixTerminal.ts',
  'ui/vscodeUi.ts',
];
/** src/extension/language/ (YAML editing help) keeps its own list. */
const OWN_LIST = /^language\//;
const IMPORTS_VSCODE = /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

function sourceFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p, base) : e.name.endsWith('.ts') ? [path.relative(base, p)] : [];
  });
}

describe('src/extension purity', () => {
  const root = path.resolve(__dirname, '../../../src/extension');
  const files = sourceFiles(root).filter((f) => !OWN_LIST.test(f));

  it('every glue file exists (the list is kept current)', () => {
    for (const f of GLUE) assert.ok(files.includes(f), `${f} listed as glue but missing`);
  });

  it('only the glue files import vscode', () => {
    const importing = files.filter((f) => IMPORTS_VSCODE.test(fs.readFileSync(path.join(root, f), 'utf8')));
    assert.deepEqual(importing.sort(), [...GLUE].sort());
  });
});
