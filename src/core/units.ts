/** Human units for messages and tables, shared by every surface. */

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `41.2 Mbit/s`: link rates, as the doctor and the bench give them. */
export function formatBitRate(bytesPerS: number): string {
  return `${((bytesPerS * 8) / 1e6).toFixed(1)} Mbit/s`;
}
