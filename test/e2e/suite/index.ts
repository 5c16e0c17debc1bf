// The extensionTestsPath module: VS Code requires this inside the extension host and calls run().
// The tests beside it are separate bundles (out/e2e/*.test.js).
import * as fs from 'node:fs';
import * as path from 'node:path';

interface MochaRunner {
  addFile(file: string): void;
  run(done: (failures: number) => void): { on(event: 'pass' | 'fail', fn: (test: { fullTitle(): string }, err?: Error) => void): void };
}
type MochaCtor = new (opts: Record<string, unknown>) => MochaRunner;

export function run(): Promise<void> {
  // mocha is an ES module; Node 24 (the extension host's runtime) loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('mocha') as { default?: MochaCtor } & MochaCtor;
  const Mocha = mod.default ?? mod;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', grep: process.env.RINGRIFT_E2E_GREP });
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    let passes = 0;
    const runner = mocha.run((failures) => {
      // test/e2e/harness/extensionTests.mjs reads this line for the closing `N passed, N failed`.
      console.log(`RINGRIFT-E2E-RESULT ${JSON.stringify({ passes, failures })}`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => passes++);
    // The failure right away, not only in the closing summary: a run cut off by the harness's
    // timeout still says what failed.
    runner.on('fail', (test, err) => console.log(`FAILED: ${test.fullTitle()}: ${String(err?.message ?? err).split('\n').slice(0, 6).join(' | ')}`));
  });
}
