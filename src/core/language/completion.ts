import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { DiagnosticPath } from '../hosts/diagnostics';
import { HOST_SPEC, TRANSPORT_TYPE_WORDS } from '../hosts/fields';
import type { ValueSpec } from '../hosts/fieldSpec';
import type { SourcePosition, SourceRange } from '../hosts/nodeSpec';
import { cursorContext, type CursorContext } from './cursorContext';
import { fieldMarkdown, hostOf, isHostList, isTransportStep, kindLabel, namesHost, specAt, TRANSPORT_NEEDS } from './fieldDocs';
import { defaultTransportsLines, hostFacts, missingFor, nextPriority, transportsOf } from './hostFacts';
import type { HostsDocument } from './hostsDocument';
import { nodeAtPath } from './yamlView';

/**
 * Completion at a position, from the place in the YAML tree (cursorContext.ts) and the field
 * table: field names a map does not have yet, the values a field takes, host names where a host
 * is named, and snippets for a new host and for a `transports:` block.
 */
export interface CompletionEntry {
  label: string;
  kind: 'field' | 'value' | 'host' | 'snippet' | 'section';
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert; snippet syntax (`${1:x}`) when `isSnippet`. Later lines are relative to the cursor line's indentation. */
  insertText: string;
  isSnippet: boolean;
  /** What the entry replaces (the word at the cursor). */
  range: SourceRange;
  sortText?: string;
}

const TRANSPORT_WORDS: readonly string[] = TRANSPORT_TYPE_WORDS;
const escapeChoice = (s: string) => s.replace(/[,|$}\\]/g, (c) => `\\${c}`);

function valuePlaceholder(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return spec.default === true ? '${1|false,true|}' : '${1|true,false|}';
    case 'choice':
      return `\${1|${spec.values.map(escapeChoice).join(',')}|}`;
    case 'integer':
    case 'number':
    case 'string':
      return spec.default !== undefined ? `\${1:${String(spec.default)}}` : '$1';
    default:
      return '$1';
  }
}

/** Keys of a map except the one being typed on the cursor's line. */
function presentKeys(ctx: CursorContext, map: YAMLMap | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of map?.items ?? []) {
    const start = (p.key as { range?: [number, number, number] } | null)?.range?.[0];
    if (!isScalar(p.key) || start === undefined) continue;
    if (ctx.view.lines.linePos(start).line === ctx.view.lines.linePos(ctx.offset).line) continue;
    out.add(String(p.key.value));
  }
  return out;
}

function hostMap(ctx: CursorContext, path: DiagnosticPath): YAMLMap | undefined {
  const name = hostOf(path);
  const node = name === undefined ? undefined : nodeAtPath(ctx.view, ['hosts', name]);
  return isMap(node) ? node : undefined;
}

function newHostSnippet(range: SourceRange): CompletionEntry {
  const insertText = ['${1:new-host}:', '  ssh_host: ${2:address}', '  ssh_user: ${3:ubuntu}', '  ringrift_path: ${4:~/ringrift/ai-service}', '  status: ${5|ready,setup,maintenance|}', ''].join('\n');
  return { label: 'new host', kind: 'snippet', detail: 'a node with its address and status', documentation: HOST_SPEC.description, insertText, isSnippet: true, range, sortText: '0' };
}

function keyEntries(ctx: CursorContext, path: DiagnosticPath, map: YAMLMap | undefined): CompletionEntry[] {
  const range = ctx.wordRange;
  if (path.length === 1 && path[0] === 'hosts') return [newHostSnippet(range)];
  const spec = specAt(path);
  if (spec?.kind === 'list') return itemEntries(ctx, path);
  if (spec?.kind !== 'map') return [];
  const present = presentKeys(ctx, map);
  const out: CompletionEntry[] = [];
  for (const [name, field] of Object.entries(spec.fields)) {
    if (present.has(name)) continue;
    let insert = `${name}: ${valuePlaceholder(field)}`;
    if (name === 'priority' && isTransportStep(path)) insert = `priority: \${1:${nextPriority(transportsOf(hostMap(ctx, path)), map)}}`;
    if (field.kind === 'map' || field.kind === 'list' || (field.kind === 'any' && path.length === 0)) insert = `${name}:\n  $0`;
    const kind = path.length === 0 ? 'section' : 'field';
    out.push({ label: name, kind, detail: kindLabel(field), documentation: fieldMarkdown(name, field), insertText: insert, isSnippet: true, range, sortText: `1${name}` });
  }
  if (hostOf(path) !== undefined && path.length === 2 && !present.has('transports')) {
    const lines = defaultTransportsLines(hostFacts(map));
    out.push({
      label: 'transports (default chain)',
      kind: 'snippet',
      detail: 'this host\'s default escalation chain, written out',
      documentation: ['The chain this host uses without a `transports:` block, to edit:', '', '```yaml', ...lines, '```'].join('\n'),
      insertText: `${lines.join('\n')}\n`,
      isSnippet: false,
      range,
      sortText: '0transports',
    });
  }
  return out;
}

