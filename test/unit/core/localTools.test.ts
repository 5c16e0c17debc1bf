import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isExecutable, onPath } from '../../../src/core/localTools';

describe('localTools', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-tools-'));
    fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'plain'), 'data', { mode: 0o644 });
    fs.mkdirSync(path.join(dir, 'folder'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an executable file is one; a plain file, a folder, a device (/dev/null, what hides a tool) and a missing path are not', () => {
    assert.equal(isExecutable(path.join(dir, 'tool')), true);
    assert.equal(isExecutable(path.join(dir, 'plain')), false);
    assert.equal(isExecutable(path.join(dir, 'folder')), false);
    assert.equal(isExecutable('/dev/null'), false);
    assert.equal(isExecutable(path.join(dir, 'missing')), false);
  });

  it('onPath looks in each PATH folder and ignores empty entries', () => {
    assert.equal(onPath('tool', { PATH: `/nonexistent${path.delimiter}${dir}` }), true);
    assert.equal(onPath('plain', { PATH: dir }), false);
    assert.equal(onPath('tool', { PATH: '' }), false);
    assert.equal(onPath('tool', {}), false);
  });
});
