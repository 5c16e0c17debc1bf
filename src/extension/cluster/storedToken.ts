import * as vscode from 'vscode';
import type { TokenSource } from './storePorts';

const KEY = 'ringriftSync.clusterToken';

/**
 * The cluster token in VS Code's SecretStorage (the OS keychain where there is one): never in
 * settings.json, never logged. Read once at start and again whenever it changes (in this window or
 * another), so sessions read it synchronously.
 */
export class StoredToken implements vscode.Disposable, TokenSource {
  private value: string | undefined;
  /** Bumped by each write: a read that started before a write must not overwrite what it wrote. */
  private writes = 0;
  private readonly watch: vscode.Disposable;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Another window (or this one) changed it: read it again, then tell the store.
    this.watch = secrets.onDidChange((e) => {
      if (e.key === KEY) void this.load().then(() => this.listeners.forEach((l) => l()));
    });
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(): Promise<void> {
    const before = this.writes;
    const read = (await this.secrets.get(KEY)) || undefined;
    if (before === this.writes) this.value = read;
  }

  get(): string | undefined {
    return this.value;
  }

  async set(token: string): Promise<void> {
    this.writes++;
    this.value = token;
    await this.secrets.store(KEY, token);
  }

  async clear(): Promise<void> {
    this.writes++;
    this.value = undefined;
    await this.secrets.delete(KEY);
  }

  dispose(): void {
    this.watch.dispose();
  }
}
