// Bundles the extension and the CLI. ssh2's optional native parts (cpu-features,
// sshcrypto.node) stay external: ssh2 falls back to its JavaScript crypto without them.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');

// The yaml parser reads process.env.LOG_TOKENS once per token (a debugging hook); a process.env
// read is a slow native call, about 7% of parsing a large hosts file. Strip it from the bundle.
const yamlDebugHooksOff = {
  name: 'yaml-debug-hooks-off',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const fs = await import('node:fs/promises');
      const text = await fs.readFile(args.path, 'utf8');
      return { contents: text.replace(/node_process\.env\.LOG_(TOKENS|STREAM)/g, 'false'), loader: 'js' };
    });
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
  plugins: [yamlDebugHooksOff],
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
