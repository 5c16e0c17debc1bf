import { strict as assert } from 'node:assert';
import { classifySocketError } from '../../../../src/core/transports/netChecks';

const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code}`), { code });

describe('netChecks', () => {
  it("maps socket errors to nc -zv's outcomes, each with what to check", () => {
    const cases: Array<[string, string, RegExp]> = [
      ['ECONNREFUSED', 'refused', /connection refused.*service down or wrong port/],
      ['ENOTFOUND', 'dns', /gpu-1\.example: name does not resolve/],
      ['EAI_AGAIN', 'dns', /ENOTFOUND|EAI_AGAIN/],
      ['EHOSTUNREACH', 'unreachable', /no route.*tailscale/],
      ['ENETUNREACH', 'unreachable', /no route/],
      ['ETIMEDOUT', 'timeout', /timed out/],
    ];
    for (const [code, outcome, message] of cases) {
      const r = classifySocketError(err(code), 'gpu-1.example', 22);
      assert.equal(r.outcome, outcome, code);
      assert.match(r.message, message, code);
    }
  });

  it('brackets IPv6 addresses in messages', () => {
    assert.match(classifySocketError(err('ECONNREFUSED'), 'fd7a::5', 8770).message, /^\[fd7a::5\]:8770: /);
  });
});
