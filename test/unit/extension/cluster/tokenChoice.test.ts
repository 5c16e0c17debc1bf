import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseToken } from '../../../../src/extension/cluster/tokenChoice';

describe('chooseToken: which cluster token a window uses', () => {
  it('uses the stored token when the environment names none, and over the older RINGRIFT_AGENT_TOKEN', () => {
    assert.equal(chooseToken({}, 'stored'), 'stored');
    assert.equal(chooseToken({ RINGRIFT_AGENT_TOKEN: 'old' }, 'stored'), 'stored');
  });

  it("leaves it to the runbook's variables when they are set (env wins, as for every setting)", () => {
    assert.equal(chooseToken({ RINGRIFT_CLUSTER_AUTH_TOKEN: 'env' }, 'stored'), undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-tok-'));
    try {
      const file = path.join(dir, 'token');
      fs.writeFileSync(file, 'from-file\n');
      assert.equal(chooseToken({ RINGRIFT_CLUSTER_AUTH_TOKEN_FILE: file }, 'stored'), undefined);
      // An unreadable token file is reported by the session's own lookup, not papered over.
      assert.equal(chooseToken({ RINGRIFT_CLUSTER_AUTH_TOKEN_FILE: path.join(dir, 'missing') }, 'stored'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing stored: nothing to choose', () => {
    assert.equal(chooseToken({}, undefined), undefined);
  });
});
