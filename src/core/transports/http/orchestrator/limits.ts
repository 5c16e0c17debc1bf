import * as path from 'node:path';
import type { PushLimit } from '../../transport';
import type { OrchestratorTarget } from './paths';

/** file_download.py:54-61 of RingRift 2aa9f89: ALLOWED_EXTENSIONS and MAX_FILE_SIZE. */
const ALLOWED_EXTENSIONS: readonly string[] = ['.pth', '.pt', '.onnx', '.db', '.sqlite', '.sqlite3', '.npz', '.npy', '.json', '.yaml', '.yml'];
export const MAX_FILE_SIZE = 500 * 1024 * 1024;

export interface LimitHit {
  limit: PushLimit;
  /** What does not fit, in words; the caller adds node, transport and what happens next. */
  why: string;
}

/** The upload's limits a file can be checked against before any byte goes. Pure. */
export function checkUploadLimits(target: OrchestratorTarget, size: number): LimitHit | undefined {
  // Python's Path.suffix: '.npz' alone is a name without a suffix, as for path.extname.
  const ext = path.posix.extname(target.rel).toLowerCase();
  if (!ALLOWED_EXTENSIONS.includes(ext)) {
    return { limit: 'extension_not_allowed', why: `extension '${ext || '(none)'}' of ${target.uploadPath} is not one the orchestrator accepts (${ALLOWED_EXTENSIONS.join(' ')})` };
  }
  if (size > MAX_FILE_SIZE) {
    return { limit: 'file_too_large', why: `${target.uploadPath} is ${size} bytes, over the orchestrator's 500 MiB upload limit (MAX_FILE_SIZE)` };
  }
  // "No file provided" (400): the orchestrator takes an empty body for a missing file.
  if (size === 0) return { limit: 'empty_file', why: `${target.uploadPath} is empty, and the orchestrator refuses empty uploads` };
  return undefined;
}

/** Limits the orchestrator reports as answers (a path rule our check missed is one too). */
export function limitOfReply(status: number, headers: Record<string, unknown>, error: string | undefined): LimitHit | undefined {
  if (status === 413) return { limit: 'file_too_large', why: `the orchestrator answered 413: ${error ?? 'file too large'}` };
  if (status === 503 && headers['x-handler-timeout'] !== undefined) {
    return { limit: 'handler_timeout', why: `the orchestrator's upload handler gave up after ${String(headers['x-handler-timeout'])} s (503, X-Handler-Timeout): the file is too large for this link within its bound` };
  }
  if (status !== 400 || !error) return undefined;
  if (error.startsWith('Path must start')) return { limit: 'outside_prefixes', why: `the orchestrator refused the path: ${error}` };
  if (error.startsWith('File type not allowed')) return { limit: 'extension_not_allowed', why: `the orchestrator refused the file: ${error}` };
  if (error.startsWith('Path traversal')) return { limit: 'path_traversal', why: `the orchestrator refused the path: ${error}` };
  if (error.startsWith('No file provided')) return { limit: 'empty_file', why: `the orchestrator refused the file: ${error}` };
  return undefined;
}
