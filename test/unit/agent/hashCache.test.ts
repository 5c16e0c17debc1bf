import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sha256Cache, sha256OfFile } from '../../../src/agent/hashCache';
import { sha256 } from './agentFixture';

describe('agent sha256 cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-hash-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hashes a whole file or its first bytes', async () => {
    const f = path.join(dir, 'f');
    fs.writeFileSync(f, 'hello world');
    assert.equal(await sha256OfFile(f), sha256('hello world'));
    assert.equal(await sha256OfFile(f, 5), sha256('hello'));
    assert.equal(await sha256OfFile(f, 0), sha256(''));
  });

  it('answers from memory while size and mtime stay, and re-reads when the file changes', async () => {
    const f = path.join(dir, 'f');
    fs.writeFileSync(f, 'one');
    const cache = new Sha256Cache();
    const before = fs.statSync(f);
    assert.equal(await cache.get(f, before), sha256('one'));
    // Same size and mtime as remembered: answered from memory, the file is not read again.
    fs.writeFileSync(f, 'two');
    assert.equal(await cache.get(f, before), sha256('one'));
    // A changed mtime means a new hash.
    fs.utimesSync(f, before.atime, new Date(before.mtimeMs + 5000));
    assert.equal(await cache.get(f, fs.statSync(f)), sha256('two'));
  });
});
