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
export function readUploadForm<T, C extends string>(ex: Exchange, sink: FileSink<T, C>): Promise<Result<{ formPath: string; taken: T }, C | FormCode>> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: ex.req.headers, limits: LIMITS });
    } catch (err) {
      return resolve(fail('bad_form', `POST /files/upload: ${describeError(err)}; send multipart/form-data with fields 'path' then 'file'`));
    }
    let formPath: string | undefined;
    let taking: { formPath: string; result: Promise<Result<T, C>> } | undefined;
    let refusal: Failure<C | FormCode> | undefined;
    let broken: Error | undefined;
    let clientGone = false;
    const stop = (why: Failure<C | FormCode>) => {
      refusal ??= why;
      ex.req.unpipe(bb);
      ex.req.resume();
      bb.destroy();
    };
    bb.on('field', (name, value, info) => {
      if (name !== 'path') return;
      if (info.valueTruncated) return stop(fail('bad_form', `POST /files/upload: the 'path' field is longer than ${LIMITS.fieldSize} bytes`));
      formPath = value;
    });
    bb.on('file', (name, file) => {
      // Destroying the form errors its open file stream; the sink reads errors through its pipeline.
      file.on('error', () => undefined);
      if (name !== 'file' || taking) return void file.resume();
      if (formPath === undefined) {
        file.resume();
        return stop(fail('bad_form', "POST /files/upload: the 'path' field must come before the 'file' part (the file is streamed to its place)"));
      }
      taking = { formPath, result: sink.take(formPath, file) };
      void taking.result.then((r) => (r.ok ? undefined : stop(r)));
    });
    bb.on('error', (err: Error) => (broken ??= err));
    bb.once('close', () => void settle().then(resolve));
    // The response closes before we answer only when the connection is gone.
    const gone = () => {
      clientGone = true;
      bb.destroy(new Error('the client went away mid-upload'));
    };
    ex.res.once('close', gone);
    ex.req.once('error', gone);
    ex.req.pipe(bb);

    type Outcome = Result<{ formPath: string; taken: T }, C | FormCode>;
    function outcome(taken: Result<T, C> | undefined): Outcome {
      if (clientGone) return fail('client_gone', 'the client went away mid-upload');
      if (refusal) return refusal;
      if (broken) return fail('bad_form', `POST /files/upload: the form is broken (${describeError(broken)})`);
      if (taking === undefined || taken === undefined) return fail('bad_form', "POST /files/upload: the form has no 'file' part; send fields 'path' then 'file'");
      return taken.ok ? ok({ formPath: taking.formPath, taken: taken.value }) : taken;
    }

    async function settle(): Promise<Outcome> {
      ex.res.off('close', gone);
      const taken = taking ? await taking.result : undefined;
      const r = outcome(taken);
      if (!r.ok && taken?.ok) await sink.discard(taken.value);
      return r;
    }
  });
}
