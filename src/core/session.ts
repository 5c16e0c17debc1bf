import type { HostsFile } from './hosts';
import type { NodeSpec } from './hosts/nodeSpec';
import {
  applyEnv,
  DEFAULT_ROUTER_SETTINGS,
  defaultStateDir,
  EventLog,
  StateStore,
  SyncRouter,
  type ConnectivityTestDeps,
  type RecoveryDeps,
  type RouterSettings,
} from './router';
import { createTransports } from './transports';
import { resolveClusterToken } from './transports/http/orchestrator/token';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from './transports/transport';

/**
 * One loaded cluster, wired the same way for the CLI and the extension: hosts file, state dir,
 * events, router settings (with the runbook's env vars on top), transports and router. Surfaces
 * differ only in where settings and prompts come from.
 */
export interface SessionConfig {
  hosts: HostsFile;
  env: NodeJS.ProcessEnv;
  /** Default: $XDG_STATE_HOME/ringrift-sync. */
  stateDir?: string;
  knownHostsFile: string;
  /** Router settings from the surface (CLI flags, VS Code settings); env vars still win. */
  router?: Partial<RouterSettings>;
  /** Transport settings and callbacks from the surface (prompts, timeouts, chunk size). */
  transport?: Partial<TransportOptions>;
  warn?: (message: string) => void;
}

export interface ClusterSession {
  hosts: HostsFile;
  nodes: NodeSpec[];
  stateDir: string;
  store: StateStore;
  events: EventLog;
  settings: RouterSettings;
  transportOptions: TransportOptions;
  router: SyncRouter;
  /** For recovery actions (re-enable, reset, prefer). */
  recovery: RecoveryDeps;
  /** For connectivity tests and the health monitor. */
  connectivity: ConnectivityTestDeps;
}

export function openSession(config: SessionConfig): ClusterSession {
  const warn = config.warn ?? (() => undefined);
  const stateDir = config.stateDir ?? defaultStateDir(config.env);
  const store = new StateStore(stateDir, config.hosts.fileName, warn);
  const events = new EventLog(stateDir, warn);
  const base: RouterSettings = {
    ...DEFAULT_ROUTER_SETTINGS,
    concurrency: config.hosts.settings.maxConcurrentSyncs ?? DEFAULT_ROUTER_SETTINGS.concurrency,
    ...config.router,
  };
  const { settings, warnings } = applyEnv(base, config.env);
  warnings.forEach(warn);
  const token = resolveClusterToken(config.env);
  if (!token.ok) warn(`${token.message}; going on without a token`);
  const transportOptions: TransportOptions = {
    ...DEFAULT_TRANSPORT_OPTIONS,
    agentToken: token.ok ? token.value.token : undefined,
    ...config.transport,
    knownHostsFile: config.knownHostsFile,
    env: config.env,
  };
  const chunk = config.env.RINGRIFT_SYNC_BASE64_CHUNK_BYTES;
  if (chunk) {
    const n = Number(chunk);
    if (Number.isInteger(n) && n >= 3) transportOptions.base64ChunkBytes = n;
    else warn(`RINGRIFT_SYNC_BASE64_CHUNK_BYTES='${chunk}' is not a whole number of bytes (>= 3); using ${transportOptions.base64ChunkBytes}`);
  }
  const transports = createTransports(transportOptions);
  const clock = Date.now;
  const router = new SyncRouter({ nodes: config.hosts.nodes, transports, store, events, settings, clock });
  return {
    hosts: config.hosts,
    nodes: config.hosts.nodes,
    stateDir,
    store,
    events,
    settings,
    transportOptions,
    router,
    recovery: { store, events, clock },
    connectivity: { transports, store, events, clock },
  };
}
