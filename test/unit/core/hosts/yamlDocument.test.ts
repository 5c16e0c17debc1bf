import { strict as assert } from 'node:assert';
import { about, at, codes, node, parseFixture, parseText } from './fixtures';

describe('yamlDocument (YAML-level problems, through parseHostsText)', () => {
  it('a duplicate host: an error at the second with both places, the first definition kept', () => {
    const file = parseFixture('duplicate-host.yaml');
    const dup = file.diagnostics.find((d) => d.code === 'duplicate_host')!;
    assert.equal(dup.message, "host 'twin' is defined twice (first at line 3, column 3); the first definition is used: rename or remove one");
    assert.equal(at(dup), '9:3');
    assert.deepEqual(dup.related?.range.start, { line: 3, column: 3 });
    assert.deepEqual(file.nodes.map((n) => n.name), ['twin', 'other']);
    assert.equal(node(file, 'twin').address, '127.0.0.2');
  });

  it('a duplicate field inside a host: an error naming host and field, the first value kept', () => {
    const file = parseFixture('duplicate-host.yaml');
    const ds = about(file, 'other');
    assert.deepEqual(codes(ds), ['duplicate_key']);
    assert.equal(ds[0].message, "host 'other': field 'ssh_port' appears twice (first at line 7, column 5); the first value is used: remove one");
    assert.equal(node(file, 'other').sshPort, 2222);
    assert.equal(node(file, 'other').fields.ssh_port, 2222);
  });

  it('a tab in the indentation: an error at that line saying to use spaces', () => {
    const file = parseFixture('tab-indent.yaml');
    const tab = file.diagnostics.find((d) => d.code === 'tab_indent')!;
    assert.equal(at(tab), '4:1');
    assert.match(tab.message, /tab is used for indentation: YAML indents with spaces only/);
  });

  it('a syntax error: an error with its position, and the hosts after it still load', () => {
    const file = parseFixture('syntax-error.yaml');
    const syntax = file.diagnostics.filter((d) => d.code === 'yaml_syntax');
    assert.equal(syntax.length, 1);
    assert.equal(at(syntax[0]), '6:3');
    assert.match(syntax[0].message, /^YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a \]/);
    assert.equal(node(file, 'next').address, '127.0.0.3');
  });

  it('each of many syntax errors is listed up to a cap, then summarised', () => {
    const text = 'hosts:\n' + Array.from({ length: 60 }, (_, i) => `  h${i}: "unterminated\n  x${i}: ]\n`).join('');
    const file = parseText(text);
    const shown = file.diagnostics.filter((d) => d.code !== 'too_many_errors');
    assert.ok(shown.length <= 40, `${shown.length} shown`);
    assert.equal(codes(file.diagnostics).filter((c) => c === 'too_many_errors').length, 1);
  });

  it('a second document (---) is reported, the first one used', () => {
    const file = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n---\nfoo: 1\n');
    assert.deepEqual(codes(file.diagnostics), ['multiple_documents']);
    assert.deepEqual(file.nodes.map((n) => n.name), ['a']);
  });

  it('an alias bomb (billion laughs) is stopped and reported at its host; the other hosts load', function () {
    this.timeout(5000); // bound: expanding 9^9 values would never finish
    const file = parseFixture('alias-bomb.yaml');
    const ds = about(file, 'bomb');
    assert.deepEqual(codes(ds), ['alias_limit']);
    assert.equal(at(ds[0]), '12:3');
    assert.match(ds[0].message, /aliases expand to more than 10000 values/);
    assert.deepEqual(node(file, 'bomb').fields, {});
    assert.deepEqual([node(file, 'calm').ready, node(file, 'bomb').ready], [true, false]);
  });

  it('an alias to no anchor is an error at the alias', () => {
    const file = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    x: *nope\n');
    assert.deepEqual(file.diagnostics.map((d) => [d.code, at(d)]), [['unresolved_alias', '4:8']]);
  });

  it('an alias that contains itself is bounded and reported', () => {
    const file = parseText('a: &a [*a]\nhosts:\n  h:\n    ssh_host: 127.0.0.1\n    loop: *a\n');
    assert.deepEqual(codes(about(file, 'h')), ['too_deep']);
  });

  it('10,000 levels of [ nesting, closed or not: one error at the first level too deep, no throw', function () {
    this.timeout(10000); // bound, not a speed target
    for (const text of ['x: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n', 'x: ' + '['.repeat(10000) + '\n']) {
      const file = parseText(text);
      assert.deepEqual(file.diagnostics.map((d) => [d.code, at(d)]), [['too_deep', '1:103']]);
      assert.match(file.diagnostics[0].message, /nests deeper than 100 levels/);
    }
  });

  it('deep block nesting under a host: the same one error, nothing read', function () {
    this.timeout(10000);
    const text = 'hosts:\n  a:\n    ssh_host: 127.0.0.1\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 4) + 'k:').join('\n') + ' 1\n';
    const file = parseText(text);
    assert.deepEqual(codes(file.diagnostics), ['too_deep']);
    assert.deepEqual(file.nodes, []);
  });

  it('duplicate keys compare by resolved value, as YAML 1.1 reads them, and by type', () => {
    const keys = ['1', "'1'", '1.0', '2020-01-01', '2020-01-01 00:00:00', 'null', '~', "'null'", 'true', 'yes', "'true'", '0x10', '16'];
    const file = parseText(`hosts:\n  h:\n    ssh_host: 127.0.0.1\n${keys.map((k, i) => `    ${k}: ${i}\n`).join('')}`);
    const dups = file.diagnostics.filter((d) => d.code === 'duplicate_key');
    // 1.0 is the number 1; both dates are the same instant; ~ is null; yes is true; 0x10 is 16.
    assert.deepEqual(dups.map((d) => at(d)), ['6:5', '8:5', '10:5', '13:5', '16:5']);
    assert.deepEqual(dups.map((d) => `${d.related?.range.start.line}:${d.related?.range.start.column}`), ['4:5', '7:5', '9:5', '12:5', '15:5']);
  });

  it('nesting up to the limit is read normally', () => {
    const file = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    x: ' + '['.repeat(97) + ']'.repeat(97) + '\n');
    assert.deepEqual(file.diagnostics, []);
  });
});
