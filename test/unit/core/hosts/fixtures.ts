import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseHostsText, type HostsDiagnostic, type HostsFile, type NodeSpec } from '../../../../src/core/hosts';

/** Paths and small helpers shared by the hosts tests. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/hosts');
/** The two real cluster files live beside the repository (tests may read them; nothing at runtime does). */
const REALWORLD = path.resolve(REPO_ROOT, 'test/fixtures/realworld');
export const REAL_2025_12_26 = path.join(REALWORLD, 'ringrift-hosts-2025-12-26.yaml');
export const REAL_2026_01_01 = path.join(REALWORLD, 'ringrift-hosts-2026-01-01.yaml');

export const HOME = '/home/operator';

export function parseFixture(name: string): HostsFile {
  return parseHostsText(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name, { homedir: HOME });
}

export function parseText(text: string): HostsFile {
  return parseHostsText(text, 'inline.yaml', { homedir: HOME });
}

export function node(file: HostsFile, name: string): NodeSpec {
  const found = file.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node '${name}' in ${file.fileName}: ${file.nodes.map((n) => n.name).join(', ')}`);
  return found;
}

/** Diagnostics about one host (path hosts.NAME...). */
export function about(file: HostsFile, host: string): HostsDiagnostic[] {
  return file.diagnostics.filter((d) => d.path[0] === 'hosts' && d.path[1] === host);
}

export function codes(diagnostics: readonly HostsDiagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

export const at = (d: HostsDiagnostic) => `${d.range.start.line}:${d.range.start.column}`;
