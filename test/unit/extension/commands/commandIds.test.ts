import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../../../src/extension/commands/commandIds';
import { COMMANDS } from '../../../../src/extension/commands/commandTable';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));
const ids = Object.values(COMMAND_IDS) as string[];
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('command ids (commandIds.ts) and package.json', () => {
  it('every contributed command has an id, and every id is contributed', () => {
    assert.deepEqual(sorted(pkg.contributes.commands.map((c: { command: string }) => c.command)), sorted(ids));
  });

  it('every id is in the command table, which registers one handler per entry', () => {
    assert.deepEqual(sorted(COMMANDS.map((c) => c.id)), sorted(ids));
  });

  it('menus and keybindings name only known commands', () => {
    const known = new Set(ids);
    const menuItems = Object.values(pkg.contributes.menus ?? {}).flat() as Array<{ command?: string; submenu?: string }>;
    const keybindings = (pkg.contributes.keybindings ?? []) as Array<{ command: string }>;
    for (const item of [...menuItems, ...keybindings]) {
      if (item.command === undefined) continue;
      assert.ok(known.has(item.command), `${item.command} is not in COMMAND_IDS`);
    }
  });

  it('no source file outside commandIds.ts spells a command id as a string', () => {
    const root = path.join(__dirname, '../../../../src/extension');
    const literal = new RegExp(`['"\`](${ids.map((id) => id.replace('.', '\\.')).join('|')})['"\`]`);
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const offenders = files(root).filter((f) => !f.endsWith('commandIds.ts') && literal.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  });
});
