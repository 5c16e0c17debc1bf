import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runCli } from '../../../../src/cli/main';
import { captureIo } from '../captureIo';

const REPO = path.resolve(__dirname, '../../../..');
const FIXTURES = path.join(REPO, 'test/fixtures/hosts');
const REAL = path.resolve(REPO, 'test/fixtures/realworld/ringrift-hosts-2025-12-26.yaml');

describe('ringrift-sync validate', () => {
  it('a real file: no problems, exit 0, a summary line', async () => {
    const io = captureIo({ cwd: path.dirname(REAL) });
    assert.equal(await runCli(['validate', '--hosts', REAL], io), 0);
    assert.equal(io.out(), 'ringrift-hosts-2025-12-26.yaml: no problems (34 hosts)\n');
    assert.equal(io.err(), '');
  });

  it('errors: file:line:column lines, a summary, exit 1', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['validate', '--hosts', 'chain-problems.yaml'], io), 1);
    const lines = io.out().trimEnd().split('\n');
    assert.equal(lines[0], "chain-problems.yaml:6:15: error: host 'vast-1': transport type 'rsyn' is unknown (did you mean 'rsync'?); known types: p2p, http, rsync, ssh, base64");
    assert.ok(lines.some((l) => l.startsWith('chain-problems.yaml:34:15: warning: ')), lines.join('\n'));
    assert.equal(lines.at(-1), 'chain-problems.yaml: 6 errors, 3 warnings (6 hosts)');
  });

  it('warnings only: exit 0', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['validate', '--hosts', 'dangling-references.yaml'], io), 0);
    assert.match(io.out(), /dangling-references\.yaml: 0 errors, 3 warnings \(2 hosts\)\n$/);
  });

  it('--json: the DESIGN.md shape, path as a dotted string, exit 1 on errors', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['validate', '--json', '--hosts', 'chain-problems.yaml'], io), 1);
    const out = JSON.parse(io.out());
    assert.equal(out.diagnostics.length, 9);
    assert.deepEqual(out.diagnostics[0], {
      severity: 'error',
      message: "host 'vast-1': transport type 'rsyn' is unknown (did you mean 'rsync'?); known types: p2p, http, rsync, ssh, base64",
      line: 6,
      column: 15,
      endLine: 6,
      endColumn: 19,
      path: 'hosts.vast-1.transports[0].type',
      code: 'unknown_transport',
      file: 'chain-problems.yaml',
    });
    assert.deepEqual([out.errors, out.warnings, out.hosts], [6, 3, 6]);
  });

  it('--json for a duplicate gives the first place too', async () => {
    const io = captureIo({ cwd: FIXTURES });
    await runCli(['validate', '--json', '--hosts', 'duplicate-host.yaml'], io);
    const dup = JSON.parse(io.out()).diagnostics.find((d: { code: string }) => d.code === 'duplicate_host');
    assert.deepEqual([dup.line, dup.related], [9, { message: 'first definition', line: 3, column: 3 }]);
  });

  it('a missing hosts file: one clear line on stderr, nothing on stdout, exit 2', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['validate', '--hosts', 'no-such-file.yaml'], io), 2);
    assert.equal(io.out(), '');
    assert.match(io.err(), /^ringrift-sync validate: hosts file 'no-such-file\.yaml' does not exist \(ENOENT\).*\n$/);
  });

  it('unknown flags exit 2 through the frame', async () => {
    const io = captureIo();
    assert.equal(await runCli(['validate', '--bogus'], io), 2);
  });
});
