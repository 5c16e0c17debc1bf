// Where the e2e toolchain lives. scripts/setup-e2e.sh owns the versions and the install folder;
// `--check` verifies the install without changing anything and tells us the paths.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** @returns {{ ok: true, prefix: string, node24Dir: string, csBin: string, chromium: string } | { ok: false, message: string }} */
export function findToolchain(repoRoot) {
  const script = path.join(repoRoot, 'scripts/setup-e2e.sh');
  const res = spawnSync('bash', [script, '--check'], { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) {
    const why = (res.stderr || res.error?.message || '').trim().split('\n').filter((l) => !/ present/.test(l)).join('\n');
    return { ok: false, message: `${why}\n(e2e needs code-server, Node 24 and Chromium: run 'bash scripts/setup-e2e.sh' as root)` };
  }
  const vars = Object.fromEntries(
    res.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ok: true, prefix: vars.PREFIX, node24Dir: vars.NODE24_DIR, csBin: vars.CS_BIN, chromium: vars.CHROMIUM };
}
