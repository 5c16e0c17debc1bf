import type { DoctorFix } from '../../core/doctor/report';
import type { Log } from '../cluster/storePorts';
import type { Ui } from '../ui/ui';
import { fixAction } from './fixAction';

/** What a fix button did (the e2e suite and the log read it). */
export type FixOutcome = 'ran' | 'declined' | 'copied' | 'settings_opened' | 'dismissed' | 'cli_missing';

export interface FixRunnerDeps {
  ui: () => Ui;
  log: Log;
  /** Sends the command to the fixes terminal (shown), with the CLI reachable when `usesCli`; false: no CLI to run it with. */
  runInTerminal: (command: string, usesCli: boolean) => Promise<boolean>;
  /** Opens the Settings editor filtered to `query`. */
  openSettings: (query: string) => Promise<void>;
}

const COPY = 'Copy Command';
const OPEN_SETTINGS = 'Open Settings';

/** One press of a fix button, as fixAction decides it. */
export async function applyFix(deps: FixRunnerDeps, node: string, fix: DoctorFix): Promise<FixOutcome> {
  const action = fixAction(node, fix);
  const ui = deps.ui();
  switch (action.kind) {
    case 'terminal': {
      if (action.confirm && !(await ui.confirm(action.confirm.message, action.confirm.detail, action.confirm.button))) {
        deps.log.info(`doctor fix for ${node} declined: ${action.command}`);
        return 'declined';
      }
      if (!(await deps.runInTerminal(action.command, action.usesCli))) {
        const choice = await ui.warn(
          `This fix runs the ringrift-sync CLI, which is not on PATH here: install it (npm install -g ringrift-sync), then run: ${action.command}`,
          COPY,
        );
        if (choice === COPY) await ui.copy(action.command);
        return 'cli_missing';
      }
      deps.log.info(`doctor fix for ${node} sent to the terminal: ${action.command}`);
      return 'ran';
    }
    case 'copy':
      await ui.copy(action.command);
      void ui.info(action.message);
      deps.log.info(`doctor fix for ${node} copied (node console): ${action.command}`);
      return 'copied';
    case 'settings': {
      const choice = await ui.info(action.message, OPEN_SETTINGS, COPY);
      if (choice === OPEN_SETTINGS) {
        await deps.openSettings(action.setting ?? 'ringriftSync');
        return 'settings_opened';
      }
      if (choice === COPY) {
        await ui.copy(action.line);
        return 'copied';
      }
      return 'dismissed';
    }
  }
}
