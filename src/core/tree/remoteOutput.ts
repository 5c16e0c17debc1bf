import { fail, ok, type Result } from '../result';

/** Reading what the remote scripts print (remoteScripts.ts). Pure. */

/** What the node holds under one name of the tree. */
export type RemoteStat = { kind: 'missing' } | { kind: 'other' } | { kind: 'file'; size: number; mtimeS: number };

/** inspectScript's answers after `listed`, one per name sent; a message when they do not add up. */
export function parseInspect(stdout: string, count: number): Result<RemoteStat[], 'remote_error'> {
  const at = stdout.indexOf('listed\n');
  if (at < 0) return fail('remote_error', 'the listing did not start');
  const lines = stdout.slice(at + 'listed\n'.length).split('\n');
  const out: RemoteStat[] = [];
  let batch: RemoteStat[] = [];
  let pendingFiles: Array<{ kind: 'file'; size: number; mtimeS: number }> = [];
  let mode: 'answers' | 'stats' = 'answers';
  for (const line of lines) {
    if (line === 'b') {
      out.push(...batch);
      batch = [];
      pendingFiles = [];
      mode = 'answers';
    } else if (line === 's') {
      mode = 'stats';
    } else if (mode === 'answers' && (line === '-' || line === 'd' || line === 'f')) {
      const stat: RemoteStat = line === '-' ? { kind: 'missing' } : line === 'd' ? { kind: 'other' } : { kind: 'file', size: -1, mtimeS: -1 };
      batch.push(stat);
      if (stat.kind === 'file') pendingFiles.push(stat);
    } else if (mode === 'stats' && /^\d+\/-?\d+$/.test(line)) {
      const f = pendingFiles.shift();
      if (!f) return fail('remote_error', 'more stat lines than files');
      [f.size, f.mtimeS] = line.split('/').map(Number);
    }
  }
  out.push(...batch);
  if (out.length !== count) return fail('remote_error', `the node answered for ${out.length} of ${count} names`);
  if (out.some((s) => s.kind === 'file' && s.size < 0)) return fail('remote_error', 'the node could not stat every file it listed');
  return ok(out);
}

/** The forms a hashing tool may print a name in: as is, or escaped (GNU coreutils, shasum) with the line marked `\`. */
function escaped(name: string, cr: boolean): string {
  const s = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return cr ? s.replace(/\r/g, '\\r') : s;
}

/**
 * hashScript's output for `names` (sent as `./name`, in this order): their sha256s. A file the tool
 * could not read prints no line: parsing stops there, and the result says which name.
 */
export function parseHashes(stdout: string, names: string[]): Result<string[], 'verify_failed'> {
  const hashes: string[] = [];
  let p = 0;
  for (const rel of names) {
    const marked = stdout[p] === '\\';
    const start = marked ? p + 1 : p;
    const hex = stdout.slice(start, start + 64);
    const sep = stdout.slice(start + 64, start + 66);
    if (!/^[0-9a-f]{64}$/.test(hex) || (sep !== '  ' && sep !== ' *')) return fail('verify_failed', `no sha256 for ${JSON.stringify(rel)}`);
    const rest = start + 66;
    const forms = marked ? [escaped(`./${rel}`, true), escaped(`./${rel}`, false)] : [`./${rel}`];
    const form = forms.find((f) => stdout.startsWith(`${f}\n`, rest));
    if (form === undefined) return fail('verify_failed', `the sha256 line for ${JSON.stringify(rel)} names another file`);
    hashes.push(hex);
    p = rest + form.length + 1;
  }
  return ok(hashes);
}
