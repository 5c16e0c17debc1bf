import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentConfig } from '../../../src/agent/config';
import { startAgent, type RunningAgent } from '../../../src/agent/server';

/** An in-process agent on loopback with its own temporary root, for tests. */
export interface AgentFixture {
  agent: RunningAgent;
  root: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestAgent(config: Partial<AgentConfig> = {}, bind = '127.0.0.1'): Promise<AgentFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-agent-test-'));
  const logs: string[] = [];
  const agent = await startAgent({ root, name: 'test-node', version: '9.9.9', log: (l) => logs.push(l), ...config }, 0, bind);
  return {
    agent,
    root,
    logs,
    async close() {
      await agent.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body as received, for binary content. */
  bytes: Buffer;
  json(): Record<string, unknown>;
}

/** One raw HTTP request (no client logic of ours), so the tests see the protocol as it is. */
export function rawRequest(agent: RunningAgent, method: string, urlPath: string, headers: Record<string, string | number> = {}, body?: Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: agent.address, port: agent.port, method, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, bytes, json: () => JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 5 s`)));
    req.end(body);
  });
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** PUT headers for sending `part` of `whole` from `offset`. */
export function putHeaders(whole: Buffer, offset = 0, part = whole.subarray(offset)): Record<string, string | number> {
  return { 'X-Sha256': sha256(whole), 'X-Total-Size': whole.length, 'X-Offset': offset, 'Content-Length': part.length };
}

/** Bytes whose content depends on the seed, so files are told apart by content. */
export function bytesOf(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return b;
}

/** Polls until `cond` holds; fails with `what` after `ms` (a bound, not a speed claim). */
export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sizeOf = (p: string): number | undefined => (fs.existsSync(p) ? fs.statSync(p).size : undefined);

/**
 * Sends only the head of a request with `Expect: 100-continue` and returns how the agent answered
 * before any body byte: its status, and whether it said "100 Continue" first.
 */
export function answerBeforeBody(agent: RunningAgent, method: string, urlPath: string, headers: Record<string, string | number>): Promise<{ status: number; continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request({ host: agent.address, port: agent.port, method, path: urlPath, agent: false, headers: { ...headers, Expect: '100-continue' } });
    req.on('continue', () => (continued = true));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, continued });
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}
