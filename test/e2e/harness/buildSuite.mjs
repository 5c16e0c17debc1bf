// Bundles the extension-host suites (test/e2e/suite/*.ts), one file per entry: the main suite into
// out/e2e/, the Restricted Mode suite (restricted*.test.ts, run in an untrusted window) into
// out/e2e-restricted/. `vscode` is provided by the extension host; mocha comes from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

export async function buildSuite(repoRoot, { restricted = false } = {}) {
  const suiteDir = path.join(repoRoot, 'test/e2e/suite');
  const outdir = path.join(repoRoot, restricted ? 'out/e2e-restricted' : 'out/e2e');
  const wanted = (f) => f.endsWith('.test.ts') && f.startsWith('restricted') === restricted;
  // Stale bundles of deleted tests must not run.
  fs.rmSync(outdir, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(suiteDir).filter((f) => f === 'index.ts' || wanted(f)).map((f) => path.join(suiteDir, f));
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // ssh2's optional native parts stay out, as in scripts/build.mjs (it falls back to JavaScript crypto).
    external: ['vscode', 'mocha', 'cpu-features', '*.node'],
    logLevel: 'warning',
  });
  return outdir;
}
