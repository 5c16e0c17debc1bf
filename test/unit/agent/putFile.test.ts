import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { answerBeforeBody, bytesOf, putHeaders, rawRequest, sha256, sizeOf, startTestAgent, waitFor, type AgentFixture } from './agentFixture';

describe('agent PUT /files/<rel>', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());
  const partialOf = (rel: string) => path.join(fx.root, path.dirname(rel), `.${path.basename(rel)}.ringrift-partial`);

  it('stores the file under the root (creating directories), answers 201 {size, sha256}, leaves no partial', async () => {
    fx = await startTestAgent();
    const body = bytesOf(300_000);
    const r = await rawRequest(fx.agent, 'PUT', '/files/models/v1/m.bin', putHeaders(body), body);
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json(), { size: body.length, sha256: sha256(body) });
    assert.ok(fs.readFileSync(path.join(fx.root, 'models/v1/m.bin')).equals(body));
    assert.equal(fs.existsSync(partialOf('models/v1/m.bin')), false);
  });

  it('replaces an existing file only when the new one is complete and verified', async () => {
    fx = await startTestAgent();
    fs.writeFileSync(path.join(fx.root, 'f.bin'), 'old content');
    const body = bytesOf(5000, 2);
    const r = await rawRequest(fx.agent, 'PUT', '/files/f.bin', putHeaders(body), body);
    assert.equal(r.status, 201);
    assert.ok(fs.readFileSync(path.join(fx.root, 'f.bin')).equals(body));
    // HEAD right after knows the hash (primed by the PUT, equal to the content's).
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/f.bin')).headers['x-sha256'], sha256(body));
  });

  it('422 when the bytes do not hash to X-Sha256: partial dropped, old file untouched', async () => {
    fx = await startTestAgent();
    fs.writeFileSync(path.join(fx.root, 'f.bin'), 'old content');
    const body = bytesOf(5000);
    const r = await rawRequest(fx.agent, 'PUT', '/files/f.bin', { ...putHeaders(body), 'X-Sha256': sha256('something else') }, body);
    assert.equal(r.status, 422);
    assert.equal(r.json().code, 'checksum_mismatch');
    assert.equal(fs.readFileSync(path.join(fx.root, 'f.bin'), 'utf8'), 'old content');
    assert.equal(fs.existsSync(partialOf('f.bin')), false);
  });

  it('507 before any byte is written when the disk cannot hold the rest; old file intact, no partial', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 1000 });
    fs.writeFileSync(path.join(fx.root, 'f.bin'), 'old content');
    const body = bytesOf(5000);
    const r = await rawRequest(fx.agent, 'PUT', '/files/f.bin', putHeaders(body), body);
    assert.equal(r.status, 507);
    assert.equal(r.json().freeBytes, 1000);
    assert.equal(r.json().neededBytes, 5000);
    assert.match(String(r.json().error), /test-node has 0\.0 MiB free/);
    assert.equal(fs.readFileSync(path.join(fx.root, 'f.bin'), 'utf8'), 'old content');
    assert.equal(fs.existsSync(partialOf('f.bin')), false);
    assert.equal(fs.existsSync(path.join(fx.root, 'sub')), false);
  });

  it('with Expect: 100-continue, a refusal arrives before the client sends the body', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 10 });
    const body = bytesOf(5000);
    const got = await answerBeforeBody(fx.agent, 'PUT', '/files/big.bin', putHeaders(body));
    assert.deepEqual(got, { status: 507, continued: false });
  });

  it('a refusal before 100 Continue reaches a client already sending its body (the close lingers, no reset)', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(1 << 20);
    fs.writeFileSync(partialOf('r.bin'), whole.subarray(0, 3000));
    const head = Object.entries({ ...putHeaders(whole, 5000), Expect: '100-continue' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const sock = net.connect({ host: fx.agent.address, port: fx.agent.port, allowHalfOpen: true });
    const received: Buffer[] = [];
    const ended = new Promise<string>((resolve) => {
      sock.on('data', (c: Buffer) => received.push(c));
      sock.on('end', () => resolve('end'));
      sock.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    });
    // Paused, the reply waits unread while the body goes on, as in a client busy writing.
    sock.pause();
    sock.write(`PUT /files/r.bin HTTP/1.1\r\nHost: node\r\n${head}\r\n`);
    sock.write(whole.subarray(5000, 70_000));
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      sock.write(whole.subarray(70_000 + i * 65_536, 70_000 + (i + 1) * 65_536));
      await new Promise((r) => setTimeout(r, 50));
    }
    sock.resume();
    assert.equal(await ended, 'end');
    sock.destroy();
    const reply = Buffer.concat(received).toString('latin1');
    assert.match(reply, /^HTTP\/1\.1 409 /);
    assert.match(reply, /x-partial-size: 3000/i);
  });

  it('resumes: a short body is kept (202 + X-Partial-Size), the rest from X-Offset completes it', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(10_000, 3);
    const first = await rawRequest(fx.agent, 'PUT', '/files/r.bin', putHeaders(whole, 0, whole.subarray(0, 4000)), whole.subarray(0, 4000));
    assert.equal(first.status, 202);
    assert.equal(first.headers['x-partial-size'], '4000');
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/r.bin')).headers['x-partial-size'], '4000');
    const rest = await rawRequest(fx.agent, 'PUT', '/files/r.bin', putHeaders(whole, 4000), whole.subarray(4000));
    assert.equal(rest.status, 201, rest.body);
    assert.ok(fs.readFileSync(path.join(fx.root, 'r.bin')).equals(whole));
  });

  it('409 with X-Partial-Size when X-Offset is not where the partial ends', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(10_000);
    fs.writeFileSync(partialOf('r.bin'), whole.subarray(0, 3000));
    for (const offset of [0, 5000]) {
      const r = await rawRequest(fx.agent, 'PUT', '/files/r.bin', putHeaders(whole, offset), whole.subarray(offset));
      assert.equal(r.status, 409);
      assert.equal(r.headers['x-partial-size'], '3000');
      assert.equal(r.json().code, 'offset_mismatch');
    }
    assert.equal(sizeOf(partialOf('r.bin')), 3000);
  });

  it('a resumed partial that was not this file\'s prefix fails the final check: 422, partial dropped', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(10_000, 4);
    fs.writeFileSync(partialOf('r.bin'), bytesOf(3000, 99));
    const r = await rawRequest(fx.agent, 'PUT', '/files/r.bin', putHeaders(whole, 3000), whole.subarray(3000));
    assert.equal(r.status, 422);
    assert.equal(fs.existsSync(partialOf('r.bin')), false);
    assert.equal(fs.existsSync(path.join(fx.root, 'r.bin')), false);
  });

  it('drops a partial longer than the announced file (another version) and starts at 0', async () => {
    fx = await startTestAgent();
    fs.writeFileSync(partialOf('r.bin'), bytesOf(20_000, 5));
    const whole = bytesOf(1000, 6);
    const r = await rawRequest(fx.agent, 'PUT', '/files/r.bin', putHeaders(whole), whole);
    assert.equal(r.status, 201);
    assert.ok(fs.readFileSync(path.join(fx.root, 'r.bin')).equals(whole));
  });

  it('a connection cut mid-body keeps what arrived as the partial; the old file stays', async () => {
    fx = await startTestAgent();
    fs.writeFileSync(path.join(fx.root, 'c.bin'), 'old content');
    const whole = bytesOf(200_000, 7);
    const req = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: '/files/c.bin', agent: false, headers: putHeaders(whole) });
    req.on('error', () => undefined);
    req.write(whole.subarray(0, 50_000));
    await waitFor(() => sizeOf(partialOf('c.bin')) === 50_000, 'the first 50000 bytes in the partial');
    req.destroy();
    await waitFor(() => fx.logs.some((l) => l.includes('PUT /files/c.bin client-gone 50000B')), 'the agent to log the cut upload');
    assert.equal(fs.readFileSync(path.join(fx.root, 'c.bin'), 'utf8'), 'old content');
    assert.ok(fs.readFileSync(partialOf('c.bin')).equals(whole.subarray(0, 50_000)));
    const rest = await rawRequest(fx.agent, 'PUT', '/files/c.bin', putHeaders(whole, 50_000), whole.subarray(50_000));
    assert.equal(rest.status, 201);
    assert.ok(fs.readFileSync(path.join(fx.root, 'c.bin')).equals(whole));
  });

  it('400 for .., absolute paths and NUL (raw URLs, as a hostile client sends them), nothing written', async () => {
    fx = await startTestAgent();
    const body = bytesOf(10);
    for (const p of ['/files/../escape', '/files/a/../../escape', '/files//tmp/escape', '/files/%2Ftmp%2Fescape', '/files/a%00b']) {
      const r = await rawRequest(fx.agent, 'PUT', p, putHeaders(body), body);
      assert.equal(r.status, 400, p);
      assert.equal(r.json().code, 'bad_path');
    }
    assert.deepEqual(fs.readdirSync(fx.root), []);
    assert.equal(fs.existsSync(path.join(path.dirname(fx.root), 'escape')), false);
  });

  it('400 for missing or malformed X-Sha256 / X-Total-Size / X-Offset', async () => {
    fx = await startTestAgent();
    const body = bytesOf(10);
    const good = putHeaders(body);
    const bads: Record<string, string>[] = [{ 'X-Sha256': 'abc' }, { 'X-Total-Size': '-1' }, { 'X-Total-Size': 'ten' }, { 'X-Offset': '11' }];
    for (const bad of bads) {
      const r = await rawRequest(fx.agent, 'PUT', '/files/h.bin', { ...good, ...bad }, body);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.json().code, 'bad_headers');
    }
  });

  it('400 and no partial when the body runs past X-Total-Size', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(100);
    const longer = Buffer.concat([whole, Buffer.from('extra')]);
    const r = await rawRequest(fx.agent, 'PUT', '/files/l.bin', { ...putHeaders(whole), 'Content-Length': longer.length }, longer);
    assert.equal(r.status, 400);
    assert.equal(r.json().code, 'body_too_long');
    assert.equal(fs.existsSync(partialOf('l.bin')), false);
  });

  it('409 when the target is a directory, 400 when a symlink leads out of the root', async () => {
    fx = await startTestAgent();
    fs.mkdirSync(path.join(fx.root, 'adir'));
    fs.symlinkSync('/tmp', path.join(fx.root, 'out'));
    const body = bytesOf(10);
    assert.equal((await rawRequest(fx.agent, 'PUT', '/files/adir', putHeaders(body), body)).status, 409);
    assert.equal((await rawRequest(fx.agent, 'PUT', '/files/out/x.bin', putHeaders(body), body)).status, 400);
  });

  /** A PUT of `whole` that has sent `sent` bytes and holds its connection open. */
  async function heldUpload(rel: string, whole: Buffer, sent: number): Promise<http.ClientRequest> {
    const req = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: `/files/${rel}`, agent: false, headers: putHeaders(whole) });
    req.on('error', () => undefined);
    req.write(whole.subarray(0, sent));
    await waitFor(() => sizeOf(partialOf(rel)) === sent, `the first upload to hold ${sent} bytes`);
    return req;
  }

  it('409 busy for a second upload to a file another one is still sending', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(500_000);
    const first = await heldUpload('b.bin', whole, 1000);
    let sent = 1000;
    const trickle = setInterval(() => first.write(whole.subarray(sent, (sent += 100))), 50);
    try {
      const second = await rawRequest(fx.agent, 'PUT', '/files/b.bin', putHeaders(whole), whole);
      assert.equal(second.status, 409);
      assert.equal(second.json().code, 'busy');
    } finally {
      clearInterval(trickle);
      first.destroy();
    }
  });

  it('cuts an upload whose connection went quiet (a reset this end never saw) for the next one, keeping its bytes', async () => {
    fx = await startTestAgent();
    const whole = bytesOf(5000);
    const first = await heldUpload('q.bin', whole, 1000);
    const closed = new Promise((resolve) => first.on('close', resolve));
    const second = await rawRequest(fx.agent, 'PUT', '/files/q.bin', putHeaders(whole), whole);
    assert.equal(second.status, 409, second.body);
    assert.equal(second.json().code, 'offset_mismatch', 'not busy: the quiet holder was cut');
    assert.equal(second.json().partialSize, 1000, 'its bytes stay for resume');
    await closed;
    const rest = await rawRequest(fx.agent, 'PUT', '/files/q.bin', putHeaders(whole, 1000), whole.subarray(1000));
    assert.equal(rest.status, 201, rest.body);
    assert.ok(fs.readFileSync(path.join(fx.root, 'q.bin')).equals(whole));
  });

  it('takes concurrent uploads to different files', async () => {
    fx = await startTestAgent();
    const files = [1, 2, 3, 4].map((i) => ({ rel: `c/f${i}.bin`, body: bytesOf(1 << 20, i) }));
    const replies = await Promise.all(files.map((f) => rawRequest(fx.agent, 'PUT', `/files/${f.rel}`, putHeaders(f.body), f.body)));
    assert.deepEqual(replies.map((r) => r.status), [201, 201, 201, 201]);
    for (const f of files) assert.ok(fs.readFileSync(path.join(fx.root, f.rel)).equals(f.body));
  });

  it('counts bytes other uploads still need against free disk', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 6000, stallAfterBytes: 100 });
    const whole = bytesOf(5000);
    const first = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: '/files/one.bin', agent: false, headers: putHeaders(whole) });
    first.on('error', () => undefined);
    first.write(whole);
    await waitFor(() => sizeOf(partialOf('one.bin')) === 100, 'the first upload to start');
    const second = await rawRequest(fx.agent, 'PUT', '/files/two.bin', putHeaders(whole), whole);
    assert.equal(second.status, 507);
    assert.equal(second.json().freeBytes, 1000);
    first.destroy();
  });
  describe('X-Sha256 as a trailer (a client that hashes while it sends)', () => {
    /** A chunked PUT whose sha256 comes after the body, as agentUpload sends it. */
    function putWithTrailer(rel: string, body: Buffer, trailerSha: string | undefined): Promise<{ status: number; json: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const req = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'PUT', path: `/files/${rel}`, agent: false,
          headers: { 'X-Total-Size': body.length, Trailer: 'X-Sha256' } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
        });
        req.on('error', reject);
        req.write(body);
        if (trailerSha) req.addTrailers({ 'X-Sha256': trailerSha });
        req.end();
      });
    }

    it('verifies against the trailer: 201 when it matches', async () => {
      fx = await startTestAgent();
      const body = bytesOf(200_000, 8);
      const r = await putWithTrailer('t.bin', body, sha256(body));
      assert.equal(r.status, 201);
      assert.ok(fs.readFileSync(path.join(fx.root, 't.bin')).equals(body));
    });

    it('422 and no file when the trailer does not match', async () => {
      fx = await startTestAgent();
      const r = await putWithTrailer('t.bin', bytesOf(1000), sha256('other'));
      assert.equal(r.status, 422);
      assert.equal(fs.existsSync(path.join(fx.root, 't.bin')), false);
    });

    it('400 when the announced trailer never comes; the bytes stay as a partial to resume with the header', async () => {
      fx = await startTestAgent();
      const body = bytesOf(1000);
      const r = await putWithTrailer('t.bin', body, undefined);
      assert.equal(r.status, 400);
      assert.equal(r.json.partialSize, 1000);
      const finish = await rawRequest(fx.agent, 'PUT', '/files/t.bin', putHeaders(body, 1000), Buffer.alloc(0));
      assert.equal(finish.status, 201);
    });

    it('400 when the sha256 comes neither as a header nor as an announced trailer', async () => {
      fx = await startTestAgent();
      const body = bytesOf(10);
      const r = await rawRequest(fx.agent, 'PUT', '/files/t.bin', { 'X-Total-Size': 10, 'Content-Length': 10 }, body);
      assert.equal(r.status, 400);
      assert.match(String(r.json().error), /header or as a trailer/);
    });
  });
});
