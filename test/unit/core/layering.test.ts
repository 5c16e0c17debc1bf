import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** DESIGN.md: one direction only. The core is the language/sync logic; it must run without an editor. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.[cm]?[jt]s$/.test(e.name) ? [p] : [];
  });
}

const root = path.resolve(__dirname, '../../..');
const IMPORTS_VSCODE = /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;
const IMPORTS_UPWARD = /from\s+['"](\.\.\/)+(cli|extension)\//;

describe('layering', () => {
  const coreFiles = sourceFiles(path.join(root, 'src/core'));

  it('finds the core sources', () => {
    assert.ok(coreFiles.length > 0);
  });

  it('no file under src/core imports vscode', () => {
    const offenders = coreFiles.filter((f) => IMPORTS_VSCODE.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  });

  it('no file under src/core imports the cli or the extension', () => {
    const offenders = coreFiles.filter((f) => IMPORTS_UPWARD.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  });

  it('the check itself recognises a vscode import', () => {
    assert.ok(IMPORTS_VSCODE.test(`import * as vscode from 'vscode';`));
    assert.ok(IMPORTS_VSCODE.test(`const v = require("vscode");`));
    assert.ok(!IMPORTS_VSCODE.test(`import { x } from './vscodeish';`));
  });
});
