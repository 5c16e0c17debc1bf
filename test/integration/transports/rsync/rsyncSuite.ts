import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type NodeOptions, type TestCluster, type TestNode } from '../../harness/cluster';
import { nodeSpecOf } from '../../harness/nodeSpecs';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { RsyncTransport } from '../../../../src/core/transports/rsync/rsync';
import type { PushResult, TransportOptions } from '../../../../src/core/transports/transport';

/** Shared set-up of the rsync integration suites: real sshd nodes on loopback, a work directory. */

export const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
export const never = () => new AbortController().signal;

export function writeRandomFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= 1 << 20) fs.writeSync(fd, randomBytes(Math.min(left, 1 << 20)));
  fs.closeSync(fd);
}

export interface RsyncSuite {
  cluster: TestCluster;
  /** Local scratch directory (files to push, known_hosts variants). */
  work: string;
  alpha: TestNode;
  /** Short bounds, as the tests want failures fast: connect 1 s, probe 3 s. */
  opts: TransportOptions;
  spec(n: TestNode, over?: Partial<NodeSpec>): NodeSpec;
  push(t: RsyncTransport, node: NodeSpec, local: string, remote: string): Promise<PushResult>;
}

/**
 * Registers before/after hooks starting node `alpha` plus `extra` nodes (no agents), and returns
 * the suite, filled in once `before` has run. `extra` gets the work directory (for files its nodes need).
 */
export function useRsyncCluster(extra: (work: string) => NodeOptions[] = () => []): RsyncSuite {
  const suite = {} as RsyncSuite;
  before(async () => {
    suite.work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-rsync-test-'));
    suite.cluster = await startCluster([{ name: 'alpha', agent: false }, ...extra(suite.work)]);
    suite.alpha = suite.cluster.node('alpha');
    suite.opts = {
      connectTimeoutMs: 1000, probeTimeoutMs: 3000, idleTimeoutMs: 10000, base64ChunkBytes: 1 << 20,
      knownHostsFile: suite.cluster.knownHostsFile, env: process.env,
    };
    suite.spec = (n, over = {}) => nodeSpecOf(suite.cluster, n, over);
    suite.push = (t, node, local, remote) => t.push(node, { localPath: local, remotePath: remote }, () => undefined, never());
  });
  after(async () => {
    try {
      await suite.cluster?.stop();
    } finally {
      if (suite.work) fs.rmSync(suite.work, { recursive: true, force: true });
    }
  });
  return suite;
}
