import { DEFAULT_DATA_SERVER_PORT, DEFAULT_P2P_PORT, DEFAULT_RINGRIFT_PATH, DEFAULT_SSH_PORT, DEFAULT_STATUS, DEFAULT_USER } from './defaults';
import type { ChoiceSpec, MapSpec, ValueSpec } from './fieldSpec';
import { NODE_STATUSES } from './nodeSpec';
import { RELAY_EFFECT } from './relayMode';

/**
 * What `distributed_hosts.yaml` may say, with the text an editor shows on hover. The validator,
 * the JSON Schema (schemas/distributed_hosts.schema.json, generated from here) and completion all
 * read these tables.
 */

/** Words a host's `transports[].type` accepts; `ssh` is the same transport as `rsync`. */
export const TRANSPORT_TYPE_WORDS = ['p2p', 'http', 'rsync', 'ssh', 'base64'] as const;

const port = (description: string, dflt?: number): ValueSpec => ({ kind: 'integer', port: true, min: 1, max: 65535, description, default: dflt });
const info = (description: string): ValueSpec => ({ kind: 'any', description: `${description} Informational: shown in the node list, not used for syncing.` });
const hostNames = (description: string): ValueSpec => ({ kind: 'list', description, items: { kind: 'string', description: 'A host name from `hosts:`.' } });

const TRANSPORT_TYPE_SPEC: ChoiceSpec = {
  kind: 'choice',
  label: 'transport type',
  values: TRANSPORT_TYPE_WORDS,
  unknown: 'error',
  unknownCode: 'unknown_transport',
  knownLabel: 'known types',
  description:
    'Which transport: `p2p` (the agent on tailscale_ip/ssh_host at p2p_port), `http` (the agent at ssh_host:p2p_public_port), ' +
    '`rsync` or its alias `ssh` (rsync over the system ssh), `base64` (chunks piped through an SSH session; slow, works where rsync is missing).',
};

export const TRANSPORT_ITEM_SPEC: MapSpec = {
  kind: 'map',
  description: 'One step of the escalation chain.',
  fields: {
    type: TRANSPORT_TYPE_SPEC,
    priority: { kind: 'integer', description: 'Order in the chain: lower is tried first. Two steps may not share a priority.' },
    fallback: { kind: 'boolean', description: 'Marks a fallback step (documentation only; the chain order comes from priority).', default: false },
    last_resort: {
      kind: 'boolean',
      description: 'This step is tried only when every other one failed; it must have the highest priority.',
      default: false,
    },
  },
};

