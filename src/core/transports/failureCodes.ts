import type { AgentTransportFailure } from './http/agentClient';
import type { Base64Failure } from './base64/base64';
import type { RsyncFailure } from './rsync/rsync';

/**
 * Every code a probe or a push can fail with (`ProbeResult.code`, `PushFailure.code`): the union
 * of each transport family's own codes, which in turn are built from the layers below them
 * (agentRequest, sshErrors, rsyncErrors, ...). A new code therefore joins here by being added to
 * its family, and `KNOWN` below stops compiling until it is listed.
 */
export type TransportFailureCode = AgentTransportFailure | RsyncFailure | Base64Failure;

/**
 * The same set at run time, for reading codes that other versions wrote (router state). The
 * mapped type makes a missing or an extra code a compile error, so it cannot drift from the union.
 */
const KNOWN: { readonly [C in TransportFailureCode]: true } = {
  // reaching the node
  refused: true, connect_timeout: true, handshake_timeout: true, no_answer: true, idle_timeout: true,
  timeout: true, unreachable: true, dns: true, connection_reset: true, connection_lost: true,
  disconnected: true, ssh_error: true,
  // the caller's AbortSignal fired (the user cancelled): the one word for it on every layer
  cancelled: true,
  // configuration and host keys
  not_configured: true, bad_config: true, host_key_changed: true, host_key_unknown: true,
  host_key_revoked: true,
  // what answered on an agent port
  bad_answer: true, unhealthy: true, unauthorized: true, auth_failed: true, not_found: true, bad_path: true,
  bad_request: true, busy: true, conflict: true, http_error: true,
  // the node's side
  remote_error: true, remote_tool_missing: true, remote_rsync_no_mkpath: true,
  remote_permission_denied: true, remote_mkdir_failed: true, target_is_dir: true, disk_full: true,
  partial_transfer: true, rsync_failed: true,
  // this machine's side
  local_read_failed: true, local_unreadable: true, local_file_missing: true, local_tool_missing: true,
  local_write_failed: true,
  // remote paths
  empty_path: true, path_escapes_base: true, absolute_path_over_http: true, no_remote_base: true,
  unsafe_remote_path: true,
  // limits of the RingRift orchestrator (PushLimit)
  outside_prefixes: true, extension_not_allowed: true, file_too_large: true, empty_file: true,
  path_traversal: true, handler_timeout: true, delete_needs_ssh: true, name_unsupported: true,
  // verifying what landed
  checksum_mismatch: true, verify_mismatch: true, verify_mismatch_unchanged: true, verify_failed: true,
};

export function isTransportFailureCode(s: string): s is TransportFailureCode {
  return Object.hasOwn(KNOWN, s);
}
