import { HOSTS_FILE_GLOBS } from '../../core/hosts';
import { TOKEN_MODIFIERS, TOKEN_TYPES, type TokenModifier, type TokenType } from '../../core/language/semanticTokens';

/**
 * package.json `contributes` entries of the YAML editing help: its settings, the JSON Schema for
 * Red Hat YAML, and the semantic token types with the TextMate scopes themes already colour (so
 * p2p, http, rsync and base64 steps come out in four different colours in any theme).
 * No `vscode` import: a unit test keeps package.json equal to this.
 */
export const LANGUAGE_SETTINGS_PROPERTIES: Record<string, Record<string, unknown>> = {
  'ringriftSync.language.enabled': {
    type: 'boolean',
    default: true,
    markdownDescription: 'Editing help for `distributed_hosts.yaml`: completion, hover, diagnostics as you type, quick fixes, transport highlighting, Test / Sync / History lenses, live node state.',
  },
  'ringriftSync.language.files': {
    type: 'array',
    items: { type: 'string' },
    default: [...HOSTS_FILE_GLOBS],
    markdownDescription: 'Glob patterns of the YAML files that get the editing help.',
  },
  'ringriftSync.language.schemaFeatures': {
    type: 'string',
    enum: ['auto', 'on', 'off'],
    enumDescriptions: [
      'Off when Red Hat YAML (redhat.vscode-yaml) is installed: it completes, hovers, outlines and type-checks from the schema this extension contributes. On otherwise.',
      'Always ours (with Red Hat YAML installed too, some items show twice).',
      'Never ours: leave them to Red Hat YAML.',
    ],
    default: 'auto',
    markdownDescription:
      'Completion, field hover, the outline and syntax/type diagnostics, which Red Hat YAML also gives from the contributed JSON Schema. The checks only this extension makes (transport chains, host names, addresses), quick fixes, lenses, highlighting and live state stay on either way.',
  },
  'ringriftSync.language.codeLens': {
    type: 'boolean',
    default: true,
    markdownDescription: 'Test / Sync / History above each host in `distributed_hosts.yaml`.',
  },
  'ringriftSync.language.inlineState': {
    type: 'boolean',
    default: true,
    markdownDescription: 'The node\'s live state after each host name (`p2p ok 12 ms`, `disabled: all_transports_exhausted`).',
  },
};

const TOKEN_DOCS: Record<TokenType, { superType: string; description: string; scope: string }> = {
  transportP2p: { superType: 'enumMember', description: 'A p2p transport step (the agent over HTTP).', scope: 'entity.name.function' },
  transportHttp: { superType: 'enumMember', description: 'An http transport step (the agent at the public address).', scope: 'entity.name.type' },
  transportRsync: { superType: 'enumMember', description: 'An rsync (or ssh) transport step.', scope: 'keyword.control' },
  transportBase64: { superType: 'enumMember', description: 'A base64-over-SSH transport step.', scope: 'constant.numeric' },
  chainFlag: { superType: 'keyword', description: 'fallback: or last_resort: on a transport step.', scope: 'storage.modifier' },
};

const MODIFIER_DOCS: Record<TokenModifier, string> = {
  fallback: 'The step is marked fallback: true.',
  lastResort: 'The step is marked last_resort: true.',
};

export function languageContributions(): Record<string, unknown> {
  return {
    yamlValidation: [{ fileMatch: ['distributed_hosts.yaml', 'distributed_hosts.yml'], url: './schemas/distributed_hosts.schema.json' }],
    semanticTokenTypes: TOKEN_TYPES.map((id) => ({ id, superType: TOKEN_DOCS[id].superType, description: TOKEN_DOCS[id].description })),
    semanticTokenModifiers: TOKEN_MODIFIERS.map((id) => ({ id, description: MODIFIER_DOCS[id] })),
    semanticTokenScopes: [{ language: 'yaml', scopes: Object.fromEntries(TOKEN_TYPES.map((id) => [id, [TOKEN_DOCS[id].scope]])) }],
  };
}
