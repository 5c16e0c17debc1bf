import * as os from 'node:os';
import { isMap, isScalar, isSeq } from 'yaml';
import { checkTree } from './checkValue';
import { describeError } from '../result';
import { hostsWithErrors, positionInText, START_OF_FILE, type HostsDiagnostic, type HostsFile } from './diagnostics';
import { HOSTS_FILE_SPEC } from './fields';
import type { NodeSpec } from './nodeSpec';
import { normaliseHost, type NormaliseOptions } from './normalise';
import { checkHostReferences } from './references';
import { EMPTY_SETTINGS, readSettings } from './settings';
import { deref, mapEntries } from './yamlValues';
import { parseYaml, type ParsedYaml } from './yamlDocument';

/**
 * Text of distributed_hosts.yaml -> nodes, settings and diagnostics. Never throws: whatever the
 * text, the answer is a HostsFile whose diagnostics say what is wrong and where.
 */
function byPosition(a: HostsDiagnostic, b: HostsDiagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

function only(fileName: string, d: HostsDiagnostic): HostsFile {
  return { fileName, nodes: [], settings: { ...EMPTY_SETTINGS, hostBandwidthOverrides: [] }, diagnostics: [d] };
}

function readHosts(y: ParsedYaml, options: NormaliseOptions): { nodes: NodeSpec[]; settings: HostsFile['settings'] } {
  const { doc, sink } = y;
  const root = deref(doc.contents, y);
  const settings = { ...EMPTY_SETTINGS, hostBandwidthOverrides: [] };
  if (root === null || root === undefined || (isScalar(root) && root.value === null)) {
    if (!sink.diagnostics.some((d) => d.severity === 'error')) {
      sink.error('empty_file', [], START_OF_FILE, 'the file has no content: a hosts file needs a top-level hosts: map (name: {ssh_host: ...})');
    }
    return { nodes: [], settings };
  }
  if (!isMap(root)) {
    const got = isSeq(root) ? 'a list' : 'a single value';
    sink.error('root_not_map', [], sink.rangeOf(root), `the file must be a map with a top-level hosts: section, got ${got}: start the file with 'hosts:'`);
    return { nodes: [], settings };
  }
  const sections = mapEntries(root, y);
  for (const [name, entry] of sections) {
    const spec = Object.hasOwn(HOSTS_FILE_SPEC.fields, name) ? HOSTS_FILE_SPEC.fields[name] : undefined;
    if (name !== 'hosts' && spec) checkTree(entry.value, spec, [name], y, true, entry.key, START_OF_FILE);
  }
  const readSettingsValue = readSettings(sections.get('auto_sync')?.value, y);
  const hostsEntry = sections.get('hosts');
  if (!hostsEntry) {
    sink.error('no_hosts', [], sink.rangeOf(root), "the file has no top-level 'hosts:' section: add hosts: with one entry per node");
    return { nodes: [], settings: readSettingsValue };
  }
  const hostsNode = deref(hostsEntry.value, y);
  const hostsAt = sink.rangeOf(hostsEntry.key);
  if (hostsNode === null || hostsNode === undefined || (isScalar(hostsNode) && hostsNode.value === null)) {
    sink.warning('no_hosts', ['hosts'], hostsAt, 'hosts: is empty: add one entry per node (name: {ssh_host: ...})');
    return { nodes: [], settings: readSettingsValue };
  }
  if (!isMap(hostsNode)) {
    const got = isSeq(hostsNode) ? 'a list' : 'a single value';
    sink.error('hosts_not_map', ['hosts'], sink.rangeOf(hostsNode, hostsAt), `hosts: must be a map of node name -> fields, got ${got}: write each node as 'name:' with its fields indented below`);
    return { nodes: [], settings: readSettingsValue };
  }
  const nodes: NodeSpec[] = [];
  for (const [name, entry] of mapEntries(hostsNode, y)) {
    const keyValue = isScalar(entry.key) ? entry.key.value : undefined;
    if (keyValue === null || keyValue === '') {
      sink.error('host_without_name', ['hosts'], sink.rangeOf(entry.key, hostsAt), 'a host has no name: write it as name: followed by its fields');
      continue;
    }
    const node = normaliseHost(name, entry.key, entry.value, y, readSettingsValue, options);
    if (node) nodes.push(node);
  }
  if (nodes.length === 0 && hostsNode.items.length === 0) sink.warning('no_hosts', ['hosts'], hostsAt, 'hosts: has no entries: add one per node');
  checkHostReferences(root, new Set(nodes.map((n) => n.name)), y);
  return { nodes, settings: readSettingsValue };
}

export function parseHostsText(text: string, fileName: string, options: Partial<NormaliseOptions> = {}): HostsFile {
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    const at = positionInText(text, nul);
    const message = 'the file contains a NUL byte here: it looks like a binary file, not YAML; check the path';
    return only(fileName, { severity: 'error', code: 'binary_file', path: [], range: { start: at, end: at }, message });
  }
  if (text.trim() === '') {
    return only(fileName, { severity: 'error', code: 'empty_file', path: [], range: START_OF_FILE, message: 'the file is empty: a hosts file needs a top-level hosts: map (name: {ssh_host: ...})' });
  }
  let y: ParsedYaml | undefined;
  try {
    const parsed = parseYaml(text);
    if ('tooDeep' in parsed) return only(fileName, parsed.tooDeep);
    y = parsed;
    const { nodes, settings } = readHosts(y, { homedir: options.homedir ?? os.homedir() });
    const broken = hostsWithErrors(y.sink.diagnostics);
    for (const n of nodes) if (broken.has(n.name)) n.ready = false;
    return { fileName, nodes, settings, diagnostics: [...y.sink.diagnostics].sort(byPosition) };
  } catch (err) {
    // The parser caps nesting itself; this is the net for anything it did not foresee.
    const tooDeep = err instanceof RangeError;
    const message = tooDeep
      ? 'the file nests too deeply to read (thousands of levels): it looks damaged or generated wrong'
      : `the file could not be read as a hosts file (${describeError(err)}): please report this with the file`;
    const earlier = y?.sink.diagnostics ?? [];
    const d: HostsDiagnostic = { severity: 'error', code: tooDeep ? 'too_deep' : 'internal_error', path: [], range: START_OF_FILE, message };
    return { ...only(fileName, d), diagnostics: [...earlier, d].sort(byPosition) };
  }
}
