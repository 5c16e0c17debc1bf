/**
 * Editing help on a generated 5,000-host distributed_hosts.yaml: validation as you type, one
 * completion and one hover, ours (src/core/language) beside yaml-language-server (Red Hat YAML's
 * server, in process, with our JSON Schema) on the same texts in the same run.
 *
 *   node --import tsx bench/yaml-language.ts [--quick] [--runs N]     (rows contract: bench/README.md)
 *
 * Each edit changes one character inside one host, on top of the edits before it (a different host
 * each time); validation after an edit is what the editor runs on each (debounced) keystroke.
 * Goals (issue #6): validation <= 50 ms median and faster than yaml-language-server; completion
 * <= 20 ms. Wall time of the call, medians; the notes give CPU time and every sample's spread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';
import { parseHostsText } from '../src/core/hosts';
import { completionsAt, HostsDocument, hoverAt } from '../src/core/language';
import { manyHostsYaml } from '../test/fixtures/hosts/manyHosts';
import { median, type BenchOptions, type BenchRow } from './lib/rows';
import { benchMain } from './lib/runChild';

const hosts = 5000;
const text = manyHostsYaml(hosts);
const SCHEMA_URI = 'file:///ringrift/distributed_hosts.schema.json';
const FILE_URI = 'file:///ringrift/distributed_hosts.yaml';

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
type Sample = { wall: number; cpu: number };
const wallOf = (xs: Sample[]) => median(xs.map((x) => x.wall));
const cpuOf = (xs: Sample[]) => median(xs.map((x) => x.cpu));

function time<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * A typing session: each next text has one more character of one host's ssh_port changed, on top
 * of the edits before it (a different host each time, as a person moving around the file would).
 * Two sessions give the same texts: one for us, one for yaml-language-server.
 */
class Typist {
  private n = 0;
  constructor(private current: string) {}
  next(): string {
    this.n++;
    const host = Math.floor(((this.n * 7919) % hosts) / 2) * 2 + 1; // runpod-<odd>
    const at = this.current.indexOf(`  runpod-${host}:\n`);
    const port = this.current.indexOf('ssh_port: ', at) + 'ssh_port: '.length + 1;
    this.current = `${this.current.slice(0, port)}${this.n % 10}${this.current.slice(port + 1)}`;
    return this.current;
  }
}

