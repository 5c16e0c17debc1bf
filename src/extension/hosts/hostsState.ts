import type { HostsFile } from '../../core/hosts';

/** What the extension knows about the hosts file after the last (re)load. */
export type HostsState =
  | { kind: 'loaded'; file: string; hosts: HostsFile }
  /** No file found where we looked; `message` says where, and what to set. */
  | { kind: 'not_found'; message: string }
  /** Found (or configured) but not readable; `message` says why. */
  | { kind: 'unreadable'; file: string; message: string };
