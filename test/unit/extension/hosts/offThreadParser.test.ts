import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { parseHostsBytes, parseHostsText } from '../../../../src/core/hosts';
import { offThreadParser } from '../../../../src/extension/hosts/offThreadParser';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';

/** The saved hosts file parsed on a worker thread: the same HostsFile, and the event loop keeps turning. */
describe('offThreadParser (parseHostsBytes on a worker thread)', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-parse-worker-'));
  const workerFile = path.join(dir, 'hostsParseWorker.js');
  // Over the size parsed in-thread; a few problems so diagnostics travel too.
  const big = manyHostsYaml(2000).replace('    ssh_port: 10007\n', '    ssh_port: 99999999\n').replace('status: ready', 'status: bogus');
  const HOME = '/home/tester';

  before(async () => {
    await esbuild.build({ entryPoints: [path.resolve(__dirname, '../../../../src/extension/hosts/hostsParseWorker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers what parseHostsText answers, while timers keep running', async () => {
    const fallbacks: string[] = [];
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const file = await offThreadParser(workerFile, (why) => fallbacks.push(why))(Buffer.from(big), 'big.yaml', { homedir: HOME });
    clearInterval(ticker);
    assert.deepEqual(fallbacks, []);
    const expected = parseHostsText(big, 'big.yaml', { homedir: HOME });
    assert.equal(file.nodes.length, 2000);
    assert.deepEqual(file.diagnostics.map((d) => d.code).sort(), ['port_range', 'unknown_status']);
    assert.deepEqual(file, expected);
    assert.ok(ticks >= 10, `the event loop turned only ${ticks} times while the worker parsed`);
  });

  it('parses a small file in-thread, and a big one in-thread when the worker cannot start', async () => {
    const fallbacks: string[] = [];
    const parse = offThreadParser(path.join(dir, 'missing.js'), (why) => fallbacks.push(why));
    const small = manyHostsYaml(3);
    assert.deepEqual(await parse(Buffer.from(small), 's.yaml', { homedir: HOME }), parseHostsText(small, 's.yaml', { homedir: HOME }));
    assert.deepEqual(fallbacks, []);
    const file = await parse(Buffer.from(big), 'big.yaml', { homedir: HOME });
    assert.equal(file.nodes.length, 2000);
    assert.equal(fallbacks.length, 1);
    assert.match(fallbacks[0], /^parsing big\.yaml on a worker thread failed \(.+\); parsed on the extension host instead$/);
  });

  it('checks the bytes on the worker: a big file that is not UTF-8 gets the same diagnostic as in-thread', async () => {
    const bytes = Buffer.from(big);
    const at = bytes.indexOf('vast-1000');
    assert.ok(at > 0);
    bytes[at] = 0xff;
    const file = await offThreadParser(workerFile, assert.fail)(bytes, 'big.yaml', { homedir: HOME });
    assert.deepEqual(file, parseHostsBytes(bytes, 'big.yaml', { homedir: HOME }));
    assert.deepEqual(file.diagnostics.map((d) => d.code), ['invalid_utf8']);
  });
});
