import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOKEN_MODIFIERS, TOKEN_TYPES } from '../../../../src/core/language';
import { LANGUAGE_SETTINGS_PROPERTIES, languageContributions } from '../../../../src/extension/language/languageContributions';

const REPO = path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

describe('package.json contributions of the editing help', () => {
  it('equal what languageContributions.ts generates (schema for Red Hat YAML, token types and scopes)', () => {
    for (const [key, value] of Object.entries(languageContributions())) assert.deepEqual(pkg.contributes[key], value, key);
  });

  it('contribute every language setting with its default', () => {
    for (const [key, schema] of Object.entries(LANGUAGE_SETTINGS_PROPERTIES)) assert.deepEqual(pkg.contributes.configuration.properties[key], schema, key);
  });

  it('point yamlValidation at the schema file, which exists and is shipped', () => {
    const [entry] = pkg.contributes.yamlValidation;
    const schemaFile = path.join(REPO, entry.url);
    assert.ok(fs.existsSync(schemaFile), schemaFile);
    const ignore = fs.existsSync(path.join(REPO, '.vscodeignore')) ? fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8') : '';
    assert.ok(!/^schemas\b/m.test(ignore), '.vscodeignore must not leave the schema out of the .vsix');
  });

  it('declare a scope for every token type the core emits, and every modifier', () => {
    assert.deepEqual(Object.keys(pkg.contributes.semanticTokenScopes[0].scopes), [...TOKEN_TYPES]);
    assert.deepEqual(pkg.contributes.semanticTokenModifiers.map((m: { id: string }) => m.id), [...TOKEN_MODIFIERS]);
    assert.equal(new Set(Object.values(pkg.contributes.semanticTokenScopes[0].scopes).map(String)).size, TOKEN_TYPES.length, 'each type its own scope, so themes colour them apart');
  });
});
