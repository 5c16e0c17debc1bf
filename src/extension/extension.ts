import type * as vscode from 'vscode';
import type { RingriftSyncApi } from './api';
import { startRingriftSync } from './app';
import { registerLanguageFeatures } from './language';

export async function activate(context: vscode.ExtensionContext): Promise<RingriftSyncApi> {
  const api = await startRingriftSync(context, Date.now());
  registerLanguageFeatures(context, { liveState: api.model });
  return api;
}

export function deactivate(): void {}
