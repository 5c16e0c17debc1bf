import type { DoctorFix } from '../../core/doctor/report';

/**
 * What the report view's button for one fix does, decided from the fix alone: a command for this
 * machine runs in a terminal (after a modal that shows it, unless it only looks); a command for the
 * node's console is copied (SSH is what is broken there); a settings line offers the settings.
 * Nothing that changes a node or this machine runs without that confirmation.
 */
export type FixAction =
  | {
      kind: 'terminal';
      label: string;
      command: string;
      /** The modal to pass first; absent only for commands that change nothing. */
      confirm?: { message: string; detail: string; button: string };
      /** The command calls the `ringrift-sync` CLI on this machine (it must be on PATH). */
      usesCli: boolean;
    }
  | { kind: 'copy'; label: string; command: string; message: string }
  | { kind: 'settings'; label: string; line: string; setting: string | undefined; message: string };

const RUN_BUTTON = 'Run in Terminal';

/** `ringrift-sync` as a command of its own (first word, or after `&&`, `||`, `;`, env assignments), not inside a remote script. */
const CLI_CALL = /(^|&&|\|\||;)\s*([A-Za-z_][A-Za-z0-9_]*=\S*\s+)*ringrift-sync\s/;

export function usesCli(command: string): boolean {
  return CLI_CALL.test(command);
}

export function fixAction(node: string, fix: DoctorFix): FixAction {
  switch (fix.runOn) {
    case 'here': {
      const cli = usesCli(fix.command);
      if (fix.changes === 'nothing') return { kind: 'terminal', label: RUN_BUTTON, command: fix.command, usesCli: cli };
      const what = fix.changes === 'node' ? `node ${node}` : 'this machine (known_hosts, router state or a package)';
      return {
        kind: 'terminal',
        label: `${RUN_BUTTON}…`,
        command: fix.command,
        usesCli: cli,
        confirm: {
          message: `Run this fix for ${node} in a terminal? It changes ${fix.changes === 'node' ? `the node` : 'this machine'}.`,
          detail: `${fix.title}.\n\nThis command changes ${what}:\n\n${fix.command}`,
          button: RUN_BUTTON,
        },
      };
    }
    case 'node':
      return {
        kind: 'copy',
        label: "Copy for the Node's Console",
        command: fix.command,
        message: `Copied. Run it in ${node}'s own shell (its provider's web console): ${fix.title}.`,
      };
    case 'settings': {
      const setting = /"(ringriftSync\.[A-Za-z0-9.]+)"/.exec(fix.command)?.[1];
      return {
        kind: 'settings',
        label: 'Open Settings…',
        line: fix.command,
        setting,
        message: `${fix.title}. In settings.json: ${fix.command}`,
      };
    }
  }
}
