import { strict as assert } from 'node:assert';
import { checkUploadLimits, limitOfReply, MAX_FILE_SIZE } from '../../../../../../src/core/transports/http/orchestrator/limits';

const target = (rel: string) => ({ dir: 'data' as const, rel, uploadPath: `data/${rel}` });

describe('orchestrator/limits: the upload limits of the real orchestrator', () => {
  it('accepts its allowlisted extensions, in any case, up to 500 MiB exactly', () => {
    for (const ext of ['pth', 'pt', 'onnx', 'db', 'sqlite', 'sqlite3', 'npz', 'npy', 'json', 'yaml', 'YML']) {
      assert.equal(checkUploadLimits(target(`a/f.${ext}`), 1), undefined, ext);
    }
    assert.equal(checkUploadLimits(target('f.npz'), MAX_FILE_SIZE), undefined);
  });

  it('names each limit', () => {
    assert.equal(checkUploadLimits(target('f.exe'), 1)?.limit, 'extension_not_allowed');
    assert.match(checkUploadLimits(target('.npz'), 1)!.why, /extension '\(none\)'/);
    assert.equal(checkUploadLimits(target('f.npz'), MAX_FILE_SIZE + 1)?.limit, 'file_too_large');
    assert.equal(checkUploadLimits(target('f.npz'), 0)?.limit, 'empty_file');
  });

  it('reads the limits out of its answers', () => {
    assert.equal(limitOfReply(413, {}, 'File too large (max 500 MB)')?.limit, 'file_too_large');
    assert.equal(limitOfReply(503, { 'x-handler-timeout': '120.0' }, 'Handler timeout')?.limit, 'handler_timeout');
    assert.equal(limitOfReply(503, {}, 'busy'), undefined);
    assert.equal(limitOfReply(400, {}, "Path must start with 'models/' or 'data/'")?.limit, 'outside_prefixes');
    assert.equal(limitOfReply(400, {}, 'File type not allowed: .exe')?.limit, 'extension_not_allowed');
    assert.equal(limitOfReply(400, {}, 'Path traversal not allowed')?.limit, 'path_traversal');
    assert.equal(limitOfReply(400, {}, 'Invalid multipart request: x'), undefined);
    assert.equal(limitOfReply(401, {}, 'unauthorized'), undefined);
  });
});
