import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { RunningAgent } from '../../../src/agent/server';
import { rawRequest, type RawReply } from './agentFixture';

/** One part of a multipart/form-data body: a plain field, or a file with a filename. */
export type FormPart = { name: string; value: string } | { name: string; filename: string; content: Buffer };

export interface Form {
  contentType: string;
  body: Buffer;
}

/** A multipart/form-data body written out by hand, so a test controls part order and bytes. */
export function formBody(parts: FormPart[]): Form {
  const boundary = `----ringrift-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = 'filename' in part
      ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
      : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('filename' in part ? part.content : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** The orchestrator's upload form (`path`, then `file`) through POST /files/upload. */
export function uploadForm(agent: RunningAgent, formPath: string, content: Buffer, headers: Record<string, string> = {}): Promise<RawReply> {
  const form = formBody([{ name: 'path', value: formPath }, { name: 'file', filename: 'upload.bin', content }]);
  return rawRequest(agent, 'POST', '/files/upload', { ...headers, 'Content-Type': form.contentType, 'Content-Length': form.body.length }, form.body);
}

/** Names of every entry under `dir`, recursively, relative to it. */
export function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}
