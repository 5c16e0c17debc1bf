// The README's test command: installs what the suites need (when missing), builds, type-checks,
// checks for dead code (knip), then runs the unit, integration, network-lab and real-VS-Code e2e
// suites. Every suite runs even when an earlier step fails (a suite whose parts are missing fails
// itself, saying which), and the last line is the plain total over every suite: "N passed,
// N failed"; exit 1 when any step failed.
import { spawn } from 'node:child_process';

const steps = [
  { name: 'test dependencies', cmd: 'bash', args: ['scripts/install-test-deps.sh'] },
  { name: 'build', cmd: 'npm', args: ['run', '--silent', 'build'], blocks: true },
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  // One test: passes when knip finds no unused file, export or dependency (knip.json names the entries).
  { name: 'dead code', cmd: 'npm', args: ['run', '--silent', 'deadcode'], check: true },
  { name: 'unit', cmd: 'npm', args: ['run', '--silent', 'test:unit'], suite: true },
  { name: 'integration', cmd: 'npm', args: ['run', '--silent', 'test:integration'], suite: true },
  { name: 'lab (network namespaces)', cmd: 'npm', args: ['run', '--silent', 'test:lab'], suite: true },
  { name: 'e2e (real VS Code)', cmd: 'npm', args: ['run', '--silent', 'test:e2e'], suite: true },
];

/** How much of a step's output is kept: enough for mocha's list of failures after its counts. */
const TAIL_CHARS = 64_000;
/** How much of a suite's failures the summary repeats, so that the last screen of a run says which tests failed. */
const FAILURES_CHARS = 3000;

function run(step) {
  return new Promise((resolve) => {
    let tail = '';
    const child = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (b) => {
      process.stdout.write(b);
      tail = (tail + b.toString()).slice(-TAIL_CHARS);
    });
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), tail }));
  });
}

/** mocha prints "N passing" / "N failing"; the e2e runner prints "N passed, N failed". */
function counts(tail) {
  const plain = tail.match(/(\d+) passed, (\d+) failed\s*$/m);
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  const last = (re) => [...tail.matchAll(re)].at(-1);
  const passing = last(/(\d+) passing/g);
  const failing = last(/(\d+) failing/g);
  if (!passing && !failing) return undefined;
  return { passed: Number(passing?.[1] ?? 0), failed: Number(failing?.[1] ?? 0) };
}

/**
 * What a failed suite's output says of its failures, so that the last screen of a run names them:
 * each of mocha's numbered failures (its title and the first lines of its error, not the stack),
 * the Playwright scenarios' ✗ lines and the e2e runner's FAILED line.
 */
function failures(tail) {
  const text = tail.replace(/\x1b\[[0-9;]*m/g, '').replace(/^ *│ ?/gm, '');
  const listed = text.split(/^ *\d+ failing *$/m).slice(1).flatMap((list) =>
    list.split(/^(?= +\d+\) )/m).filter((b) => /^ +\d+\) /.test(b)).map((block) => {
      const lines = block.split('\n');
      const title = lines.findIndex((l) => /:\s*$/.test(l));
      const error = lines.slice(title + 1).filter((l) => l.trim() && !/^\s+at /.test(l)).slice(0, 3);
      return [...lines.slice(0, title + 1), ...error].join('\n');
    }));
  const marked = text.split('\n').filter((l) => /✗ |e2e: FAILED/.test(l));
  const all = [...marked, ...listed].join('\n');
  return all.length > FAILURES_CHARS ? `${all.slice(0, FAILURES_CHARS)}\n...` : all;
}

const summary = [];
let passed = 0;
let failed = 0;
/** Why the suites cannot run at all (the build failed); set, every suite counts as one failure. */
let blocker;
for (const step of steps) {
  console.log(`\n== ${step.name}`);
  const t0 = Date.now();
  if (step.suite && blocker) {
    failed += 1;
    summary.push(`${step.name}: could not run: ${blocker}`);
    continue;
  }
  const { code, tail } = await run(step);
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (step.check) {
    // Its findings (knip prints them, nothing else) go into the summary so they are not scrolled away.
    if (code === 0) passed += 1;
    else failed += 1;
    summary.push(code === 0 ? `${step.name}: 1 passed (${secs} s)` : `${step.name}: 1 failed (exit ${code}, ${secs} s):\n${tail.trimEnd()}`);
    continue;
  }
  if (!step.suite) {
    if (code === 0) continue;
    // A missing install fails the suites that need it, each saying why; the others still run.
    // The type check fails on its own; a failed build leaves nothing to test.
    failed += 1;
    summary.push(`${step.name}: FAILED (exit ${code}, ${secs} s): see its output above`);
    if (step.blocks) blocker = `${step.name} failed (exit ${code})`;
    continue;
  }
  const c = counts(tail);
  // A suite that exits non-zero without counting a failure still failed (it crashed or could not start).
  const f = (c?.failed ?? 0) + (code !== 0 && !(c?.failed > 0) ? 1 : 0);
  passed += c?.passed ?? 0;
  failed += f;
  summary.push(`${step.name}: ${c?.passed ?? 0} passed, ${f} failed (exit ${code}, ${secs} s)`);
  if (f > 0) summary.push(failures(tail).replace(/^/gm, '    '));
}
console.log(`\n== summary\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
