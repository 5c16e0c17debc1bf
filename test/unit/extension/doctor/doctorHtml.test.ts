import { strict as assert } from 'node:assert';
import { doctorPage, renderDoctorBody } from '../../../../src/extension/doctor/doctorHtml';
import { agentDown, allGood, offline, sshBlocked } from './doctorFixtures';

const META = { at: '2026-01-02T12:00:00.000Z', requested: 3, cancelled: false };

describe('doctor report HTML', () => {
  const report = { nodes: [agentDown(), { ...offline(), node: 'gpu-8' }, { ...allGood(), node: 'gpu-9' }, { node: 'gpu-10', causes: [], skipped: "status is 'maintenance'" }] };
  const body = renderDoctorBody(report, { ...META, requested: 4 });

  it('counts nodes, problems and skipped nodes', () => {
    assert.match(body, /<p class="summary">4 nodes · 2 with problems · 1 skipped<\/p>/);
  });

  it('gives each cause (merged like the CLI) its id, evidence, fix command and one fix button', () => {
    const causes = [...body.matchAll(/<article class="cause" data-cause="(\w+)">/g)].map((m) => m[1]);
    assert.deepEqual(causes, ['agent_not_running', 'node_offline'], 'node_offline of three transports is one cause');
    assert.match(body, /<span class="transports">p2p, rsync, base64<\/span> <code class="cause-id">node_offline<\/code>/);
    assert.equal((body.match(/data-fix /g) ?? []).length, 2);
    assert.match(body, /<button class="primary" data-fix data-node="gpu-7" data-index="0">Run in Terminal…<\/button>/);
    assert.match(body, /<details><summary>Evidence: \d+ checks<\/summary><ul><li>/);
    assert.match(body, /No problem found: p2p, rsync, base64 answered; 100\.0 GiB free\./);
  });

  it('labels a node-console fix as a copy, not a run', () => {
    const html = renderDoctorBody({ nodes: [sshBlocked()] }, META);
    assert.match(html, /data-index="0">Copy for the Node&#39;s Console<\/button>/);
  });

  it('escapes everything from the node and the evidence; the command stays readable', () => {
    const bad = agentDown();
    bad.node = '<img src=x onerror=alert(1)>';
    bad.causes[0].evidence.summary = '<script>x()</script>';
    const html = renderDoctorBody({ nodes: [bad] }, META);
    assert.ok(!html.includes('<img') && !html.includes('<script>'));
    assert.match(html, /<pre><code>ssh -p 22 -i \/home\/op\/\.ssh\/ringrift ubuntu@10\.0\.0\.7 &#39;cd \/srv\/ringrift \|\| exit 1; nohup ringrift-sync agent/);
  });

  it('says when a cancelled run diagnosed only part of the nodes', () => {
    assert.match(renderDoctorBody({ nodes: [agentDown()] }, { ...META, cancelled: true }), /cancelled: 1 of 3 diagnosed/);
  });

  it('allows only its own nonce script and the media folder', () => {
    const page = doctorPage({ nonce: 'N0nce', cspSource: 'vscode-resource:', styleUri: 's.css', scriptUri: 'd.js', body: '' });
    assert.match(page, /content="default-src 'none'; style-src vscode-resource:; img-src vscode-resource: data:; font-src vscode-resource:; script-src 'nonce-N0nce';"/);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
    assert.match(page, /<script nonce="N0nce" src="d.js"><\/script>/);
  });
});
