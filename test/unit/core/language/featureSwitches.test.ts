import { strict as assert } from 'node:assert';
import { decideFeatures, visibleDiagnostics, type FeatureInputs } from '../../../../src/core/language';
import { documentOf, fixtureText } from './languageFixtures';

const inputs = (over: Partial<FeatureInputs>): FeatureInputs => ({ enabled: true, schemaFeatures: 'auto', redHatYamlInstalled: false, codeLens: true, inlineState: true, ...over });
const on = (s: object) => Object.entries(s).filter(([, v]) => v).map(([k]) => k).sort();

describe('decideFeatures (ours beside Red Hat YAML)', () => {
  it('runs everything when Red Hat YAML is absent', () => {
    assert.deepEqual(on(decideFeatures(inputs({}))), ['codeLens', 'completion', 'fieldHover', 'hostHover', 'inlineState', 'ownDiagnostics', 'quickFixes', 'schemaDiagnostics', 'semanticTokens', 'symbols']);
  });

  it('leaves completion, field hover, outline and schema diagnostics to Red Hat YAML by default when it is installed', () => {
    assert.deepEqual(on(decideFeatures(inputs({ redHatYamlInstalled: true }))), ['codeLens', 'hostHover', 'inlineState', 'ownDiagnostics', 'quickFixes', 'semanticTokens']);
  });

  it('obeys the setting either way, and the master switch over everything', () => {
    assert.equal(decideFeatures(inputs({ redHatYamlInstalled: true, schemaFeatures: 'on' })).completion, true);
    assert.equal(decideFeatures(inputs({ schemaFeatures: 'off' })).schemaDiagnostics, false);
    assert.deepEqual(on(decideFeatures(inputs({ enabled: false }))), []);
    assert.deepEqual(on(decideFeatures(inputs({ codeLens: false, inlineState: false }))).filter((k) => k === 'codeLens' || k === 'inlineState'), []);
  });

  it('keeps only our own diagnostics when the schema ones are Red Hat\'s', () => {
    const doc = documentOf(fixtureText('chain-mistakes.yaml'));
    const codes = (s: ReturnType<typeof decideFeatures>) => visibleDiagnostics(doc.diagnostics, s).map((d) => d.code);
    assert.deepEqual(codes(decideFeatures(inputs({ redHatYamlInstalled: true }))), ['unknown_host_reference', 'unknown_status', 'duplicate_priority', 'last_resort_not_last', 'duplicate_transport']);
    assert.equal(codes(decideFeatures(inputs({}))).length, doc.diagnostics.length);
  });
});
