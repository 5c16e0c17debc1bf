import { strict as assert } from 'node:assert';
import { isUtf8 } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadHostsFile, locateHostsFile } from '../../../../src/core/hosts';
import { firstInvalidUtf8 } from '../../../../src/core/hosts/loadHostsFile';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { seededRandom as random } from '../../helpers/seededRandom';
import { at, codes, HOME, REAL_2026_01_01 } from './fixtures';

describe('loadHostsFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-hosts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('loads a real file with file name, nodes and no diagnostics', async () => {
    const r = await loadHostsFile(REAL_2026_01_01, { homedir: HOME });
    assert.ok(r.ok);
    assert.equal(r.value.fileName, REAL_2026_01_01);
    assert.equal(r.value.nodes.length, 42);
    assert.deepEqual(r.value.diagnostics, []);
  });

  it('a missing file is unreadable, with the path and ENOENT', async () => {
    const r = await loadHostsFile(path.join(dir, 'nope.yaml'));
    assert.ok(!r.ok);
    assert.equal(r.code, 'unreadable');
    assert.match(r.message, /nope\.yaml' does not exist \(ENOENT\)/);
  });

  it('a file that vanishes after it was located is unreadable, not a throw', async () => {
    const p = write('distributed_hosts.yaml', 'hosts:\n  a:\n    ssh_host: 127.0.0.1\n');
    const located = locateHostsFile({ env: {}, cwd: dir });
    assert.deepEqual(located, { ok: true, value: p });
    fs.unlinkSync(p);
    const r = await loadHostsFile(located.ok ? located.value : '');
    assert.ok(!r.ok);
    assert.match(r.message, /ENOENT/);
  });

  it('a directory given as the file is unreadable with a message saying so', async () => {
    const r = await loadHostsFile(dir);
    assert.ok(!r.ok);
    assert.match(r.message, /is a directory: give the path of distributed_hosts.yaml itself/);
  });

  it('a named pipe is refused at once instead of waiting for a writer', async function () {
    this.timeout(5000); // bound: a blocking open would hang
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await loadHostsFile(fifo);
    assert.ok(!r.ok);
    assert.match(r.message, /not a regular file/);
  });

  it('an empty file is one error at 1:1', async () => {
    const r = await loadHostsFile(write('empty.yaml', ''));
    assert.ok(r.ok);
    assert.deepEqual(r.value.diagnostics.map((d) => [d.code, at(d)]), [['empty_file', '1:1']]);
  });

  it('a binary file is one error at its first NUL byte', async () => {
    const r = await loadHostsFile(write('binary.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x0a, 0x02, 0x00, 0xff, 0xfe])));
    assert.ok(r.ok);
    assert.deepEqual(r.value.diagnostics.map((d) => [d.code, at(d)]), [['binary_file', '2:2']]);
    assert.deepEqual(r.value.nodes, []);
  });

  it('invalid UTF-8 is one error at the bad byte, naming it', async () => {
    const r = await loadHostsFile(write('latin1.yaml', Buffer.from('hosts:\n  a:\n    ssh_host: caf\xe9\n', 'latin1')));
    assert.ok(r.ok);
    assert.deepEqual(codes(r.value.diagnostics), ['invalid_utf8']);
    assert.equal(at(r.value.diagnostics[0]), '3:18');
    assert.match(r.value.diagnostics[0].message, /byte 0xE9 here cannot be decoded; save the file as UTF-8/);
  });

  it('a UTF-8 byte-order mark is skipped', async () => {
    const r = await loadHostsFile(write('bom.yaml', '\uFEFFhosts:\n  a:\n    ssh_host: 127.0.0.1\n'));
    assert.ok(r.ok);
    assert.deepEqual(r.value.diagnostics, []);
  });

  it('a YAML syntax error gives its position', async () => {
    const r = await loadHostsFile(write('bad.yaml', 'hosts:\n  a: {ssh_host: 127.0.0.1\n'));
    assert.ok(r.ok);
    assert.ok(r.value.diagnostics.some((d) => d.code === 'yaml_syntax' && d.range.start.line === 3), JSON.stringify(r.value.diagnostics));
  });

  it('a 5,000-host file loads whole, well within a generous bound', async function () {
    this.timeout(20000); // bound only (shared 2-core machine); bench/hosts-parse.ts measures speed
    const r = await loadHostsFile(write('big.yaml', manyHostsYaml(5000)));
    assert.ok(r.ok);
    assert.equal(r.value.nodes.length, 5000);
    assert.deepEqual(r.value.diagnostics, []);
    assert.equal(r.value.nodes[4999].name, 'runpod-4999');
  });

  describe('firstInvalidUtf8', () => {
    it('accepts UTF-8 and finds the first bad, overlong, surrogate or truncated sequence', () => {
      assert.equal(firstInvalidUtf8(Buffer.from('plain ascii, é, 中, 😀')), -1);
      assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1, 'overlong');
      assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, 'surrogate');
      assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2, 'truncated');
      assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0, 'past U+10FFFF');
    });

    it("agrees with Node's isUtf8 (parseHostsBytes asks it first) on random bytes", () => {
      const r = random(7);
      const pieces = [[0x61], [0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff]];
      for (let k = 0; k < 2000; k++) {
        const bytes: number[] = [];
        for (let n = Math.floor(r() * 6); n > 0; n--) bytes.push(...pieces[Math.floor(r() * (r() < 0.7 ? 4 : pieces.length))]);
        const b = Buffer.from(bytes);
        assert.equal(firstInvalidUtf8(b) === -1, isUtf8(b), b.toString('hex'));
      }
    });
  });
});

