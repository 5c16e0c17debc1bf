import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTimed, type TimedRun } from '../lib/processes';

/**
 * The runbook's connectivity check as an operator runs it today: per node, curl the agent's
 * /health, ssh in, rsync --dry-run, with the runbook's own flags; over the fleet in a sequential
 * bash loop, or under `xargs -P`. Each node prints one line `NAME curl=RC ssh=RC rsync=RC`.
 */

export interface LoopNode {
  name: string;
  address: string;
  p2pPort: number;
  sshPort: number;
  base: string;
}

export interface LoopSetup {
  dir: string;
  user: string;
  clientKey: string;
  knownHostsFile: string;
}

const CHECK_NODE = `#!/bin/bash
# The runbook's three checks for one node: NAME ADDR P2P_PORT SSH_PORT BASE
name=$1 addr=$2 p2p=$3 port=$4 base=$5
ssh_cmd="ssh -p $port -i $KEY -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$KH"
curl -sS --connect-timeout 5 --max-time 8 "http://$addr:$p2p/health" >/dev/null 2>&1; c=$?
$ssh_cmd "$RUSER@$addr" 'echo ok; command -v base64' >/dev/null 2>&1; s=$?
rsync --dry-run --timeout=8 -e "$ssh_cmd" "$SMALL" "$RUSER@$addr:$base/" >/dev/null 2>&1; r=$?
echo "$name curl=$c ssh=$s rsync=$r"
`;

const SEQUENTIAL = `#!/bin/bash
# One node after another, as in the runbook.
while read -r name addr p2p port base; do
  bash "$CHECK" "$name" "$addr" "$p2p" "$port" "$base" < /dev/null
done < "$1"
`;

export interface LoopScripts {
  run(nodes: LoopNode[], parallel: number, timeoutMs: number): Promise<LoopRun>;
}

export interface LoopRun extends TimedRun {
  /** Per node: did all three commands exit 0. */
  allOk: Map<string, boolean>;
}

export function writeLoopScripts(setup: LoopSetup): LoopScripts {
  fs.mkdirSync(setup.dir, { recursive: true });
  const check = path.join(setup.dir, 'check-node.sh');
  const sequential = path.join(setup.dir, 'sequential.sh');
  const small = path.join(setup.dir, 'small.txt');
  fs.writeFileSync(check, CHECK_NODE, { mode: 0o755 });
  fs.writeFileSync(sequential, SEQUENTIAL, { mode: 0o755 });
  fs.writeFileSync(small, 'runbook dry-run probe\n');
  const env = { ...process.env, CHECK: check, KEY: setup.clientKey, KH: setup.knownHostsFile, RUSER: setup.user, SMALL: small, LC_ALL: 'C' };
  let lists = 0;
  return {
    async run(nodes, parallel, timeoutMs) {
      const list = path.join(setup.dir, `nodes-${lists++}.txt`);
      fs.writeFileSync(list, nodes.map((n) => `${n.name} ${n.address} ${n.p2pPort} ${n.sshPort} ${n.base}`).join('\n') + '\n');
      const r = parallel <= 1
        ? await runTimed('bash', [sequential, list], { timeoutMs, env })
        : await runTimed('xargs', ['-P', String(parallel), '-L', '1', '-a', list, 'bash', check], { timeoutMs, env });
      const allOk = new Map<string, boolean>();
      for (const m of r.stdout.matchAll(/^(\S+) curl=(\d+) ssh=(\d+) rsync=(\d+)$/gm)) allOk.set(m[1], m[2] === '0' && m[3] === '0' && m[4] === '0');
      return { ...r, allOk };
    },
  };
}
