import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';

/**
 * How every hosts file is composed: YAML 1.1 as RingRift's PyYAML reads it (`yes`/`no` booleans,
 * `<<` merges), duplicate keys left for our own check (yamlDocument.ts names both places).
 */
export const COMPOSE_OPTIONS: DocumentOptions & ParseOptions & SchemaOptions = { uniqueKeys: false, version: '1.1', keepSourceTokens: false };
