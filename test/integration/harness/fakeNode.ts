import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeSpec } from '../../../src/core/hosts/nodeSpec';
import type { TestCluster, TestNode } from './cluster';
import { startFakeSshd, type FakeSshd } from './fakeSshd';
import { nodeSpecOf } from './nodeSpecs';

/** A fake sshd standing in for a cluster node (node `flaky`): its own root and known_hosts file. */
export interface FakeNode {
  fake: FakeSshd;
  root: string;
  node: NodeSpec;
  knownHostsFile: string;
}

/**
 * Starts a FakeSshd on `stand`'s address, accepting the cluster's client key, with `work/fake-root`
 * as the node's ringrift_path and its host key alone in `work/kh-fake`.
 */
export async function startFakeNode(cluster: TestCluster, stand: TestNode, work: string): Promise<FakeNode> {
  const fake = await startFakeSshd({ address: stand.address, authorizedKeyFile: cluster.clientKey + '.pub' });
  const root = path.join(work, 'fake-root');
  fs.mkdirSync(root);
  const node = nodeSpecOf(cluster, stand, { name: 'flaky', sshPort: fake.port, remoteBase: root });
  const knownHostsFile = path.join(work, 'kh-fake');
  fs.writeFileSync(knownHostsFile, fake.knownHostsLine() + '\n');
  return { fake, root, node, knownHostsFile };
}
