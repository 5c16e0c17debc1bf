import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommonYaml } from '../../../../src/core/hosts/commonYaml';
import { parseAnyYaml, parseYaml, type ParsedYaml } from '../../../../src/core/hosts/yamlDocument';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { seededRandom as random } from '../../helpers/seededRandom';

/**
 * The fast reader (commonYaml.ts) must give the very tree the `yaml` library gives, or decline.
 * Every later step (checks, NodeSpecs, diagnostics, the editor's features) reads only that tree,
 * the line table and the parse's own diagnostics, so those three are compared: every node's
 * class and own fields (value, source, type, format, flow, all three range offsets), in order.
 * Comments are not compared: the fast reader does not attach them, and nothing reads them.
 */
const FIXTURES = path.join(__dirname, '../../../fixtures');
const files = (dir: string) => fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(FIXTURES, dir, f));
const UNCOMPARED = new Set(['comment', 'commentBefore', 'spaceBefore']);

function treeOf(node: unknown): unknown {
  if (node instanceof Date) return `Date ${node.toISOString()}`;
  if (typeof node === 'symbol' || typeof node === 'bigint') return String(node);
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(treeOf);
  const out: Record<string, unknown> = { class: node.constructor.name };
  for (const [k, v] of Object.entries(node)) if (!UNCOMPARED.has(k)) out[k] = treeOf(v);
  return out;
}

function parsed(y: ReturnType<typeof parseYaml>): ParsedYaml {
  assert.ok(!('tooDeep' in y), 'the text nests too deeply');
  return y;
}

/** Compares both readers on `text`; answers whether the fast one read it. */
function compare(text: string, label: string): boolean {
  const common = parseCommonYaml(text);
  if (!common) return false;
  const full = parsed(parseAnyYaml(text));
  const fast = parsed(parseYaml(text));
  const context = `${label}:\n${text}`;
  assert.deepEqual(treeOf(fast.doc.contents), treeOf(full.doc.contents), context);
  assert.deepEqual(fast.sink.diagnostics, full.sink.diagnostics, context);
  assert.deepEqual(common.lines.lineStarts, [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)], context);
  assert.equal(full.aliases.size, 0, context);
  return true;
}

const SCALARS = [
  'ready', 'yes', 'No', 'y', 'n', 'on', 'OFF', 'true', 'False', '~', 'null', '22', '-1', '0755', '0x1F', '0b101', '1_000', '1:30', '3.5', '6.02e23', '.inf', '-.Inf', '.nan',
  '2025-12-26', '2025-12-26 10:00:00', '127.0.0.1', 'root@10.0.0.1', '~/.ssh/id_cluster', 'M3 Max/Ultra (MPS)', 'a#b', 'x-y', '-foo', 'vast-*', '<<', 'a, b',
  "'quoted'", "'it''s'", "''", '"double"', '""', '"a: b # c"', "'a: b'", '[]', '[p2p, rsync]', "['a', \"b\"]", '[1, yes, ~]',
];
const KEYS = ['ssh_host', 'type', 'priority', 'gpu-1', 'yes', '1', '~', 'a.b', 'x y', 'vast-*', 'status'];
const COMMENTS = ['# note', '#', '# ===== section ====='];

/** A random document of block maps and lists, with comment and blank lines at random indents. */
function structured(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out: string[] = [];
  const noise = () => {
    while (r() < 0.25) out.push(r() < 0.4 ? ' '.repeat(Math.floor(r() * 3)) : ' '.repeat(Math.floor(r() * 10)) + pick(COMMENTS));
  };
  const tail = () => (r() < 0.15 ? `  ${pick(COMMENTS)}` : r() < 0.05 ? '  ' : '');
  const block = (indent: number, depth: number, asList: boolean): void => {
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      noise();
      const pad = ' '.repeat(indent);
      const lead = asList ? `${pad}- ` : pad;
      if (asList && r() < 0.6) out.push(`${lead}${pick(SCALARS)}${tail()}`);
      else if (asList) {
        out.push(`${lead}${pick(KEYS)}: ${pick(SCALARS)}${tail()}`);
        if (r() < 0.5) out.push(`${pad}  ${pick(KEYS)}: ${pick(SCALARS)}${tail()}`);
      } else if (depth < 4 && r() < 0.4) {
        out.push(`${lead}${pick(KEYS)}:${r() < 0.2 ? `  ${pick(COMMENTS)}` : ''}`);
        const list = r() < 0.4;
        block(list && r() < 0.3 ? indent : indent + 2, depth + 1, list);
      } else out.push(`${lead}${pick(KEYS)}:${r() < 0.2 ? '' : ` ${pick(SCALARS)}`}${tail()}`);
    }
  };
  block(0, 0, false);
  noise();
  return out.join('\n') + (r() < 0.8 ? '\n' : '');
}

const EDITS = ['\n', ' ', '  # c\n', '\n    # deep\n', '\n# top\n', ': ', '- ', "'", '"', '[', ']', '&a ', '*a', '<<: *a', '!!str ', '|\n', 'yes', '~', '\t', '\r\n', '---\n', 'x: 1\n'];

/** `text` with `count` random insertions, deletions and duplicated lines. */
function edited(text: string, r: () => number, count: number): string {
  let out = text;
  for (let k = 0; k < count; k++) {
    const at = Math.floor(r() * (out.length + 1));
    const op = r();
    if (op < 0.5) out = out.slice(0, at) + EDITS[Math.floor(r() * EDITS.length)] + out.slice(at);
    else if (op < 0.8) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 8));
    else {
      const lines = out.split('\n');
      lines.splice(Math.floor(r() * lines.length), 0, lines[Math.floor(r() * lines.length)]);
      out = lines.join('\n');
    }
  }
  return out;
}

describe('commonYaml (the fast reader) gives the library tree, or declines', () => {
  it('reads both real cluster files and the generated 5,000-host shape, identically', () => {
    for (const file of files('realworld')) assert.ok(compare(fs.readFileSync(file, 'utf8'), file), `${file} fell back`);
    assert.ok(compare(manyHostsYaml(300), 'manyHostsYaml(300)'), 'the generated file fell back');
  });

  it('reads every hosts fixture identically or leaves it to the library', () => {
    const read = files('hosts').filter((file) => compare(fs.readFileSync(file, 'utf8'), file));
    assert.ok(read.length >= 9, `only ${read.length} fixtures read fast`);
    for (const unusual of ['merge-keys.yaml', 'alias-bomb.yaml', 'syntax-error.yaml', 'tab-indent.yaml']) {
      assert.equal(parseCommonYaml(fs.readFileSync(path.join(FIXTURES, 'hosts', unusual), 'utf8')), undefined, unusual);
    }
  });

  it('matches on random documents with comments and blank lines at every indent', function () {
    this.timeout(60_000);
    let fast = 0;
    for (let seed = 1; seed <= 3000; seed++) if (compare(structured(random(seed)), `structured seed ${seed}`)) fast++;
    assert.ok(fast > 1500, `only ${fast} of 3000 read fast`);
  });

  it('matches on randomly edited fixtures and generated files', function () {
    this.timeout(60_000);
    const bases = [...files('realworld'), ...files('hosts')].map((f) => fs.readFileSync(f, 'utf8'));
    bases.push(manyHostsYaml(40));
    let fast = 0;
    let total = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const r = random(seed);
      const text = edited(bases[seed % bases.length], r, 1 + Math.floor(r() * 4));
      total++;
      if (compare(text, `edit seed ${seed}`)) fast++;
    }
    assert.ok(fast > total / 8, `only ${fast} of ${total} read fast`);
  });
});
