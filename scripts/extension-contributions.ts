// Writes the extension's `contributes` entries (commands, menus, its settings) into package.json from
// src/extension/commands/commandTable.ts and src/extension/settings/settingsSchema.ts. Touches only
// those keys (other contributions, e.g. the YAML language ones, stay as they are).
//   usage: flock /tmp/ringrift-pkg.lock npx tsx scripts/extension-contributions.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandContributions, menuContributions } from '../src/extension/commands/contributions';
import { RESTRICTED_SETTINGS, SETTINGS_PROPERTIES } from '../src/extension/settings/settingsSchema';

const file = path.join(__dirname, '..', 'package.json');
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const c = pkg.contributes;
const ours = new Set(commandContributions().map((x) => x.command));
c.commands = [...(c.commands ?? []).filter((x: { command: string }) => !ours.has(x.command)), ...commandContributions()];
c.menus ??= {};
for (const [menu, items] of Object.entries(menuContributions())) {
  const others = (c.menus[menu] ?? []).filter((x: { command: string }) => !ours.has(x.command));
  c.menus[menu] = [...others, ...items];
}
c.configuration.properties = { ...c.configuration.properties, ...SETTINGS_PROPERTIES };
const trust = pkg.capabilities.untrustedWorkspaces;
trust.restrictedConfigurations = [...new Set([...(trust.restrictedConfigurations ?? []), ...RESTRICTED_SETTINGS])];
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`package.json: ${ours.size} commands, ${Object.keys(SETTINGS_PROPERTIES).length} settings`);
