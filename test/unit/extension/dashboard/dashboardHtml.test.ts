import { strict as assert } from 'node:assert';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router';
import { dashboardPage, escapeHtml, renderDashboardBody, timelineSvg } from '../../../../src/extension/dashboard/dashboardHtml';
import { buildDashboard } from '../../../../src/extension/dashboard/dashboardModel';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

describe('dashboard HTML', () => {
  const state = new StateBuilder().probe('<img src=x onerror=alert(1)>', 'p2p', false, { message: '<script>bad()</script>' }).syncOk('<img src=x onerror=alert(1)>', 'rsync').state;
  const model = buildDashboard({ hostsFile: '/h.yaml', nodes: [makeNode({ name: '<img src=x onerror=alert(1)>' })], state, now: NOW, thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds });
  const body = renderDashboardBody(model);

  it('escapes every value from the hosts file and the state', () => {
    assert.ok(!body.includes('<img'), 'no tag from a host name');
    assert.ok(!body.includes('<script>'), 'no tag from an error message');
    assert.ok(body.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(escapeHtml(`"'&<>`), '&quot;&#39;&amp;&lt;&gt;');
  });

  it('renders the matrix, the timeline plot and the metrics', () => {
    assert.match(body, /<table class="matrix"[^>]*><tr><th>node<\/th><th>p2p<\/th><th>http<\/th><th>rsync<\/th><th>base64<\/th><\/tr>/);
    assert.match(body, /<td class="cell s-failed" data-transport="p2p"/);
    assert.match(body, /<svg class="timeline" viewBox="0 0 720 180" role="img" aria-label="Last 24 hours: 1 transport failures, 0 escalations, 0 nodes disabled, 1 successful syncs">/);
    assert.equal((body.match(/<li class="metric /g) ?? []).length, 3);
  });

  it('draws the last fan-out as a line per wave of source → node, escaped, and nothing without one', () => {
    const run = '2026-12-05T11:00:00.000Z';
    const events = [
      { type: 'SYNC_PULLED' as const, time: run, node: '<b>', source: 'seed', wave: 2, bytes: 1, durationMs: 2500, run },
      { type: 'SYNC_PULLED' as const, time: run, node: 'late', source: '<b>', wave: 3, bytes: 1, durationMs: 1000, run },
    ];
    const html = renderDashboardBody(buildDashboard({ hostsFile: '/h.yaml', nodes: [], state, now: NOW, thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds, events }));
    assert.match(html, /<h2>Last fan-out: which node fed which<\/h2>/);
    assert.match(html, /2 node\(s\) pulled a verified copy from a peer · seeded from this machine: seed/);
    assert.deepEqual([...html.matchAll(/<li data-wave="(\d)"><span class="wave">wave \d<\/span> (.*?)<\/li>/g)].map((m) => [m[1], m[2].replace(/<[^>]+>/g, '')]), [
      ['2', 'seed → &lt;b&gt;'],
      ['3', '&lt;b&gt; → late'],
    ]);
    assert.match(html, /title="&lt;b&gt; pulled its copy from seed in 2\.5 s, verified"/);
    assert.ok(!body.includes('fan-out'), 'the page without fan-out events has no section');
  });

  it('draws one bar per non-zero series value, scaled to the highest', () => {
    const buckets = Array.from({ length: 24 }, (_, i) => ({ start: i * 3_600_000, failures: i === 23 ? 4 : 0, escalations: i === 23 ? 2 : 0, disables: 0, syncs: 0 }));
    const svg = timelineSvg(buckets);
    const bars = [...svg.matchAll(/<rect class="bar (\w+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)].map((m) => [m[1], Number(m[3])]);
    assert.deepEqual(bars.map((b) => b[0]), ['failures', 'escalations']);
    assert.ok(Math.abs((bars[0][1] as number) / (bars[1][1] as number) - 2) < 0.01, 'heights proportional');
  });

  it('locks the page down: CSP with a nonce for its one script, no inline styles, nothing remote', () => {
    const page = dashboardPage({ nonce: 'N0nce', cspSource: 'https://webview.test', styleUri: 'https://webview.test/d.css', scriptUri: 'https://webview.test/d.js', body });
    assert.match(page, /content="default-src 'none'; style-src https:\/\/webview\.test; img-src https:\/\/webview\.test data:; font-src https:\/\/webview\.test; script-src 'nonce-N0nce';"/);
    assert.match(page, /<script nonce="N0nce" src="https:\/\/webview\.test\/d\.js"><\/script>/);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
    assert.ok(!/style="/.test(page), 'no style attribute (the CSP would block it)');
    assert.ok(!/https?:\/\/(?!webview\.test)/.test(page), 'no remote URL');
  });
});
