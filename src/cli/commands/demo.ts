import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadHostsFile } from '../../core/hosts';
import type { SyncResult } from '../../core/router';
import { openSession } from '../../core/session';
import { startDemoCluster, type DemoNode } from '../../demo/demoCluster';
import { EXIT_FAILED, EXIT_OK, boolOpt, stringOpt, type CliCommand } from '../command';
import { styleFor } from '../format';
import { renderSyncResults } from './syncOutput';

function outcomeOf(r: SyncResult): string {
  if (r.success && r.transportUsed) return r.transportUsed;
  if (r.disabled) return 'disabled';
  return 'not synced';
}

export const demoCommand: CliCommand = {
  usage: 'demo [--once] [--dir DIR]',
  help: `Starts seven nodes on 127.0.77.x (OpenSSH sshd when installed, else a built-in SSH server, plus
the reference agent): one healthy on p2p, one whose agent is down (rsync), one where only base64
works, one whose Tailscale address is silent (http on its public address), one NAT-blocked (relay
mode: base64), one dead (disabled), one in maintenance (not synced). Writes a hosts
file for them, runs an escalating sync of an 8 MiB file to every node and prints the result.
Then keeps the cluster up for you to try the other commands, until Ctrl-C.

Options:
  --once      stop after the first sync (exit 0 when every node ended where it can end on
              this machine: without a local rsync the agent-down node ends on base64, and
              the output says so and how to install it)
  --dir DIR   where the cluster's files go (default: a new temporary directory)`,
  options: { once: { type: 'boolean' }, dir: { type: 'string' } },
  allowPositionals: false,
  async run(args, io) {
    const style = styleFor(io.isTTY, io.env);
    const dirArg = stringOpt(args, 'dir');
    const cluster = await startDemoCluster(dirArg ? path.resolve(io.cwd, dirArg) : undefined);
    // A directory we made is ours to remove; one the user named is theirs to keep.
    const removeDir = dirArg ? () => undefined : () => fs.rmSync(cluster.dir, { recursive: true, force: true });
    try {
      io.stderr(
        cluster.sshKind === 'openssh'
          ? `demo: ${cluster.nodes.length} nodes on loopback, OpenSSH sshd + reference agent (${cluster.dir})\n`
          : `demo: OpenSSH sshd is not installed (apt-get install openssh-server rsync); using the demo's built-in SSH server instead (${cluster.dir})\n`,
      );
      for (const m of cluster.missingTools) io.stderr(`demo: ${m.tool} is not installed on this machine, so the rsync rung cannot be shown: nodes that would sync over rsync end on ${m.instead}. Fix: ${m.fix}\n`);
      const hosts = await loadHostsFile(cluster.hostsFile);
      if (!hosts.ok) throw new Error(hosts.message);
      const session = openSession({ hosts: hosts.value, env: io.env, stateDir: cluster.stateDir, knownHostsFile: cluster.knownHostsFile, warn: (m) => io.stderr(`warning: ${m}\n`) });
      const results = await session.router.syncMany(session.nodes, { localPath: cluster.payload, remotePath: 'data/selfplay-demo.db' }, { signal: io.signal });
      const json = boolOpt(args, 'json');
      if (!json) io.stdout(renderSyncResults(results, io));

      const byName = new Map(results.map((r) => [r.node, r]));
      const mismatched = cluster.nodes.filter((n: DemoNode) => outcomeOf(byName.get(n.name)!) !== n.expect);
      if (json) {
        const expected = Object.fromEntries(cluster.nodes.map((n) => [n.name, n.expect]));
        const { dir, hostsFile, sshKind, missingTools } = cluster;
        io.stdout(JSON.stringify({ dir, hostsFile, sshKind, missingTools, expected, results }, null, 2) + '\n');
      } else {
        io.stdout('\nWhat each node shows:\n');
        const width = Math.max(...cluster.nodes.map((n) => n.name.length));
        for (const n of cluster.nodes) {
          const got = outcomeOf(byName.get(n.name)!);
          io.stdout(`  ${n.name.padEnd(width)} ${got === n.expect ? style.ok(got.padEnd(10)) : style.bad(`${got} (expected ${n.expect})`)}  ${n.story}\n`);
          for (const m of n.missing ?? []) io.stdout(`  ${''.padEnd(width)} ${''.padEnd(10)}  ${m.tool} is not installed here, so ${m.instead} took over. ${m.fix}\n`);
        }
      }
      const code = mismatched.length === 0 && !io.signal.aborted ? EXIT_OK : EXIT_FAILED;
      if (boolOpt(args, 'once') || io.signal.aborted) return code;

      const flags = `--hosts ${cluster.hostsFile} --state-dir ${cluster.stateDir} --known-hosts ${cluster.knownHostsFile}`;
      io.stdout(`\nThe cluster stays up until Ctrl-C. In another terminal, try:
  node dist/cli.js status ${flags}
  node dist/cli.js test --all ${flags}
  node dist/cli.js history gpu-dead ${flags}
  node dist/cli.js reenable gpu-dead ${flags}
Or open ${cluster.dir} in VS Code with the extension (npm start does that for you).\n`);
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
      return code;
    } finally {
      await cluster.stop();
      removeDir();
    }
  },
};
