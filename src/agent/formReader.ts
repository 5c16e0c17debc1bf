import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { describeError, fail, ok, type Failure, type Result } from '../core/result';
import type { Exchange } from './exchange';

/** The `path` field names the target, so it must arrive first: the file is streamed, not held. */
const LIMITS = { fields: 16, fieldSize: 64 * 1024, files: 1, parts: 32, headerPairs: 64 };

export type FormCode = 'bad_form' | 'client_gone';

/** What the caller does with the `file` part: stream it somewhere, and drop that if the form fails. */
export interface FileSink<T, C extends string> {
  take(formPath: string, file: Readable): Promise<Result<T, C>>;
  discard(taken: T): Promise<void>;
}

/**
 * Reads a multipart/form-data body with fields `path` then `file` (the orchestrator's
 * POST /files/upload form), handing the file part to `sink` as a stream. Settles once the whole
 * form was read or given up: when the sink refuses, the rest of the body is drained unread; when
 * the form breaks after the file was taken, the sink discards it. Never throws.
 */
export function readUploadForm<T, C extends string>(ex: Exchange, sink: FileSink<T, C>): Promise<UploadOutcome<T, C>> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: ex.req.headers, limits: LIMITS });
    } catch (err) {
      return resolve(fail('bad_form', `POST /files/upload: ${describeError(err)}; send multipart/form-data with fields 'path' then 'file'`));
    }
    const form: FormState<T, C> = { clientGone: false };
    const stop = (why: Failure<C | FormCode>) => {
      form.refusal ??= why;
      ex.req.unpipe(bb);
      ex.req.resume();
      bb.destroy();
    };
    watchParts(bb, form, sink, stop);
    // The response closes before we answer only when the connection is gone.
    const gone = () => {
      form.clientGone = true;
      bb.destroy(new Error('the client went away mid-upload'));
    };
    bb.once('close', () => void settle(ex, sink, form, gone).then(resolve));
    ex.res.once('close', gone);
    ex.req.once('error', gone);
    ex.req.pipe(bb);
  });
}

type UploadOutcome<T, C extends string> = Result<{ formPath: string; taken: T }, C | FormCode>;

/** What the form's events have told so far. */
interface FormState<T, C extends string> {
  formPath?: string;
  taking?: { formPath: string; result: Promise<Result<T, C>> };
  refusal?: Failure<C | FormCode>;
  broken?: Error;
  clientGone: boolean;
}

/** Notes the `path` field and hands the `file` part to the sink; `stop` gives up on the form. */
function watchParts<T, C extends string>(bb: busboy.Busboy, form: FormState<T, C>, sink: FileSink<T, C>, stop: (why: Failure<C | FormCode>) => void): void {
  bb.on('field', (name, value, info) => {
    if (name !== 'path') return;
    if (info.valueTruncated) return stop(fail('bad_form', `POST /files/upload: the 'path' field is longer than ${LIMITS.fieldSize} bytes`));
    form.formPath = value;
  });
  bb.on('file', (name, file) => {
    // Destroying the form errors its open file stream; the sink reads errors through its pipeline.
    file.on('error', () => undefined);
    if (name !== 'file' || form.taking) return void file.resume();
    if (form.formPath === undefined) {
      file.resume();
      return stop(fail('bad_form', "POST /files/upload: the 'path' field must come before the 'file' part (the file is streamed to its place)"));
    }
    form.taking = { formPath: form.formPath, result: sink.take(form.formPath, file) };
    void form.taking.result.then((r) => (r.ok ? undefined : stop(r)));
  });
  bb.on('error', (err: Error) => (form.broken ??= err));
}

/** Once the form closed: waits for the sink, and discards what it took when the form failed anyway. */
async function settle<T, C extends string>(ex: Exchange, sink: FileSink<T, C>, form: FormState<T, C>, gone: () => void): Promise<UploadOutcome<T, C>> {
  ex.res.off('close', gone);
  const taken = form.taking ? await form.taking.result : undefined;
  const r = outcome(form, taken);
  if (!r.ok && taken?.ok) await sink.discard(taken.value);
  return r;
}

function outcome<T, C extends string>(form: FormState<T, C>, taken: Result<T, C> | undefined): UploadOutcome<T, C> {
  if (form.clientGone) return fail('client_gone', 'the client went away mid-upload');
  if (form.refusal) return form.refusal;
  if (form.broken) return fail('bad_form', `POST /files/upload: the form is broken (${describeError(form.broken)})`);
  if (form.taking === undefined || taken === undefined) return fail('bad_form', "POST /files/upload: the form has no 'file' part; send fields 'path' then 'file'");
  return taken.ok ? ok({ formPath: form.taking.formPath, taken: taken.value }) : taken;
}
