import { parentPort } from 'node:worker_threads';
import { parseHostsBytes } from '../../core/hosts';
import { partsOf, type ParseReply, type ParseRequest } from './parseProtocol';

/**
 * The worker thread's entry (bundled as dist/hostsParseWorker.js): parses one hosts file, then
 * hands the answer over one part per 'next' (see parseProtocol.ts), and ends.
 */
const port = parentPort!;
port.once('message', (request: ParseRequest) => {
  const parts = partsOf(parseHostsBytes(request.bytes, request.fileName, request.options));
  const send = () => port.postMessage(parts.shift() satisfies ParseReply | undefined);
  port.on('message', send);
  send();
});
