/** In-process SSH (ssh2): connection setup, known_hosts, ssh_config. See connect.ts for the whole flow. */
export { openSsh, type SshOverrides } from './connect';
export { fetchHostKey, type FetchedHostKey } from './fetchHostKey';
export { appendKnownHost, checkHostKey, fingerprintOf, knownHostName, removeKnownHostLine, type HostKeyCheck } from './knownHosts';
export { resolveSshConfig, defaultSshConfigPath, type SshConfigHost, type JumpSpec } from './sshConfig';
export type { SshSession, ExecOptions, ExecResult } from './session';
export type { SshErrorCode, SshFailure } from './sshErrors';
