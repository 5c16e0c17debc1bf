import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseHostsText } from '../../../../src/core/hosts';
import { HostsDocument } from '../../../../src/core/language';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { documentOf, HOME, HOSTS_FIXTURES, LANGUAGE_FIXTURES, REAL_FILES } from './languageFixtures';
import { seededRandom as random } from '../../helpers/seededRandom';

/**
 * The incremental validator must say exactly what `parseHostsText` says (the CLI's `validate`),
 * on every text. Checked on every fixture, then on random edit sequences (fixed seeds) that keep
 * one HostsDocument across edits, so cached blocks are reused the way typing reuses them.
 */
const full = (text: string) => parseHostsText(text, 'distributed_hosts.yaml', { homedir: HOME }).diagnostics;

/** Pieces of YAML that break things in the ways typing does: quotes, brackets, anchors, tabs, keys. */
const PIECES = [
  ':', ' ', '\n', '  ', '- ', 'type: ', 'b', 'base64', 'priority: 2', 'last_resort: true', '"', "'", '[', ']', '{', '}', '#', '&a ', '*a', '<<: ',
  'ssh_port: 99999', 'status: bogus', '\t', '---\n', 'x', '\n  newhost:\n    ssh_host: 127.0.0.9\n', '\n    transports:\n      - type: p2p\n        priority: 1\n',
  'p2p_voters:\n  - nohost\n', '|\n', '? ', '!!str ', '%', '...\n', '\r\n', 'yes', '123', '~', ',', '>', 'hosts:\n',
];
const WORDS = ['ssh_host: 127.0.0.4', 'type: base64', 'gpu-new:', '- type: rsync', 'priority: 3', 'status: ready', 'gpu-alpha:'];
const INDENTS = ['', '  ', '    ', '      ', '        '];

interface Tally {
  states: number;
  blocks: number;
  reused: number;
}

/** `steps` random edits of `original`, every intermediate text in order; typing adds one text per character. */
function randomEdits(original: string, seed: number, steps: number): string[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const texts: string[] = [original];
  let text = original;
  for (let s = 0; s < steps; s++) {
    if (r() < 0.3) text = original;
    const op = r();
    const at = Math.floor(r() * (text.length + 1));
    if (op < 0.35) text = text.slice(0, at) + pick(PIECES) + text.slice(at);
    else if (op < 0.6) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 12));
    else if (op < 0.75) {
      const lines = text.split('\n');
      lines.splice(Math.floor(r() * lines.length), 0, lines[Math.floor(r() * lines.length)]);
      text = lines.join('\n');
    } else if (op < 0.9) {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      const word = pick(INDENTS) + pick(WORDS);
      for (let k = 1; k < word.length; k++) texts.push([...lines.slice(0, i), word.slice(0, k), ...lines.slice(i)].join('\n'));
      text = [...lines.slice(0, i), word, ...lines.slice(i)].join('\n');
    } else if (text[at]) text = text.slice(0, at) + pick(['a', ' ', ':', '-', '\n']) + text.slice(at + 1);
    texts.push(text);
  }
  return texts;
}

function tallied(doc: HostsDocument, tally: Tally): string {
  tally.states++;
  if (doc.stats.mode === 'blocks') tally.blocks++;
  tally.reused += doc.stats.reusedBlocks;
  return `state ${tally.states} (${doc.stats.mode}${doc.stats.reason ? `: ${doc.stats.reason}` : ''})`;
}

/** Validates each text of a random edit sequence with one HostsDocument, comparing with parseHostsText. */
function editAndCompare(original: string, seed: number, steps: number, tally: Tally): void {
  const doc = new HostsDocument('distributed_hosts.yaml', HOME);
  for (const text of randomEdits(original, seed, steps)) {
    doc.update(text);
    assert.deepEqual(doc.diagnostics, full(text), `seed ${seed}, ${tallied(doc, tally)}:\n${text}`);
  }
}

const smallFixtures = [
  ...['own-chain.yaml', 'chain-problems.yaml', 'duplicate-host.yaml', 'dangling-references.yaml', 'wrong-types.yaml', 'default-chains.yaml'].map((f) => path.join(HOSTS_FIXTURES, f)),
  ...fs.readdirSync(LANGUAGE_FIXTURES).map((f) => path.join(LANGUAGE_FIXTURES, f)),
];

