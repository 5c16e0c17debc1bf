// Bundles the extension and the CLI. ssh2's optional native parts (cpu-features,
// sshcrypto.node) stay external: ssh2 falls back to its JavaScript crypto without them.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';

const watch = process.argv.includes('--watch');

// The yaml package's ESM build (the one it gives browsers; same code): bundled from CommonJS, every
// `isScalar`/`Scalar` use would go through an interop getter, about 5% of validating a 5,000-host
// file. That build also lacks the node build's per-token process.env.LOG_TOKENS read (a debugging
// hook, a slow native call).
const yamlEsm = {
  name: 'yaml-esm',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: fileURLToPath(new URL('../node_modules/yaml/browser/index.js', import.meta.url)) }));
  },
};
// ssh2 loads its native crypto (built by its install script for this machine's Node) by a path
// relative to its own file, which bundled would point into dist/. Resolved from the installed
// package instead: where it loads (the CLI from a checkout or an npm install) SSH pushes take about
// a quarter less client CPU, one buffer per packet instead of three and a cipher object. Elsewhere
// (a .vsix has no node_modules; the extension host's Node is another ABI) ssh2 falls back as before.
const ssh2Binding = {
  name: 'ssh2-binding',
  setup(build) {
    build.onResolve({ filter: /\/sshcrypto\.node$/ }, () => ({ path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true }));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  external: ['cpu-features', '*.node'],
  logLevel: 'warning',
  plugins: [yamlEsm, ssh2Binding],
};
const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The extension parses big hosts files on a worker thread (src/extension/hosts/offThreadParser.ts).
  { ...common, entryPoints: ['src/extension/hosts/hostsParseWorker.ts'], outfile: 'dist/hostsParseWorker.js' },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const fs = await import('node:fs');
  fs.chmodSync('dist/cli.js', 0o755);
}
