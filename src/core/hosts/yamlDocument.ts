import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, YAMLParseError, type Alias, type CST, type Document, type Node as YamlNode, type Pair, type YAMLError, type YAMLMap } from 'yaml';
import { parseCommonYaml } from './commonYaml';
import { DiagnosticSink, subjectOf, type DiagnosticPath, type HostsDiagnostic } from './diagnostics';
import { COMPOSE_OPTIONS } from './yamlOptions';

/**
 * Parsing with the `yaml` package, keeping source ranges. YAML 1.1 rules, as RingRift's own
 * reader (PyYAML) uses: `yes`/`no` are booleans and `<<: *defaults` merge keys work.
 * Duplicate keys are found here (not by the library) so both places can be named; the later
 * pair is dropped, so every reader sees the first, as the error message says.
 */
export interface ParsedYaml {
  /** The document's root node (null: an empty document). */
  doc: { contents: YamlNode | null };
  sink: DiagnosticSink;
  /** Each alias's anchor, found once in document order (the library re-scans the document per alias). */
  aliases: Map<Alias, YamlNode | undefined>;
}

/** Syntax errors beyond this many are summarised: one bad indent can cascade into thousands. */
const MAX_SYNTAX_ERRORS = 25;

function syntaxMessage(e: YAMLError, isError: boolean): { code: string; message: string } {
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { code: 'tab_indent', message: 'a tab is used for indentation: YAML indents with spaces only; replace the tab with spaces' };
    case 'RESOURCE_EXHAUSTION':
      return { code: 'too_deep', message: 'the YAML nests too deeply here to be read: nothing below this point was read; the file looks damaged' };
    case 'MULTIPLE_DOCS':
      return { code: 'multiple_documents', message: 'a second YAML document starts here (---): only the first is read; remove the separator or move this part into the first document' };
    default:
      return { code: isError ? 'yaml_syntax' : 'yaml_warning', message: `YAML ${isError ? 'syntax error' : 'warning'}: ${e.message.split('\n')[0]}` };
  }
}

