import { runAtOnce } from '../slicedRun';

/**
 * Splits distributed_hosts.yaml into independent blocks by indentation, without parsing: each
 * top-level section, and each host under `hosts:`. A block can then be parsed and validated on its
 * own, and only the blocks an edit touched need parsing again.
 *
 * Only the plain block layout that real hosts files use is split. Anything that could make one
 * block's meaning depend on another (document markers, directives, flow or quoted keys at block
 * level, tabs in indentation, ragged indentation under `hosts:`) makes `layoutOf` answer
 * `undefined`, and the caller validates the whole text instead. Quoted or flow values that run
 * into the next block are caught later, when the block is parsed (see blockValidation.ts).
 */

/** What follows a block in the document; the block is parsed with a stand-in for it. */
type Follower = 'host' | 'section' | 'end';

export interface TextBlock {
  kind: 'section' | 'host';
  /** The section's key or the host's name, as written. */
  name: string;
  /** 0-based indexes of the block's first line and of the line after its last. */
  startLine: number;
  endLine: number;
  /** Offsets of the block in the document (end exclusive; trailing comments and blank lines included). */
  startOffset: number;
  endOffset: number;
  text: string;
  follower: Follower;
  /** The first host under `hosts:` or the first section: YAML reads a map's first key a little differently. */
  first: boolean;
}

export interface DocumentLayout {
  /** Top-level sections in document order; `hosts` is one of them, with its host blocks in `hosts`. */
  sections: TextBlock[];
  hosts: TextBlock[];
  /** Columns of indentation of each host's key under `hosts:`. */
  hostIndent: number;
  /** Index of the `hosts` section in `sections`. */
  hostsSection: number;
}

const TOP_KEY = /^([A-Za-z_][\w.-]*):(?=[ \r\n]|$)/;
const HOSTS_HEADER = /^hosts:[ ]*(#.*)?\r?$/;
const HOST_NAME = /^([A-Za-z0-9_][\w.-]*):(?=[ \r\n]|$)/;

const SPACE = 32;
/** Lines scanned between steps (~2 ms). */
const LINES_PER_STEP = 4096;
/** Not content: a line break, a comment, the end of the text (NaN). */
const isContent = (c: number) => c === c && c !== 10 && c !== 13 && c !== 35 && c !== SPACE;

type Place = { offset: number; line: number };
interface Mark extends Place {
  name: string;
}

function lineAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end === -1 ? text.length : Math.min(end, offset + 300));
}

function makeBlock(kind: TextBlock['kind'], name: string, text: string, from: Place, to: Place, follower: Follower, first: boolean): TextBlock {
  return { kind, name, startLine: from.line, endLine: to.line, startOffset: from.offset, endOffset: to.offset, text: text.slice(from.offset, to.offset), follower, first };
}

/**
 * One pass over the lines (native indexOf to each line break; a line indented deeper than the
 * hosts is skipped after one native startsWith): the column-0 keys, and the `name:` lines at the
 * hosts' indentation. A line at that indentation that is not `name:` (a name still being typed)
 * is not split on: whether YAML reads it as a key of its own or as one with the next line depends
 * on the lines before it.
 */
function* scan(text: string): Generator<void, { tops: Mark[]; hostStarts: Mark[]; hostIndent: number; lineCount: number } | undefined> {
  const tops: Mark[] = [];
  const seen = new Set<string>();
  const hostStarts: Mark[] = [];
  let hostIndent = -1;
  let deeper = '';
  let inHosts = false;
  let line = 0;
  for (let at = 0; at < text.length; line++) {
    const nl = text.indexOf('\n', at);
    const c = text.charCodeAt(at);
    if (isContent(c)) {
      const key = TOP_KEY.exec(lineAt(text, at));
      if (!key || seen.has(key[1])) return undefined; // `---`, `- item`, `"key":`, a repeated section...
      seen.add(key[1]);
      tops.push({ offset: at, line, name: key[1] });
      inHosts = key[1] === 'hosts';
      if (inHosts && !HOSTS_HEADER.test(lineAt(text, at))) return undefined;
    } else if (c === SPACE && (tops.length === 0 || (inHosts && !(hostIndent > 0 && text.startsWith(deeper, at))))) {
      let i = at + 1;
      while (text.charCodeAt(i) === SPACE) i++;
      if (isContent(text.charCodeAt(i))) {
        if (tops.length === 0) return undefined; // content before the first key
        if (hostIndent < 0) {
          hostIndent = i - at;
          deeper = ' '.repeat(hostIndent + 1);
        }
        if (i - at < hostIndent) return undefined; // ragged indentation
        const name = HOST_NAME.exec(lineAt(text, i));
        if (!name) return undefined;
        hostStarts.push({ offset: at, line, name: name[1] });
      }
    }
    if (nl === -1) {
      line++;
      break;
    }
    at = nl + 1;
    if (line % LINES_PER_STEP === 0) yield;
  }
  if (tops.length === 0) return undefined;
  return { tops, hostStarts, hostIndent, lineCount: line };
}

export function layoutOf(text: string): DocumentLayout | undefined {
  return runAtOnce(layoutSteps(text));
}

/** layoutOf as steps of LINES_PER_STEP lines (80,000 lines take 50-250 ms: the editor runs them in slices). */
export function* layoutSteps(text: string): Generator<void, DocumentLayout | undefined> {
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return undefined; // a lone CR: a line break the splitter does not count
  if (text.includes('\t') && /^ *\t/m.test(text)) return undefined; // a tab in indentation: the parser's rules are not worth imitating
  const found = yield* scan(text);
  if (!found) return undefined;
  const { tops, hostStarts } = found;
  const end: Place = { offset: text.length, line: found.lineCount };
  const sections: TextBlock[] = [];
  let hosts: TextBlock[] = [];
  let hostsSection = -1;
  tops.forEach((top, k) => {
    const last = k + 1 === tops.length;
    const next = last ? end : tops[k + 1];
    const follower: Follower = last ? 'end' : 'section';
    if (top.name !== 'hosts') {
      sections.push(makeBlock('section', top.name, text, top, next, follower, k === 0));
      return;
    }
    const starts = hostStarts;
    if (starts.length === 0) return;
    sections.push(makeBlock('section', top.name, text, top, starts[0], 'host', k === 0));
    hosts = starts.map((s, i) => makeBlock('host', s.name, text, s, i + 1 < starts.length ? starts[i + 1] : next, i + 1 < starts.length ? 'host' : follower, i === 0));
    hostsSection = k;
  });
  if (hostsSection < 0) return undefined; // no hosts (or an empty hosts:): the full validator says so
  return { sections, hosts, hostIndent: found.hostIndent, hostsSection };
}
