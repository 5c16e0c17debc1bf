import { isMap, isScalar, isSeq } from 'yaml';
import { didYouMeanSuffix } from './didYouMean';
import { subjectOf, type DiagnosticPath, type DiagnosticSeverity } from './diagnostics';
import type { ValueSpec } from './fieldSpec';
import type { SourceRange } from './nodeSpec';
import { deref, mapEntries } from './yamlValues';
import type { ParsedYaml } from './yamlDocument';

/**
 * Checks values against the field tables (fields.ts) and says what is wrong in words an operator
 * can act on. The JSON Schema is generated from the same tables, so both reject the same things.
 */
export type Verdict =
  | { ok: true; value: unknown }
  | { ok: false; severity: DiagnosticSeverity; code: string; problem: string };

/** `the text 'abc'`, `a list`, `22.5`: how messages show a value that is not what was expected. */
export function describe(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a map';
  if (!isScalar(node)) return 'nothing';
  const v = node.value;
  if (typeof v === 'string') return `the text '${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  if (v === null) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return String(v);
}

function expectation(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'integer':
      if (spec.port) return 'a whole number from 1 to 65535';
      if (spec.min !== undefined && spec.max !== undefined) return `a whole number from ${spec.min} to ${spec.max}`;
      return spec.min !== undefined ? `a whole number of at least ${spec.min}` : 'a whole number';
    case 'number':
      return spec.above !== undefined ? `a number greater than ${spec.above}` : 'a number';
    case 'choice':
      return `one of ${spec.values.join(', ')}`;
    case 'list':
      return 'a list';
    case 'map':
      return 'a map of name: value';
    case 'any':
      return 'anything';
  }
}

function hint(spec: ValueSpec, value: unknown): string {
  if (typeof value !== 'string') return '';
  if (spec.kind === 'boolean' && /^(true|false|yes|no|on|off)$/i.test(value)) return `; write ${/^(true|yes|on)$/i.test(value) ? 'true' : 'false'} without quotes`;
  if ((spec.kind === 'integer' || spec.kind === 'number') && value.trim() !== '' && Number.isFinite(Number(value))) return '; remove the quotes';
  return '';
}

function wrong(spec: ValueSpec, node: unknown, code = 'wrong_type'): Verdict {
  const value = isScalar(node) ? node.value : undefined;
  return { ok: false, severity: 'error', code, problem: `must be ${expectation(spec)}, got ${describe(node)}${hint(spec, value)}` };
}

/** Judges one value (after alias); `null`/absent is fine where `nullable`. Lists and maps: shape only. */
export function judge(raw: unknown, spec: ValueSpec, y: ParsedYaml, nullable = true): Verdict {
  const node = deref(raw, y);
  const absent = node === null || node === undefined || (isScalar(node) && node.value === null);
  if (absent) return nullable || spec.kind === 'any' ? { ok: true, value: undefined } : wrong(spec, node);
  if (spec.kind === 'any') return { ok: true, value: node };
  if (spec.kind === 'list') return isSeq(node) ? { ok: true, value: node } : wrong(spec, node);
  if (spec.kind === 'map') return isMap(node) ? { ok: true, value: node } : wrong(spec, node);
  if (!isScalar(node)) return wrong(spec, node);
  const v = node.value;
  switch (spec.kind) {
    case 'string':
      return typeof v === 'string' ? { ok: true, value: v } : wrong(spec, node);
    case 'boolean':
      return typeof v === 'boolean' ? { ok: true, value: v } : wrong(spec, node);
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return wrong(spec, node);
      return spec.above !== undefined && !(v > spec.above) ? wrong(spec, node, 'out_of_range') : { ok: true, value: v };
    case 'integer':
      if (typeof v !== 'number') return wrong(spec, node);
      if (!Number.isInteger(v)) return wrong(spec, node, 'not_integer');
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
        const problem = spec.port ? `${v} is out of range: ports are 1 to 65535` : `${v} is out of range: it must be ${expectation(spec)}`;
        return { ok: false, severity: 'error', code: spec.port ? 'port_range' : 'out_of_range', problem };
      }
      return { ok: true, value: v };
    case 'choice': {
      if (typeof v !== 'string') return wrong(spec, node);
      if (spec.values.includes(v)) return { ok: true, value: v };
      const effect = spec.unknownEffect ? `; ${spec.unknownEffect}` : '';
      const problem = `'${v}' is unknown${didYouMeanSuffix(v, spec.values)}; ${spec.knownLabel}: ${spec.values.join(', ')}${effect}`;
      return { ok: false, severity: spec.unknown, code: spec.unknownCode, problem };
    }
  }
}

/** `host 'vast-1': ssh_port` or `auto_sync.bandwidth_limit_mbps`, for the start of a message. */
function nameOf(path: DiagnosticPath, spec?: ValueSpec): string {
  const { subject, rest } = subjectOf(path);
  const what = spec?.label ?? rest;
  return what ? `${subject}: ${what}` : subject;
}

/**
 * Checks a value and everything under it against its spec, reporting each problem. Where to
 * point when the value has no range of its own (`key:` with nothing after it): `key`'s range,
 * else `fallback`; worked out only for a problem (most values pass, and a range costs a lookup).
 */
export function checkTree(raw: unknown, spec: ValueSpec, path: DiagnosticPath, y: ParsedYaml, nullable: boolean, key: unknown, fallback: SourceRange): void {
  const verdict = judge(raw, spec, y, nullable);
  if (!verdict.ok) {
    const range = y.sink.rangeOf(raw as never, y.sink.rangeOf(key as never, fallback));
    y.sink.add({ severity: verdict.severity, code: verdict.code, path, range, message: `${nameOf(path, spec)} ${verdict.problem}` });
    return;
  }
  const node = verdict.value;
  if (spec.kind === 'list' && isSeq(node)) {
    const at = y.sink.rangeOf(node, y.sink.rangeOf(key as never, fallback));
    node.items.forEach((item, i) => checkTree(item, spec.items, [...path, i], y, false, undefined, at));
  } else if (spec.kind === 'map' && isMap(node)) {
    const at = y.sink.rangeOf(key as never, fallback);
    for (const [name, entry] of mapEntries(node, y)) {
      const known = Object.hasOwn(spec.fields, name);
      const field = known ? spec.fields[name] : spec.values;
      if (field) checkTree(entry.value, field, [...path, name], y, known, entry.key, at);
    }
  }
}
