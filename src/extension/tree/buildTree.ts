import * as path from 'node:path';
import type { HostsState } from '../hosts/hostsState';
import { nodeEntry } from './nodeEntry';
import { diagnosticProblem, problemEntry, type Problem } from './problemEntry';
import type { TreeEntry } from './treeEntry';

/** Error rows first (each one a place to fix), then one row per node in file order. */
export function buildTree(state: HostsState): TreeEntry[] {
  switch (state.kind) {
    case 'not_found':
      return [problemEntry({ label: 'No hosts file found', message: state.message, severity: 'error' }, 0)];
    case 'unreadable':
      return [
        problemEntry({ label: `Cannot read ${path.basename(state.file)}`, message: state.message, severity: 'error' }, 0),
      ];
    case 'loaded': {
      const problems: Problem[] = state.hosts.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => diagnosticProblem(d, state.file));
      if (state.hosts.nodes.length === 0 && problems.length === 0) {
        problems.push({
          label: 'No hosts in this file',
          message: `${state.file} has no entries under \`hosts:\`; add one (name: fields) to see it here.`,
          severity: 'info',
          location: { file: state.file, line: 1, column: 1 },
        });
      }
      return [
        ...problems.map((p, i) => problemEntry(p, i)),
        ...state.hosts.nodes.map((n) => nodeEntry(n, state.file)),
      ];
    }
  }
}
