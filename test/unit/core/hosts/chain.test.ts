import { strict as assert } from 'node:assert';
import { defaultChain } from '../../../../src/core/hosts/chain';
import { about, at, codes, node, parseFixture, parseText } from './fixtures';

describe('chain', () => {
  describe('defaultChain', () => {
    it('is p2p -> http -> rsync -> base64 minus what the host rules out', () => {
      assert.deepEqual(defaultChain({ name: 'a', p2pEnabled: true, httpPort: 20640 }), ['p2p', 'http', 'rsync', 'base64']);
      assert.deepEqual(defaultChain({ name: 'a', p2pEnabled: true, httpPort: undefined }), ['p2p', 'rsync', 'base64']);
      assert.deepEqual(defaultChain({ name: 'a', p2pEnabled: false, httpPort: 20640 }), ['http', 'rsync', 'base64']);
      assert.deepEqual(defaultChain({ name: 'a', p2pEnabled: false, httpPort: undefined }), ['rsync', 'base64']);
    });
  });

  describe('hosts without transports:', () => {
    const file = parseFixture('default-chains.yaml');

    it('resolve to the default chain, with no diagnostics', () => {
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(
        file.nodes.map((n) => [n.name, n.transports.join('>'), n.chainSource]),
        [
          ['everything', 'p2p>http>rsync>base64', 'default'],
          ['no-http-port', 'p2p>rsync>base64', 'default'],
          ['p2p-off', 'http>rsync>base64', 'default'],
          ['behind-nat', 'p2p>rsync>base64', 'default'],
        ],
      );
      assert.equal(node(file, 'behind-nat').natBlocked, true);
    });
  });

  describe("a host's own transports:", () => {
    const file = parseFixture('own-chain.yaml');

    it("the runbook's chain: ssh is rsync, fallback and last_resort accepted", () => {
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(node(file, 'runbook').transports, ['p2p', 'rsync', 'base64']);
      assert.equal(node(file, 'runbook').chainSource, 'host');
    });

    it('is ordered by priority, not by file order', () => {
      assert.deepEqual(node(file, 'shuffled').transports, ['http', 'rsync', 'base64']);
    });

    it('steps without priority follow the others in file order', () => {
      const f = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    transports:\n      - type: base64\n      - type: rsync\n        priority: 5\n      - type: p2p\n');
      assert.deepEqual(f.diagnostics, []);
      assert.deepEqual(node(f, 'a').transports, ['rsync', 'base64', 'p2p']);
    });
  });

  describe('problems in transports:', () => {
    const file = parseFixture('chain-problems.yaml');

    it('an unknown type is an error with a did-you-mean, at the type', () => {
      const ds = about(file, 'vast-1');
      assert.deepEqual(codes(ds), ['unknown_transport', 'unknown_transport', 'unknown_transport']);
      assert.equal(ds[0].message, "host 'vast-1': transport type 'rsyn' is unknown (did you mean 'rsync'?); known types: p2p, http, rsync, ssh, base64");
      assert.match(ds[1].message, /'b64' is unknown \(did you mean 'base64'\?\)/);
      assert.match(ds[2].message, /'base46' is unknown \(did you mean 'base64'\?\)/);
      assert.deepEqual(ds.map(at), ['6:15', '8:15', '10:15']);
      assert.deepEqual(ds[0].path, ['hosts', 'vast-1', 'transports', 0, 'type']);
      assert.deepEqual(node(file, 'vast-1').transports, ['p2p'], 'the unknown steps are dropped');
      assert.equal(node(file, 'vast-1').ready, false);
    });

    it('two steps with one priority: an error at the second, file order kept', () => {
      const ds = about(file, 'same-priority');
      assert.deepEqual(codes(ds), ['duplicate_priority']);
      assert.equal(at(ds[0]), '20:19');
      assert.match(ds[0].message, /transports\[1\] \(rsync\) and transports\[0\] \(p2p\) both have priority 1/);
      assert.deepEqual(node(file, 'same-priority').transports, ['p2p', 'rsync']);
    });

    it('last_resort that is not last: an error, and it is moved last', () => {
      const ds = about(file, 'early-last-resort');
      assert.deepEqual(codes(ds), ['last_resort_not_last']);
      assert.equal(at(ds[0]), '26:22');
      assert.deepEqual(node(file, 'early-last-resort').transports, ['rsync', 'base64']);
    });

    it('ssh beside rsync collapses to one rsync, with a warning', () => {
      const ds = about(file, 'ssh-and-rsync');
      assert.deepEqual(ds.map((d) => [d.code, d.severity]), [['duplicate_transport', 'warning']]);
      assert.match(ds[0].message, /both rsync and ssh, which are the same transport/);
      assert.deepEqual(node(file, 'ssh-and-rsync').transports, ['rsync']);
      assert.equal(node(file, 'ssh-and-rsync').ready, true, 'a warning does not stop syncing');
    });

    it('p2p with p2p_enabled: false, and http without p2p_public_port: warnings, left out', () => {
      const ds = about(file, 'p2p-disabled');
      assert.deepEqual(codes(ds), ['p2p_disabled_in_chain', 'http_without_port']);
      assert.ok(ds.every((d) => d.severity === 'warning'));
      assert.deepEqual(node(file, 'p2p-disabled').transports, ['rsync']);
    });

    it('an empty list leaves nothing to try: an error', () => {
      const ds = about(file, 'nothing-left');
      assert.deepEqual(codes(ds), ['empty_chain']);
      assert.deepEqual(node(file, 'nothing-left').transports, []);
    });

    it('a step without type, and wrong types inside a step, are errors naming the step', () => {
      const f = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    transports:\n      - priority: 1\n      - type: rsync\n        priority: first\n        last_resort: "yes"\n');
      const ds = about(f, 'a');
      assert.deepEqual(codes(ds), ['missing_transport_type', 'wrong_type', 'wrong_type']);
      assert.match(ds[0].message, /transports\[0\] has no type/);
      assert.match(ds[1].message, /^host 'a': transports\[1\]\.priority must be a whole number, got the text 'first'$/);
      assert.match(ds[2].message, /transports\[1\]\.last_resort must be true or false, got the text 'yes'; write true without quotes/);
    });

    it('transports that is not a list: an error, and the default chain is shown', () => {
      const f = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    transports: rsync\n');
      assert.deepEqual(codes(f.diagnostics), ['wrong_type']);
      assert.deepEqual([node(f, 'a').transports, node(f, 'a').chainSource, node(f, 'a').ready], [['p2p', 'rsync', 'base64'], 'default', false]);
    });
  });
});
