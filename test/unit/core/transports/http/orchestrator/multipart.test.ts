import { strict as assert } from 'node:assert';
import { bodyLength, multipartFrame } from '../../../../../../src/core/transports/http/orchestrator/multipart';

describe('orchestrator/multipart: framing around the streamed file', () => {
  it('path first, then file, closed by the final boundary', () => {
    const f = multipartFrame('data/a/f.npz', 'f.npz', 'B');
    assert.equal(f.contentType, 'multipart/form-data; boundary=B');
    assert.equal(
      f.head.toString(),
      '--B\r\nContent-Disposition: form-data; name="path"\r\n\r\ndata/a/f.npz\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="f.npz"\r\nContent-Type: application/octet-stream\r\n\r\n',
    );
    assert.equal(f.tail.toString(), '\r\n--B--\r\n');
    assert.equal(bodyLength(f, 10), f.head.length + 10 + f.tail.length);
  });

  it('quotes a file name with quotes or line breaks, and draws a fresh boundary each time', () => {
    assert.match(multipartFrame('data/x', 'a"b\r\nc.npz', 'B').head.toString(), /filename="a%22b%0D%0Ac\.npz"/);
    assert.notEqual(multipartFrame('data/x', 'x').contentType, multipartFrame('data/x', 'x').contentType);
  });
});
