import { isMap } from 'yaml';
import { judge } from './checkValue';
import { HOSTS_FILE_SPEC } from './fields';
import type { MapSpec } from './fieldSpec';
import type { ClusterSettings } from './nodeSpec';
import { deref, mapEntries } from './yamlValues';
import type { ParsedYaml } from './yamlDocument';

/**
 * Cluster-wide settings from `auto_sync:`. Bad values were reported by checkTree; here they are
 * simply not used.
 */
const AUTO_SYNC = HOSTS_FILE_SPEC.fields.auto_sync as MapSpec;
const OVERRIDES = AUTO_SYNC.fields.host_bandwidth_overrides as MapSpec;

export const EMPTY_SETTINGS: ClusterSettings = { maxConcurrentSyncs: undefined, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] };

export function readSettings(autoSyncRaw: unknown, y: ParsedYaml): ClusterSettings {
  const node = deref(autoSyncRaw, y);
  if (!isMap(node)) return { ...EMPTY_SETTINGS, hostBandwidthOverrides: [] };
  const fields = mapEntries(node, y);
  const value = (name: string): number | undefined => {
    const v = judge(fields.get(name)?.value, AUTO_SYNC.fields[name], y);
    return v.ok ? (v.value as number | undefined) : undefined;
  };
  const hostBandwidthOverrides: ClusterSettings['hostBandwidthOverrides'] = [];
  const overrides = deref(fields.get('host_bandwidth_overrides')?.value, y);
  if (isMap(overrides)) {
    for (const [glob, entry] of mapEntries(overrides, y)) {
      const mbps = judge(entry.value, OVERRIDES.values!, y, false);
      if (mbps.ok) hostBandwidthOverrides.push({ glob, mbps: mbps.value as number });
    }
  }
  return { maxConcurrentSyncs: value('max_concurrent_syncs'), bandwidthLimitMbps: value('bandwidth_limit_mbps'), hostBandwidthOverrides };
}

const globCache = new Map<string, RegExp>();

/** Shell-style glob over the whole name: `*` any run of characters, `?` one; nothing else is special. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
    re = new RegExp(`^${body}$`, 's');
    if (globCache.size < 1000) globCache.set(glob, re);
  }
  return re;
}

/** Mbit/s for a node: the first matching override, else the cluster limit, else undefined (no cap). */
export function bandwidthFor(name: string, settings: ClusterSettings): number | undefined {
  for (const { glob, mbps } of settings.hostBandwidthOverrides) {
    if (globToRegExp(glob).test(name)) return mbps;
  }
  return settings.bandwidthLimitMbps;
}
