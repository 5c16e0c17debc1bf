/**
 * The causes `doctor` names (issue #8), each with a short title for tooltips and report headings.
 * The first twelve are the issue's; the rest name failures its list has no word for, so that no
 * failure is ever forced into a cause the evidence does not prove.
 */
export const CAUSE_IDS = [
  'node_offline',
  'port_blocked',
  'agent_not_running',
  'service_unresponsive',
  'nat_blocked',
  'ssh_auth_failed',
  'host_key_changed',
  'host_key_unknown',
  'remote_tool_missing',
  'disk_full',
  'transfer_timeout',
  // Beyond the list:
  'host_key_revoked',
  'sshd_not_running',
  'tailscale_down',
  'agent_token_rejected',
  // 401/403 from the real RingRift orchestrator (the cluster token). Our reference agent's 401
  // keeps its older id agent_token_rejected, which `doctor --json` consumers already match on;
  // both name the same fix.
  'auth_failed',
  'wrong_service',
  'address_unresolved',
  'local_tool_missing',
  'node_disabled',
  // Issue #14: a transport works, but a timed push is slow over a long path.
  'lossy_link',
  'mtu_blackhole',
  'unclassified',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

export const CAUSE_TITLES: Record<CauseId, string> = {
  node_offline: 'node offline: no port of the node answers',
  port_blocked: 'port blocked: the agent listens on the node, but its port times out or refuses from here',
  agent_not_running: 'agent not running: nothing listens on its port while the node answers',
  service_unresponsive: 'service hung: TCP accepts but the service never answers',
  nat_blocked: 'NAT blocked: the node accepts no connection on this address',
  ssh_auth_failed: 'SSH login refused: our key is not accepted',
  host_key_changed: 'host key changed: known_hosts holds another key for the node',
  host_key_unknown: 'host key unknown: the node is not in known_hosts',
  remote_tool_missing: 'a tool is missing on the node',
  disk_full: 'not enough free disk on the node',
  transfer_timeout: 'transfers stall: the connection works but large pushes stop moving',
  host_key_revoked: 'host key revoked: the node presents a key marked @revoked',
  sshd_not_running: 'sshd not running: the SSH port refuses while the node answers',
  tailscale_down: 'tailscale down: the node is not online in the tailnet',
  agent_token_rejected: 'agent wants another token',
  auth_failed: 'the node refuses our cluster token (or we sent none)',
  wrong_service: 'another program holds the agent port',
  address_unresolved: 'the node address does not resolve',
  local_tool_missing: 'a tool is missing on this machine',
  node_disabled: 'node disabled for sync although a transport works now',
  lossy_link: 'slow link: syncs work, but a timed push is slow over a long (lossy) path',
  mtu_blackhole: 'path-MTU black hole: small packets pass, full-size ones vanish on the path',
  unclassified: 'failure the doctor cannot attribute',
};
