import { randomBytes } from 'node:crypto';

/**
 * multipart/form-data framing for the orchestrator's upload, written around the file's bytes so
 * the file streams from disk: `path` first (the handler reads fields in order), then `file`.
 */
export interface MultipartFrame {
  contentType: string;
  head: Buffer;
  tail: Buffer;
}

/** RFC 7578 / WHATWG: `"`, CR and LF in a quoted parameter are percent-encoded. */
function quoteParam(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function multipartFrame(uploadPath: string, fileName: string, boundary = `----ringrift-sync-${randomBytes(12).toString('hex')}`): MultipartFrame {
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="path"\r\n\r\n${uploadPath}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoteParam(fileName)}"\r\n` +
    `Content-Type: application/octet-stream\r\n\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, head: Buffer.from(head, 'utf8'), tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8') };
}

/** Content-Length of the whole body for a file of `size` bytes. */
export function bodyLength(frame: MultipartFrame, size: number): number {
  return frame.head.length + size + frame.tail.length;
}