describe('HostsDocument (incremental validation)', () => {
  it('gives the same diagnostics as parseHostsText on every hosts and language fixture', () => {
    const files = [...fs.readdirSync(HOSTS_FIXTURES).filter((f) => f.endsWith('.yaml')).map((f) => path.join(HOSTS_FIXTURES, f)), ...smallFixtures, ...REAL_FILES];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      assert.deepEqual(documentOf(text).diagnostics, full(text), file);
    }
  });

  it('finds no problem in either real cluster file, validating them block by block', () => {
    for (const file of REAL_FILES) {
      const doc = documentOf(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(doc.diagnostics, [], file);
      assert.equal(doc.stats.mode, 'blocks', `${file}: ${doc.stats.reason}`);
      assert.ok(doc.hosts.length >= 34, `${file}: ${doc.hosts.length} hosts`);
    }
  });

  it('re-parses only the host an edit touched', () => {
    const text = fs.readFileSync(REAL_FILES[1], 'utf8');
    const doc = documentOf(text);
    const at = text.indexOf('    ssh_host: 127.0.1.5');
    doc.update(`${text.slice(0, at)}    ssh_port: 70000\n${text.slice(at)}`);
    assert.equal(doc.stats.mode, 'blocks');
    assert.equal(doc.stats.parsedBlocks, 1);
    assert.ok(doc.stats.reusedBlocks > 40, `reused ${doc.stats.reusedBlocks}`);
    assert.deepEqual(doc.diagnostics.map((d) => d.code), ['port_range']);
  });

  it('validates the whole text when blocks cannot be trusted, and says why', () => {
    const cases: Array<[string, RegExp]> = [
      ['defaults: &d\n  ssh_user: root\nhosts:\n  a:\n    <<: *d\n    ssh_host: 127.0.0.2\n', /alias/],
      ['hosts:\n  a:\n    ssh_host: "127.0.0.2\n  b:\n    ssh_host: 127.0.0.3\n', /runs on into the next one/],
      ['hosts:\n  a:\n    ssh_host: 127.0.0.2\n---\nhosts: {}\n', /layout/],
      ['hosts: {a: {ssh_host: 127.0.0.2}}\n', /layout/],
    ];
    for (const [text, reason] of cases) {
      const doc = documentOf(text);
      assert.equal(doc.stats.mode, 'whole', text);
      assert.match(doc.stats.reason ?? '', reason, text);
      assert.deepEqual(doc.diagnostics, full(text), text);
    }
  });

  it('keeps a repeated host out of the checks, as the whole-file parse drops it', () => {
    const doc = documentOf('hosts:\n  a:\n    ssh_host: 127.0.0.2\n  a:\n    ssh_port: 99999\n');
    assert.equal(doc.stats.mode, 'blocks');
    assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.range.start.line]), [['duplicate_host', 4]]);
    assert.deepEqual(doc.hosts.map((h) => [h.name, h.duplicate]), [['a', false], ['a', true]]);
  });

  it('matches parseHostsText on random edit sequences of the small fixtures', function () {
    this.timeout(60_000);
    const tally: Tally = { states: 0, blocks: 0, reused: 0 };
    smallFixtures.forEach((file, i) => editAndCompare(fs.readFileSync(file, 'utf8'), 1000 + i, 40, tally));
    // The comparison is only worth something if most texts went through the block path.
    assert.ok(tally.blocks > tally.states * 0.3, `${tally.blocks} of ${tally.states} texts validated by blocks`);
    assert.ok(tally.blocks < tally.states, 'some texts must take the whole-text path too');
    assert.ok(tally.reused > tally.states, `only ${tally.reused} blocks reused over ${tally.states} texts`);
  });

  it('matches parseHostsText on random edit sequences of both real cluster files', function () {
    this.timeout(120_000);
    const tally: Tally = { states: 0, blocks: 0, reused: 0 };
    REAL_FILES.forEach((file, i) => editAndCompare(fs.readFileSync(file, 'utf8'), 7 + i, 12, tally));
    assert.ok(tally.blocks > tally.states * 0.3, `${tally.blocks} of ${tally.states} texts validated by blocks`);
    assert.ok(tally.reused > tally.states * 20, `only ${tally.reused} blocks reused over ${tally.states} texts`);
  });

  it('answers a one-character edit in a 1,000-host file from cached blocks (bounded, not a speed test)', function () {
    this.timeout(60_000);
    const text = manyHostsYaml(1000);
    const doc = documentOf(text);
    assert.equal(doc.hosts.length, 1000);
    const at = text.indexOf('  vast-500:') + 20;
    doc.update(`${text.slice(0, at)}9${text.slice(at)}`);
    assert.deepEqual({ mode: doc.stats.mode, parsed: doc.stats.parsedBlocks }, { mode: 'blocks', parsed: 1 });
    assert.equal(doc.stats.reusedBlocks, 1002 - 1);
    // Two places far apart (the text between them is unchanged): still only those two hosts.
    const far = text.indexOf('  runpod-901:') + 20;
    doc.update(`${text.slice(0, 40)}7${text.slice(41, far)}8${text.slice(far)}`);
    assert.deepEqual({ mode: doc.stats.mode, parsed: doc.stats.parsedBlocks }, { mode: 'blocks', parsed: 3 });
    assert.deepEqual(doc.diagnostics, full(doc.content));
  });
});