describe('locateHostsFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-locate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const touch = (rel: string) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, 'hosts: {}\n');
    return p;
  };

  it('an explicit path wins and is resolved against cwd, existing or not', () => {
    touch('distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ explicit: 'other.yaml', env: { RINGRIFT_HOSTS_FILE: 'x' }, cwd: dir }), { ok: true, value: path.join(dir, 'other.yaml') });
  });

  it('then $RINGRIFT_HOSTS_FILE; one that names a missing file says so', () => {
    const p = touch('elsewhere/hosts.yaml');
    touch('distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ env: { RINGRIFT_HOSTS_FILE: p }, cwd: dir }), { ok: true, value: p });
    const missing = locateHostsFile({ env: { RINGRIFT_HOSTS_FILE: 'gone.yaml' }, cwd: dir });
    assert.ok(!missing.ok);
    assert.match(missing.message, /\$RINGRIFT_HOSTS_FILE names 'gone.yaml', which does not exist/);
  });

  it('then ./distributed_hosts.yaml, ./config/..., ./ai-service/config/..., in that order', () => {
    const deepest = touch('ai-service/config/distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ env: {}, cwd: dir }), { ok: true, value: deepest });
    const config = touch('config/distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ env: {}, cwd: dir }), { ok: true, value: config });
    const top = touch('distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ env: { RINGRIFT_HOSTS_FILE: '' }, cwd: dir }), { ok: true, value: top });
  });

  it('takes the .yml spelling too, after .yaml in the same folder', () => {
    const yml = touch('config/distributed_hosts.yml');
    assert.deepEqual(locateHostsFile({ env: {}, cwd: dir }), { ok: true, value: yml });
    const yaml = touch('config/distributed_hosts.yaml');
    assert.deepEqual(locateHostsFile({ env: {}, cwd: dir }), { ok: true, value: yaml });
  });

  it('nothing found: not_found, listing every place it looked', () => {
    const r = locateHostsFile({ env: {}, cwd: dir });
    assert.ok(!r.ok);
    assert.equal(r.code, 'not_found');
    for (const place of ['$RINGRIFT_HOSTS_FILE', './distributed_hosts.yaml', './config/distributed_hosts.yaml', './ai-service/config/distributed_hosts.yaml', dir]) {
      assert.ok(r.message.includes(place), `${place} in: ${r.message}`);
    }
  });
});
