import type { HostsDiagnostic, HostsFile, NodeSpec } from '../../core/hosts';
import type { NormaliseOptions } from '../../core/hosts/normalise';

/**
 * The hosts-parse worker's messages. The answer comes in parts, each sent when the extension host
 * asks for the next: receiving a message costs the receiving thread its structured-clone copy
 * (5,000 nodes at once: ~80 ms), and a pull keeps the event loop turning between parts.
 */
export interface ParseRequest {
  /** The file as read (the worker checks and decodes it). */
  bytes: Uint8Array;
  fileName: string;
  options: Partial<NormaliseOptions>;
}

export type ParseReply =
  | { part: 'nodes'; nodes: NodeSpec[] }
  | { part: 'diagnostics'; diagnostics: HostsDiagnostic[] }
  | { part: 'end'; fileName: string; settings: HostsFile['settings'] };

/** About 5 ms of copying per part on the extension host. */
const ITEMS_PER_PART = 300;

export function partsOf(file: HostsFile): ParseReply[] {
  const parts: ParseReply[] = [];
  for (let i = 0; i < file.nodes.length; i += ITEMS_PER_PART) parts.push({ part: 'nodes', nodes: file.nodes.slice(i, i + ITEMS_PER_PART) });
  for (let i = 0; i < file.diagnostics.length; i += ITEMS_PER_PART) parts.push({ part: 'diagnostics', diagnostics: file.diagnostics.slice(i, i + ITEMS_PER_PART) });
  parts.push({ part: 'end', fileName: file.fileName, settings: file.settings });
  return parts;
}

/** Gathers the parts; the HostsFile once the last has come. */
export class PartsCollector {
  private readonly nodes: NodeSpec[] = [];
  private readonly diagnostics: HostsDiagnostic[] = [];

  add(reply: ParseReply): HostsFile | undefined {
    if (reply.part === 'nodes') this.nodes.push(...reply.nodes);
    else if (reply.part === 'diagnostics') this.diagnostics.push(...reply.diagnostics);
    else return { fileName: reply.fileName, nodes: this.nodes, settings: reply.settings, diagnostics: this.diagnostics };
    return undefined;
  }
}