export const HOST_SPEC: MapSpec = {
  kind: 'map',
  description: 'One node: how to reach it and whether to sync it. Fields not listed here are kept and shown, never an error.',
  fields: {
    ssh_host: {
      kind: 'string',
      description:
        'Public address for SSH, rsync, base64 and the `http` transport: an IP or DNS name, optionally `user@host` ' +
        '(that user applies when ssh_user is absent). Also the p2p address when tailscale_ip is absent.',
    },
    tailscale_ip: { kind: 'string', description: 'Tailscale address; preferred over ssh_host for the p2p transport.' },
    ssh_user: {
      kind: 'string',
      description: `Login user for SSH, rsync and base64. Default: the user in \`user@host\`, else \`${DEFAULT_USER}\`.`,
      default: DEFAULT_USER,
    },
    ssh_port: port('SSH port on ssh_host.', DEFAULT_SSH_PORT),
    ssh_key: {
      kind: 'string',
      description: 'Private key file (`~` is your home directory). Absent: ssh-agent, ~/.ssh/config and the default keys are tried.',
    },
    ringrift_path: {
      kind: 'string',
      description:
        'Base directory on the node: relative remote paths land under it over SSH, and the p2p agent serves it as its root. ' +
        'May start with `~` (the node\'s home). Absent: RingRift\'s default; `null`: the node has no codebase (as RingRift reads it).',
      default: DEFAULT_RINGRIFT_PATH,
    },
    status: {
      kind: 'choice',
      values: NODE_STATUSES,
      unknown: 'warning',
      unknownCode: 'unknown_status',
      knownLabel: 'known statuses',
      unknownEffect: 'the node is shown but not synced',
      default: DEFAULT_STATUS,
      description: `Only \`ready\` nodes are synced; ${NODE_STATUSES.slice(1).join(', ')} are shown but skipped. Absent: ready.`,
    },
    p2p_enabled: { kind: 'boolean', description: 'false removes the p2p transport from this node\'s chain.', default: true },
    p2p_port: port('Port of the p2p agent on tailscale_ip (or ssh_host).', DEFAULT_P2P_PORT),
    p2p_public_port: port('Port of the agent on ssh_host, for the `http` transport. Absent: the node has no http transport.'),
    nat_blocked: { kind: 'boolean', description: `The node is behind NAT and accepts no direct connection: ${RELAY_EFFECT}.`, default: false },
    force_relay_mode: { kind: 'boolean', description: `Relay mode whatever the NAT, as nat_blocked: ${RELAY_EFFECT}.`, default: false },
    skip_sync_receive: {
      kind: 'boolean',
      description:
        'true: never a sync target (RingRift sets it on coordinators to keep their disks free). `sync` refuses the node and says why, ' +
        'without counting a failure or disabling it; `test` still probes it.',
      default: false,
    },
    is_ephemeral: {
      kind: 'boolean',
      description: 'A rented or spot instance (vast.ai, ...) that may vanish at any time. Informational: shown in the node list, syncs are unchanged.',
      default: false,
    },
    data_server_port: port('Port of the node\'s RingRift data server on tailscale_ip (or ssh_host), for pulls between nodes.', DEFAULT_DATA_SERVER_PORT),
    transports: {
      kind: 'list',
      description: 'This node\'s own escalation chain, tried by priority. Absent: p2p -> http -> rsync -> base64, minus what the host rules out.',
      items: TRANSPORT_ITEM_SPEC,
    },
    role: info('What the node does in the cluster (coordinator, gpu_selfplay, backbone, ...).'),
    gpu: info('GPU model.'),
    gpu_vram_gb: info('GPU memory in GB.'),
    memory_gb: info('RAM in GB.'),
    cpus: info('CPU cores.'),
    venv_activate: info('Shell command that activates the Python environment on the node.'),
    storage_paths: info('Where RingRift keeps games, models and training data on this node.'),
    selfplay_enabled: info('Whether RingRift runs selfplay here.'),
    training_enabled: info('Whether RingRift trains models here.'),
    vast_instance_id: info('vast.ai instance id.'),
    runpod_id: info('RunPod pod id.'),
    region: info('Provider region.'),
    note: info('Free text.'),
  },
};

/** The whole file. Sections other than `hosts:` and `auto_sync:` belong to RingRift itself: tolerated, lightly checked. */
export const HOSTS_FILE_SPEC: MapSpec = {
  kind: 'map',
  description: 'RingRift cluster configuration (distributed_hosts.yaml).',
  required: ['hosts'],
  fields: {
    hosts: { kind: 'map', description: 'Every node, by name.', fields: {}, values: HOST_SPEC },
    auto_sync: {
      kind: 'map',
      description: 'Background sync settings; RingRift Sync reads its concurrency and bandwidth limits.',
      fields: {
        max_concurrent_syncs: { kind: 'integer', min: 1, description: 'How many nodes are pushed to at once.' },
        bandwidth_limit_mbps: { kind: 'number', above: 0, description: 'Bandwidth cap per push in Mbit/s, unless host_bandwidth_overrides matches the node.' },
        host_bandwidth_overrides: {
          kind: 'map',
          description: 'Host-name glob (`*`, `?`) -> Mbit/s; the first matching glob wins over bandwidth_limit_mbps.',
          fields: {},
          values: { kind: 'number', above: 0, description: 'Mbit/s for nodes matching this glob.' },
        },
        exclude_hosts: hostNames('Hosts that background sync skips.'),
      },
    },
    sync_routing: {
      kind: 'map',
      description: 'RingRift data routing: disk limits, priority and excluded hosts.',
      fields: {
        priority_hosts: hostNames('Hosts that receive data first.'),
        excluded_hosts: hostNames('Hosts that never receive routed data.'),
      },
    },
    elo_sync: {
      kind: 'map',
      description: 'RingRift Elo database sync.',
      fields: {
        coordinator: { kind: 'string', description: 'The host that coordinates Elo sync.' },
        transports: {
          kind: 'list',
          description: 'Elo sync methods (tailscale, aria2, http): not a host transport chain.',
          items: { kind: 'string', description: 'An Elo sync method.' },
        },
      },
    },
    p2p_voters: hostNames('Stable hosts that vote in P2P leader election.'),
    protocols: { kind: 'any', description: 'RingRift membership/consensus protocol settings (swim, raft).' },
    disk_management: { kind: 'any', description: 'RingRift disk cleanup settings.' },
    consolidation: { kind: 'any', description: 'RingRift data consolidation settings.' },
  },
};
