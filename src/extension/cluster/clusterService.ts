import { DEFAULT_ROUTER_SETTINGS, defaultStateDir, emptyState, StateStore, type AlertThresholds, type RouterState } from '../../core/router';
import { fail, ok, type Result } from '../../core/result';
import { openSession, type ClusterSession } from '../../core/session';
import type { TransportOptions } from '../../core/transports/transport';
import type { HostsState } from '../hosts/hostsState';
import type { ExtensionSettings } from '../settings/extensionSettings';
import type { Log } from './storePorts';
import { chooseToken } from './tokenChoice';

const withToken = (agentToken: string | undefined) => (agentToken ? { agentToken } : {});

export interface ClusterServiceDeps {
  hosts: () => HostsState | undefined;
  settings: () => ExtensionSettings;
  env: NodeJS.ProcessEnv;
  /** The cluster token kept in SecretStorage, if any (see tokenChoice.ts for who wins). */
  storedToken: () => string | undefined;
  /** UI prompts the core asks through (unknown host keys, key passphrases). */
  prompts: Pick<TransportOptions, 'onUnknownHostKey' | 'onPassphrase'>;
  log: Log;
}

/**
 * The extension's one core session (hosts + state dir + events + settings + transports + router),
 * opened with `openSession` exactly as the CLI does, when first needed, and reopened after the
 * hosts file or a setting changed. Reading state opens nothing and connects to nothing (Restricted
 * Mode reads it too). The cluster store owns it; commands reach it through the store.
 */
export class ClusterService {
  private cached: ClusterSession | undefined;

  constructor(private readonly deps: ClusterServiceDeps) {}

  /** The state dir in force (setting, else $XDG_STATE_HOME/ringrift-sync). */
  stateDir(): string {
    return this.deps.settings().stateDir ?? defaultStateDir(this.deps.env);
  }

  thresholds(): AlertThresholds {
    return this.deps.settings().router.alertThresholds ?? DEFAULT_ROUTER_SETTINGS.alertThresholds;
  }

  /** Drop the session: the next use opens one with the current file and settings. */
  invalidate(): void {
    this.cached = undefined;
  }

  session(): Result<ClusterSession, 'no_hosts'> {
    if (this.cached) return ok(this.cached);
    const hosts = this.deps.hosts();
    if (!hosts || hosts.kind !== 'loaded') {
      return fail('no_hosts', hosts ? hosts.message : 'The hosts file has not been loaded yet; try again in a moment.');
    }
    const settings = this.deps.settings();
    for (const note of settings.envOverrides) this.deps.log.info(note);
    for (const bad of settings.invalid) this.deps.log.warn(bad);
    this.cached = openSession({
      hosts: hosts.hosts,
      env: this.deps.env,
      stateDir: this.stateDir(),
      knownHostsFile: settings.knownHostsFile,
      router: settings.router,
      transport: { ...settings.transport, ...this.deps.prompts, ...withToken(chooseToken(this.deps.env, this.deps.storedToken())) },
      warn: (m) => this.deps.log.warn(m),
    });
    return ok(this.cached);
  }

  /** The router state for this hosts file, read without opening a session. */
  readState(hosts: HostsState): RouterState {
    if (hosts.kind !== 'loaded') return emptyState();
    return new StateStore(this.stateDir(), hosts.file, (m) => this.deps.log.warn(m)).read();
  }
}
