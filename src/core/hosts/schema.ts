import type { MapSpec, ValueSpec } from './fieldSpec';
import { HOST_SPEC, HOSTS_FILE_SPEC, TRANSPORT_ITEM_SPEC } from './fields';

/**
 * JSON Schema (draft-07) for distributed_hosts.yaml, generated from the tables in fields.ts.
 * schemas/distributed_hosts.schema.json is this function's output; test/unit/core/hosts/schema.test.ts
 * fails when they differ (rerun it with RINGRIFT_UPDATE_SCHEMA=1 to rewrite the file).
 *
 * The schema checks shapes and types only. Rules across values (duplicate priorities, last_resort
 * placement, host names that exist) are the validator's: the schema accepts what it cannot express.
 */
export type JsonSchema = { [key: string]: unknown };

const DEFINITIONS = new Map<ValueSpec, string>([
  [HOST_SPEC, 'host'],
  [TRANSPORT_ITEM_SPEC, 'transport'],
]);

function typed(type: string, nullable: boolean): string | string[] {
  return nullable ? [type, 'null'] : type;
}

function common(spec: ValueSpec): JsonSchema {
  const out: JsonSchema = { description: spec.description };
  if (spec.default !== undefined) out.default = spec.default;
  return out;
}

function mapSchema(spec: MapSpec, nullable: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, field] of Object.entries(spec.fields)) properties[name] = toSchema(field, true);
  return {
    type: typed('object', nullable),
    ...common(spec),
    ...(spec.required ? { required: [...spec.required] } : {}),
    properties,
    additionalProperties: spec.values ? toSchema(spec.values, false) : true,
  };
}

/** `nullable`: a map field, where `null` means absent. List items and map values are not. */
function toSchema(spec: ValueSpec, nullable: boolean, inline = false): JsonSchema {
  const ref = DEFINITIONS.get(spec);
  if (ref && !inline) return nullable ? { anyOf: [{ $ref: `#/definitions/${ref}` }, { type: 'null' }] } : { $ref: `#/definitions/${ref}` };
  switch (spec.kind) {
    case 'string':
      return { type: typed('string', nullable), ...common(spec) };
    case 'boolean':
      return { type: typed('boolean', nullable), ...common(spec) };
    case 'integer': {
      const out: JsonSchema = { type: typed('integer', nullable), ...common(spec) };
      if (spec.min !== undefined) out.minimum = spec.min;
      if (spec.max !== undefined) out.maximum = spec.max;
      return out;
    }
    case 'number': {
      const out: JsonSchema = { type: typed('number', nullable), ...common(spec) };
      if (spec.above !== undefined) out.exclusiveMinimum = spec.above;
      return out;
    }
    case 'choice':
      // An unknown word that is only a warning must not make the schema reject the file.
      return spec.unknown === 'error'
        ? { enum: nullable ? [...spec.values, null] : [...spec.values], ...common(spec) }
        : { type: typed('string', nullable), ...common(spec), examples: [...spec.values] };
    case 'list':
      return { type: typed('array', nullable), ...common(spec), items: toSchema(spec.items, false) };
    case 'map':
      return mapSchema(spec, nullable);
    case 'any':
      return common(spec);
  }
}

export function buildHostsSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'RingRift distributed_hosts.yaml',
    ...toSchema(HOSTS_FILE_SPEC, false),
    definitions: {
      host: toSchema(HOST_SPEC, false, true),
      transport: toSchema(TRANSPORT_ITEM_SPEC, false, true),
    },
  };
}
