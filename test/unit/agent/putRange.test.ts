import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { bytesOf, putHeaders, rawRequest, sha256, startTestAgent, waitFor, type AgentFixture } from './agentFixture';

/** Headers of one range [start, end) of `whole` (the range's sha256 as a header). */
function rangeHeaders(whole: Buffer, start: number, end: number, over: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    'X-Total-Size': whole.length, 'X-Sha256': sha256(whole), 'X-Range-Start': start, 'X-Range-End': end,
    'X-Range-Sha256': sha256(whole.subarray(start, end)), 'Content-Length': end - start, ...over,
  };
}

const commitHeaders = (whole: Buffer) => ({ 'X-Ranged-Commit': 1, 'X-Total-Size': whole.length, 'X-Sha256': sha256(whole), 'Content-Length': 0 });

describe('agent ranged PUT (ranged_put)', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());
  const file = (name: string) => path.join(fx.root, name);
  const hidden = (rel: string, suffix: string) => path.join(fx.root, path.dirname(rel), `.${path.basename(rel)}${suffix}`);
  const putRange = (rel: string, whole: Buffer, start: number, end: number, over = {}) =>
    rawRequest(fx.agent, 'PUT', `/files/${rel}`, rangeHeaders(whole, start, end, over), whole.subarray(start, end));

  it('takes ranges out of order; nothing at the final path until the commit; HEAD lists the done ranges', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(300_000);
    fs.mkdirSync(file('d'));
    fs.writeFileSync(file('d/f.bin'), 'old');
    fs.writeFileSync(hidden('d/f.bin', '.ringrift-partial'), 'a single-stream try of another version');
    assert.equal((await putRange('d/f.bin', whole, 200_000, 300_000)).status, 202);
    const second = await putRange('d/f.bin', whole, 0, 100_000);
    assert.equal(second.status, 202, second.body);
    assert.equal(second.json().doneBytes, 200_000);
    assert.equal(fs.readFileSync(file('d/f.bin'), 'utf8'), 'old');
    const head = await rawRequest(fx.agent, 'HEAD', '/files/d/f.bin');
    assert.equal(head.headers['x-ranges-done'], '0-100000,200000-300000');
    assert.equal(head.headers['x-ranged-total-size'], '300000');
    assert.equal(head.headers['x-ranged-sha256'], sha256(whole));

    const early = await rawRequest(fx.agent, 'PUT', '/files/d/f.bin', commitHeaders(whole));
    assert.equal(early.status, 409);
    assert.equal(early.json().code, 'ranges_missing');
    assert.equal(fs.readFileSync(file('d/f.bin'), 'utf8'), 'old');

    assert.equal((await putRange('d/f.bin', whole, 100_000, 200_000)).status, 202);
    const done = await rawRequest(fx.agent, 'PUT', '/files/d/f.bin', commitHeaders(whole));
    assert.equal(done.status, 201, done.body);
    assert.deepEqual(done.json(), { size: whole.length, sha256: sha256(whole) });
    assert.ok(fs.readFileSync(file('d/f.bin')).equals(whole));
    assert.ok(fx.logs.some((l) => / PUT \/files\/d\/f\.bin 202 100000B \d+ms range 200000-300000$/.test(l)), fx.logs.join('\n'));
    // The sidecar and the stale single-stream partial are gone with the commit.
    assert.deepEqual(fs.readdirSync(file('d')), ['f.bin']);
  });

  it('refuses bad ranges and a full disk before writing a byte', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 1000 });
    const whole = bytesOf(5000);
    const outside = await putRange('f.bin', whole, 4000, 6000, { 'Content-Length': 2000 });
    assert.equal(outside.status, 400);
    assert.equal(outside.json().code, 'bad_headers');
    const noSha = await putRange('f.bin', whole, 0, 1000, { 'X-Sha256': 'zz' });
    assert.equal(noSha.status, 400);
    const full = await putRange('f.bin', whole, 0, 1000);
    assert.equal(full.status, 507);
    assert.equal(full.json().neededBytes, 5000);
    assert.deepEqual(fs.readdirSync(fx.root), []);
  });

  it('a range whose bytes do not hash to X-Range-Sha256 is refused and not recorded', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(5000);
    const r = await putRange('f.bin', whole, 0, 1000, { 'X-Range-Sha256': sha256('other') });
    assert.equal(r.status, 422);
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-ranges-done'], '');
  });

  it('a range cut short keeps the bytes that reached the disk; the rest lands as a range of its own', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(400_000);
    const cut = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: '/files/f.bin', headers: rangeHeaders(whole, 0, 200_000), agent: false });
    cut.on('error', () => undefined);
    cut.write(whole.subarray(0, 64_000));
    await waitFor(() => fs.existsSync(hidden('f.bin', '.ranged.ringrift-partial')) && fs.statSync(hidden('f.bin', '.ranged.ringrift-partial')).size > 0, 'the cut range to start');
    await new Promise((r) => setTimeout(r, 100));
    cut.destroy();
    let done = '';
    for (const deadline = Date.now() + 5000; !/^0-\d+$/.test(done) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      done = String((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-ranges-done'] ?? '');
    }
    const kept = Number(done.split('-')[1]);
    assert.ok(kept > 0 && kept <= 64_000, done);
    assert.equal((await putRange('f.bin', whole, kept, 400_000)).status, 202);
    const commit = await rawRequest(fx.agent, 'PUT', '/files/f.bin', { 'X-Ranged-Commit': '1', 'X-Total-Size': whole.length, 'X-Sha256': sha256(whole) });
    assert.equal(commit.status, 201, commit.body);
    assert.equal(sha256(fs.readFileSync(path.join(fx.root, 'f.bin'))), sha256(whole));
  });

  it('a range already held answers 202 at once; one overlapping part of it is a conflict', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(5000);
    assert.equal((await putRange('f.bin', whole, 0, 1000)).status, 202);
    assert.equal((await putRange('f.bin', whole, 0, 1000)).status, 202);
    const r = await putRange('f.bin', whole, 500, 1500);
    assert.equal(r.status, 409);
    assert.equal(r.json().code, 'range_conflict');
  });

  it('ranges of one transfer upload at once; another file or a single-stream PUT meanwhile is busy', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(400_000);
    // A range whose body is held back keeps the transfer open.
    const held = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: '/files/f.bin', headers: rangeHeaders(whole, 0, 200_000), agent: false });
    held.on('error', () => undefined);
    held.write(whole.subarray(0, 1000));
    await waitFor(() => fs.existsSync(hidden('f.bin', '.ranged.ringrift-partial')), 'the held range to start');
    // While the held range still moves bytes, an overlapping range and another transfer are refused (a quiet one would be cut).
    let sent = 1000;
    const trickle = setInterval(() => held.write(whole.subarray(sent, (sent += 100))), 50);
    const other = bytesOf(400_000, 7);
    try {
      const sameTransfer = await putRange('f.bin', whole, 200_000, 400_000);
      assert.equal(sameTransfer.status, 202, sameTransfer.body);
      const overlapping = await putRange('f.bin', whole, 100_000, 200_000);
      assert.equal(overlapping.json().code, 'range_conflict');
      assert.equal((await putRange('f.bin', other, 0, 1000)).json().code, 'busy');
      assert.equal((await rawRequest(fx.agent, 'PUT', '/files/f.bin', putHeaders(other), other)).json().code, 'busy');
    } finally {
      clearInterval(trickle);
    }
    held.end(whole.subarray(sent, 200_000));
    await waitFor(() => fx.logs.filter((l) => / 202 200000B /.test(l)).length === 2, 'the held range to land');
    assert.equal((await rawRequest(fx.agent, 'PUT', '/files/f.bin', commitHeaders(whole))).status, 201);
  });

  it('HEAD cuts a range whose connection went quiet and lists the bytes it kept; the rest then lands', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(400_000);
    const held = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: '/files/q.bin', headers: rangeHeaders(whole, 0, 200_000), agent: false });
    held.on('error', () => undefined);
    held.write(whole.subarray(0, 50_000));
    await waitFor(() => fs.existsSync(hidden('q.bin', '.ranged.ringrift-partial')), 'the held range to start');
    const closed = new Promise((resolve) => held.on('close', resolve));
    const head = await rawRequest(fx.agent, 'HEAD', '/files/q.bin');
    await closed;
    assert.match(String(head.headers['x-ranges-done']), /^0-\d+$/, 'the cut range kept its prefix');
    const kept = Number(String(head.headers['x-ranges-done']).split('-')[1]);
    assert.ok(kept > 0 && kept <= 50_000, `kept ${kept}`);
    const rest = await putRange('q.bin', whole, kept, 400_000);
    assert.equal(rest.status, 202, rest.body);
    assert.equal((await rawRequest(fx.agent, 'PUT', '/files/q.bin', commitHeaders(whole))).status, 201);
    assert.ok(fs.readFileSync(path.join(fx.root, 'q.bin')).equals(whole));
  });

  it('ranges of another file, or a broken sidecar, are dropped when a new transfer starts', async () => {
    fx = await startTestAgent();
    const first = bytesOf(5000, 1);
    const second = bytesOf(5000, 2);
    assert.equal((await putRange('f.bin', first, 0, 1000)).status, 202);
    assert.equal((await putRange('f.bin', second, 1000, 2000)).status, 202);
    const head = await rawRequest(fx.agent, 'HEAD', '/files/f.bin');
    assert.equal(head.headers['x-ranged-sha256'], sha256(second));
    assert.equal(head.headers['x-ranges-done'], '1000-2000');
    fs.writeFileSync(hidden('f.bin', '.ringrift-ranges'), '{"version":1,');
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-ranges-done'], undefined);
    assert.equal((await putRange('f.bin', second, 0, 1000)).status, 202);
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-ranges-done'], '0-1000');
  });

  it('422 on commit when the ranges assemble to another file: partial and sidecar dropped, target untouched', async () => {
    fx = await startTestAgent();
    const claimed = bytesOf(3000, 1);
    const sent = bytesOf(3000, 2);
    fs.writeFileSync(file('f.bin'), 'old');
    // Each range hashes right, but they are another file's bytes than X-Sha256 names.
    const r = await putRange('f.bin', sent, 0, 3000, { 'X-Sha256': sha256(claimed) });
    assert.equal(r.status, 202, r.body);
    const c = await rawRequest(fx.agent, 'PUT', '/files/f.bin', commitHeaders(claimed));
    assert.equal(c.status, 422);
    assert.equal(fs.readFileSync(file('f.bin'), 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(fx.root), ['f.bin']);
  });

  it('a single-stream PUT that lands removes a stale ranged transfer of the target', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(5000);
    assert.equal((await putRange('f.bin', bytesOf(5000, 9), 0, 1000)).status, 202);
    assert.equal((await rawRequest(fx.agent, 'PUT', '/files/f.bin', putHeaders(whole), whole)).status, 201);
    assert.deepEqual(fs.readdirSync(fx.root), ['f.bin']);
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-ranges-done'], undefined);
  });

  it('reserves its bookkeeping names: no /files/ request reaches a sidecar', async () => {
    fx = await startTestAgent();
    const r = await rawRequest(fx.agent, 'GET', '/files/.f.bin.ringrift-ranges');
    assert.equal(r.status, 400);
    assert.equal(r.json().code, 'bad_path');
  });
});
