import { Document, Scalar, YAMLSeq, type ScalarTag } from 'yaml';
import { COMPOSE_OPTIONS } from './yamlOptions';

/**
 * Scalars and one-line flow lists for the common-shape reader (commonYaml.ts), built as the `yaml`
 * composer builds them: same node classes, values, `source`, `type`, `format` and ranges. Plain
 * scalars are resolved by the library's own YAML 1.1 tags (`yes` is true, `0755` octal...), so
 * the two readers cannot disagree on a value. Anything unusual answers `undefined`: the caller
 * then leaves the whole file to the full parser.
 */

/** A value read from one line: the node, and where its text ends (before spaces and comment). */
export interface LineValue {
  node: Scalar | YAMLSeq;
  end: number;
}

const SPACE = 32;
const HASH = 35;
const COMMA = 44;

/** Characters that start something other than a plain scalar (YAML 1.2 §5.3 indicators). */
const NOT_PLAIN_START = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** The library's schema and tags, as the composer gets them for a 1.1 document. */
const schemaDoc = new Document(undefined, COMPOSE_OPTIONS);
export const schemaOfComposer = schemaDoc.schema;
const testedTags = (which: boolean | 'key') => schemaOfComposer.tags.filter((t): t is ScalarTag => 'test' in t && t.test instanceof RegExp && t.default === which);
const TAGS = testedTags(true);
/** Tags only keys take (`<<`, the merge key): such keys are left to the library. */
const KEY_TAGS = testedTags('key');
const TAG_OPTIONS = schemaDoc.options;

/**
 * What a plain text resolves to, worked out once per distinct text: a hosts file repeats most of
 * its words (keys, `ready`, `true`), and resolution depends on the text alone.
 */
interface Resolved {
  /** The text, kept once: every scalar of this text shares it (fewer strings outlive the parse). */
  source: string;
  tag: ScalarTag | undefined;
  /** The resolved value when it can be shared (a primitive); else `fresh`: resolve per scalar. */
  value: unknown;
  fresh: boolean;
  /** Resolving reports a problem: the text is left to the library. */
  failed: boolean;
  /** A merge key (`<<`): left to the library. */
  mergeKey: boolean;
}

/** Distinct plain texts met so far -> how they resolve. */
export type TagCache = Map<string, Resolved>;

/** The tag's value for `source`, and whether it failed, as the composer's resolution gives it. */
function resolveWith(tag: ScalarTag, source: string): { value: unknown; failed: boolean } {
  let failed = false;
  const value = tag.resolve(source, () => (failed = true), TAG_OPTIONS);
  return { value, failed };
}

function resolveText(source: string): Resolved {
  const tag = TAGS.find((t) => t.test!.test(source));
  const mergeKey = KEY_TAGS.some((t) => t.test!.test(source));
  if (!tag) return { source, tag, value: source, fresh: false, failed: false, mergeKey };
  const { value, failed } = resolveWith(tag, source);
  // Booleans and nulls come as Scalars holding only their value: the value is what to share.
  const bare = value instanceof Scalar && Object.keys(value).length === 1 ? value.value : value;
  const fresh = bare !== null && (typeof bare === 'object' || typeof bare === 'function');
  return { source, tag, value: bare, fresh, failed, mergeKey };
}

function resolvedAt(text: string, start: number, end: number, cache: TagCache): Resolved {
  const source = text.slice(start, end);
  let r = cache.get(source);
  if (r === undefined) {
    r = resolveText(source);
    cache.set(source, r);
  }
  return r;
}

function scalarOf(r: Resolved, start: number, end: number): Scalar | undefined {
  if (r.failed) return undefined;
  let scalar: Scalar;
  if (r.fresh) {
    const value = resolveWith(r.tag!, r.source).value;
    scalar = value instanceof Scalar ? value : new Scalar(value);
  } else scalar = new Scalar(r.value);
  if (r.tag?.format) scalar.format = r.tag.format;
  scalar.range = [start, end, end];
  scalar.source = r.source;
  scalar.type = 'PLAIN';
  return scalar;
}

/** A plain scalar at [start, end), or undefined when resolving it would report a problem. */
export function plainScalar(text: string, start: number, end: number, cache: TagCache): Scalar | undefined {
  return scalarOf(resolvedAt(text, start, end, cache), start, end);
}

/** A one-line quoted scalar starting at `start`; undefined for escapes (`\`) or no closing quote. */
function quotedScalar(text: string, start: number, lineEnd: number): LineValue | undefined {
  const quote = text.charCodeAt(start);
  let i = start + 1;
  let value = '';
  for (;;) {
    const close = text.indexOf(text[start], i);
    if (close === -1 || close >= lineEnd) return undefined;
    if (quote === 39 && text.charCodeAt(close + 1) === 39) {
      value += text.slice(i, close + 1); // '' is one quote
      i = close + 2;
      continue;
    }
    value += text.slice(i, close);
    if (quote === 34 && value.includes('\\')) return undefined;
    const scalar = new Scalar(value);
    scalar.range = [start, close + 1, close + 1];
    scalar.source = value;
    scalar.type = quote === 39 ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    return { node: scalar, end: close + 1 };
  }
}

