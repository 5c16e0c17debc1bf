import { RANGED_MIN_BYTES } from '../../core/byteRanges';
import { HOSTS_FILE_CANDIDATES } from '../../core/hosts';
import { DEFAULT_CONCURRENCY, DEFAULT_ROUTER_SETTINGS } from '../../core/router';
import { DEFAULT_STREAMS, MAX_STREAMS } from '../../core/transports/streamCount';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../core/transports/transport';
import { DEFAULT_AGENT_RESTART_COMMAND, DEFAULT_HEALTH_CHECK_SECONDS } from './extensionSettings';

/**
 * package.json `contributes.configuration.properties` for the settings this extension reads
 * (extensionSettings.ts). Generated into package.json; a unit test keeps the two equal.
 */
type Property = Record<string, unknown>;

const t = DEFAULT_ROUTER_SETTINGS.alertThresholds;

/**
 * `streams` is a string (a text box in the Settings editor: a `["string", "integer"]` type would
 * only offer "Edit in settings.json"); the pattern lets the editor flag a bad value as it is typed,
 * and lists what parseStreams takes (readSettings still checks, and logs what it ignores).
 */
const STREAMS_PATTERN = `^(auto|${Array.from({ length: MAX_STREAMS }, (_, i) => i + 1).join('|')})$`;

export const SETTINGS_PROPERTIES: Record<string, Property> = {
  'ringriftSync.hostsFile': {
    type: 'string',
    default: '',
    scope: 'resource',
    markdownDescription:
      `Path of \`distributed_hosts.yaml\` (relative paths start at the first workspace folder). Empty: \`$RINGRIFT_HOSTS_FILE\`, then ${HOSTS_FILE_CANDIDATES.map((c) => `\`${c}\``).join(', ')} in each workspace folder.`,
  },
  'ringriftSync.stateDir': {
    type: 'string',
    default: '',
    markdownDescription: 'Router state and `events.jsonl`, shared with the `ringrift-sync` CLI (its `--state-dir`). Empty: `$XDG_STATE_HOME/ringrift-sync` (`~/.local/state/ringrift-sync`).',
  },
  'ringriftSync.knownHostsFile': {
    type: 'string',
    default: '',
    markdownDescription: 'known_hosts used to verify node host keys. Empty: `$RINGRIFT_SYNC_KNOWN_HOSTS`, else `~/.ssh/known_hosts`.',
  },
  'ringriftSync.concurrency': {
    type: 'integer',
    default: 0,
    minimum: 0,
    markdownDescription: `Nodes tested or synced at once. 0: the hosts file's \`auto_sync.max_concurrent_syncs\`, else ${DEFAULT_CONCURRENCY}.`,
  },
  'ringriftSync.connectTimeoutSeconds': {
    type: 'number',
    default: DEFAULT_TRANSPORT_OPTIONS.connectTimeoutMs / 1000,
    minimum: 0.1,
    markdownDescription: "TCP connect / SSH handshake bound (the runbook's `ConnectTimeout=5`).",
  },
  'ringriftSync.probeTimeoutSeconds': {
    type: 'number',
    default: DEFAULT_TRANSPORT_OPTIONS.probeTimeoutMs / 1000,
    minimum: 0.1,
    markdownDescription: 'Bound on one connectivity probe: a port that accepts and never answers fails after this.',
  },
  'ringriftSync.idleTimeoutSeconds': {
    type: 'number',
    default: DEFAULT_TRANSPORT_OPTIONS.idleTimeoutMs / 1000,
    minimum: 1,
    markdownDescription: 'A transfer that makes no progress for this long fails and escalates.',
  },
  'ringriftSync.failoverThreshold': {
    type: 'integer',
    default: DEFAULT_ROUTER_SETTINGS.failoverThreshold,
    minimum: 1,
    markdownDescription: 'Failures of one transport before a sync moves to the next. `$RINGRIFT_SYNC_FAILOVER_THRESHOLD` wins when set.',
  },
  'ringriftSync.backupTransport': {
    type: 'string',
    default: '',
    enum: ['', 'p2p', 'http', 'rsync', 'base64'],
    markdownDescription: "Tried right after the first transport fails, before the rest of the chain. `$RINGRIFT_SYNC_BACKUP_TRANSPORT` wins when set.",
  },
  'ringriftSync.healthCheckIntervalSeconds': {
    type: 'integer',
    default: DEFAULT_HEALTH_CHECK_SECONDS,
    minimum: 0,
    markdownDescription: 'Periodic connectivity check of every ready node (trusted workspaces only). It warns (`TRANSPORT_DEGRADED`), it never disables a node. 0: off.',
  },
  'ringriftSync.alerts.transportFailuresPerHour': {
    type: 'number',
    default: t.transportFailuresPerHour,
    minimum: 0,
    markdownDescription: 'Alert `transport_failures`: more failures than this on one node in the last hour.',
  },
  'ringriftSync.alerts.disabledNodesPercent': {
    type: 'number',
    default: t.disabledNodesPercent,
    minimum: 0,
    maximum: 100,
    markdownDescription: 'Alert `disabled_nodes`: more than this percent of the cluster disabled.',
  },
  'ringriftSync.alerts.escalationsPerHour': {
    type: 'number',
    default: t.escalationsPerHour,
    minimum: 0,
    markdownDescription: 'Alert `escalation_count`: more syncs than this in the last hour had to move past their first transport.',
  },
  'ringriftSync.base64ChunkBytes': {
    type: 'integer',
    default: DEFAULT_TRANSPORT_OPTIONS.base64ChunkBytes,
    minimum: 4096,
    markdownDescription: 'base64 transport: bytes of the file per remote `base64 -d` command (each is one remote shell start). A new push that fits in one is hashed on the node as it is written; a bigger one is read again on the node to verify it.',
  },
  'ringriftSync.streams': {
    type: 'string',
    default: String(DEFAULT_STREAMS),
    pattern: STREAMS_PATTERN,
    patternErrorMessage: `A whole number from 1 to ${MAX_STREAMS}, or auto.`,
    markdownDescription:
      `TCP connections one file of ${RANGED_MIN_BYTES / (1024 * 1024)} MiB or more is sent over, as ranges: to our agent (p2p and http rungs, when the agent takes ranges), or SSH connections on the rsync and base64 rungs (the CLI's \`--streams\`). \`auto\` (the default): ranges only to a node 10 ms or more away, starting with one stream and adding more while the total rate grows (up to 16); \`1\`: one stream, no ranges; 2 to ${MAX_STREAMS}: that many.`,
  },
  'ringriftSync.sync.fanout': {
    type: 'boolean',
    default: false,
    markdownDescription: 'Sync to several nodes by fanning out: one copy over your uplink to a seed node, the others pull it from verified peers (`POST /sync/pull`, the CLI\'s `sync --fanout`). The remote path must be under `data/`. When you pick more than 2 nodes, the sync command asks, with this choice first.',
  },
  'ringriftSync.agentRestartCommand': {
    type: 'string',
    default: DEFAULT_AGENT_RESTART_COMMAND,
    markdownDescription: 'Run on the node over SSH by **Restart P2P Agent** (after a confirmation). Ignored in untrusted workspaces.',
  },
};

/** Settings a workspace may not set while untrusted (`capabilities.untrustedWorkspaces.restrictedConfigurations`). */
export const RESTRICTED_SETTINGS = ['ringriftSync.agentRestartCommand', 'ringriftSync.knownHostsFile'];
