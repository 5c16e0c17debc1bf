import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A clone with nothing beside it must build, test and run: no file the repo tracks may reach for the
 * project's shared material (`../shared`) at test or run time. What tests need is copied in
 * (test/fixtures/realworld, with a line on where it came from).
 */
const root = path.resolve(__dirname, '../../..');
const READS_SHARED = /\.\.\/shared\b|\bshared\/(fixtures|recipes)\//;
/** Text that may name the shared folder: provenance notes, not code that reads it. */
const PROVENANCE = /(^|\/)(README|SOURCE)\.md$/;

describe('the repo is self-contained', () => {
  // This file names the pattern in its own checks below.
  const self = path.relative(root, __filename);
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && f !== self && !PROVENANCE.test(f));

  it('lists the tracked files', () => {
    assert.ok(tracked.includes('package.json'));
  });

  it('no tracked file reads ../shared', () => {
    const offenders = tracked.filter((f) => {
      const p = path.join(root, f);
      return fs.existsSync(p) && fs.statSync(p).size < 4 << 20 && READS_SHARED.test(fs.readFileSync(p, 'latin1'));
    });
    assert.deepEqual(offenders, []);
  });

  it('the check itself recognises such a read', () => {
    assert.ok(READS_SHARED.test(`path.resolve(REPO, '../shared/fixtures/realworld')`));
    assert.ok(READS_SHARED.test(`bash shared/recipes/x.sh`));
    assert.ok(!READS_SHARED.test(`the router state (shared with the CLI)`));
  });
});