function reportLibraryProblems(doc: Document.Parsed, sink: DiagnosticSink): void {
  const seen = new Set<string>();
  let shown = 0;
  let hidden = 0;
  const problems = [...doc.errors.map((e) => ({ e, isError: true })), ...doc.warnings.map((e) => ({ e, isError: false }))];
  for (const { e, isError } of problems) {
    const { code, message } = syntaxMessage(e, isError);
    const key = code === 'too_deep' ? code : `${code}:${e.pos[0]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (shown >= MAX_SYNTAX_ERRORS) {
      hidden++;
      continue;
    }
    shown++;
    sink.add({ severity: isError ? 'error' : 'warning', code, path: [], range: sink.rangeAt(e.pos[0], e.pos[1]), message });
  }
  if (hidden > 0) {
    const last = doc.errors[doc.errors.length - 1];
    const at = last ? sink.rangeAt(last.pos[0], last.pos[1]) : sink.rangeAt(0, 0);
    sink.error('too_many_errors', [], at, `${hidden} more YAML problems not shown: fix the first ones and validate again`);
  }
}

/**
 * Keys met in one map, for duplicates. Primitive values compare as a Map compares them (`1` and
 * `'1'` differ, `1` and `1.0` do not); object values (timestamps) by their text. Merge keys (`<<`)
 * may repeat, and complex keys are never compared.
 */
class KeysSeen {
  private readonly values = new Map<unknown, YamlNode>();
  /** Made on the first object-valued key: nearly no map has one. */
  private texts?: Map<string, YamlNode>;

  /** The earlier key equal to `key`, if any; else undefined, and `key` is remembered. */
  firstOrAdd(key: unknown): YamlNode | undefined {
    if (!isScalar(key) || typeof key.value === 'symbol') return undefined;
    const v = key.value;
    const byText = typeof v === 'object' && v !== null;
    const seen: Map<unknown, YamlNode> = byText ? (this.texts ??= new Map()) : this.values;
    const id = byText ? String(v) : v;
    const first = seen.get(id);
    if (!first) seen.set(id, key);
    return first;
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : '?';
}

function reportDuplicate(path: DiagnosticPath, key: YamlNode, first: YamlNode, sink: DiagnosticSink): void {
  const name = keyText(key);
  const firstRange = sink.rangeOf(first);
  const at = `line ${firstRange.start.line}, column ${firstRange.start.column}`;
  const range = sink.rangeOf(key);
  const related = { message: 'first definition', range: firstRange };
  if (path.length === 1 && path[0] === 'hosts') {
    const message = `host '${name}' is defined twice (first at ${at}); the first definition is used: rename or remove one`;
    sink.add({ severity: 'error', code: 'duplicate_host', path: [...path, name], range, message, related });
    return;
  }
  const { subject, rest } = subjectOf(path);
  const where = path.length === 0 ? `top-level key '${name}'` : path[0] === 'hosts' && path.length >= 2 ? `${subject}: field '${rest ? `${rest}.` : ''}${name}'` : `key '${name}' in ${subject}`;
  const message = `${where} appears twice (first at ${at}); the first value is used: remove one`;
  sink.add({ severity: 'error', code: 'duplicate_key', path: [...path, name], range, message, related });
}

interface WalkItem {
  node: unknown;
  path: DiagnosticPath;
}

/** Plain scalars without an anchor (nearly every node) have nothing for the walk to do. */
function needsVisit(node: unknown): boolean {
  return node !== null && node !== undefined && !(isScalar(node) && !node.anchor);
}

/** A map's keys and values to visit, in document order; a duplicate key is reported, and its pair dropped. */
function mapChildren(node: YAMLMap, path: DiagnosticPath, sink: DiagnosticSink, children: WalkItem[]): void {
  const seen = new KeysSeen();
  let kept: Pair[] | undefined;
  node.items.forEach((pair, i) => {
    const first = seen.firstOrAdd(pair.key);
    if (first) {
      reportDuplicate(path, pair.key as YamlNode, first, sink);
      kept ??= node.items.slice(0, i);
      return;
    }
    kept?.push(pair);
    if (needsVisit(pair.key)) children.push({ node: pair.key, path });
    if (!needsVisit(pair.value)) return;
    const childPath = isScalar(pair.key) && typeof pair.key.value !== 'symbol' ? [...path, String(pair.key.value)] : path;
    children.push({ node: pair.value, path: childPath });
  });
  if (kept) node.items = kept;
}

/**
 * One pass over the tree in document order, with an explicit stack (no recursion, so depth is
 * no risk): anchors and aliases, and duplicate keys.
 */
function walk(doc: ParsedYaml['doc'], sink: DiagnosticSink): Map<Alias, YamlNode | undefined> {
  const anchors = new Map<string, YamlNode>();
  const aliases = new Map<Alias, YamlNode | undefined>();
  const stack: WalkItem[] = needsVisit(doc.contents) ? [{ node: doc.contents, path: [] }] : [];
  const children: WalkItem[] = [];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      aliases.set(node, target);
      if (!target) {
        const { subject } = subjectOf(path);
        const message = `${subject || 'the file'}: alias '*${node.source}' names no anchor defined above it: define '&${node.source}' earlier or remove the alias`;
        sink.error('unresolved_alias', path, sink.rangeOf(node), message);
      }
      continue;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node as YamlNode);
    children.length = 0;
    if (isMap(node)) mapChildren(node, path, sink, children);
    else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (needsVisit(item)) children.push({ node: item, path: [...path, i] });
      });
    } else if (isPair(node)) {
      for (const child of [node.key, node.value]) if (needsVisit(child)) children.push({ node: child, path });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return aliases;
}

/**
 * Deeper than this is refused before the tree is built: a hosts file nests under 10 levels, and
 * the library builds the tree recursively (near the stack limit V8 can even abort the process).
 */
const MAX_NESTING = 100;

/** Offset of the first collection nested deeper than MAX_NESTING, found on the flat token tree. */
function firstTooDeep(tokens: CST.Token[]): number | undefined {
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') stack.push({ token: token.value, depth });
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING) return token.offset;
      for (const item of token.items) stack.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The first document, as `parseDocument` would give it, from tokens already checked for depth. */
function compose(tokens: CST.Token[], length: number): Document.Parsed {
  const composer = new Composer(COMPOSE_OPTIONS);
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc!; // compose(..., forceDoc = true) always yields one
}

/**
 * The text parsed: by the fast reader when the file has the common shape (it builds the same
 * tree, and such a file has no YAML problem to report), else by the library.
 */
export function parseYaml(text: string): ParsedYaml | { tooDeep: HostsDiagnostic } {
  const common = parseCommonYaml(text);
  if (!common) return parseAnyYaml(text);
  const sink = new DiagnosticSink(common.lines);
  const doc = { contents: common.contents };
  return { doc, sink, aliases: walk(doc, sink) };
}

/** Any text, through the `yaml` library (exported for the tests that compare both readers). */
export function parseAnyYaml(text: string): ParsedYaml | { tooDeep: HostsDiagnostic } {
  const lines = new LineCounter();
  const sink = new DiagnosticSink(lines);
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = firstTooDeep(tokens);
  if (deep !== undefined) {
    const range = sink.rangeAt(deep, deep + 1);
    const message = `the YAML nests deeper than ${MAX_NESTING} levels here (a hosts file needs under 10): the file looks damaged or generated wrong, and nothing was read`;
    return { tooDeep: { severity: 'error', code: 'too_deep', path: [], range, message } };
  }
  const doc = compose(tokens, text.length);
  reportLibraryProblems(doc, sink);
  const aliases = walk(doc, sink);
  return { doc, sink, aliases };
}
