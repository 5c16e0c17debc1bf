import * as fs from 'node:fs';
import { describeError, fail, ok, type Result } from '../../../result';

/**
 * The cluster token, looked up as RingRift's orchestrator looks up its own (p2p_orchestrator.py
 * 1632-1647: --auth-token, then RINGRIFT_CLUSTER_AUTH_TOKEN, then the file named by
 * RINGRIFT_CLUSTER_AUTH_TOKEN_FILE, each trimmed), with our `--token-file` flag in the place of
 * --auth-token and RINGRIFT_AGENT_TOKEN (the reference agent's older variable) last.
 */
type TokenSource = '--token-file' | 'RINGRIFT_CLUSTER_AUTH_TOKEN' | 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE' | 'RINGRIFT_AGENT_TOKEN';

export interface ClusterToken {
  token?: string;
  source?: TokenSource;
}

function readTokenFile(file: string, from: TokenSource): Result<string, 'token_file_unreadable'> {
  try {
    return ok(fs.readFileSync(file, 'utf8').trim());
  } catch (err) {
    return fail('token_file_unreadable', `cannot read the cluster token file ${file} (${from}): ${describeError(err)}`);
  }
}

export function resolveClusterToken(env: NodeJS.ProcessEnv, tokenFileFlag?: string): Result<ClusterToken, 'token_file_unreadable'> {
  const found = (token: string, source: TokenSource): Result<ClusterToken, never> => ok(token ? { token, source } : {});
  if (tokenFileFlag) {
    const t = readTokenFile(tokenFileFlag, '--token-file');
    return t.ok ? found(t.value, '--token-file') : t;
  }
  const fromEnv = (env.RINGRIFT_CLUSTER_AUTH_TOKEN ?? '').trim();
  if (fromEnv) return found(fromEnv, 'RINGRIFT_CLUSTER_AUTH_TOKEN');
  const file = (env.RINGRIFT_CLUSTER_AUTH_TOKEN_FILE ?? '').trim();
  if (file) {
    const t = readTokenFile(file, 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE');
    if (!t.ok) return t;
    if (t.value) return found(t.value, 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE');
  }
  return found((env.RINGRIFT_AGENT_TOKEN ?? '').trim(), 'RINGRIFT_AGENT_TOKEN');
}

/** What to tell an operator whose token was refused or missing (doctor fix, failure messages). */
export const SET_TOKEN_HINT =
  "set RINGRIFT_CLUSTER_AUTH_TOKEN (or RINGRIFT_CLUSTER_AUTH_TOKEN_FILE), pass --token-file FILE, or in VS Code run 'RingRift Sync: Set Cluster Token'";
