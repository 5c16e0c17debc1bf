import { resolveClusterToken } from '../../core/transports/http/orchestrator/token';

/**
 * The cluster token a window's session uses. The runbook's variables (RINGRIFT_CLUSTER_AUTH_TOKEN,
 * RINGRIFT_CLUSTER_AUTH_TOKEN_FILE) win, as every env var of the runbook wins over a setting; then
 * the token kept in VS Code's SecretStorage; then the reference agent's older RINGRIFT_AGENT_TOKEN.
 * Undefined: leave it to openSession's own lookup (which also reports an unreadable token file).
 */
export function chooseToken(env: NodeJS.ProcessEnv, stored: string | undefined): string | undefined {
  if (!stored) return undefined;
  const fromEnv = resolveClusterToken(env);
  const envWins = !fromEnv.ok || fromEnv.value.source === 'RINGRIFT_CLUSTER_AUTH_TOKEN' || fromEnv.value.source === 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE';
  return envWins ? undefined : stored;
}
