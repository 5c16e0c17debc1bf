import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awaitReceiverScript, parseReleased } from '../../../../../src/core/transports/rsync/staleReceiver';

/**
 * The script's choice of whom to stop, with processes standing in for rsync's receiver (a copy
 * of `sleep` named rsync holding the temp file open). That a real receiver keeps its partial on
 * SIGTERM is the network lab's half-open resets (test/lab/resume.test.ts).
 */
describe('staleReceiver: the after-failure read and a receiver on a half-open connection', function () {
  this.timeout(20000);
  let dir: string;
  let rsyncLike: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-receiver-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    rsyncLike = path.join(dir, 'bin', 'rsync');
    fs.copyFileSync(fs.realpathSync('/bin/sleep'), rsyncLike);
    fs.chmodSync(rsyncLike, 0o755);
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Shorter than the product's waits, same logic.
  // termS well above exitS: a second wait (termS more) stays told apart from one slow first wait on a loaded machine.
  const WAITS = { exitS: 0.8, termS: 2 };
  const name = `it's $(touch pwned); a.bin`;
  const target = () => path.join(dir, 'data', name);
  const temp = () => path.join(dir, 'data', `.${name}.Xy12Zw`);

  /** `program` with the temp file open on fd 3, as the receiver holds it. */
  function holder(program: string, args: string[]): ChildProcess {
    fs.mkdirSync(path.dirname(temp()), { recursive: true });
    const fd = fs.openSync(temp(), 'a');
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'ignore', fd] });
    fs.closeSync(fd);
    children.push(child);
    return child;
  }
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

  const run = () =>
    new Promise<{ stdout: string; ms: number }>((resolve, reject) => {
      const t0 = Date.now();
      execFile('/bin/sh', ['-c', awaitReceiverScript(target(), WAITS)], { env: { PATH: process.env.PATH } }, (err, stdout) => (err ? reject(err) : resolve({ stdout, ms: Date.now() - t0 })));
    });

  it('stops an rsync that holds a temp file which did not grow, and nothing else', async () => {
    const stuck = holder(rsyncLike, ['60']);
    const bystander = holder('sleep', ['60']);
    const { stdout } = await run();
    assert.deepEqual(parseReleased(stdout), [stuck.pid]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(exited(stuck), true, 'the stuck receiver got SIGTERM');
    assert.equal(exited(bystander), false, 'a process not named rsync is left alone');
    assert.ok(!fs.existsSync(path.join(dir, 'pwned')), 'nothing executed');
  });

  it('leaves alone a temp file that grows: a live transfer, maybe another client\'s', async () => {
    fs.mkdirSync(path.dirname(temp()), { recursive: true });
    const writer = holder(rsyncLike, ['60']);
    const grow = setInterval(() => fs.appendFileSync(temp(), 'x'.repeat(1000)), 100);
    try {
      const { stdout, ms } = await run();
      assert.deepEqual(parseReleased(stdout), []);
      assert.ok(ms >= WAITS.exitS * 1000 - 100, `waited the bound (${ms} ms)`);
      assert.equal(exited(writer), false);
    } finally {
      clearInterval(grow);
    }
  });

  it('returns at once without a temp file, and after the first wait for one nobody holds', async () => {
    const none = await run();
    assert.ok(none.ms < 1000, `${none.ms} ms`);
    fs.mkdirSync(path.dirname(temp()), { recursive: true });
    fs.writeFileSync(temp(), 'left by a receiver killed with SIGKILL');
    const stale = await run();
    assert.deepEqual(parseReleased(stale.stdout), []);
    assert.ok(stale.ms < (WAITS.exitS + WAITS.termS) * 1000, `no second wait (${stale.ms} ms)`);
  });
});
