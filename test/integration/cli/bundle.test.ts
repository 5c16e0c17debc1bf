import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { CLI_JS, ensureBuilt } from '../harness/cluster';

/** The SSH library's native crypto, as the bundle names it (scripts/build.mjs). */
const BINDING = 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node';

describe('the built CLI bundle', () => {
  before(() => ensureBuilt());

  it("loads ssh2's native crypto from the installed package, not from a path inside dist/", () => {
    const bundle = fs.readFileSync(CLI_JS, 'utf8');
    assert.ok(bundle.includes(`require("${BINDING}")`), 'the bundle requires the binding by its package path');
    let binding: { AESGCMCipher?: unknown };
    try {
      binding = createRequire(CLI_JS)(BINDING) as typeof binding;
    } catch (err) {
      assert.fail(`ssh2's native crypto does not load from ${CLI_JS} (npm ci builds it: it needs python3, make and a C++ compiler): ${(err as Error).message}`);
    }
    assert.equal(typeof binding.AESGCMCipher, 'function');
  });
});
