import type * as vscode from 'vscode';
import type { RingriftSyncApi } from './api';
import { startRingriftSync } from './app';

export async function activate(context: vscode.ExtensionContext): Promise<RingriftSyncApi> {
  return startRingriftSync(context, Date.now());
}

export function deactivate(): void {}
