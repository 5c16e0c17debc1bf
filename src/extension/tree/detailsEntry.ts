import { HOST_SPEC, type NodeSpec } from '../../core/hosts';
import { code, escapeMarkdown } from './markdown';
import type { TreeEntry } from './treeEntry';

/** Fields of a host that syncing does not use: unknown ones and the informational (role, gpu, ...). */
export function detailFields(node: NodeSpec): Array<[string, unknown]> {
  return Object.entries(node.fields).filter(([key]) => {
    // hasOwn: a host field named `constructor` must not find Object's.
    return !Object.hasOwn(HOST_SPEC.fields, key) || HOST_SPEC.fields[key].kind === 'any';
  });
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** The collapsed "details" child of a node, one row per such field; none when there are none. */
export function detailsEntry(node: NodeSpec): TreeEntry | undefined {
  const fields = detailFields(node);
  if (fields.length === 0) return undefined;
  const children: TreeEntry[] = fields.map(([key, value]) => {
    const text = valueText(value);
    return {
      id: `node/${node.name}/details/${key}`,
      kind: 'field',
      label: key,
      description: text.length > 80 ? text.slice(0, 79) + '…' : text,
      tooltip: `${code(key)}: ${escapeMarkdown(text)}${Object.hasOwn(HOST_SPEC.fields, key) ? '' : '\n\nNot a field ringrift-sync knows: kept and shown, never used.'}`,
      icon: { id: 'symbol-field' },
      contextValue: 'field',
      children: [],
      node: node.name,
    };
  });
  return {
    id: `node/${node.name}/details`,
    kind: 'details',
    label: 'details',
    description: `${fields.length} field${fields.length === 1 ? '' : 's'} not used for syncing`,
    tooltip: `Fields of ${escapeMarkdown(node.name)} that syncing does not use (role, hardware, provider ids, notes, unknown fields).`,
    icon: { id: 'info' },
    contextValue: 'details',
    children,
    node: node.name,
  };
}
