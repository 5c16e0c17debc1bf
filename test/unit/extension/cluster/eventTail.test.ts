import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventTail, formatEvent } from '../../../../src/extension/cluster/eventTail';

describe('EventTail', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-tail-'));
    file = path.join(dir, 'events.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const line = (type: string, node: string) => JSON.stringify({ type, time: '2026-01-01T00:00:00Z', node }) + '\n';

  it('starts at the end of the file and returns only what is appended after', () => {
    fs.writeFileSync(file, line('NODE_REENABLED', 'old'));
    const tail = new EventTail(file);
    assert.deepEqual(tail.read(), []);
    fs.appendFileSync(file, line('NODE_DISABLED', 'a') + line('SYNC_COMPLETED', 'b'));
    assert.deepEqual(tail.read().map((e) => `${e.type} ${e.node}`), ['NODE_DISABLED a', 'SYNC_COMPLETED b']);
    assert.deepEqual(tail.read(), []);
  });

  it('waits for the rest of a half-written line, and skips lines that are not JSON', () => {
    const tail = new EventTail(file);
    const whole = line('NODE_DISABLED', 'a');
    fs.writeFileSync(file, 'garbage\n' + whole.slice(0, 10));
    assert.deepEqual(tail.read(), []);
    fs.appendFileSync(file, whole.slice(10));
    assert.deepEqual(tail.read().map((e) => e.node), ['a']);
  });

  it('starts over when the file was truncated or replaced', () => {
    fs.writeFileSync(file, line('A', 'x') + line('B', 'y'));
    const tail = new EventTail(file);
    fs.writeFileSync(file, line('C', 'z'));
    assert.deepEqual(tail.read().map((e) => e.node), ['z']);
  });

  it('formats an event as one log line with its extra fields', () => {
    assert.equal(
      formatEvent({ type: 'NODE_DISABLED', time: 't', node: 'gpu-3', reason: 'all_transports_exhausted', failedTransports: ['p2p', 'rsync'] }),
      'NODE_DISABLED gpu-3 reason=all_transports_exhausted failedTransports=["p2p","rsync"]',
    );
    assert.equal(formatEvent({ type: 'SYNC_STALLED', time: 't', node: 'n', transport: 'p2p', error: 'refused' }), 'SYNC_STALLED n p2p error=refused');
  });
});
