import type { CliIO } from './command';

/**
 * Asks for an SSH key passphrase on the terminal, without echo. Without a terminal (CI, pipes)
 * there is nobody to ask: the key is skipped and the SSH error says so.
 */
export async function askPassphrase(keyPath: string, io: CliIO): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY || io.signal.aborted) return undefined;
  io.stderr(`Passphrase for ${keyPath}: `);
  return new Promise((resolve) => {
    let text = '';
    const done = (value: string | undefined) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(text);
        if (ch === '\u0003' || ch === '\u0004') return done(undefined);
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
