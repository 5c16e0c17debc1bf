import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { semanticTokens } from '../../../../src/core/language';
import { documentOf, fixtureText, REAL_FILES } from './languageFixtures';

describe('semanticTokens', () => {
  it('gives each transport type its own token and marks fallback and last_resort steps', () => {
    const text = fixtureText('transport-chain.yaml');
    const shown = semanticTokens(documentOf(text)).map((t) => {
      const word = text.split('\n')[t.line - 1].slice(t.column - 1, t.column - 1 + t.length);
      return `${t.line}:${t.column} ${word} ${t.type}${t.modifiers.map((m) => `.${m}`).join('')}`;
    });
    assert.deepEqual(shown, [
      '16:15 p2p transportP2p',
      '18:15 ssh transportRsync.fallback',
      '20:9 fallback chainFlag.fallback',
      '21:15 base64 transportBase64.lastResort',
      '23:9 last_resort chainFlag.lastResort',
    ]);
  });

  it('colours only known types, and only flags that are true', () => {
    const doc = documentOf('hosts:\n  a:\n    ssh_host: 127.0.0.2\n    transports:\n      - type: rsyn\n        fallback: false\n      - type: http\n        last_resort: true\n');
    assert.deepEqual(semanticTokens(doc).map((t) => `${t.line}:${t.type}`), ['7:transportHttp', '8:chainFlag']);
  });

  it('colours the same in blocks and in whole-text mode (an alias forces the latter)', () => {
    const text = fixtureText('transport-chain.yaml');
    const whole = documentOf(`${text}  gpu-gamma: &g\n    ssh_host: 127.0.0.4\n  gpu-delta: *g\n`);
    assert.equal(whole.stats.mode, 'whole');
    assert.deepEqual(semanticTokens(whole), semanticTokens(documentOf(text)));
  });

  it('finds no transport config in the real files (they use the default chain), and does not choke on them', () => {
    for (const file of REAL_FILES) assert.deepEqual(semanticTokens(documentOf(fs.readFileSync(file, 'utf8'))), [], file);
  });
});
