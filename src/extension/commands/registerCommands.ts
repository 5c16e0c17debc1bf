import * as vscode from 'vscode';
import { describeError } from '../../core/result';
import type { Log } from '../cluster/storePorts';
import type { Ui } from '../ui/ui';
import { WORKBENCH_COMMANDS, type HandlerTable } from './commandIds';
import { COMMANDS, type CommandSpec } from './commandTable';

/** What a command returns when Restricted Mode stopped it (tests check for it). */
interface RestrictedOutcome {
  restricted: true;
  message: string;
}

function restrictedMessage(spec: CommandSpec): string {
  return (
    `${spec.title}: this workspace is in Restricted Mode, so RingRift Sync connects to no node and changes no shared state. ` +
    'The tree and the hosts-file editing help still work. Trust the workspace to test, sync or recover nodes.'
  );
}

/**
 * Registers every command of the table with its handler. A command that may connect is refused with
 * an explanation in Restricted Mode; an unexpected error becomes one line for the user (and the
 * log), never a stack trace.
 */
export function registerCommands(
  handlers: HandlerTable,
  ui: () => Ui,
  isTrusted: () => boolean,
  log: Log,
  /** Called as each command starts (ends the previous run's "accept once" answers). */
  onStart: () => void = () => undefined,
): vscode.Disposable[] {
  return COMMANDS.map((spec) => {
    const handler = handlers[spec.id];
    return vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
      if (spec.needsTrust && !isTrusted()) {
        const message = restrictedMessage(spec);
        log.info(`${spec.id} refused: Restricted Mode`);
        void ui()
          .warn(message, 'Manage Workspace Trust')
          .then((choice) => choice && vscode.commands.executeCommand(WORKBENCH_COMMANDS.manageTrust));
        return { restricted: true, message } satisfies RestrictedOutcome;
      }
      onStart();
      try {
        return await (handler as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        const line = `${spec.title} failed: ${describeError(err)}`;
        log.warn(line);
        void ui().error(`RingRift Sync: ${line}`);
        return undefined;
      }
    });
  });
}
