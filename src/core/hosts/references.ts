import { isMap, isScalar, isSeq } from 'yaml';
import { didYouMeanSuffix } from './didYouMean';
import { formatPath, type DiagnosticPath } from './diagnostics';
import { deref, mapEntries } from './yamlValues';
import type { ParsedYaml } from './yamlDocument';

/**
 * Other sections name hosts (voters, priority and excluded hosts, the Elo coordinator). A name
 * that matches no host is a warning: syncing still works, but RingRift will miss that node.
 */
const HOST_REFERENCES: readonly DiagnosticPath[] = [
  ['p2p_voters'],
  ['sync_routing', 'priority_hosts'],
  ['sync_routing', 'excluded_hosts'],
  ['elo_sync', 'coordinator'],
  ['auto_sync', 'exclude_hosts'],
];

function lookup(root: unknown, path: DiagnosticPath, y: ParsedYaml): unknown {
  let node = deref(root, y);
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = deref(mapEntries(node, y).get(String(key))?.value, y);
  }
  return node;
}

export function checkHostReferences(root: unknown, hostNames: ReadonlySet<string>, y: ParsedYaml): void {
  let names: string[] | undefined; // built on the first miss only
  const check = (node: unknown, path: DiagnosticPath) => {
    const n = deref(node, y);
    if (!isScalar(n) || typeof n.value !== 'string' || hostNames.has(n.value)) return; // wrong types: reported by checkTree
    names ??= [...hostNames];
    const message = `${formatPath(path)}: no host is named '${n.value}'${didYouMeanSuffix(n.value, names)}; fix the name or add the host to hosts:`;
    y.sink.warning('unknown_host_reference', path, y.sink.rangeOf(n), message);
  };
  for (const path of HOST_REFERENCES) {
    const node = lookup(root, path, y);
    if (isSeq(node)) node.items.forEach((item, i) => check(item, [...path, i]));
    else check(node, path);
  }
}
