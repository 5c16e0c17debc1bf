import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { hoverAt, type NodeLiveState } from '../../../../src/core/language';
import { documentOf, fixtureText, positionOf, REAL_FILES, span } from './languageFixtures';

describe('hoverAt', () => {
  const text = fixtureText('transport-chain.yaml');
  const doc = documentOf(text);
  const hover = (needle: string, plus = 1, nth = 0, live?: Record<string, NodeLiveState>) =>
    hoverAt(doc, positionOf(text, needle, plus, nth), live ? (name) => live[name] : undefined);

  it('describes a field with its default, from the field table', () => {
    const h = hover('fallback: true', 2)!;
    assert.match(h.markdown, /^\*\*fallback\*\* \(boolean\)/);
    assert.match(h.markdown, /Default: `false`/);
    assert.equal(span(h.range), '20:9-20:17');
    assert.equal(h.about, 'field');
  });

  it('says what a transport type needs, and what this host lacks for it', () => {
    const ssh = hover('type: ssh', 7)!;
    assert.match(ssh.markdown, /^\*\*ssh\*\* transport\n\nThe same transport as `rsync`/);
    assert.equal(ssh.about, 'transport');
    const beta = documentOf(text.replace('status: maintenance', 'status: maintenance\n    transports:\n      - type: p2p'));
    const h = hoverAt(beta, positionOf(beta.content, 'type: p2p', 7, 1))!;
    assert.match(h.markdown, /Note: this host has p2p_enabled: false, so p2p is left out\./);
  });

  it('shows a host\'s chain, address and live state on its name, here and where other sections name it', () => {
    const live = { 'gpu-alpha': { enabled: true, transport: 'p2p', ok: true, latencyMs: 12 } };
    const onKey = hover('gpu-alpha:', 1, 0, live)!;
    assert.match(onKey.markdown, /Chain: p2p → rsync → base64\n/);
    assert.match(onKey.markdown, /Address: `127\.0\.0\.12` · user `ubuntu` · status `ready`/);
    assert.match(onKey.markdown, /Live state: \*\*p2p ok 12 ms\*\*/);
    assert.equal(onKey.about, 'host');
    const inVoters = hover('- gpu-alpha', 3, 0, live)!;
    assert.equal(inVoters.markdown, onKey.markdown);
    assert.match(hover('- gpu-beta', 3)!.markdown, /status `maintenance` \(not synced\)/);
  });

  it('says so when a list names no host', () => {
    const broken = documentOf(text.replace('  - gpu-alpha', '  - gpu-gamma'));
    assert.match(hoverAt(broken, positionOf(broken.content, 'gpu-gamma', 2))!.markdown, /No host of this name in `hosts:`/);
  });

  it('says whether a status is synced', () => {
    assert.match(hover('status: maintenance', 10)!.markdown, /`maintenance`: shown, not synced\./);
  });

  it('has nothing to say on comments, and on fields of sections it does not know', () => {
    assert.equal(hover('# A small cluster', 3), undefined);
    const odd = documentOf('protocols:\n  swim:\n    enabled: true\nhosts:\n  a:\n    ssh_host: 127.0.0.2\n');
    assert.equal(hoverAt(odd, { line: 3, column: 6 }), undefined);
    assert.match(hoverAt(odd, { line: 1, column: 3 })!.markdown, /^\*\*protocols\*\*/);
  });

  it('hovers in both real cluster files', () => {
    for (const file of REAL_FILES) {
      const real = fs.readFileSync(file, 'utf8');
      const d = documentOf(real);
      assert.match(hoverAt(d, positionOf(real, '    p2p_enabled: true', 6))!.markdown, /^\*\*p2p_enabled\*\* \(boolean\)/, file);
      assert.match(hoverAt(d, positionOf(real, '  mac-studio:', 4))!.markdown, /^\*\*mac-studio\*\* \(host\)\n\nChain: p2p → rsync → base64 \(default\)/, file);
    }
  });

  it("documents RingRift's fields where the real files use them", () => {
    const real = fs.readFileSync(REAL_FILES[1], 'utf8');
    const d = documentOf(real);
    const at = (needle: string) => hoverAt(d, positionOf(real, needle, 6))!.markdown;
    assert.match(at('    force_relay_mode: true'), /^\*\*force_relay_mode\*\* \(boolean\)\n\n.*skip the direct transports \(p2p, rsync\) and try base64, then http/);
    assert.match(at('    nat_blocked: true'), /behind NAT and accepts no direct connection: syncs skip the direct transports/);
    assert.match(at('    skip_sync_receive: true'), /never a sync target.*`test` still probes it/);
    assert.match(at('    is_ephemeral: true'), /Informational/);
    assert.match(at('    ringrift_path: ~/ringrift'), /Default: `~\/ringrift\/ai-service`/);
    assert.match(hoverAt(d, positionOf(real, '  local-mac:', 4))!.markdown, /status `ready` \(not synced\)/, 'local-mac has skip_sync_receive');
  });
});