/** 1-based position of the value of the first `type: ` after host `name`. */
function typeValueAt(t: string, name: string): { line: number; column: number } {
  const offset = t.indexOf('type: ', t.indexOf(`  ${name}:\n`)) + 'type: '.length;
  const before = t.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  // yaml-language-server re-parses all 2 MB per call (seconds each): fewer of its runs.
  const edits = opts.quick ? 11 : 41;
  const peerRuns = opts.quick ? 1 : Math.max(5, opts.runs);
  const probeHost = `runpod-${Math.floor(hosts / 14) * 7 * 2 - 7}`; // an odd multiple of 7: it has a transports block

  // --- ours ---
  const whole = Array.from({ length: opts.quick ? 1 : 3 }, () => time(() => parseHostsText(text, 'bench.yaml')));
  const cold = time(() => {
    const d = new HostsDocument('bench.yaml', '/home/bench');
    d.update(text);
    return d;
  });
  const doc = cold.value;
  if (doc.stats.mode !== 'blocks' || doc.diagnostics.length !== 0) throw new Error(`unexpected: ${JSON.stringify(doc.stats)}, ${doc.diagnostics.length} diagnostics`);
  const ourTypist = new Typist(text);
  for (let i = 0; i < 5; i++) doc.update(ourTypist.next()); // warm-up
  const typing = Array.from({ length: edits }, () => {
    const next = ourTypist.next();
    return time(() => doc.update(next));
  });
  const reparsed = doc.stats.parsedBlocks;
  const at = typeValueAt(doc.content, probeHost);
  const complete = Array.from({ length: edits }, () => time(() => completionsAt(doc, at)));
  const labels = complete[0].value.map((e) => e.label);
  const editAndComplete = Array.from({ length: edits }, () => {
    const next = ourTypist.next();
    return time(() => (doc.update(next), completionsAt(doc, at)));
  });
  const hoverPos = { line: at.line, column: at.column + 1 };
  const hover = Array.from({ length: edits }, () => time(() => hoverAt(doc, hoverPos)));

  // --- peer: yaml-language-server with our schema, in process ---
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../schemas/distributed_hosts.schema.json'), 'utf8'));
  const ls = getLanguageService({
    schemaRequestService: async (uri) => (uri === SCHEMA_URI ? JSON.stringify(schema) : Promise.reject(new Error(`no schema ${uri}`))),
    workspaceContext: { resolveRelativePath: (rel, resource) => new URL(rel, resource).toString() },
  });
  ls.configure({ validate: true, hover: true, completion: true, yamlVersion: '1.1', schemas: [{ uri: SCHEMA_URI, fileMatch: ['distributed_hosts.yaml'], schema }] });
  let version = 1;
  const peerDoc = (t: string) => TextDocument.create(FILE_URI, 'yaml', version++, t);
  const peerCold = await timeAsync(() => ls.doValidation(peerDoc(text), false));
  const peerTypist = new Typist(text);
  for (let i = 0; i < 5; i++) peerTypist.next(); // the texts our warm-up had
  const peerTyping: Array<{ wall: number; cpu: number; value: unknown[] }> = [];
  for (let i = 0; i < peerRuns; i++) {
    const d = peerDoc(peerTypist.next());
    peerTyping.push(await timeAsync(() => ls.doValidation(d, false)));
  }
  const last = peerDoc(peerTypist.next());
  await ls.doValidation(last, false);
  const pos = { line: at.line - 1, character: at.column - 1 };
  const peerComplete: Array<{ wall: number; cpu: number; value: { items: Array<{ label: string }> } }> = [];
  for (let i = 0; i < peerRuns; i++) peerComplete.push(await timeAsync(() => ls.doComplete(last, pos, false)));
  const peerEditComplete: typeof peerComplete = [];
  for (let i = 0; i < peerRuns; i++) {
    const d = peerDoc(peerTypist.next());
    peerEditComplete.push(await timeAsync(() => ls.doComplete(d, pos, false)));
  }
  const peerHover: Array<{ wall: number; cpu: number; value: unknown }> = [];
  for (let i = 0; i < peerRuns; i++) peerHover.push(await timeAsync(() => ls.doHover(last, { line: pos.line, character: pos.character + 1 })));

  const faster = (o: Sample[], p: Sample[]) => `${(wallOf(p) / wallOf(o)).toFixed(0)}x faster`;
  const spread = (xs: Sample[]) => `${ms(Math.min(...xs.map((x) => x.wall)))}-${ms(Math.max(...xs.map((x) => x.wall)))}`;
  const file = `${hosts} hosts, ${(text.length / 1e6).toFixed(1)} MB`;
  const typingMet = wallOf(typing) <= 50 && wallOf(typing) < wallOf(peerTyping);
  return [
    {
      measure: `YAML validation after a one-character edit (${file}): ours (incremental) vs yaml-language-server`,
      ours: ms(wallOf(typing)),
      peer: ms(wallOf(peerTyping)),
      ratio: faster(typing, peerTyping),
      goal: '<= 50 ms, faster than peer',
      met: typingMet,
      note:
        `Wall medians of ${edits} edits (ours, ${spread(typing)}; CPU ${ms(cpuOf(typing))}) and ${peerRuns} (yaml-language-server ${spread(peerTyping)}; CPU ${ms(cpuOf(peerTyping))}), ` +
        `each edit on top of the last, in a different host. Ours re-parsed ${reparsed} block per edit and reused ${doc.stats.reusedBlocks}; ` +
        `the diagnostics equal parseHostsText's (unit-tested on random edits). Whole-text parseHostsText (what \`validate\` runs): ${ms(wallOf(whole))}. ` +
        `Both found ${doc.diagnostics.length} / ${(peerTyping[0].value as unknown[]).length} problems.`,
    },
    {
      measure: `YAML first validation of the opened file (${file}, cold): ours vs yaml-language-server`,
      ours: ms(cold.wall),
      peer: ms(peerCold.wall),
      ratio: faster([cold], [peerCold]),
      goal: '-',
      note: `One run each (CPU ${ms(cold.cpu)} / ${ms(peerCold.cpu)}): ours parses and checks every block once, and caches them for the edits that follow.`,
    },
    {
      measure: `YAML completion at \`type: |\` right after an edit (${file}): ours vs yaml-language-server`,
      ours: ms(wallOf(editAndComplete)),
      peer: ms(wallOf(peerEditComplete)),
      ratio: faster(editAndComplete, peerEditComplete),
      goal: '<= 20 ms',
      met: wallOf(editAndComplete) <= 20,
      note:
        `Edit, bring the document up to date, complete: medians of ${edits} / ${peerRuns} runs (CPU ${ms(cpuOf(editAndComplete))} / ${ms(cpuOf(peerEditComplete))}). ` +
        `On an up-to-date document completion alone takes ${ms(wallOf(complete))} (yaml-language-server ${ms(wallOf(peerComplete))}). ` +
        `Offered: ours [${labels.join(', ')}]; yaml-language-server [${peerComplete[0].value.items.map((i) => i.label).join(', ')}].`,
    },
    {
      measure: `YAML hover on a transport type (${file}): ours vs yaml-language-server`,
      ours: ms(wallOf(hover)),
      peer: ms(wallOf(peerHover)),
      ratio: faster(hover, peerHover),
      goal: '-',
      note: `Medians of ${edits} / ${peerRuns} runs on an up-to-date document.`,
    },
  ];
}

benchMain(module, bench);
