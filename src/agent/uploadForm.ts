import { randomUUID } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fail, ok, type Failure, type Result } from '../core/result';
import { header, type AgentContext, type Exchange } from './exchange';
import { commitStaged, oneShotTemp, stageStream, type StageCode, type Staged } from './fileWrite';
import { readUploadForm, type FileSink, type FormCode } from './formReader';
import { uploadSegments } from './orchestratorPaths';
import { staysInsideRoot, targetPaths, type TargetPaths } from './paths';
import { sendError, sendJson, type ErrorCode } from './respond';
import { availableBytes, noRoomMessage } from './room';

interface Taken {
  p: TargetPaths;
  staged: Staged;
}

type UploadCode = 'bad_prefix' | 'bad_path' | 'is_directory' | StageCode | FormCode;

/**
 * POST /files/upload (the orchestrator's form: `path` = data/<rel> or models/<rel>, then `file`).
 * Unlike the orchestrator, the file is streamed to a one-shot temporary beside the target, fsynced
 * and renamed into place only once the whole form has arrived: a cut upload leaves the old file
 * and no partial. Answers 200 {"success", "path", "size", "node_id", "sha256"}.
 */
export async function handleUpload(ctx: AgentContext, ex: Exchange): Promise<void> {
  if (!/^multipart\/form-data\s*;/i.test(header(ex.req, 'content-type') ?? '')) {
    return sendError(ex.res, 400, 'bad_form', "POST /files/upload takes multipart/form-data with fields 'path' then 'file'");
  }
  const key = `upload:${randomUUID()}`;
  ctx.uploads.claim(key);
  try {
    const room = await reserveRoom(ctx, ex, key);
    if (!room.ok) return sendError(ex.res, 507, 'disk_full', room.message);
    if (ex.expectsContinue) ex.res.writeContinue();
    const form = await readUploadForm(ex, uploadSink(ctx, ex.meter));
    if (!form.ok) return refuse(ctx, ex, form);
    const { p, staged } = form.value.taken;
    const st = await commitStaged(staged, p);
    ctx.cache.set(p.target, st, staged.sha256);
    sendJson(ex.res, 200, { success: true, path: form.value.formPath, size: st.size, node_id: ctx.config.name, sha256: staged.sha256 });
  } finally {
    ctx.uploads.release(key);
  }
}

/** With a Content-Length, refuses before reading a byte when the disk cannot hold the body. */
async function reserveRoom(ctx: AgentContext, ex: Exchange, key: string): Promise<Result<void, 'disk_full'>> {
  const raw = header(ex.req, 'content-length');
  if (raw === undefined || !/^\d+$/.test(raw)) return ok(undefined);
  const needed = Number(raw);
  const available = await availableBytes(ctx, ctx.config.root, key);
  if (needed > available) return fail('disk_full', noRoomMessage(ctx, `POST /files/upload (${needed} bytes)`, available, needed));
  ctx.uploads.reserve(key, needed);
  return ok(undefined);
}

function uploadSink(ctx: AgentContext, meter: { bytes: number }): FileSink<Taken, UploadCode> {
  return {
    take: (formPath, file) => takeFile(ctx, formPath, file, meter),
    discard: async (t) => void (await fsp.unlink(t.staged.temp).catch(() => undefined)),
  };
}

async function takeFile(ctx: AgentContext, formPath: string, file: Readable, meter: { bytes: number }): Promise<Result<Taken, UploadCode>> {
  const { root } = ctx.config;
  const segs = uploadSegments(formPath);
  if (!segs.ok) return drained(file, segs);
  const p = targetPaths(root, segs.value);
  if (!(await staysInsideRoot(root, p.dir))) return drained(file, fail('bad_path', `${p.rel} leads outside the agent root through a symlink; refused`));
  if ((await fsp.lstat(p.target).catch(() => undefined))?.isDirectory()) {
    return drained(file, fail('is_directory', `${p.rel} is a directory on ${ctx.config.name}; choose a file name`));
  }
  await fsp.mkdir(p.dir, { recursive: true });
  const staged = await stageStream(file, oneShotTemp(p, 'upload'), meter);
  return staged.ok ? ok({ p, staged: staged.value }) : fail(staged.code, `writing ${p.rel}: ${staged.message}`);
}

function drained<C extends string>(file: Readable, why: Failure<C>): Failure<C> {
  file.resume();
  return why;
}

const STATUS: Record<Exclude<UploadCode, 'client_gone'>, [number, ErrorCode]> = {
  bad_prefix: [400, 'bad_path'],
  bad_path: [400, 'bad_path'],
  bad_form: [400, 'bad_form'],
  is_directory: [409, 'is_directory'],
  disk_full: [507, 'disk_full'],
  write_failed: [500, 'agent_error'],
};

function refuse(ctx: AgentContext, ex: Exchange, f: Failure<UploadCode>): void {
  if (f.code === 'client_gone') return; // nobody left to answer
  const [status, code] = STATUS[f.code];
  const message = f.code === 'bad_prefix' ? f.message : `${f.message} (on ${ctx.config.name})`;
  // The body may still be arriving (it is drained unread): close rather than reuse the connection.
  sendError(ex.res, status, code, message, {}, { Connection: 'close' });
}
