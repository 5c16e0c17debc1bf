import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { Result } from '../../result';
import { localSha256 } from '../cellHashCache';
import { agentRequest, type AgentEndpoint, type AgentReply, type RequestFailure } from './agentRequest';

/** Read size for the body: large reads keep syscalls and event-loop turns per MiB low. */
const READ_CHUNK = 1 << 20;
/** Buffers of READ_CHUNK bytes that take turns: enough to keep the socket busy while one is read. */
const SEND_BUFFERS = 4;

export interface UploadPlan {
  file: string;
  urlPath: string;
  size: number;
  /** Resume point: bytes [offset, size) are sent. */
  offset: number;
  /**
   * The whole file's sha256 when known: sent as the X-Sha256 header. Unknown: computed while the
   * bytes go out, and sent as an X-Sha256 trailer, so hashing adds no wait: from offset 0, of the
   * very buffers sent (no second read of the file); on a resume, on a worker thread that reads the
   * whole file while the rest goes out.
   */
  sha256?: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
}

export interface UploadOutcome {
  reply: Result<AgentReply, RequestFailure>;
  /** The sha256 computed while sending (when the plan had none and every byte went out). */
  sha256?: string;
}

/** Waits until the request can take more bytes, or is gone. */
function drained(req: http.ClientRequest): Promise<void> {
  // Gone already: its 'close' has fired, and waiting for it would never end (nor close the file).
  if (req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** Buffers streamRange reads into, in turn; a caller sending many ranges passes the same ones each time. */
export const sendBuffers = (count = SEND_BUFFERS, bytes = READ_CHUNK): Buffer[] => Array.from({ length: count }, () => Buffer.allocUnsafe(bytes));

/** What a caller of streamRange may add: a hash fed every byte sent, the buffers to read into. */
export interface RangeSending {
  hash?: Hash;
  buffers?: Buffer[];
}

/**
 * Writes bytes [offset, size) of `file` into the request without ending it; false when the request
 * went away first. Shared with the orchestrator's multipart upload, which frames these bytes, and
 * the ranged upload, which hashes them on the way.
 */
export async function streamRange(req: http.ClientRequest, file: string, offset: number, size: number, touch: () => void, sent: (n: number) => void, extra: RangeSending = {}): Promise<boolean> {
  let read = 0;
  if (offset < size) {
    // A few reused buffers instead of a stream's fresh buffer per read: a buffer is refilled only
    // after its previous write reached the socket, so memory stays flat however large the file.
    const buffers = extra.buffers ?? sendBuffers();
    const inFlight: Array<Promise<void> | undefined> = new Array(buffers.length);
    const gone = new Promise<void>((resolve) => req.once('close', resolve));
    const fh = await fs.promises.open(file, 'r');
    try {
      for (let slot = 0; offset + read < size; slot = (slot + 1) % buffers.length) {
        await Promise.race([inFlight[slot], gone]);
        if (req.destroyed) return false;
        const { bytesRead } = await fh.read(buffers[slot], 0, Math.min(buffers[slot].length, size - offset - read), offset + read);
        if (bytesRead === 0) break;
        if (req.destroyed) return false; // went away during the read
        read += bytesRead;
        extra.hash?.update(buffers[slot].subarray(0, bytesRead));
        let more = true;
        inFlight[slot] = new Promise<void>((resolve) => {
          more = req.write(buffers[slot].subarray(0, bytesRead), (err) => {
            if (!err) {
              sent(bytesRead);
              touch();
            }
            resolve();
          });
        });
        if (!more) await drained(req);
      }
      await Promise.race([Promise.all(inFlight), gone]);
    } finally {
      await fh.close();
    }
  }
  if (read !== size - offset) throw new Error(`${file} changed size while being sent (${offset + read} of ${size} bytes); push it again`);
  return !req.destroyed;
}

/** How the whole file's sha256 is computed while it is sent (UploadPlan.sha256). */
type Hashing = { of: 'sent'; hash: Hash } | { of: 'worker'; done: Promise<Result<string>> } | undefined;

/**
 * Streams bytes [offset, size) into the request; ends it with the X-Sha256 trailer when the hash
 * is computed on the way.
 */
async function streamFile(req: http.ClientRequest, plan: UploadPlan, hashing: Hashing, touch: () => void, sent: (n: number) => void): Promise<string | undefined> {
  const extra = hashing?.of === 'sent' ? { hash: hashing.hash } : {};
  if (!(await streamRange(req, plan.file, plan.offset, plan.size, touch, sent, extra))) return undefined;
  let digest: string | undefined;
  if (hashing?.of === 'sent') digest = hashing.hash.digest('hex');
  if (hashing?.of === 'worker') {
    const r = await hashing.done;
    if (!r.ok) throw new Error(r.message);
    digest = r.value;
  }
  if (digest) req.addTrailers({ 'X-Sha256': digest });
  if (!req.destroyed) req.end();
  return digest;
}

/**
 * From offset 0, the hash of the buffers sent: measured on loopback (2 cores shared with the
 * agent), 256 MiB went at 1.02x curl's rate this way and at 0.80-0.99x with a worker re-reading
 * the file (client CPU 260 vs 300-350 ms). A resume sends only the tail: a worker reads it all.
 */
function hashingFor(plan: UploadPlan, signal: AbortSignal): Hashing {
  if (plan.sha256) return undefined;
  return plan.offset === 0 ? { of: 'sent', hash: createHash('sha256') } : { of: 'worker', done: localSha256(plan.file, signal) };
}

/** One PUT of bytes [offset, size) of a file, streamed, never buffered whole. */
export async function uploadOnce(ep: AgentEndpoint, plan: UploadPlan, sent: (n: number) => void, signal: AbortSignal): Promise<UploadOutcome> {
  const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'X-Total-Size': plan.size, 'X-Offset': plan.offset };
  // A trailer needs chunked encoding; with the hash known, a plain Content-Length body.
  if (plan.sha256) Object.assign(headers, { 'Content-Length': plan.size - plan.offset, 'X-Sha256': plan.sha256 });
  else headers.Trailer = 'X-Sha256';
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const hashing = hashingFor(plan, stop.signal);
  let computed: string | undefined;
  try {
    const reply = await agentRequest(ep, {
      method: 'PUT',
      path: plan.urlPath,
      headers,
      connectTimeoutMs: plan.connectTimeoutMs,
      idleTimeoutMs: plan.idleTimeoutMs,
      sendBody: async (req, touch) => {
        computed = await streamFile(req, plan, hashing, touch, sent);
      },
    }, signal);
    return { reply, sha256: computed };
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort(); // a push that ended early needs its hashing thread no more
  }
}
