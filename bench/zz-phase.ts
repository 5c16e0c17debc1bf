import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster } from '../test/integration/harness/cluster';
import { nodeSpecOf } from '../test/integration/harness/nodeSpecs';
import { Base64Transport } from '../src/core/transports/base64';
import { openSsh } from '../src/core/ssh/connect';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';
(async () => {
  const c = await startCluster([{ name: 'p', agent: false }]);
  const n = c.node('p');
  const local = path.join(c.dir, 'f'); fs.writeFileSync(local, randomBytes(256 << 20));
  const opts = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: c.knownHostsFile, env: { HOME: c.dir } };
  const t = new Base64Transport(opts);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now(); let first = 0; let full = 0;
    const s = await openSsh(nodeSpecOf(c, n), opts, new AbortController().signal); const tc = performance.now() - t0; if (s.ok) { const te = performance.now(); await s.value.exec('true', { signal: new AbortController().signal }); console.log('connect', tc.toFixed(0), 'exec true', (performance.now() - te).toFixed(0)); s.value.close(); }
    const t1 = performance.now();
    const r = await t.push(nodeSpecOf(c, n), { localPath: local, remotePath: 'o' }, (d) => { if (d > 0 && !first) first = performance.now() - t1; if (d === 256 << 20 && !full) full = performance.now() - t1; }, new AbortController().signal);
    const end = performance.now() - t1;
    console.log(r.ok, 'firstbyte', first.toFixed(0), 'allsent', full.toFixed(0), 'end', end.toFixed(0), 'stream MB/s', (268.4 / ((full - first) / 1000)).toFixed(0), 'load', fs.readFileSync('/proc/loadavg', 'utf8').slice(0, 14));
    fs.rmSync(n.file('o'));
  }
  await c.stop();
})();
