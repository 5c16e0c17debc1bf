/**
 * The extension's size and start: the .vsix that `vsce package --no-dependencies` makes from
 * the current build, activation time and the longest extension-host stall on a 5,000-host file
 * (both need a real VS Code: the e2e run measures them).
 *
 *   node --import tsx bench/extension.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTimed } from './lib/processes';
import { failedRow, type BenchOptions, type BenchRow } from './lib/rows';
import { REPO, benchMain } from './lib/runChild';
import { stallRow } from './lib/stallReport';

const VSCE = path.join(REPO, 'node_modules/.bin/vsce');

export function activationRow(): BenchRow {
  return {
    measure: 'extension activation time',
    ours: 'measured by the e2e run',
    peer: '-',
    ratio: '-',
    goal: '-',
    note: 'Needs a real VS Code; `npm run test:e2e` (code-server) prints "activation took N ms" (the API\'s activationMs). Not started here.',
  };
}

export async function vsixRows(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-vsix-'));
  try {
    const out = path.join(dir, 'ringrift-sync.vsix');
    // The base URLs only rewrite README's relative links inside the package: vsce refuses to
    // package relative images without them when the repository is not on GitHub/GitLab.
    const base = 'https://example.invalid/ringrift-sync';
    const r = await runTimed(VSCE, ['package', '--no-dependencies', '--baseContentUrl', base, '--baseImagesUrl', base, '-o', out], { timeoutMs: 180_000, cwd: REPO });
    if (r.rc !== 0 || !fs.existsSync(out)) throw new Error(`vsce package failed (exit ${r.rc}): ${r.output.trim().split('\n').slice(-3).join(' ')}`);
    const size = fs.statSync(out).size;
    const files = /\((\d+) files?, [^)]*\)/.exec(r.stdout)?.[1] ?? '?';
    // vsce's tree lines: "├─ extension.js [1.35 MB]" or "├─ src/ (171 files) [642.82 KB]".
    const unit = { B: 1, KB: 1e3, MB: 1e6 } as Record<string, number>;
    const entries = [...r.stdout.matchAll(/[├└]─ (\S+)(?: \(\d+ files?\))? \[([\d.]+) (B|KB|MB)\]/g)]
      .map((m) => ({ name: m[1], text: `${m[1]} ${m[2]} ${m[3]}`, bytes: Number(m[2]) * unit[m[3]] }))
      .sort((a, b) => b.bytes - a.bytes);
    return [{
      measure: '.vsix size (vsce package --no-dependencies)',
      ours: `${(size / 1e6).toFixed(2)} MB`,
      peer: '-',
      ratio: '-',
      goal: '-',
      note: `${files} files; largest (uncompressed): ${entries.slice(0, 3).map((e) => e.text).join(', ') || 'see vsce ls'}.` +
        (entries.some((e) => /^(src|test|bench)\/$/.test(e.name)) ? ' Sources, tests or benches are packed too: check .vscodeignore.' : ''),
    }];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  void opts;
  const vsix = await vsixRows().catch((err: Error) => [failedRow('.vsix size (vsce package --no-dependencies)', err.message)]);
  return [activationRow(), stallRow(REPO), ...vsix];
}

benchMain(module, bench);
