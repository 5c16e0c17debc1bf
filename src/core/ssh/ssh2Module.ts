import type * as Ssh2 from 'ssh2';

let loaded: typeof Ssh2 | undefined;

/**
 * ssh2, loaded at first use rather than at start: its module init is about half of the bundled
 * CLI's own start (16 of 30 ms), which a command that never opens an ssh2 login or reads a key
 * (an rsync or p2p sync, `validate`) need not pay.
 */
export function ssh2(): typeof Ssh2 {
  loaded ??= require('ssh2') as typeof Ssh2;
  return loaded;
}
