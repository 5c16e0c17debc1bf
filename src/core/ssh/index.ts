/** In-process SSH (ssh2): connection setup, known_hosts, ssh_config. See connect.ts for the whole flow. */
export { removeKnownHostLine } from './knownHosts';
