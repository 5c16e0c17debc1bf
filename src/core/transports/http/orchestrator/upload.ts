import * as path from 'node:path';
import type { Result } from '../../../result';
import { agentRequest, type AgentEndpoint, type AgentReply, type RequestFailure } from '../agentRequest';
import { streamRange } from '../agentUpload';
import { bodyLength, multipartFrame } from './multipart';
import type { OrchestratorTarget } from './paths';

export interface UploadPlan {
  file: string;
  size: number;
  target: OrchestratorTarget;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
}

function writeAll(req: import('node:http').ClientRequest, buf: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (req.write(buf)) resolve();
    else req.once('drain', resolve).once('close', resolve);
  });
}

/**
 * One POST /files/upload: the multipart framing written around the file, streamed from disk
 * with a known Content-Length (the orchestrator reads it in 1 MiB chunks). `sent` counts file bytes.
 */
export function postUpload(ep: AgentEndpoint, plan: UploadPlan, sent: (n: number) => void, signal: AbortSignal): Promise<Result<AgentReply, RequestFailure>> {
  const frame = multipartFrame(plan.target.uploadPath, path.posix.basename(plan.target.rel));
  return agentRequest(ep, {
    method: 'POST',
    path: '/files/upload',
    headers: { 'Content-Type': frame.contentType, 'Content-Length': bodyLength(frame, plan.size) },
    connectTimeoutMs: plan.connectTimeoutMs,
    idleTimeoutMs: plan.idleTimeoutMs,
    sendBody: async (req, touch) => {
      await writeAll(req, frame.head);
      if (!(await streamRange(req, plan.file, 0, plan.size, touch, sent))) return;
      await writeAll(req, frame.tail);
      if (!req.destroyed) req.end();
    },
  }, signal);
}
