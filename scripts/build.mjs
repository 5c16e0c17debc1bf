// Bundles the extension and the CLI. ssh2's optional native parts (cpu-features,
// sshcrypto.node) stay external: ssh2 falls back to its JavaScript crypto without them.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  external: ['cpu-features', '*.node'],
  logLevel: 'warning',
};
const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const fs = await import('node:fs');
  fs.chmodSync('dist/cli.js', 0o755);
}
