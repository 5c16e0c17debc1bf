import type { StoredToken } from '../cluster/storedToken';
import type { CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/** Set or clear the cluster token kept in SecretStorage; the next command's session uses it. */
export function tokenCommands(deps: CommandDeps, stored: StoredToken) {
  const changed = (message: string) => {
    deps.store.service.invalidate();
    deps.log.info(message);
    void deps.ui().info(`RingRift Sync: ${message}`);
  };
  return {
    [COMMAND_IDS.setClusterToken]: async () => {
      const token = (await deps.ui().askSecret(
        'RingRift Sync: cluster token',
        'The RingRift cluster token (RINGRIFT_CLUSTER_AUTH_TOKEN) the nodes\' orchestrators expect. Kept in VS Code\'s secret storage, never in settings.',
      ))?.trim();
      if (!token) return undefined;
      await stored.set(token);
      changed('cluster token saved in secret storage; RINGRIFT_CLUSTER_AUTH_TOKEN or _FILE in the environment still win');
      return true;
    },
    [COMMAND_IDS.clearClusterToken]: async () => {
      await stored.clear();
      changed('cluster token removed from secret storage');
      return true;
    },
  } satisfies HandlersOf<unknown>;
}
