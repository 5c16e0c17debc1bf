import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { buildHostsSchema, HOST_SPEC, HOSTS_FILE_SPEC, type ValueSpec } from '../../../../src/core/hosts';
import { FIXTURES, parseText, REAL_2025_12_26, REAL_2026_01_01, REPO_ROOT } from './fixtures';

const SCHEMA_FILE = path.join(REPO_ROOT, 'schemas/distributed_hosts.schema.json');

// The committed schema is generated from src/core/hosts/fields.ts. To regenerate after changing the
// tables: RINGRIFT_UPDATE_SCHEMA=1 npx mocha --config .mocharc.json test/unit/core/hosts/schema.test.ts
if (process.env.RINGRIFT_UPDATE_SCHEMA === '1') {
  fs.writeFileSync(SCHEMA_FILE, JSON.stringify(buildHostsSchema(), null, 2) + '\n');
}

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
/** The file as RingRift's own reader sees it (YAML 1.1). */
const asData = (text: string) => parse(text, { version: '1.1' });

describe('JSON Schema (schemas/distributed_hosts.schema.json)', () => {
  it('is exactly what fields.ts generates (no drift; see the comment above to regenerate)', () => {
    assert.deepEqual(schema, JSON.parse(JSON.stringify(buildHostsSchema())));
  });

  it('is draft-07 and allows unknown top-level sections and unknown host fields', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, true);
    assert.equal(schema.definitions.host.additionalProperties, true);
  });

  it('describes every field in the tables, with the defaults', () => {
    const walk = (spec: ValueSpec, where: string): void => {
      assert.ok(spec.description.length > 15, `${where} needs a real description`);
      if (spec.kind === 'map') for (const [k, v] of Object.entries(spec.fields)) walk(v, `${where}.${k}`);
      if (spec.kind === 'list') walk(spec.items, `${where}[]`);
    };
    walk(HOSTS_FILE_SPEC, 'file');
    const host = schema.definitions.host.properties;
    assert.deepEqual(Object.keys(host), Object.keys(HOST_SPEC.fields));
    assert.equal(host.ssh_port.default, 22);
    assert.equal(host.ssh_user.default, 'ubuntu');
    assert.equal(host.p2p_port.default, 8770);
    assert.equal(host.status.default, 'ready');
    assert.deepEqual(schema.definitions.transport.properties.type.enum, ['p2p', 'http', 'rsync', 'ssh', 'base64', null]);
  });

  it('accepts both real cluster files', () => {
    for (const file of [REAL_2025_12_26, REAL_2026_01_01]) {
      const ok = validate(asData(fs.readFileSync(file, 'utf8')));
      assert.ok(ok, `${path.basename(file)}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('rejects a file with wrong field types, at those fields', () => {
    assert.equal(validate(asData(fs.readFileSync(path.join(FIXTURES, 'wrong-types.yaml'), 'utf8'))), false);
    const where = new Set((validate.errors ?? []).map((e) => e.instancePath));
    for (const p of ['/hosts/port-text/ssh_port', '/hosts/port-too-big/ssh_port', '/hosts/port-fraction/p2p_port', '/hosts/flag-as-text/p2p_enabled', '/hosts/not-a-map']) {
      assert.ok(where.has(p), `${p} in ${[...where].join(', ')}`);
    }
  });

  // The validator and the schema read the same tables, so they agree on every type question.
  const cases: Array<[string, string]> = [
    ['a minimal host', 'hosts:\n  a:\n    ssh_host: 127.0.0.1\n'],
    ['unknown fields of any type', 'hosts:\n  a:\n    ssh_host: x\n    gpu: 8\n    anything: [1, {b: 2}]\n'],
    ['the runbook chain', 'hosts:\n  a:\n    ssh_host: x\n    transports:\n      - {type: p2p, priority: 1}\n      - {type: ssh, priority: 2, fallback: true}\n      - {type: base64, priority: 3, last_resort: true}\n'],
    ['an unknown status (a warning only)', 'hosts:\n  a:\n    ssh_host: x\n    status: redy\n'],
    ['a port as text', 'hosts:\n  a:\n    ssh_host: x\n    ssh_port: abc\n'],
    ['port 0', 'hosts:\n  a:\n    ssh_host: x\n    p2p_port: 0\n'],
    ['a quoted boolean', 'hosts:\n  a:\n    ssh_host: x\n    nat_blocked: "true"\n'],
    ['an unknown transport type', 'hosts:\n  a:\n    ssh_host: x\n    transports:\n      - {type: rsyn, priority: 1}\n'],
    ['transports as a word', 'hosts:\n  a:\n    ssh_host: x\n    transports: rsync\n'],
    ['a host that is a list', 'hosts:\n  a: [1, 2]\n'],
    ['hosts as text', 'hosts: everything\n'],
    ['no hosts section', 'auto_sync:\n  enabled: true\n'],
    ['concurrency 0', 'auto_sync:\n  max_concurrent_syncs: 0\nhosts:\n  a:\n    ssh_host: x\n'],
    ['a bandwidth override as text', 'auto_sync:\n  host_bandwidth_overrides:\n    "vast-*": fast\nhosts:\n  a:\n    ssh_host: x\n'],
    ['p2p_voters as text', 'p2p_voters: a\nhosts:\n  a:\n    ssh_host: x\n'],
    ['elo_sync.transports of Elo methods', 'elo_sync:\n  transports: [tailscale, aria2]\nhosts:\n  a:\n    ssh_host: x\n'],
  ];
  for (const [name, text] of cases) {
    it(`agrees with the validator: ${name}`, () => {
      const typeErrors = parseText(text).diagnostics.filter((d) => d.severity === 'error' && !['no_address', 'empty_chain'].includes(d.code));
      assert.equal(validate(asData(text)), typeErrors.length === 0, JSON.stringify({ validator: typeErrors.map((d) => d.message), schema: validate.errors }));
    });
  }
});
