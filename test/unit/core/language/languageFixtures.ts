import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourcePosition, SourceRange } from '../../../../src/core/hosts';
import { HostsDocument } from '../../../../src/core/language';

/** Fixture documents of test/fixtures/language/ and the two real cluster files, and positions in them. */
const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const LANGUAGE_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/language');
export const HOSTS_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/hosts');
const REALWORLD = path.resolve(REPO_ROOT, 'test/fixtures/realworld');
export const REAL_FILES = ['ringrift-hosts-2025-12-26.yaml', 'ringrift-hosts-2026-01-01.yaml'].map((f) => path.join(REALWORLD, f));
export const HOME = '/home/operator';

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(LANGUAGE_FIXTURES, name), 'utf8');
}

export function documentOf(text: string): HostsDocument {
  const doc = new HostsDocument('distributed_hosts.yaml', HOME);
  doc.update(text);
  return doc;
}

/** 1-based position of `needle`'s occurrence `nth` (0-based), `plus` characters into it (default: its end). */
export function positionOf(text: string, needle: string, plus = needle.length, nth = 0): SourcePosition {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`'${needle}' (occurrence ${nth}) is not in the text`);
  }
  const offset = at + plus;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** Text with `insert` placed at `at` and the position right after it (where a cursor would be). */
export function typed(text: string, at: SourcePosition, insert: string): { text: string; cursor: SourcePosition } {
  const lines = text.split('\n');
  const line = lines[at.line - 1];
  lines[at.line - 1] = line.slice(0, at.column - 1) + insert + line.slice(at.column - 1);
  const added = insert.split('\n');
  const cursor = added.length === 1 ? { line: at.line, column: at.column + insert.length } : { line: at.line + added.length - 1, column: added[added.length - 1].length + 1 };
  return { text: lines.join('\n'), cursor };
}

/** `line:column-line:column`, for compact assertions. */
export const span = (r: SourceRange) => `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;

/** Applies edits (document positions, non-overlapping) to text, the way an editor would. */
export function applyEdits(text: string, edits: ReadonlyArray<{ range: SourceRange; newText: string }>): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (p: SourcePosition) => Math.min(text.length, (starts[p.line - 1] ?? text.length) + p.column - 1);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
