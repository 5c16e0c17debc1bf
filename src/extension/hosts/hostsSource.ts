import * as path from 'node:path';
import { HOSTS_FILE_CANDIDATES, loadHostsFile, locateHostsFile, parseHostsBytes, type HostsBytesParser } from '../../core/hosts';
import type { HostsState } from './hostsState';

/** What decides where the hosts file is; read fresh on every load (settings and folders change). */
export interface HostsLookupInputs {
  /** `ringriftSync.hostsFile`; relative paths are taken from the first workspace folder. */
  setting: string | undefined;
  /** Absolute paths of the workspace folders, in order. */
  folders: string[];
  env: NodeJS.ProcessEnv;
}

/** Finds the hosts file: the setting, else each folder in DESIGN.md's lookup order. */
export function findHostsFile(inputs: HostsLookupInputs): { ok: true; file: string } | { ok: false; message: string } {
  const setting = inputs.setting?.trim();
  if (setting) {
    const base = inputs.folders[0];
    if (!path.isAbsolute(setting) && !base) {
      return { ok: false, message: `ringriftSync.hostsFile is the relative path '${setting}' but no folder is open: use an absolute path or open a folder.` };
    }
    return { ok: true, file: path.isAbsolute(setting) ? setting : path.join(base!, setting) };
  }
  for (const cwd of inputs.folders) {
    const found = locateHostsFile({ env: inputs.env, cwd });
    if (found.ok) return { ok: true, file: found.value };
    // $RINGRIFT_HOSTS_FILE names a missing file: that, not the folders, is what to fix.
    if (inputs.env.RINGRIFT_HOSTS_FILE) return { ok: false, message: `${found.message}, or set ringriftSync.hostsFile.` };
  }
  const where = inputs.folders.length > 0 ? inputs.folders.join(', ') : 'no open folder';
  return {
    ok: false,
    message:
      `No distributed_hosts.yaml in ${where} (looked for ${HOSTS_FILE_CANDIDATES.join(', ')}). ` +
      `Open the cluster's folder, or set ringriftSync.hostsFile.`,
  };
}

/** Locates and loads the hosts file; never throws. `parse`: the extension's parses big files off its thread. */
export async function loadHostsState(inputs: HostsLookupInputs, parse: HostsBytesParser = parseHostsBytes): Promise<HostsState> {
  const found = findHostsFile(inputs);
  if (!found.ok) return { kind: 'not_found', message: found.message };
  const loaded = await loadHostsFile(found.file, {}, parse);
  if (!loaded.ok) return { kind: 'unreadable', file: found.file, message: loaded.message };
  return { kind: 'loaded', file: found.file, hosts: loaded.value };
}