function hostNameEntries(doc: HostsDocument, ctx: CursorContext, listPath: DiagnosticPath | undefined, prefix: string): CompletionEntry[] {
  const list = listPath ? nodeAtPath(ctx.view, listPath) : undefined;
  const listed = new Set(isSeq(list) ? list.items.flatMap((i) => (isScalar(i) && typeof i.value === 'string' && i.value !== ctx.word ? [i.value] : [])) : []);
  return doc.hosts
    .filter((h) => !h.duplicate && !listed.has(h.name))
    .map((h) => ({
      label: h.name,
      kind: 'host' as const,
      detail: h.node ? `${h.node.transports.join(' → ')} · ${h.node.status}` : 'host',
      insertText: `${prefix}${h.name}`,
      isSnippet: false,
      range: ctx.wordRange,
    }));
}

function itemEntries(ctx: CursorContext, path: DiagnosticPath, doc?: HostsDocument): CompletionEntry[] {
  if (doc && isHostList(path)) return hostNameEntries(doc, ctx, path, '- ');
  if (hostOf(path) !== undefined && path.length === 3 && path[2] === 'transports') {
    const n = nextPriority(transportsOf(hostMap(ctx, path)));
    const insertText = `- type: \${1|${TRANSPORT_WORDS.join(',')}|}\n  priority: \${2:${n}}`;
    return [{ label: '- type: …', kind: 'snippet', detail: 'a transport step', documentation: HOST_SPEC.fields.transports.description, insertText, isSnippet: true, range: ctx.wordRange }];
  }
  return [];
}

function valueEntries(doc: HostsDocument, ctx: CursorContext): CompletionEntry[] {
  const { path } = ctx;
  const spec = specAt(path);
  if (spec?.kind === 'map') return keyEntries(ctx, path, undefined);
  if (namesHost(path)) return hostNameEntries(doc, ctx, typeof path[path.length - 1] === 'number' ? path.slice(0, -1) : undefined, '');
  if (!spec) return [];
  const entry = (label: string, documentation?: string, detail?: string): CompletionEntry => ({ label, kind: 'value', detail, documentation, insertText: label, isSnippet: false, range: ctx.wordRange });
  if (spec.kind === 'choice') {
    const isType = isTransportStep(path) && path[path.length - 1] === 'type';
    const facts = isType ? hostFacts(hostMap(ctx, path)) : undefined;
    return spec.values.map((v, i) => {
      if (!facts) return { ...entry(v, spec.description), sortText: String(i) };
      const missing = missingFor(v, facts);
      const doc = `**${v}** transport\n\n${(TRANSPORT_NEEDS as Record<string, string>)[v]}${missing ? `\n\nNote: ${missing}.` : ''}`;
      return { ...entry(v, doc, missing ? `transport (${missing.replace(/^this host has /, '')})` : 'transport'), sortText: String(i) };
    });
  }
  if (spec.kind === 'boolean') return [entry('true'), entry('false')];
  if (spec.kind === 'integer' && isTransportStep(path) && path[path.length - 1] === 'priority') {
    const step = nodeAtPath(ctx.view, path.slice(0, -1));
    return [entry(String(nextPriority(transportsOf(hostMap(ctx, path)), step)), undefined, 'next free priority')];
  }
  if (spec.default !== undefined) return [entry(String(spec.default), spec.description, 'default')];
  return [];
}

export function completionsAt(doc: HostsDocument, position: SourcePosition): CompletionEntry[] {
  const view = doc.viewAt(position.line);
  const ctx = view && cursorContext(view, position);
  if (!ctx) return [];
  if (ctx.kind === 'item') return itemEntries(ctx, ctx.path, doc);
  if (ctx.kind === 'value') return valueEntries(doc, ctx);
  if (ctx.path.length === 0) {
    const present = new Set(doc.sectionNames());
    return keyEntries(ctx, [], undefined).filter((e) => !present.has(e.label));
  }
  return keyEntries(ctx, ctx.path, ctx.map);
}
