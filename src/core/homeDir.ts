import * as os from 'node:os';

/** The home directory under `env` (the product's env, not necessarily this process's): $HOME, else the account's. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}
