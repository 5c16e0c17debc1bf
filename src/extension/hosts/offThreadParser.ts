import { Worker } from 'node:worker_threads';
import { parseHostsBytes, type HostsBytesParser, type HostsFile } from '../../core/hosts';
import { describeError } from '../../core/result';
import { PartsCollector, type ParseReply, type ParseRequest } from './parseProtocol';

/**
 * parseHostsBytes on a worker thread for a big hosts file: 5,000 hosts take ~0.6 s of CPU to parse,
 * and tens of ms to check and decode, which on the extension host's thread would freeze every
 * extension's editing help. The bytes go over, not the text: a copy of them is a memcpy. A smaller
 * file is parsed right here (a worker costs more to start than it saves). Should the worker fail
 * to start or die, the file is parsed here after all, and `onFallback` says why.
 */
const OFF_THREAD_MIN_BYTES = 256 * 1024;

export function offThreadParser(workerFile: string, onFallback: (why: string) => void): HostsBytesParser {
  return async (bytes, fileName, options) => {
    if (bytes.length < OFF_THREAD_MIN_BYTES) return parseHostsBytes(bytes, fileName, options);
    try {
      return await parseOnWorker(workerFile, { bytes, fileName, options });
    } catch (err) {
      onFallback(`parsing ${fileName} on a worker thread failed (${describeError(err)}); parsed on the extension host instead`);
      return parseHostsBytes(bytes, fileName, options);
    }
  };
}

function parseOnWorker(workerFile: string, request: ParseRequest): Promise<HostsFile> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile);
    const collector = new PartsCollector();
    const finish = (outcome: () => void) => {
      worker.removeAllListeners();
      worker.on('error', () => undefined); // nothing more is waited for
      void worker.terminate();
      outcome();
    };
    worker.on('message', (reply: ParseReply) => {
      const file = collector.add(reply);
      if (file) finish(() => resolve(file));
      // The next part after a turn of the event loop: timers and input run between parts.
      else setImmediate(() => worker.postMessage('next'));
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the worker exited (${code}) before answering`))));
    worker.postMessage(request);
  });
}
