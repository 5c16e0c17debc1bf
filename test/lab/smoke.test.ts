import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CLI_JS } from '../integration/harness/cluster';
import { startLab, type Lab } from './lab';

const execFileAsync = promisify(execFile);

/** The real CLI against a lab node, with only the environment the lab prints for hand use. */
describe('network lab: end-to-end sync smoke', function () {
  this.timeout(60000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({ nodes: ['gpu1'] });
  });
  after(async () => lab?.stop());

  async function sync(file: string): Promise<{ success: boolean; transportUsed: string; attempts: { transport: string; result: string }[] }> {
    const args = [CLI_JS, 'sync', 'gpu1', '--path', file, '--state-dir', path.join(lab.dir, 'state'), '--json'];
    const { stdout } = await execFileAsync(process.execPath, args, { env: { ...process.env, ...lab.env() }, encoding: 'utf8' }).catch((err) => {
      throw new Error(`sync failed: ${err.stdout}\n${err.stderr}`);
    });
    return JSON.parse(stdout).results[0];
  }

  function localFile(name: string): { file: string; sha: string } {
    const file = path.join(lab.dir, name);
    const data = randomBytes(3 * 1024 * 1024);
    fs.writeFileSync(file, data);
    return { file, sha: createHash('sha256').update(data).digest('hex') };
  }

  const landedSha = (name: string) => createHash('sha256').update(fs.readFileSync(path.join(lab.node('gpu1').root, name))).digest('hex');

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
