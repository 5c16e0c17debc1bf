import { strict as assert } from 'node:assert';
import { startLab, type Lab } from './lab';
import { labSync, landedSha as landedIn, randomFile } from './labCli';

/** The real CLI against a lab node, with only the environment the lab prints for hand use. */
describe('network lab: end-to-end sync smoke', function () {
  this.timeout(60000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({ nodes: ['gpu1'] });
  });
  after(async () => lab?.stop());

  const sync = async (file: string) => (await labSync(lab, 'gpu1', file)).r;

  const localFile = (name: string) => randomFile(lab, name, 3 * 1024 * 1024);
  const landedSha = (name: string) => landedIn(lab, 'gpu1', name);

  it('lands a file on a healthy node via p2p', async () => {
    const { file, sha } = localFile('healthy.bin');
    const r = await sync(file);
    assert.equal(r.success, true);
    assert.equal(r.transportUsed, 'p2p');
    assert.equal(landedSha('healthy.bin'), sha);
  });

  it('lands it via rsync once the agent is stopped', async () => {
    await lab.stopAgent('gpu1');
    const { file, sha } = localFile('agent-down.bin');
    const r = await sync(file);
    assert.equal(r.success, true);
    assert.equal(r.transportUsed, 'rsync');
    assert.deepEqual(r.attempts.filter((a) => a.result === 'failed').map((a) => a.transport), ['p2p']);
    assert.equal(landedSha('agent-down.bin'), sha);
  });
});
