// Bundles the extension-host suite (test/e2e/suite/*.ts) into out/e2e/, one file per entry.
// `vscode` is provided by the extension host; mocha is loaded from the repo's node_modules.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

export async function buildSuite(repoRoot) {
  const suiteDir = path.join(repoRoot, 'test/e2e/suite');
  const outdir = path.join(repoRoot, 'out/e2e');
  // Stale bundles of deleted tests must not run.
  fs.rmSync(outdir, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(suiteDir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(suiteDir, f));
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return outdir;
}
