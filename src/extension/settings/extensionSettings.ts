import { homeDir } from '../../core/homeDir';
import { expandHome } from '../../core/hosts/normalise';
import { TRANSPORT_KINDS, type TransportKind } from '../../core/hosts/nodeSpec';
import { DEFAULT_ROUTER_SETTINGS, type RouterSettings } from '../../core/router';
import { defaultKnownHostsFile } from '../../core/ssh/userFiles';
import { DEFAULT_STREAMS, parseStreams, type StreamsSetting } from '../../core/transports/streamCount';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../../core/transports/transport';

/**
 * `ringriftSync.*` settings turned into what the core takes. Pure: `get` reads one setting (the
 * VS Code configuration in the extension, a map in tests). The runbook's env vars
 * (RINGRIFT_SYNC_FAILOVER_THRESHOLD, RINGRIFT_SYNC_BACKUP_TRANSPORT) still win: openSession applies
 * them on top; `envOverrides` names each one so the log can say why a setting seems ignored.
 * Paths behave like CLI flags: a setting wins over its env default (RINGRIFT_SYNC_KNOWN_HOSTS).
 * A value that cannot be used falls back to the default; `invalid` names the ones the log must
 * show (a setting silently ignored reads as a setting that does nothing).
 */
export interface ExtensionSettings {
  hostsFile: string;
  stateDir: string | undefined;
  knownHostsFile: string;
  router: Partial<RouterSettings>;
  transport: Pick<TransportOptions, 'connectTimeoutMs' | 'probeTimeoutMs' | 'idleTimeoutMs' | 'base64ChunkBytes' | 'streams'>;
  /** 0: no periodic health check. */
  healthCheckIntervalMs: number;
  /** Syncs to several nodes fan out (one copy over the uplink, the rest pulled between nodes). */
  syncFanout: boolean;
  /** Run over SSH by "Restart P2P agent". */
  agentRestartCommand: string;
  envOverrides: string[];
  /** One line per setting whose value was not usable and what is used instead, for the log. */
  invalid: string[];
}

export type SettingReader = (key: string) => unknown;

export const DEFAULT_AGENT_RESTART_COMMAND = 'sudo systemctl restart ringrift-p2p';
export const DEFAULT_HEALTH_CHECK_SECONDS = 300;

function num(get: SettingReader, key: string, fallback: number, min: number): number {
  const v = get(key);
  return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
}

function str(get: SettingReader, key: string): string {
  const v = get(key);
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * `streams` (`--streams` of the CLI): "auto" or a whole number, checked by parseStreams. A JSON
 * number typed into settings.json is taken too; empty (a cleared text box) is the default.
 */
function streams(get: SettingReader, invalid: string[]): StreamsSetting {
  const v = get('streams');
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return DEFAULT_STREAMS;
  const parsed = parseStreams(typeof v === 'string' ? v : JSON.stringify(v));
  if (parsed.ok) return parsed.value;
  invalid.push(`ringriftSync.streams: ${parsed.message} (using ${DEFAULT_STREAMS})`);
  return DEFAULT_STREAMS;
}

export function readSettings(get: SettingReader, env: NodeJS.ProcessEnv): ExtensionSettings {
  const router: Partial<RouterSettings> = {
    failoverThreshold: Math.floor(num(get, 'failoverThreshold', DEFAULT_ROUTER_SETTINGS.failoverThreshold, 1)),
    alertThresholds: {
      transportFailuresPerHour: num(get, 'alerts.transportFailuresPerHour', DEFAULT_ROUTER_SETTINGS.alertThresholds.transportFailuresPerHour, 0),
      disabledNodesPercent: num(get, 'alerts.disabledNodesPercent', DEFAULT_ROUTER_SETTINGS.alertThresholds.disabledNodesPercent, 0),
      escalationsPerHour: num(get, 'alerts.escalationsPerHour', DEFAULT_ROUTER_SETTINGS.alertThresholds.escalationsPerHour, 0),
    },
  };
  // 0 (the default) keeps the hosts file's auto_sync.max_concurrent_syncs.
  const concurrency = Math.floor(num(get, 'concurrency', 0, 0));
  if (concurrency > 0) router.concurrency = concurrency;
  const backup = str(get, 'backupTransport');
  if ((TRANSPORT_KINDS as readonly string[]).includes(backup)) router.backupTransport = backup as TransportKind;

  const envOverrides: string[] = [];
  const envThreshold = env.RINGRIFT_SYNC_FAILOVER_THRESHOLD;
  if (envThreshold && Number(envThreshold) !== router.failoverThreshold) {
    envOverrides.push(`RINGRIFT_SYNC_FAILOVER_THRESHOLD=${envThreshold} overrides ringriftSync.failoverThreshold (${router.failoverThreshold})`);
  }
  const envBackup = env.RINGRIFT_SYNC_BACKUP_TRANSPORT;
  if (envBackup && envBackup !== (router.backupTransport ?? '')) {
    envOverrides.push(`RINGRIFT_SYNC_BACKUP_TRANSPORT=${envBackup} overrides ringriftSync.backupTransport (${router.backupTransport ?? 'none'})`);
  }

  const invalid: string[] = [];
  const knownHosts = str(get, 'knownHostsFile');
  const stateDir = str(get, 'stateDir');
  return {
    hostsFile: str(get, 'hostsFile'),
    stateDir: stateDir ? expandHome(stateDir, homeDir(env)) : undefined,
    knownHostsFile: knownHosts
      ? expandHome(knownHosts, homeDir(env))
      : defaultKnownHostsFile(env),
    router,
    transport: {
      connectTimeoutMs: num(get, 'connectTimeoutSeconds', DEFAULT_TRANSPORT_OPTIONS.connectTimeoutMs / 1000, 0.1) * 1000,
      probeTimeoutMs: num(get, 'probeTimeoutSeconds', DEFAULT_TRANSPORT_OPTIONS.probeTimeoutMs / 1000, 0.1) * 1000,
      idleTimeoutMs: num(get, 'idleTimeoutSeconds', DEFAULT_TRANSPORT_OPTIONS.idleTimeoutMs / 1000, 1) * 1000,
      base64ChunkBytes: Math.floor(num(get, 'base64ChunkBytes', DEFAULT_TRANSPORT_OPTIONS.base64ChunkBytes, 4096)),
      streams: streams(get, invalid),
    },
    healthCheckIntervalMs: num(get, 'healthCheckIntervalSeconds', DEFAULT_HEALTH_CHECK_SECONDS, 0) * 1000,
    syncFanout: get('sync.fanout') === true,
    agentRestartCommand: str(get, 'agentRestartCommand') || DEFAULT_AGENT_RESTART_COMMAND,
    envOverrides,
    invalid,
  };
}