describe('HostsDocument.updateInSlices (an editor\'s first validation, without blocking)', () => {
  /** Yields after every step; each yield is one more turn. */
  const everyStep = (onYield: () => void = () => undefined) => ({ sliceMs: 0, yieldNow: async () => onYield() });

  it('gives the same diagnostics as the one-shot parse on random edit sequences', async function () {
    this.timeout(60_000);
    const tally: Tally = { states: 0, blocks: 0, reused: 0 };
    for (const [i, file] of smallFixtures.entries()) {
      const doc = new HostsDocument('distributed_hosts.yaml', HOME);
      for (const text of randomEdits(fs.readFileSync(file, 'utf8'), 2000 + i, 10)) {
        assert.equal(await doc.updateInSlices(text, everyStep()), true);
        assert.deepEqual(doc.diagnostics, full(text), `${file}, ${tallied(doc, tally)}:\n${text}`);
      }
    }
    assert.ok(tally.blocks > tally.states * 0.2, `${tally.blocks} of ${tally.states} texts validated by blocks`);
  });

  it('shows the last validated text until done, yielding between blocks', async () => {
    const before = manyHostsYaml(3);
    const after = manyHostsYaml(40);
    const doc = documentOf(before);
    let turns = 0;
    const done = doc.updateInSlices(after, everyStep(() => {
      turns++;
      assert.equal(doc.content, before, 'half-built: the last text stays');
      assert.equal(doc.hosts.length, 3);
    }));
    assert.equal(await done, true);
    assert.ok(turns >= 40, `only ${turns} turns`);
    assert.equal(doc.hosts.length, 40);
    assert.deepEqual(doc.diagnostics, full(after));
  });

  it('stops a stale build when a newer text comes, and the newer one reuses its parsed blocks', async () => {
    const text = manyHostsYaml(60);
    const edited = text.replace('  vast-50:', '  vast-5o:');
    const doc = new HostsDocument('distributed_hosts.yaml', HOME);
    let turns = 0;
    let newer: Promise<boolean> | undefined;
    const first = doc.updateInSlices(text, everyStep(() => {
      if (++turns === 40) newer = doc.updateInSlices(edited, everyStep());
    }));
    assert.equal(await first, false, 'the first build gave way');
    assert.equal(await newer, true);
    assert.equal(doc.content, edited);
    assert.deepEqual(doc.diagnostics, full(edited));
    assert.ok(doc.stats.reusedBlocks >= 35, `reused ${doc.stats.reusedBlocks} blocks of the stopped build`);
  });

  it('stops on cancelUpdate, and a synchronous update overtakes a build in slices', async () => {
    const doc = new HostsDocument('distributed_hosts.yaml', HOME);
    const cancelled = doc.updateInSlices(manyHostsYaml(20), everyStep(() => doc.cancelUpdate()));
    assert.equal(await cancelled, false);
    assert.equal(doc.content, '');
    let overtaken: Promise<boolean> | undefined;
    overtaken = doc.updateInSlices(manyHostsYaml(20), everyStep(() => overtaken && doc.update(manyHostsYaml(2))));
    assert.equal(await overtaken, false);
    assert.equal(doc.hosts.length, 2);
  });
});
