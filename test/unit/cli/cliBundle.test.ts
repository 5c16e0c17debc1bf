import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const REALWORLD = path.resolve(REPO, 'test/fixtures/realworld');

/** The shipped bundle, run as a user would: built fresh, so this checks what `npm run build` produces. */
describe('dist/cli.js (the built bundle)', function () {
  this.timeout(120000); // bound for a build on a busy 2-core machine

  before(async () => {
    await run(process.execPath, ['scripts/build.mjs'], { cwd: REPO, timeout: 110000 });
  });

  for (const [file, count] of [
    ['ringrift-hosts-2025-12-26.yaml', 34],
    ['ringrift-hosts-2026-01-01.yaml', 42],
  ] as const) {
    it(`nodes --json lists all ${count} hosts of ${file}`, async () => {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli.js', 'nodes', '--json', '--hosts', path.join(REALWORLD, file)], { cwd: REPO, timeout: 30000 });
      const { nodes } = JSON.parse(stdout);
      assert.equal(nodes.length, count);
      assert.ok(nodes.every((n: { name: string; transports: string[] }) => n.name && n.transports.length > 0));
      assert.equal(stderr, '');
    });
  }

  it('validate exits 1 with file:line:column lines on a bad file, 2 on a missing one', async () => {
    const bad = await run(process.execPath, ['dist/cli.js', 'validate', '--hosts', 'test/fixtures/hosts/wrong-types.yaml'], { cwd: REPO }).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^test\/fixtures\/hosts\/wrong-types\.yaml:5:15: error: /m);
    const missing = await run(process.execPath, ['dist/cli.js', 'validate', '--hosts', 'nowhere.yaml'], { cwd: REPO }).catch((e) => e);
    assert.equal(missing.code, 2);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  });
});