/** Plain scalar inside `[...]`: no flow indicators, spaces, quotes or `:` (those go to the full parser). */
const FLOW_PLAIN_END = /[,\]\s[{}:#'"]/g;

/** `[]` or `[a, b, 'c']` on one line; anything else (nesting, spacing, multi-line) is not read here. */
function flowList(text: string, start: number, lineEnd: number, cache: TagCache): LineValue | undefined {
  const seq = new YAMLSeq();
  seq.flow = true;
  let i = start + 1;
  while (text.charCodeAt(i) !== 93 /* ] */) {
    if (seq.items.length > 0) {
      if (text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== SPACE) return undefined;
      i += 2;
    }
    const item = itemAt(text, i, lineEnd, cache);
    if (!item) return undefined;
    seq.items.push(item.node);
    i = item.end;
  }
  seq.range = [start, i + 1, i + 1];
  return { node: seq, end: i + 1 };
}

function itemAt(text: string, i: number, lineEnd: number, cache: TagCache): LineValue | undefined {
  const c = text.charCodeAt(i);
  if (c === 39 || c === 34) return quotedScalar(text, i, lineEnd);
  if (i >= lineEnd || NOT_PLAIN_START.has(c)) return undefined;
  FLOW_PLAIN_END.lastIndex = i;
  const stop = FLOW_PLAIN_END.exec(text)?.index ?? lineEnd;
  if (stop > lineEnd || stop === i) return undefined;
  const node = plainScalar(text, i, stop, cache);
  return node && { node, end: stop };
}

/**
 * The value that starts at `start` and runs to the end of its line (`lineEnd`): a plain or
 * quoted scalar or a flow list, then optional spaces and ` # comment`. Plain text that YAML would
 * read as something else (`a: b` nested in a value, a trailing `:`) is refused.
 */
export function lineValue(text: string, start: number, lineEnd: number, cache: TagCache): LineValue | undefined {
  const c = text.charCodeAt(start);
  let value: LineValue | undefined;
  if (c === 39 || c === 34) value = quotedScalar(text, start, lineEnd);
  else if (c === 91 /* [ */) value = flowList(text, start, lineEnd, cache);
  else if (NOT_PLAIN_START.has(c) && !(c === 45 /* - */ && text.charCodeAt(start + 1) > SPACE)) return undefined;
  else {
    let end = commentAt(text, start, lineEnd);
    while (text.charCodeAt(end - 1) === SPACE) end--;
    if (readsAsKey(text, start, end)) return undefined;
    const node = plainScalar(text, start, end, cache);
    return node && { node, end };
  }
  return value && restIsComment(text, value.end, lineEnd) ? value : undefined;
}

/** Whether plain text at [start, end) holds `: ` or ends with `:` (YAML would read a map there). */
function readsAsKey(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 58 /* : */ && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
  return false;
}

/** After a quoted scalar or a list: nothing, or spaces and then a comment. */
function restIsComment(text: string, from: number, lineEnd: number): boolean {
  let i = from;
  while (text.charCodeAt(i) === SPACE) i++;
  return i >= lineEnd || (i > from && text.charCodeAt(i) === HASH);
}

/** Where a ` #` comment starts on the line (the space's offset), else `lineEnd`. */
function commentAt(text: string, from: number, lineEnd: number): number {
  for (let i = from + 1; i < lineEnd; i++) if (text.charCodeAt(i) === HASH && text.charCodeAt(i - 1) === SPACE) return i - 1;
  return lineEnd;
}

/**
 * A plain `key:` at `at`: the key runs to the first `:` followed by a space or the line end.
 * Keys that are quoted, spaced before the colon, start with an indicator, or are merge keys
 * are not read here.
 */
export function keyAt(text: string, at: number, lineEnd: number, cache: TagCache): { node: Scalar; colon: number } | undefined {
  if (NOT_PLAIN_START.has(text.charCodeAt(at))) return undefined;
  let colon = at + 1;
  for (; colon < lineEnd; colon++) {
    const c = text.charCodeAt(colon);
    if (c === HASH && text.charCodeAt(colon - 1) === SPACE) return undefined;
    if (c === 58 /* : */ && (colon + 1 === lineEnd || text.charCodeAt(colon + 1) === SPACE)) break;
  }
  // The library refuses keys over 1024 characters; spaces before the colon change the key's range.
  if (colon >= lineEnd || colon - at > 1000 || text.charCodeAt(colon - 1) === SPACE) return undefined;
  const resolved = resolvedAt(text, at, colon, cache);
  const node = resolved.mergeKey ? undefined : scalarOf(resolved, at, colon);
  return node && { node, colon };
}
