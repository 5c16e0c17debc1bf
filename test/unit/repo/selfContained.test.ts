import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A clone with nothing beside it must build, test and run: no file the repo tracks may reach for the
 * project's shared material (the `shared` folder beside the repo) at test or run time. What tests
 * need is copied in (test/fixtures/realworld, with a line on where it came from).
 */
const root = path.resolve(__dirname, '../../..');
const READS_SHARED = /\.\.\/shared\b|\bshared\/(fixtures|recipes)\//;
/** Text that may name the shared folder: provenance notes, not code that reads it. */
const PROVENANCE = /(^|\/)(README|SOURCE)\.md$/;

/** The reads the check looks for, built from parts so this file is not one of them. */
const SHARED_BESIDE = ['..', 'shared'].join('/');
const SHARED_RECIPES = ['shared', 'recipes'].join('/');

describe('the repo is self-contained', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && !PROVENANCE.test(f));

  it('lists the tracked files', () => {
    assert.ok(tracked.includes('package.json'));
  });

  it('no tracked file reads the shared folder beside the repo', () => {
    const offenders = tracked.filter((f) => {
      const p = path.join(root, f);
      return fs.existsSync(p) && fs.statSync(p).size < 4 << 20 && READS_SHARED.test(fs.readFileSync(p, 'latin1'));
    });
    assert.deepEqual(offenders, []);
  });

  it('the check itself recognises such a read', () => {
    assert.ok(READS_SHARED.test(`path.resolve(REPO, '${SHARED_BESIDE}/fixtures/realworld')`));
    assert.ok(READS_SHARED.test(`bash ${SHARED_RECIPES}/x.sh`));
    assert.ok(!READS_SHARED.test(`the router state (shared with the CLI)`));
  });
});
